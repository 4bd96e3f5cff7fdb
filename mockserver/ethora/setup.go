package ethora

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/standin/standin/fixtures"
	gen "github.com/standin/standin/gen/ethora"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
)

// Name is the API's spec name and mount prefix.
const Name = "ethora"

// Defaults of the app every namespace starts with.
const (
	DefaultAppID     = "standin-app"
	DefaultAppSecret = "standin-secret"
)

// Options are the fake's own settings, the apis.ethora.options section of
// the configuration (see options.yaml for the defaults).
type Options struct {
	App      AppConfig     `yaml:"app"`      // the app an SDK is configured with
	JobDelay time.Duration `yaml:"jobDelay"` // how long user batches and broadcasts take
}

//go:embed options.yaml
var optionsYAML []byte

// Mock describes the Ethora API to standin's list of APIs.
var Mock = mockserver.Define(mockserver.Definition[Options]{
	Name:    Name,
	Title:   "Ethora",
	Options: optionsYAML,
	Build:   New,
	// GET /v2/apps answers 401 without a token.
	ProbePath: "/v2/apps",
	Credentials: func(o Options) []mockserver.Credential {
		return []mockserver.Credential{
			{Key: "appId", Value: cmp.Or(o.App.ID, DefaultAppID), Hint: "id of the app to act as"},
			{Key: "appSecret", Value: cmp.Or(o.App.Secret, DefaultAppSecret), Hint: "that app's secret"},
		}
	},
	Token: mintToken,
	Test:  testHooks,
})

// mintToken makes the token an SDK mints for the configured app, signed
// as SDK 26.3.1 and later sign it: with no user, a server token (what the
// SDK sends on every call); for user, that user's client token (what
// POST /v1/users/client exchanges; the user is the uuid it was created
// with, for a seeded user its user name). Ethora tokens carry no expiry,
// so none can be given.
func mintToken(o Options, user string, expires time.Time) (string, error) {
	if !expires.IsZero() {
		return "", errors.New("ethora: its tokens carry no expiry (the backend checks none), so none can be set")
	}
	var c ethoratoken.Claims
	c.Data.AppID = cmp.Or(o.App.ID, DefaultAppID)
	c.Data.Type = ethoratoken.PurposeServer
	if user != "" {
		c.Data.Type, c.Data.UserID = ethoratoken.PurposeClient, user
	}
	c.IssuedAt = json.Number(strconv.FormatInt(time.Now().Unix(), 10))
	return ethoratoken.Sign(c, ethoratoken.DerivedKey(cmp.Or(o.App.Secret, DefaultAppSecret), c.Data.Type)), nil
}

// New builds the Ethora API on s.Store with the data set and seed of s
// (the "default" set, seed 1, when empty), ready to mount on a
// mockserver.Server that uses the same store. The zero Options serve the
// app standin-app (secret standin-secret) with user batches that complete
// at once.
func New(s mockserver.Setup, opts Options) (mockserver.API, error) {
	opts.App.ID = cmp.Or(opts.App.ID, DefaultAppID)
	opts.App.Secret = cmp.Or(opts.App.Secret, DefaultAppSecret)
	opts.App.DisplayName = cmp.Or(opts.App.DisplayName, "standin")
	if opts.JobDelay < 0 {
		return mockserver.API{}, fmt.Errorf("ethora: jobDelay must not be negative, got %s", opts.JobDelay)
	}
	tenant, err := fixtures.Build(cmp.Or(s.DataSet, "default"), cmp.Or(s.Seed, 1), fixtures.Credentials{})
	if err != nil {
		return mockserver.API{}, fmt.Errorf("ethora: %w", err)
	}
	// The data set is seeded once, on first use, and every namespace
	// (and every reset) starts from a copy-on-write copy of that state,
	// taken in O(1); the tenant is dropped once seeded.
	seeded := sync.OnceValue(func() *State {
		st := Seed(opts.App, tenant)
		tenant = nil
		return st
	})
	state := mockserver.NewState(s.Store, Name, func() *State { return seeded().CopyState().(*State) }, nil)
	srv := &Server{session: mockserver.Session[State, *App]{State: state, Resolve: callerApp}, now: s.Clock(), jobDelay: opts.JobDelay}
	strict := gen.NewStrictHandlerWithOptions(srv, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: envelope.InvalidRequest, ResponseErrorHandlerFunc: envelope.Write})
	routes := gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{BaseRouter: mockserver.NewMux(envelope), ErrorHandlerFunc: envelope.InvalidRequest})
	return mockserver.NewAPI(Name, routes, authenticator(state, srv.now), envelope)
}
