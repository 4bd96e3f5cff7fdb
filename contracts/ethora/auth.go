package ethora

import (
	"net/http"
	"strings"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
	"github.com/standin/standin/openapi"
)

// send sends op with path parameters filled in (appId with the target's
// app, so that only the token decides) and an empty JSON body where the
// method takes one.
func send(e *httpexpect.Expect, op openapi.Operation, appID string) *httpexpect.Response {
	path := strings.ReplaceAll(op.Path, "{appId}", appID)
	path = strings.NewReplacer("{", "x", "}", "").Replace(path)
	req := e.Request(op.Method, path)
	if op.Method != http.MethodGet {
		req = req.WithJSON(map[string]any{})
	}
	return req.Expect()
}

// Auth refuses bad tokens on every operation of the spec.
func Auth(s *contracts.S) {
	doc, err := openapi.Load(API)
	if err != nil {
		s.Fail("cannot load the spec: %v", err)
		return
	}
	a := configured(s)
	ops := openapi.Operations(doc)
	claims := func(typ string) ethoratoken.Claims {
		var c ethoratoken.Claims
		c.Data.AppID, c.Data.Type = a.id, typ
		return c
	}
	bad := []struct{ name, token string }{
		{"no token", ""},
		{"a malformed token", "not.a.jwt"},
		{"a token signed with a wrong secret", ethoratoken.Sign(claims(ethoratoken.PurposeServer), ethoratoken.DerivedKey(a.secret+"-wrong", ethoratoken.PurposeServer))},
		{"a client token", ethoratoken.Sign(claims(ethoratoken.PurposeClient), ethoratoken.DerivedKey(a.secret, ethoratoken.PurposeClient))},
		{"client claims signed with the server key", ethoratoken.Sign(claims(ethoratoken.PurposeClient), ethoratoken.DerivedKey(a.secret, ethoratoken.PurposeServer))},
	}
	for _, b := range bad {
		s.Step("every operation refuses "+b.name, func(e *httpexpect.Expect) {
			as := e
			if b.token != "" {
				as = withToken(e, b.token)
			}
			for _, op := range ops {
				if op.Op.OperationID == "exchangeClientToken" && strings.Contains(b.name, "client") {
					continue // a client token is what that operation takes
				}
				refused(send(as, op, a.id), http.StatusUnauthorized, "")
			}
		})
	}
	s.Step("the client-token exchange refuses a server token", func(e *httpexpect.Expect) {
		refused(e.POST("/v1/users/client").WithHeader("x-custom-token", a.token()).Expect(), http.StatusUnauthorized, "")
	})
	s.Step("a token signed with the raw secret (SDK 26.2) is accepted", func(e *httpexpect.Expect) {
		raw := ethoratoken.Sign(claims(ethoratoken.PurposeServer), []byte(a.secret))
		e.GET("/v2/chats/users").WithHeader("x-custom-token", raw).Expect().Status(http.StatusOK)
	})
	s.Step("either header carries the token", func(e *httpexpect.Expect) {
		tok := a.token()
		e.GET("/v2/chats/users").WithHeader("x-custom-token", tok).Expect().Status(http.StatusOK)
		e.GET("/v2/chats/users").WithHeader("Authorization", "Bearer "+tok).Expect().Status(http.StatusOK)
	})
}
