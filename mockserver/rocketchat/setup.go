package rocketchat

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/standin/standin/fixtures"
	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
)

// Name is the API's spec name and mount prefix.
const Name = "rocketchat"

// Options are the fake's own settings, the apis.rocketchat.options section
// of the configuration (see options.yaml for the defaults).
type Options struct {
	// Admin is the server admin of the data set.
	Admin fixtures.Credentials `yaml:"admin"`
}

//go:embed options.yaml
var optionsYAML []byte

// Mock describes the Rocket.Chat API to standin's list of APIs.
var Mock = mockserver.Define(mockserver.Definition[Options]{
	Name:    Name,
	Title:   "Rocket.Chat",
	Options: optionsYAML,
	Build:   New,
	// GET /api/info answers the server's version to anyone.
	ProbePath: "/api/info",
	Credentials: func(o Options) []mockserver.Credential {
		return []mockserver.Credential{
			{Key: "username", Value: cmp.Or(o.Admin.Username, "admin"), Hint: "user name of a server admin"},
			{Key: "password", Value: cmp.Or(o.Admin.Password, "admin"), Hint: "that admin's password"},
		}
	},
	Token: func(o Options, _ string, _ time.Time) (string, error) {
		body, _ := json.Marshal(struct {
			User     string `json:"user"`
			Password string `json:"password"`
		}{cmp.Or(o.Admin.Username, "admin"), cmp.Or(o.Admin.Password, "admin")})
		return "", fmt.Errorf("%w: Rocket.Chat tokens come from logging in, which answers data.userId and data.authToken "+
			"to send as X-User-Id and X-Auth-Token:\n  curl -s -X POST http://127.0.0.1:8080/rocketchat/api/v1/login -H 'Content-Type: application/json' -d '%s'",
			mockserver.ErrNoTokens, body)
	},
	Test: testHooks,
})

// New builds the Rocket.Chat API on s.Store with the data set and seed of
// s (the "default" set, seed 1, when empty), ready to mount on a
// mockserver.Server that uses the same store.
func New(s mockserver.Setup, opts Options) (mockserver.API, error) {
	tenant, err := fixtures.Build(cmp.Or(s.DataSet, "default"), cmp.Or(s.Seed, 1), opts.Admin)
	if err != nil {
		return mockserver.API{}, fmt.Errorf("rocketchat: %w", err)
	}
	// The data set is seeded once, on first use, and every namespace
	// (and every reset) starts from a copy-on-write copy of that state,
	// taken in O(1): a namespace holds only what it changed, and the
	// tenant is dropped once seeded, so that a large data set sits in
	// memory once.
	seeded := sync.OnceValue(func() *State {
		st := Seed(tenant)
		tenant = nil
		return st
	})
	state := mockserver.NewState(s.Store, Name, func() *State { return seeded().Copy() }, nil)
	srv := &Server{session: mockserver.Session[State, *User]{State: state, Resolve: me}, now: s.Clock()}
	strict := gen.NewStrictHandlerWithOptions(srv, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: envelope.InvalidRequest, ResponseErrorHandlerFunc: envelope.Write})
	routes := gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{BaseRouter: mockserver.NewMux(envelope), ErrorHandlerFunc: envelope.InvalidRequest})
	return mockserver.NewAPI(Name, routes, authenticator(state), envelope)
}

func sortedPermissions(st *State) []*Permission {
	out := make([]*Permission, 0, len(st.Permissions))
	for _, p := range st.Permissions {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Permission) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
