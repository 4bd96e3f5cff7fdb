package mockservertest

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/mocks"
)

// updateCounter counts the Updates made through a store.
type updateCounter struct {
	mockserver.Store
	updates atomic.Int64
}

func (u *updateCounter) Update(ctx context.Context, ns, api string, fn func(any) error) error {
	u.updates.Add(1)
	return u.Store.Update(ctx, ns, api, fn)
}

// reads sends every GET operation a spec-valid request that names things
// of the seeded state, on a server of its own whose store counts Updates:
// none may make one. Reads go through Store.View, which takes no write
// lock, so a long listing never stalls the namespace's other calls, and a
// read in a new namespace creates nothing.
func (k *kit) reads(t *testing.T) {
	store := &updateCounter{Store: mockserver.NewMemoryStore()}
	settings := mocks.Catalog{k.mock}.Default().APIs[k.mock.Name]
	api, err := k.mock.Build(mockserver.Setup{Store: store, DataSet: settings.DataSet, Seed: settings.Seed}, settings.Options)
	if err != nil {
		t.Fatal(err)
	}
	srv := mockserver.New(mockserver.Options{Store: store, JournalSize: -1})
	if err := srv.Mount(api); err != nil {
		t.Fatal(err)
	}
	root, err := srv.RootHandler(k.mock.Name)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "kit-reads"
	auth := k.auth
	if k.mock.Test.Login != nil {
		if auth, err = k.mock.Test.Login(root, ns); err != nil {
			t.Fatalf("log in: %v", err)
		}
	}
	if k.mock.Test.Prepare != nil {
		// What the seed lacks is made here as in the kit's base namespace,
		// before anything is counted; it names the same things there.
		if _, err := k.mock.Test.Prepare(root, auth, ns); err != nil {
			t.Fatalf("prepare: %v", err)
		}
	}
	answered, reads := 0, 0
	for i, op := range k.ops {
		if op.Method != http.MethodGet {
			continue
		}
		reads++
		c, err := k.generate(op, uint64(7000+i), false)
		if err != nil {
			t.Fatalf("%s: generate a request: %v", op.Op.OperationID, err)
		}
		a := auth
		if h, ok := k.mock.Test.Auth[op.Op.OperationID]; ok {
			a = h
		}
		before := store.updates.Load()
		r := Record(root, k.request(op.Method, c.target(), nil, "", ns, a))
		if n := store.updates.Load() - before; n != 0 {
			t.Errorf("GET %s made %d updates, want reads only", c.target(), n)
		}
		if r.Status == http.StatusOK {
			answered++
		}
	}
	if reads > 0 && answered == 0 {
		t.Errorf("none of %d reads answered 200: the check reaches nothing", reads)
	}
	t.Logf("%d of %d reads answered 200, none updated", answered, reads)
}
