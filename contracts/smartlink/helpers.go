package smartlink

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// API is the spec these scenarios check responses against.
const API = "smartlink"

// base is the path of the API under the target's base URL.
const base = "/api/workflow"

// keyed returns e sending key as the x-api-key of every request.
func keyed(e *httpexpect.Expect, key string) *httpexpect.Expect {
	return e.Builder(func(r *httpexpect.Request) { r.WithHeader("x-api-key", key) })
}

// refused checks a refusal: the status and the body {error} with the
// text given ("" for any).
func refused(r *httpexpect.Response, status int, text string) *httpexpect.Object {
	obj := r.Status(status).JSON().Object()
	if text != "" {
		obj.HasValue("error", text)
	} else {
		obj.Value("error").String().NotEmpty()
	}
	return obj
}

// ok checks a 200 answer with a JSON object and returns it.
func ok(r *httpexpect.Response) *httpexpect.Object {
	return r.Status(http.StatusOK).JSON().Object()
}

// list checks a 200 answer with a JSON array and returns it.
func list(r *httpexpect.Response) *httpexpect.Array {
	return r.Status(http.StatusOK).JSON().Array()
}

func appPath(clientID string) string { return base + "/app/" + url.PathEscape(clientID) }
func folderPath(id int64) string     { return base + "/folder/" + strconv.FormatInt(id, 10) }
func memberPath(id int64) string     { return base + "/membership/" + strconv.FormatInt(id, 10) }

// num returns field of obj as an int64.
func num(obj *httpexpect.Object, field string) int64 {
	return int64(obj.Value(field).Number().Raw())
}

// ids returns the values of field of every object of arr, as strings
// (numbers in decimal), in order.
func ids(arr *httpexpect.Array, field string) []string {
	var out []string
	for _, v := range arr.Iter() {
		out = append(out, idOf(v.Object().Value(field).Raw()))
	}
	return out
}

// idOf formats an id decoded from JSON (a float64 or a string).
func idOf(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatInt(int64(x), 10)
	case string:
		return x
	}
	return ""
}

// records are what a scenario created as one organisation, to delete at
// the end.
type records struct {
	key     string
	apps    []string
	folders []int64 // in creation order: children after their parents
	members []int64
}

// cleanup is the cleanup step of a scenario: it deletes what each set of
// records names, folders children first. Answers are not checked: a step
// may already have deleted a record, and a failed scenario may have left
// anything anywhere.
func cleanup(s *contracts.S, sets ...*records) {
	s.Cleanup("delete the scenario's records", func(e *httpexpect.Expect) {
		for _, r := range sets {
			if r.key == "" {
				continue
			}
			as := keyed(e, r.key)
			for _, id := range r.apps {
				as.DELETE(appPath(id)).Expect()
			}
			for i := len(r.folders) - 1; i >= 0; i-- {
				as.DELETE(folderPath(r.folders[i])).Expect()
			}
			for _, id := range r.members {
				as.DELETE(memberPath(id)).Expect()
			}
		}
	})
}

// member is the body of a new membership named after tag, unique to the
// run.
func member(tag string, admin bool) map[string]any {
	return map[string]any{
		"firstName": "Ada", "name": tag, "email": tag + "@example.com", "phone": "+33100000000", "isAdmin": admin,
	}
}
