package ethora

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
)

// app is an Ethora app the scenario acts as: its id and secret.
type app struct{ id, secret string }

// token mints a server token the way @ethora/sdk-backend 26.3+ does.
func (a app) token() string {
	var c ethoratoken.Claims
	c.Data.AppID, c.Data.Type = a.id, ethoratoken.PurposeServer
	c.IssuedAt = jsonNumber(time.Now().Unix())
	return ethoratoken.Sign(c, ethoratoken.DerivedKey(a.secret, ethoratoken.PurposeServer))
}

// clientToken mints a client token for user uuid.
func (a app) clientToken(uuid string) string {
	var c ethoratoken.Claims
	c.Data.AppID, c.Data.Type, c.Data.UserID = a.id, ethoratoken.PurposeClient, uuid
	c.IssuedAt = jsonNumber(time.Now().Unix())
	return ethoratoken.Sign(c, ethoratoken.DerivedKey(a.secret, ethoratoken.PurposeClient))
}

// as sends the app's server token the way SDK 26.8 does: in both headers.
func (a app) as(e *httpexpect.Expect) *httpexpect.Expect {
	return withToken(e, a.token())
}

func withToken(e *httpexpect.Expect, tok string) *httpexpect.Expect {
	return e.Builder(func(r *httpexpect.Request) {
		r.WithHeader("x-custom-token", tok).WithHeader("Authorization", "Bearer "+tok)
	})
}

// configured is the app the target was configured with.
func configured(s *contracts.S) app {
	return app{id: s.Credential("appId"), secret: s.Credential("appSecret")}
}

// refused checks an Ethora JSON error: the status, the error text and, if
// given, the code.
func refused(r *httpexpect.Response, status int, code string) {
	obj := r.Status(status).JSON().Object()
	obj.Value("error").String().NotEmpty()
	if code != "" {
		obj.HasValue("code", code)
	}
}

// plainNotFound checks the answer the SDK's graceful delete needs: 422,
// plain text, "not found" in the body.
func plainNotFound(s *contracts.S, r *httpexpect.Response) {
	r.Status(http.StatusUnprocessableEntity).HasContentType("text/plain")
	if body := r.Body().Raw(); !strings.Contains(strings.ToLower(body), "not found") {
		s.Fail("the body must contain \"not found\" as plain text for the SDK to treat the delete as done; got %q", body)
	}
}

// createUsers runs a user batch in the path given (the default app's
// /v2/users/batch or /v2/apps/{id}/users/batch), waits for the job to
// complete, and checks every user was created with the exact xmppUsername.
func createUsers(s *contracts.S, e *httpexpect.Expect, as app, path, appID string, uuids ...string) {
	list := make([]map[string]any, len(uuids))
	for i, u := range uuids {
		list[i] = map[string]any{"uuid": u, "email": u + "@standin.invalid", "firstName": "Conformance", "lastName": "User" + strconv.Itoa(i), "password": "pw-" + u}
	}
	accepted := as.as(e).POST(path).WithJSON(map[string]any{"bypassEmailConfirmation": true, "usersList": list}).
		Expect().Status(http.StatusAccepted).JSON().Object()
	jobID := accepted.Value("jobId").String().NotEmpty().Raw()
	accepted.Value("statusUrl").String().Contains(jobID)

	job := waitForJob(s, e, as, path+"/"+jobID)
	results := job.Value("result").Object().Value("results").Array()
	results.Length().IsEqual(len(uuids))
	for i, r := range results.Iter() {
		r.Object().HasValue("status", "created").HasValue("xmppUsername", appID+"_"+uuids[i])
	}
}

// waitForJob polls a job until it is completed or failed, for up to a
// minute (the real backend takes seconds; the mock, by default, none).
func waitForJob(s *contracts.S, e *httpexpect.Expect, as app, path string) *httpexpect.Object {
	for range 120 {
		job := as.as(e).GET(path).Expect().Status(http.StatusOK).JSON().Object()
		switch job.Value("state").String().Raw() {
		case "completed":
			return job
		case "failed":
			s.Fail("job %s failed: %v", path, job.Raw())
		}
		time.Sleep(500 * time.Millisecond)
	}
	s.Fail("job %s did not complete within a minute", path)
	return nil
}

// members returns the xmppUsernames of a chat's members as listed by
// GET /v2/apps/{appId}/users/{uuid}/chats?includeMembers=true.
func memberNames(chat *httpexpect.Object) []string {
	var out []string
	for _, m := range chat.Value("members").Array().Iter() {
		out = append(out, m.Object().Value("xmppUsername").String().Raw())
	}
	return out
}
func jsonNumber(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }

// randomSuffix returns a short random lower-case suffix for names.
func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
