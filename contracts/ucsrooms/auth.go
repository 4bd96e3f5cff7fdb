package ucsrooms

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gavv/httpexpect/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/openapi"
)

// sign returns an HS256 access token for user id sub with username as its
// preferred_username, expiring at exp: the shape of an IAMS token, signed
// with secret.
func sign(secret, sub, username string, exp time.Time) string {
	claims := jwt.MapClaims{"sub": sub, "preferred_username": username, "exp": exp.Unix(), "iat": time.Now().Unix()}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		panic(err) // HS256 with a []byte key does not fail
	}
	return tok
}

// protectedOperations lists every operation the spec secures, read from
// the spec itself so that a new operation is covered the day it is added.
func protectedOperations() ([]openapi.Operation, error) {
	doc, err := openapi.Load(API)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(openapi.Operations(doc), func(op openapi.Operation) bool { return !op.Secured(doc) }), nil
}

// send sends op with its path parameters filled in and an empty JSON body
// where the method takes one: authentication comes before everything else.
func send(e *httpexpect.Expect, op openapi.Operation) *httpexpect.Response {
	path := strings.NewReplacer("{", "x-", "}", "").Replace(op.Path)
	req := e.Request(op.Method, path)
	if op.Method != http.MethodGet {
		req = req.WithJSON(map[string]any{})
	}
	return req.Expect()
}

// Auth is the authentication scenario.
func Auth(s *contracts.S) {
	ops, err := protectedOperations()
	if err != nil {
		s.Fail("cannot list the spec's operations: %v", err)
		return
	}
	c := actors(s)
	far := time.Now().Add(24 * time.Hour)
	bad := []struct{ name, header string }{
		{"no token", ""},
		{"a malformed token", "Bearer not.a.jwt"},
		{"a token that is not a bearer token", "Basic " + c.alice.token},
		{"a token signed with a wrong secret", "Bearer " + sign("not-the-server-secret", c.alice.id, c.alice.name, far)},
		{"an unsigned token (alg none)", "Bearer " + unsignedToken(c.alice.id, c.alice.name, far)},
	}
	if secret, ok := s.LookupCredential("jwtSecret"); ok {
		bad = append(bad, struct{ name, header string }{"an expired token",
			"Bearer " + sign(secret, c.alice.id, c.alice.name, time.Now().Add(-24*time.Hour))})
	} else {
		s.Logf("no jwtSecret credential: the expired-token step is left out (no token the server trusts can be minted)")
	}

	s.Step("each actor's token is accepted", func(e *httpexpect.Expect) {
		for _, a := range []actor{c.alice, c.bob, c.carol} {
			_, pg := page(a.as(e).GET("/participant/room").Expect())
			pg.HasValue("number", 1)
		}
	})
	for _, b := range bad {
		s.Step("every operation refuses "+b.name+" with 401 UNAUTHORIZED", func(e *httpexpect.Expect) {
			as := e
			if b.header != "" {
				as = e.Builder(func(r *httpexpect.Request) { r.WithHeader("Authorization", b.header) })
			}
			for _, op := range ops {
				refused(send(as, op), http.StatusUnauthorized, "UNAUTHORIZED")
			}
		})
	}
	s.Step("the health probes need no token", func(e *httpexpect.Expect) {
		e.GET("/liveness").Expect().Status(http.StatusOK).HasContentType("text/plain").Body().HasPrefix("Live since ")
		e.GET("/readiness").Expect().Status(http.StatusOK).HasContentType("text/plain").Body().HasPrefix("Ready since ")
	})
}
