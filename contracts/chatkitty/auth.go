package chatkitty

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// bearerOperations lists every operation of the spec that takes the
// bearer token (all but the token endpoint), read from the spec itself so
// that a new operation is covered the day it is added.
func bearerOperations() ([]openapi.Operation, error) {
	doc, err := openapi.Load(API)
	if err != nil {
		return nil, err
	}
	var ops []openapi.Operation
	for _, op := range openapi.Operations(doc) {
		sec := doc.Security
		if op.Op.Security != nil {
			sec = *op.Op.Security
		}
		for _, req := range sec {
			if _, found := req["oauth"]; found {
				ops = append(ops, op)
				break
			}
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("no operation of the %s spec takes the oauth bearer token", API)
	}
	return ops, nil
}

// pathParam matches a path parameter of the spec.
var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// send sends op with its path parameters filled in ("x" for names, 1 for
// the ids of every other parameter) and an empty JSON body where the
// method takes one: authentication comes before everything else.
func send(e *httpexpect.Expect, op openapi.Operation) *httpexpect.Response {
	path := pathParam.ReplaceAllStringFunc(op.Path, func(p string) string {
		if strings.HasSuffix(strings.ToLower(p), "name}") {
			return "x"
		}
		return "1"
	})
	req := e.Request(op.Method, path)
	switch op.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		req = req.WithJSON(map[string]any{})
	}
	return req.Expect()
}

// refusesToken checks that every operation of ops refuses what as sends
// with 401 invalid_token: an AuthenticationError body, but for HEAD,
// whose answers have none.
func refusesToken(as *httpexpect.Expect, ops []openapi.Operation) {
	for _, op := range ops {
		r := send(as, op)
		if op.Method == http.MethodHead {
			r.Status(http.StatusUnauthorized)
			continue
		}
		unauthorized(r, "invalid_token")
	}
}

// Auth is the authentication scenario.
func Auth(s *contracts.S) {
	ops, err := bearerOperations()
	if err != nil {
		s.Fail("cannot list the spec's operations: %v", err)
		return
	}
	a := firstApp(s)

	s.Step("a wrong client secret, an unknown client id and no client credentials are 401 invalid_client", func(e *httpexpect.Expect) {
		for _, c := range []struct{ id, secret string }{{a.clientID, "not-" + a.secret}, {"not-" + a.clientID, a.secret}} {
			unauthorized(e.POST(tokenPath).WithBasicAuth(c.id, c.secret).
				WithMultipart().WithFormField("grant_type", "client_credentials").Expect(), "invalid_client")
			unauthorized(e.POST(tokenPath).WithBasicAuth(c.id, c.secret).
				WithFormField("grant_type", "client_credentials").Expect(), "invalid_client")
		}
		unauthorized(e.POST(tokenPath).WithMultipart().WithFormField("grant_type", "client_credentials").Expect(), "invalid_client")
	})
	s.Step("the client credentials get a token that is accepted, as multipart and as urlencoded forms", func(e *httpexpect.Expect) {
		ok(bearer(e, token(e, a)).GET("/v1/application").Expect()).Value("id").Number()
		form := ok(e.POST(tokenPath).WithBasicAuth(a.clientID, a.secret).WithFormField("grant_type", "client_credentials").Expect())
		ok(bearer(e, form.Value("access_token").String().NotEmpty().Raw()).GET("/v1/application").Expect())
	})
	for _, b := range []struct{ name, header string }{
		{"no token", ""},
		{"a garbage token", "Bearer not-a-token-" + s.Unique("")},
		{"the client credentials instead of a token", "Basic " + base64.StdEncoding.EncodeToString([]byte(a.clientID+":"+a.secret))},
	} {
		s.Step("every operation refuses "+b.name+" with 401 invalid_token", func(e *httpexpect.Expect) {
			as := e
			if b.header != "" {
				as = e.Builder(func(r *httpexpect.Request) { r.WithHeader("Authorization", b.header) })
			}
			refusesToken(as, ops)
		})
	}

	// Expiry, on the namespace's clock moved through standin's admin API.
	target := s.Target()
	adm, err := newAdmin(target, s)
	if err != nil {
		s.Fail("the target's base URL: %v", err)
		return
	}
	var tok string
	var lifetime time.Duration
	skip := false
	s.Step("a token is still accepted a minute before it expires", func(e *httpexpect.Expect) {
		obj := ok(e.POST(tokenPath).WithBasicAuth(a.clientID, a.secret).
			WithMultipart().WithFormField("grant_type", "client_credentials").Expect())
		tok = obj.Value("access_token").String().NotEmpty().Raw()
		lifetime = time.Duration(obj.Value("expires_in").Number().Gt(60).Raw()) * time.Second
		found, err := adm.advance(lifetime - time.Minute)
		switch {
		case err != nil:
			s.Fail("%v", err)
		case !found:
			skip = true
			s.Logf("%s/__standin/clock answered 404: not a standin mock (its clock cannot be moved), the expiry of tokens was not checked", adm.origin)
			return
		}
		ok(bearer(e, tok).GET("/v1/application").Expect())
	})
	if skip {
		return
	}
	s.Step("once expired, the token is refused by every operation with 401 invalid_token", func(e *httpexpect.Expect) {
		if _, err := adm.advance(2 * time.Minute); err != nil {
			s.Fail("%v", err)
		}
		refusesToken(bearer(e, tok), ops)
	})
	s.Step("a new token is accepted after the clock moved", func(e *httpexpect.Expect) {
		ok(bearer(e, token(e, a)).GET("/v1/application").Expect())
	})
}

// admin sends requests to standin's admin API at the target's origin,
// with the target's transport and headers.
type admin struct {
	client *http.Client
	origin string
	header http.Header
	ns     string // the target's namespace; "" for the default
}

// newAdmin returns the admin API of target; the optional adminToken
// credential is sent as standin's admin token.
func newAdmin(t contracts.Target, s *contracts.S) (admin, error) {
	u, err := url.Parse(t.BaseURL)
	if err != nil {
		return admin{}, err
	}
	h := t.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if tok, found := s.LookupCredential("adminToken"); found {
		h.Set(mockserver.AdminTokenHeader, tok)
	}
	return admin{client: &http.Client{Transport: t.Transport, Timeout: 10 * time.Second}, origin: u.Scheme + "://" + u.Host,
		header: h, ns: t.Header.Get(mockserver.NamespaceHeader)}, nil
}

// advance moves the clock of the target's namespace forward by d. found
// is false when the target has no such admin API (404).
func (a admin) advance(d time.Duration) (found bool, err error) {
	path := "/__standin/clock"
	if a.ns != "" {
		path += "?namespace=" + url.QueryEscape(a.ns)
	}
	raw, _ := json.Marshal(map[string]string{"advance": d.String()})
	req, err := http.NewRequest(http.MethodPost, a.origin+path, bytes.NewReader(raw))
	if err != nil {
		return false, err
	}
	for k, v := range a.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.HasSuffix(req.URL.Hostname(), ".invalid") {
		// An in-process target: the request never leaves the process, and
		// standin's admin API answers loopback host names only.
		req.Host = "localhost"
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return false, nil
	case resp.StatusCode != http.StatusOK:
		return true, fmt.Errorf("POST %s answered %d %s", path, resp.StatusCode, bytes.TrimSpace(body))
	}
	return true, nil
}
