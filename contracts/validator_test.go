package contracts

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gavv/httpexpect/v2"
	"github.com/getkin/kin-openapi/openapi3"
)

// exchange sends one request through a validating transport in front of
// the pet store and returns the response body and the violations.
func exchange(t *testing.T, fault, method, url string) (string, []Violation) {
	t.Helper()
	v, err := NewValidator(petsSpec(t))
	if err != nil {
		t.Fatalf("NewValidator: %v", err)
	}
	var got []Violation
	client := &http.Client{Transport: v.Transport(httpexpect.NewBinder(newPetStore(fault)), petsPrefix, func(x Violation) {
		got = append(got, x)
	})}
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read restored body: %v", err)
	}
	return string(body), got
}

func TestValidatorTransport(t *testing.T) {
	manyTags := []string{}
	for i := range maxSchemaViolations {
		manyTags = append(manyTags, "GET /pets/1 -> 200 (getPet): response body /tags/"+string(rune('0'+i))+": value must be a string")
	}
	manyTags = append(manyTags, "GET /pets/1 -> 200 (getPet): response body: 2 more schema errors not shown")

	tests := []struct {
		name, fault, method, url string
		want                     []string // Violation.String() of each
	}{
		{
			name: "conforming", method: "GET", url: "http://pets.test/api/pets/1",
		},
		{
			name: "declared error status", method: "GET", url: "http://pets.test/api/pets/7",
		},
		{
			name: "wrong field type", fault: faultWrongType, method: "GET", url: "http://pets.test/api/pets/1",
			want: []string{"GET /pets/1 -> 200 (getPet): response body /id: value must be an integer"},
		},
		{
			name: "missing required field", fault: faultMissingField, method: "GET", url: "http://pets.test/api/pets/1",
			want: []string{`GET /pets/1 -> 200 (getPet): response body /name: property "name" is missing`},
		},
		{
			name: "undeclared status", fault: faultUndeclaredStatus, method: "GET", url: "http://pets.test/api/pets/1",
			want: []string{"GET /pets/1 -> 418 (getPet): status is not declared for this operation"},
		},
		{
			name: "wrong content type", fault: faultWrongContentType, method: "GET", url: "http://pets.test/api/pets/1",
			want: []string{`GET /pets/1 -> 200 (getPet): response header Content-Type has unexpected value: "text/plain; charset=utf-8"`},
		},
		{
			name: "schema errors are capped", fault: faultManyErrors, method: "GET", url: "http://pets.test/api/pets/1",
			want: manyTags,
		},
		{
			name: "undeclared status of another operation", method: "DELETE", url: "http://pets.test/api/pets/7",
			want: []string{"DELETE /pets/7 -> 404 (deletePet): status is not declared for this operation"},
		},
		{
			name: "unknown path", method: "GET", url: "http://pets.test/api/owners/1",
			want: []string{"GET /owners/1 -> 404: operation not in spec: no path matches"},
		},
		{
			name: "unknown method", method: "PUT", url: "http://pets.test/api/pets/1",
			want: []string{"PUT /pets/1 -> 405: operation not in spec: the path declares no PUT operation"},
		},
		{
			name: "outside the API root", method: "GET", url: "http://pets.test/apix/pets/1",
			want: []string{`GET /apix/pets/1 -> 404: operation not in spec: request is outside the API root "/api"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := exchange(t, tt.fault, tt.method, tt.url)
			var msgs []string
			for _, v := range got {
				msgs = append(msgs, v.String())
			}
			if !slices.Equal(msgs, tt.want) {
				t.Errorf("violations:\n got %q\nwant %q", msgs, tt.want)
			}
		})
	}
}

func TestValidatorRestoresBody(t *testing.T) {
	body, got := exchange(t, faultWrongType, "GET", "http://pets.test/api/pets/1")
	if want := `{"id":"1","name":"Rex"}` + "\n"; body != want {
		t.Errorf("body after validation = %q, want %q", body, want)
	}
	if len(got) != 1 {
		t.Fatalf("got %d violations, want 1", len(got))
	}
	want := Violation{Method: "GET", Path: "/pets/1", Status: 200, Operation: "getPet", Message: "response body /id: value must be an integer", Pointer: "/id", Rule: "type"}
	if got[0] != want {
		t.Errorf("violation = %+v, want %+v", got[0], want)
	}
}

func TestValidatorLeavesDocAlone(t *testing.T) {
	doc := petsSpec(t)
	if _, err := NewValidator(doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) != 1 {
		t.Errorf("NewValidator changed the document's servers to %v", doc.Servers)
	}
}

func TestNewValidatorErrors(t *testing.T) {
	bad, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: broken, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: nonsense}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		doc     *openapi3.T
		wantAPI string
	}{
		{"nil document", nil, ""},
		{"invalid document", bad, "broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewValidator(tt.doc)
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SpecError", err)
			}
			if se.API != tt.wantAPI {
				t.Errorf("SpecError.API = %q, want %q", se.API, tt.wantAPI)
			}
			if !strings.HasPrefix(err.Error(), "contracts: spec ") {
				t.Errorf("message %q lacks context", err)
			}
		})
	}
}

func TestAPIPath(t *testing.T) {
	tests := []struct {
		path, prefix, want string
		under              bool
	}{
		{"/api/pets/1", "/api", "/pets/1", true},
		{"/api", "/api", "/", true},
		{"/api/", "/api", "/", true},
		{"/apix/pets", "/api", "/apix/pets", false},
		{"/pets/1", "", "/pets/1", true},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", "http://h"+tt.path, nil)
		got, under := apiPath(req.URL, tt.prefix)
		if got != tt.want || under != tt.under {
			t.Errorf("apiPath(%q, %q) = %q, %v; want %q, %v", tt.path, tt.prefix, got, under, tt.want, tt.under)
		}
	}
}

// TestViolationPointerAndRule checks that each violation says which rule it
// broke and, for a value in the body, where that value is, so that reports
// can group by them.
func TestViolationPointerAndRule(t *testing.T) {
	type pr struct{ pointer, rule string }
	manyTags := []pr{}
	for i := range maxSchemaViolations {
		manyTags = append(manyTags, pr{"/tags/" + string(rune('0'+i)), "type"})
	}
	manyTags = append(manyTags, pr{"", ""}) // the "more not shown" line
	tests := []struct {
		name, fault, method, url string
		want                     []pr
	}{
		{"undeclared status", faultUndeclaredStatus, "GET", "http://pets.test/api/pets/1", []pr{{"", RuleStatus}}},
		{"wrong content type", faultWrongContentType, "GET", "http://pets.test/api/pets/1", []pr{{"", RuleContentType}}},
		{"missing required field", faultMissingField, "GET", "http://pets.test/api/pets/1", []pr{{"/name", "required"}}},
		{"wrong type", faultWrongType, "GET", "http://pets.test/api/pets/1", []pr{{"/id", "type"}}},
		{"wrong item types", faultManyErrors, "GET", "http://pets.test/api/pets/1", manyTags},
		{"unknown path", faultNone, "GET", "http://pets.test/api/owners/1", []pr{{"", RuleOperation}}},
		{"outside the API root", faultNone, "GET", "http://pets.test/apix/pets/1", []pr{{"", RuleOperation}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := exchange(t, tt.fault, tt.method, tt.url)
			var prs []pr
			for _, v := range got {
				prs = append(prs, pr{v.Pointer, v.Rule})
			}
			if !slices.Equal(prs, tt.want) {
				t.Errorf("pointer and rule of each violation:\n got %q\nwant %q", prs, tt.want)
			}
		})
	}
}
