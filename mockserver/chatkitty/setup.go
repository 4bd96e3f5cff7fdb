package chatkitty

import (
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/standin/standin/fixtures"
	gen "github.com/standin/standin/gen/chatkitty"
	"github.com/standin/standin/mockserver"
)

// Name is the API's spec name, configuration key and mount prefix.
const Name = "chatkitty"

// AppConfig is an application every namespace starts with, and the OAuth
// client that reaches it.
type AppConfig struct {
	ID                  int64  `yaml:"id"`
	Key                 string `yaml:"key"`
	ClientID            string `yaml:"clientId"`
	ClientSecret        string `yaml:"clientSecret"`
	GuestUsers          string `yaml:"guestUsers"`          // ENABLED or DISABLED
	UserCreatedChannels string `yaml:"userCreatedChannels"` // ENABLED or DISABLED
}

// Options are the fake's own settings, the apis.chatkitty.options section
// of the configuration (see options.yaml for the defaults).
type Options struct {
	Applications  []AppConfig   `yaml:"applications"`
	TokenLifetime time.Duration `yaml:"tokenLifetime"`
	JobPending    time.Duration `yaml:"jobPending"`
	JobRunning    time.Duration `yaml:"jobRunning"`
}

//go:embed options.yaml
var optionsYAML []byte

// Mock describes the ChatKitty Platform API to standin's list of APIs.
var Mock = mockserver.Define(mockserver.Definition[Options]{
	Name:    Name,
	Title:   "ChatKitty",
	Options: optionsYAML,
	Build:   New,
	// GET /v1/application answers 401 without a token.
	ProbePath: "/v1/application",
	Credentials: func(o Options) []mockserver.Credential {
		var creds []mockserver.Credential
		for i, a := range o.Applications {
			suffix := ""
			if i > 0 {
				suffix = fmt.Sprint(i + 1)
			}
			creds = append(creds,
				mockserver.Credential{Key: "clientId" + suffix, Value: a.ClientID, Hint: fmt.Sprintf("OAuth client id of application %d", a.ID)},
				mockserver.Credential{Key: "clientSecret" + suffix, Value: a.ClientSecret, Hint: fmt.Sprintf("OAuth client secret of application %d", a.ID)})
		}
		return creds
	},
	Token: func(o Options, _ string, _ time.Time) (string, error) {
		id, secret := "CLIENT_ID", "CLIENT_SECRET"
		if len(o.Applications) > 0 {
			id, secret = o.Applications[0].ClientID, o.Applications[0].ClientSecret
		}
		return "", fmt.Errorf("%w: ChatKitty tokens come from its OAuth token endpoint (client credentials), which answers "+
			"access_token to send as Authorization: Bearer:\n  curl -s -u %s:%s -d grant_type=client_credentials http://127.0.0.1:8080/chatkitty/oauth/token",
			mockserver.ErrNoTokens, id, secret)
	},
	Test: testHooks,
})

func checkOptions(opts Options) error {
	if len(opts.Applications) == 0 {
		return errors.New("chatkitty: applications must name at least one application")
	}
	ids, clients := map[int64]bool{}, map[string]bool{}
	for i, a := range opts.Applications {
		switch {
		case a.ID <= 0 || a.ID > maxSafeID:
			return fmt.Errorf("chatkitty: applications[%d].id must be between 1 and %d, got %d", i, int64(maxSafeID), a.ID)
		case a.ClientID == "" || a.ClientSecret == "":
			return fmt.Errorf("chatkitty: applications[%d] needs a clientId and a clientSecret", i)
		case ids[a.ID] || clients[a.ClientID]:
			return fmt.Errorf("chatkitty: applications[%d] repeats an id or a clientId", i)
		}
		for _, v := range []struct{ key, value string }{{"guestUsers", a.GuestUsers}, {"userCreatedChannels", a.UserCreatedChannels}} {
			if v.value != "" && v.value != enabled && v.value != disabled {
				return fmt.Errorf("chatkitty: applications[%d].%s must be ENABLED or DISABLED, got %q", i, v.key, v.value)
			}
		}
		ids[a.ID], clients[a.ClientID] = true, true
	}
	switch {
	case opts.TokenLifetime < time.Second:
		return fmt.Errorf("chatkitty: tokenLifetime must be at least 1s, got %s", opts.TokenLifetime)
	case opts.TokenLifetime > 24*365*time.Hour:
		return fmt.Errorf("chatkitty: tokenLifetime must be at most a year, got %s", opts.TokenLifetime)
	case opts.JobPending < 0 || opts.JobRunning < 0:
		return errors.New("chatkitty: jobPending and jobRunning must not be negative")
	}
	return nil
}

// maxSafeID is the largest integer JavaScript numbers hold exactly.
const maxSafeID = 1<<53 - 1

const (
	enabled  = "ENABLED"
	disabled = "DISABLED"
)

// New builds the ChatKitty API on s.Store with the data set and seed of s
// (the "default" set, seed 1, when empty).
func New(s mockserver.Setup, opts Options) (mockserver.API, error) {
	if err := checkOptions(opts); err != nil {
		return mockserver.API{}, err
	}
	tenant, err := fixtures.Build(cmp.Or(s.DataSet, "default"), cmp.Or(s.Seed, 1), fixtures.Credentials{})
	if err != nil {
		return mockserver.API{}, fmt.Errorf("chatkitty: %w", err)
	}
	seeded := Seed(opts.Applications, tenant, s.Clock()().UTC())
	state := mockserver.NewState(s.Store, Name, func() *State { return seeded.CopyState().(*State) }, check)
	clock := mockserver.NewClock(s.Store, s.Clock())
	srv := &Server{state: state, clock: clock, tokenTTL: opts.TokenLifetime, jobs: JobTiming{Pending: opts.JobPending, Run: opts.JobRunning}}
	env := newEnvelope(clock)
	strict := gen.NewStrictHandlerWithOptions(srv, []gen.StrictMiddlewareFunc{withRequest}, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: env.InvalidRequest, ResponseErrorHandlerFunc: env.Write})
	routes := gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{BaseRouter: mockserver.NewMux(env), ErrorHandlerFunc: env.InvalidRequest})
	return mockserver.NewAPI(Name, routes, srv.authenticate, env)
}
