package smartlink

import (
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/standin/standin/fixtures"
	gen "github.com/standin/standin/gen/smartlink"
	"github.com/standin/standin/mockserver"
)

// Name is the API's spec name, configuration key and mount prefix.
const Name = "smartlink"

// OrgConfig is an organisation every namespace starts with.
type OrgConfig struct {
	ID     int64  `yaml:"id"`
	Name   string `yaml:"name"`
	APIKey string `yaml:"apiKey"`
}

// Options are the fake's own settings, the apis.smartlink.options section
// of the configuration (see options.yaml for the defaults).
type Options struct {
	Organizations []OrgConfig `yaml:"organizations"`
}

//go:embed options.yaml
var optionsYAML []byte

// Mock describes the SmartLink API to standin's list of APIs.
var Mock = mockserver.Define(mockserver.Definition[Options]{
	Name:    Name,
	Title:   "SmartLink",
	Options: optionsYAML,
	Build:   New,
	// GET /api/workflow/apps answers 401 without an x-api-key.
	ProbePath: "/api/workflow/apps",
	Credentials: func(o Options) []mockserver.Credential {
		var creds []mockserver.Credential
		for i, org := range o.Organizations {
			key := "apiKey"
			if i > 0 {
				key = fmt.Sprintf("apiKey%d", i+1)
			}
			creds = append(creds, mockserver.Credential{Key: key, Value: org.APIKey, Hint: fmt.Sprintf("x-api-key of organization %d (%s)", org.ID, org.Name)})
		}
		return creds
	},
	Token: func(o Options, _ string, _ time.Time) (string, error) {
		key := "API_KEY"
		if len(o.Organizations) > 0 {
			key = o.Organizations[0].APIKey
		}
		return "", fmt.Errorf("%w: SmartLink takes no token: send the organization's API key as x-api-key:\n  curl -s -H 'x-api-key: %s' http://127.0.0.1:8080/smartlink/api/workflow/apps",
			mockserver.ErrNoTokens, key)
	},
	Test: testHooks,
})

// New builds the SmartLink API on s.Store with the data set and seed of s
// (the "default" set, seed 1, when empty), publishing its webhooks to
// s.Webhooks.
func New(s mockserver.Setup, opts Options) (mockserver.API, error) {
	if len(opts.Organizations) == 0 {
		return mockserver.API{}, errors.New("smartlink: organizations must name at least one organization")
	}
	ids, keys := map[int64]bool{}, map[string]bool{}
	for i, o := range opts.Organizations {
		switch {
		case o.ID <= 0:
			return mockserver.API{}, fmt.Errorf("smartlink: organizations[%d].id must be positive, got %d", i, o.ID)
		case o.APIKey == "":
			return mockserver.API{}, fmt.Errorf("smartlink: organizations[%d].apiKey must not be empty", i)
		case ids[o.ID] || keys[o.APIKey]:
			return mockserver.API{}, fmt.Errorf("smartlink: organizations[%d] repeats an id or an apiKey", i)
		}
		ids[o.ID], keys[o.APIKey] = true, true
	}
	tenant, err := fixtures.Build(cmp.Or(s.DataSet, "default"), cmp.Or(s.Seed, 1), fixtures.Credentials{})
	if err != nil {
		return mockserver.API{}, fmt.Errorf("smartlink: %w", err)
	}
	now := s.Clock()
	seeded := Seed(opts.Organizations, tenant, now().UTC())
	state := mockserver.NewState(s.Store, Name, func() *State { return seeded.CopyState().(*State) }, check)
	srv := &Server{state: state, now: now, hooks: s.Publisher()}
	strict := gen.NewStrictHandlerWithOptions(srv, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: envelope.InvalidRequest, ResponseErrorHandlerFunc: envelope.Write})
	routes := gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{BaseRouter: mockserver.NewMux(envelope), ErrorHandlerFunc: envelope.InvalidRequest,
		Middlewares: []gen.MiddlewareFunc{acceptBareArrays}})
	return mockserver.NewAPI(Name, routes, authenticate(state), envelope)
}
