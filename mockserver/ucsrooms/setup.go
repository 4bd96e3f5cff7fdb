package ucsrooms

import (
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/standin/standin/fixtures"
	gen "github.com/standin/standin/gen/ucsrooms"
	"github.com/standin/standin/mockserver"
)

// Name is the API's spec name and configuration key.
const Name = "ucsrooms"

// Prefix is the path the API is mounted under on standin's shared port.
const Prefix = "/ucs"

// defaultJWTSecret is options.yaml's jwtSecret (a test checks they agree).
const defaultJWTSecret = "standin-ucs-secret"

// Options are the fake's own settings, the apis.ucsrooms.options section
// of the configuration (see options.yaml for the defaults).
type Options struct {
	JWTSecret           string        `yaml:"jwtSecret"`
	TrustUnsignedTokens bool          `yaml:"trustUnsignedTokens"`
	FileSecret          string        `yaml:"fileSecret"`
	URLTTL              time.Duration `yaml:"urlTTL"`
	FileStoreBytes      int64         `yaml:"fileStoreBytes"`
}

//go:embed options.yaml
var optionsYAML []byte

// Mock describes the UCS room management API to standin's list of APIs.
var Mock = mockserver.Define(mockserver.Definition[Options]{
	Name:    Name,
	Title:   "UCS rooms",
	Prefix:  Prefix,
	Options: optionsYAML,
	Build:   New,
	// GET /participant/room answers 401 without a token; the health paths moved between versions.
	ProbePath: "/participant/room",
	Credentials: func(o Options) []mockserver.Credential {
		creds := []mockserver.Credential{{Key: "jwtSecret", Value: o.JWTSecret, Hint: "HS256 secret of access tokens (mints the auth scenario's expired token)"}}
		for _, u := range DemoUsers {
			creds = append(creds, mockserver.Credential{Key: u.Username + "Token", Value: Token(o, u),
				Hint: fmt.Sprintf("bearer token of demo user %s (sub %s)", u.Username, u.ID)})
		}
		return creds
	},
	Token: func(o Options, name string, expires time.Time) (string, error) {
		u, ok := DemoUserNamed(name)
		if !ok {
			if name == "" {
				return "", errors.New("ucsrooms: name a user: a demo user (alice, bob, carol) or any user id")
			}
			u = DemoUser{ID: name, Username: name}
		}
		if expires.IsZero() {
			expires = demoTokenExpiry
		}
		return Sign(o.JWTSecret, u.ID, u.Username, expires), nil
	},
	Test: testHooks,
})

// Token returns the ready-made access token of demo user u for a mock
// served with opts: HS256 with its jwtSecret, expiring in 2100.
func Token(opts Options, u DemoUser) string {
	return Sign(opts.JWTSecret, u.ID, u.Username, demoTokenExpiry)
}

// New builds the UCS room management API on s.Store with the data set and
// seed of s (the "default" set, seed 1, when empty).
func New(s mockserver.Setup, opts Options) (mockserver.API, error) {
	switch {
	case opts.JWTSecret == "":
		return mockserver.API{}, errors.New("ucsrooms: jwtSecret must not be empty")
	case opts.FileSecret == "":
		return mockserver.API{}, errors.New("ucsrooms: fileSecret must not be empty")
	case opts.URLTTL <= 0:
		return mockserver.API{}, fmt.Errorf("ucsrooms: urlTTL must be positive, got %s", opts.URLTTL)
	case opts.FileStoreBytes < 0:
		return mockserver.API{}, fmt.Errorf("ucsrooms: fileStoreBytes must not be negative, got %d", opts.FileStoreBytes)
	}
	dataSet, seed := s.DataSet, s.Seed
	if dataSet == "" {
		dataSet = "default"
	}
	if seed == 0 {
		seed = 1
	}
	tenant, err := fixtures.Build(dataSet, seed, fixtures.Credentials{Username: DemoUsers[0].Username})
	if err != nil {
		return mockserver.API{}, fmt.Errorf("ucsrooms: %w", err)
	}
	now := s.Clock()
	seeded := Seed(tenant, now())
	state := mockserver.NewState(s.Store, Name, func() *State { return seeded.CopyState().(*State) }, check)
	srv := &Server{state: state, now: now, signer: signer{secret: []byte(opts.FileSecret), ttl: opts.URLTTL},
		storeMax: opts.FileStoreBytes, startedAt: now().UTC().Truncate(time.Second)}
	envelope := newEnvelope(now)
	strict := gen.NewStrictHandlerWithOptions(srv, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: envelope.InvalidRequest, ResponseErrorHandlerFunc: envelope.Write})
	routes := gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{BaseRouter: mockserver.NewMux(envelope), ErrorHandlerFunc: envelope.InvalidRequest})
	v := newVerifier(opts, now)
	api, err := mockserver.NewAPI(Name, routes, v.authenticate, envelope)
	api.Prefix = Prefix
	return api, err
}
