package ethora

import (
	"cmp"
	"fmt"
	"time"

	"github.com/standin/standin/fixtures"
	gen "github.com/standin/standin/gen/ethora"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// Name is the API's spec name and mount prefix.
const Name = "ethora"

// Defaults of the app every namespace starts with.
const (
	DefaultAppID     = "standin-app"
	DefaultAppSecret = "standin-secret"
)

// Options configure the fake. The zero value serves the app standin-app
// (secret standin-secret) with the "default" data set, seed 1, and user
// batches that complete at once.
type Options struct {
	App      AppConfig        // the app an SDK is configured with
	DataSet  string           // fixtures data set of the app's users and chats
	Seed     uint64           // seed of the data set
	JobDelay time.Duration    // how long user batches and broadcasts take
	Now      func() time.Time // clock; nil means time.Now
}

// New builds the Ethora API on store, ready to mount on a
// mockserver.Server that uses the same store.
func New(store mockserver.Store, opts Options) (mockserver.API, error) {
	opts.App.ID = cmp.Or(opts.App.ID, DefaultAppID)
	opts.App.Secret = cmp.Or(opts.App.Secret, DefaultAppSecret)
	opts.App.DisplayName = cmp.Or(opts.App.DisplayName, "standin")
	opts.DataSet = cmp.Or(opts.DataSet, "default")
	opts.Seed = cmp.Or(opts.Seed, 1)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.JobDelay < 0 {
		return mockserver.API{}, fmt.Errorf("ethora: negative job delay %s", opts.JobDelay)
	}
	tenant, err := fixtures.Build(opts.DataSet, opts.Seed, fixtures.Credentials{})
	if err != nil {
		return mockserver.API{}, fmt.Errorf("ethora: %w", err)
	}
	doc, err := openapi.Load(Name)
	if err != nil {
		return mockserver.API{}, err
	}
	kind := mockserver.NewStateKind(Name, func() *State { return Seed(opts.App, tenant) })
	srv := &Server{store: store, now: opts.Now, jobDelay: opts.JobDelay}
	strict := gen.NewStrictHandlerWithOptions(srv, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  mockserver.InvalidRequest(writeError),
		ResponseErrorHandlerFunc: writeError,
	})
	handler := gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{BaseRouter: mockserver.NewMux(), ErrorHandlerFunc: mockserver.InvalidRequest(writeError)})
	return mockserver.API{
		Name:         Name,
		Spec:         doc,
		Handler:      handler,
		Authenticate: authenticator(store),
		WriteError:   writeError,
		State:        &kind,
	}, nil
}
