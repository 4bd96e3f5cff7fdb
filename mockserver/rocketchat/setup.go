package rocketchat

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/standin/standin/fixtures"
	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/openapi"
)

// Name is the API's spec name and mount prefix.
const Name = "rocketchat"

// Options configure the fake. The zero value serves the "default" data set
// with seed 1 and the admin account admin/admin.
type Options struct {
	DataSet string               // fixtures data set every namespace starts from
	Seed    uint64               // seed of the data set
	Admin   fixtures.Credentials // the server admin of the data set
	Now     func() time.Time     // clock; nil means time.Now
}

// New builds the Rocket.Chat API on store, ready to mount on a
// mockserver.Server that uses the same store.
func New(store mockserver.Store, opts Options) (mockserver.API, error) {
	if opts.DataSet == "" {
		opts.DataSet = "default"
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	tenant, err := fixtures.Build(opts.DataSet, opts.Seed, opts.Admin)
	if err != nil {
		return mockserver.API{}, fmt.Errorf("rocketchat: %w", err)
	}
	doc, err := openapi.Load(Name)
	if err != nil {
		return mockserver.API{}, err
	}
	kind := mockserver.NewStateKind(Name, func() *State { return Seed(tenant) })

	srv := &Server{store: store, now: opts.Now}
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

func sortedPermissions(st *State) []*Permission {
	out := make([]*Permission, 0, len(st.Permissions))
	for _, p := range st.Permissions {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Permission) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
