package mockserver_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
)

// twoAPIServer returns a server with the pet shop mounted as "pets" and
// "zoo", and its handler.
func twoAPIServer(t *testing.T, opts mockserver.Options) (*mockserver.Server, http.Handler) {
	t.Helper()
	srv := newServer(t, opts)
	if err := srv.Mount(petsAPI(t, "zoo", srv.Store())); err != nil {
		t.Fatalf("Mount zoo: %v", err)
	}
	return srv, srv.Handler()
}

// snapshot returns the server's state as GET /__standin/snapshot shows it.
func snapshot(t *testing.T, h http.Handler) map[string]map[string]any {
	t.Helper()
	w := serve(h, req{method: http.MethodGet, path: "/__standin/snapshot"})
	mustStatus(t, w, http.StatusOK)
	return decode[map[string]map[string]any](t, w)
}

type journalEntry struct {
	Seq       uint64 `json:"seq"`
	API       string `json:"api"`
	Namespace string `json:"namespace"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Query     string `json:"query"`
	Status    int    `json:"status"`
}

// journal returns the entries GET /__standin/journal?query answers with.
func journal(t *testing.T, h http.Handler, query string) []journalEntry {
	t.Helper()
	w := serve(h, req{method: http.MethodGet, path: "/__standin/journal" + query})
	mustStatus(t, w, http.StatusOK)
	return decode[struct {
		Entries []journalEntry `json:"entries"`
	}](t, w).Entries
}

func TestAdminHealth(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	w := serve(h, req{method: http.MethodGet, path: "/__standin/health"})
	mustStatus(t, w, http.StatusOK)
	got := decode[struct {
		Status string   `json:"status"`
		APIs   []string `json:"apis"`
	}](t, w)
	if got.Status != "ok" || !slices.Equal(got.APIs, []string{"pets", "zoo"}) {
		t.Errorf("health = %s, want ok with [pets zoo]", w.Body)
	}
}

func TestAdminReset(t *testing.T) {
	seed := func(t *testing.T, h http.Handler) {
		t.Helper()
		for _, ns := range []string{"a", "b", ""} {
			createPet(t, h, "/pets", ns, "rex")
			createPet(t, h, "/zoo", ns, "leo")
		}
	}
	tests := []struct {
		name  string
		query string
		scope string
		empty []string // namespaces that must be empty afterwards
		kept  []string // namespaces that must keep their pets
	}{
		{"one namespace", "?namespace=a", "a", []string{"a"}, []string{"b", ""}},
		{"default namespace", "?namespace=default", "default", []string{""}, []string{"a", "b"}},
		{"untouched namespace", "?namespace=c", "c", nil, []string{"a", "b", ""}},
		{"every namespace", "", "*", []string{"a", "b", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, h := twoAPIServer(t, mockserver.Options{})
			seed(t, h)
			w := serve(h, req{method: http.MethodPost, path: "/__standin/reset" + tt.query})
			mustStatus(t, w, http.StatusOK)
			if got := decode[map[string]string](t, w)["reset"]; got != tt.scope {
				t.Errorf("reset = %q, want %q", got, tt.scope)
			}
			for _, prefix := range []string{"/pets", "/zoo"} {
				for _, ns := range tt.empty {
					if got := listPets(t, h, prefix, ns); len(got) != 0 {
						t.Errorf("%s in %q lists %v after reset, want nothing", prefix, ns, got)
					}
				}
				for _, ns := range tt.kept {
					if got := listPets(t, h, prefix, ns); len(got) != 1 {
						t.Errorf("%s in %q lists %v after reset, want its one pet", prefix, ns, got)
					}
				}
			}
			// A reset namespace starts over from the initial state.
			for _, ns := range tt.empty {
				if p := createPet(t, h, "/pets", ns, "max"); p.ID != 1 {
					t.Errorf("first pet in %q after reset has id %d, want 1", ns, p.ID)
				}
			}
		})
	}

	t.Run("invalid namespace", func(t *testing.T) {
		_, h := twoAPIServer(t, mockserver.Options{})
		seed(t, h)
		adminErrorOf(t, serve(h, req{method: http.MethodPost, path: "/__standin/reset?namespace=../x"}), http.StatusBadRequest)
		if got := listPets(t, h, "/pets", "a"); len(got) != 1 {
			t.Errorf("a lists %v after a refused reset, want its pet", got)
		}
	})
}

func TestAdminSnapshotRoundTrip(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	createPet(t, h, "/pets", "a", "rex")
	createPet(t, h, "/pets", "a", "fido")
	createPet(t, h, "/zoo", "b", "leo")
	createPet(t, h, "/pets", "", "bo")

	w := serve(h, req{method: http.MethodGet, path: "/__standin/snapshot"})
	mustStatus(t, w, http.StatusOK)
	raw := w.Body.String()
	before := decode[map[string]map[string]any](t, w)
	for _, ns := range []string{"a", "b", "default"} {
		if before[ns] == nil {
			t.Fatalf("snapshot has no namespace %q: %s", ns, raw)
		}
	}

	mustStatus(t, serve(h, req{method: http.MethodPost, path: "/__standin/reset"}), http.StatusOK)
	if got := snapshot(t, h); len(got) != 0 {
		t.Fatalf("snapshot after reset = %v, want empty", got)
	}
	if got := listPets(t, h, "/pets", "a"); len(got) != 0 {
		t.Fatalf("a lists %v after reset", got)
	}

	w = serve(h, req{method: http.MethodPut, path: "/__standin/snapshot", body: raw})
	mustStatus(t, w, http.StatusOK)
	if got := decode[map[string]int](t, w)["namespaces"]; got != 3 {
		t.Errorf("imported %d namespaces, want 3", got)
	}

	if after := snapshot(t, h); !reflect.DeepEqual(after, before) {
		t.Errorf("snapshot after restore = %v, want %v", after, before)
	}
	if got := names(listPets(t, h, "/pets", "a")); !slices.Equal(got, []string{"rex", "fido"}) {
		t.Errorf("a lists %q after restore, want [rex fido]", got)
	}
	if got := names(listPets(t, h, "/zoo", "b")); !slices.Equal(got, []string{"leo"}) {
		t.Errorf("zoo in b lists %q after restore, want [leo]", got)
	}
	// The restored state carries on where it was: the next id follows.
	if p := createPet(t, h, "/pets", "a", "max"); p.ID != 3 {
		t.Errorf("next pet in a has id %d, want 3", p.ID)
	}
}

func TestAdminSnapshotRefused(t *testing.T) {
	const good = `{"nextID":1,"pets":[]}`
	tests := []struct {
		name  string
		query string
		body  string
		says  []string // parts of the error message
	}{
		{name: "unknown API", body: `{"a":{"nope":` + good + `}}`, says: []string{`namespace "a"`, `API "nope"`}},
		{name: "unknown API next to a good one", body: `{"a":{"pets":` + good + `},"b":{"nope":{}}}`, says: []string{`namespace "b"`, `API "nope"`}},
		{name: "invalid namespace", body: `{"../x":{"pets":` + good + `}}`, says: []string{`namespace "../x"`}},
		{name: "too long namespace", body: `{"` + strings.Repeat("n", 65) + `":{}}`},
		{name: "state of the wrong shape", body: `{"a":{"pets":{"pets":"many"}}}`, says: []string{`namespace "a"`, `API "pets"`}},
		{name: "bad JSON", body: `{"a":`},
		{name: "not an object", body: `[1,2]`},
		{name: "null", body: `null`},
		{name: "empty body", body: ``},
		{name: "namespace not an object", body: `{"a":1}`},
		{name: "null namespace", body: `{"a":null}`, says: []string{`namespace "a"`, "null"}},
		{name: "null state", body: `{"a":{"pets":null}}`, says: []string{`namespace "a"`, `API "pets"`, "null"}},
		{name: "trailing garbage", body: `{"a":{"pets":` + good + `}} x`},
		{name: "a second value", body: `{"a":{"pets":` + good + `}} {}`},
		{name: "a stray closing brace", body: `{"a":{"pets":` + good + `}} }`},
		{name: "trailing garbage in a state", body: `{"a":{"pets":` + good + ` x}}`},
		{name: "state that breaks an invariant", body: `{"keep":{"zoo":` + good + `},"a":{"pets":{"nextID":3,"pets":[{"id":1,"name":"a"},{"id":1,"name":"b"}]}}}`,
			says: []string{`namespace "a"`, `API "pets"`, "/pets/1/id", "taken"}},
		{name: "dangling next id", body: `{"a":{"pets":{"nextID":1,"pets":[{"id":1,"name":"a"}]}}}`,
			says: []string{`namespace "a"`, `API "pets"`, "/pets/0/id"}},
		{name: "another namespace than the query's", query: "?namespace=a", body: `{"b":{"pets":` + good + `}}`, says: []string{`namespace "b"`, `"a"`}},
		{name: "invalid namespace in the query", query: "?namespace=../x", body: `{}`, says: []string{"../x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, h := twoAPIServer(t, mockserver.Options{})
			createPet(t, h, "/pets", "a", "rex")
			createPet(t, h, "/zoo", "keep", "leo")
			before := snapshot(t, h)

			msg := adminErrorOf(t, serve(h, req{method: http.MethodPut, path: "/__standin/snapshot" + tt.query, body: tt.body}), http.StatusBadRequest)
			for _, part := range tt.says {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q does not name %s", msg, part)
				}
			}

			if after := snapshot(t, h); !reflect.DeepEqual(after, before) {
				t.Errorf("state changed by a refused snapshot: %v, want %v", after, before)
			}
			if got := names(listPets(t, h, "/pets", "a")); !slices.Equal(got, []string{"rex"}) {
				t.Errorf("a lists %q after a refused snapshot, want [rex]", got)
			}
			// The server goes on answering as before.
			if got := names(listPets(t, h, "/zoo", "keep")); !slices.Equal(got, []string{"leo"}) {
				t.Errorf("zoo in keep lists %q after a refused snapshot, want [leo]", got)
			}
		})
	}
}

// TestAdminSnapshotPerNamespace: one suite exporting and restoring its
// namespace never sees or changes another's.
func TestAdminSnapshotPerNamespace(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	createPet(t, h, "/pets", "a", "rex")
	createPet(t, h, "/zoo", "a", "leo")
	createPet(t, h, "/pets", "b", "bo")

	w := serve(h, req{method: http.MethodGet, path: "/__standin/snapshot?namespace=a"})
	mustStatus(t, w, http.StatusOK)
	savedA := w.Body.String()
	got := decode[map[string]map[string]any](t, w)
	if len(got) != 1 || len(got["a"]) != 2 {
		t.Fatalf("snapshot of a = %s, want just namespace a with pets and zoo", savedA)
	}

	w = serve(h, req{method: http.MethodGet, path: "/__standin/snapshot?namespace=untouched"})
	mustStatus(t, w, http.StatusOK)
	if got := decode[map[string]any](t, w); len(got) != 0 {
		t.Errorf("snapshot of an untouched namespace = %s, want {}", w.Body)
	}
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/snapshot?namespace=../a"}), http.StatusBadRequest)

	// Both suites go on; then a restores its snapshot.
	createPet(t, h, "/pets", "a", "max")
	createPet(t, h, "/pets", "b", "tig")
	beforeB := snapshot(t, h)["b"]
	w = serve(h, req{method: http.MethodPut, path: "/__standin/snapshot?namespace=a", body: savedA})
	mustStatus(t, w, http.StatusOK)

	if got := names(listPets(t, h, "/pets", "a")); !slices.Equal(got, []string{"rex"}) {
		t.Errorf("a lists %q after restoring its snapshot, want [rex]", got)
	}
	if got := names(listPets(t, h, "/zoo", "a")); !slices.Equal(got, []string{"leo"}) {
		t.Errorf("zoo in a lists %q after restoring its snapshot, want [leo]", got)
	}
	if got := names(listPets(t, h, "/pets", "b")); !slices.Equal(got, []string{"bo", "tig"}) {
		t.Errorf("b lists %q after a restored its snapshot, want [bo tig]", got)
	}
	if afterB := snapshot(t, h)["b"]; !reflect.DeepEqual(afterB, beforeB) {
		t.Errorf("b changed by a's import: %v, was %v", afterB, beforeB)
	}

	// Importing an empty snapshot into a namespace empties just that one.
	mustStatus(t, serve(h, req{method: http.MethodPut, path: "/__standin/snapshot?namespace=a", body: `{}`}), http.StatusOK)
	if got := listPets(t, h, "/pets", "a"); len(got) != 0 {
		t.Errorf("a lists %v after importing {}, want nothing", got)
	}
	if got := names(listPets(t, h, "/pets", "b")); !slices.Equal(got, []string{"bo", "tig"}) {
		t.Errorf("b lists %q after a emptied itself, want [bo tig]", got)
	}
}

// TestAdminSnapshotNormalised: what a snapshot may leave out is filled in
// by the API's check, so that the API answers as usual afterwards.
func TestAdminSnapshotNormalised(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	mustStatus(t, serve(h, req{method: http.MethodPut, path: "/__standin/snapshot", body: `{"a":{"pets":{"nextID":1}}}`}), http.StatusOK)
	w := serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey, ns: "a"})
	mustStatus(t, w, http.StatusOK)
	if got := strings.TrimSpace(w.Body.String()); got != "[]" {
		t.Errorf("GET /pets after importing a state without pets = %s, want []", got)
	}
	if got := snapshot(t, h)["a"]["pets"]; !reflect.DeepEqual(got, map[string]any{"nextID": float64(1), "pets": []any{}}) {
		t.Errorf("exported state = %v, want the pets list filled in", got)
	}
	if p := createPet(t, h, "/pets", "a", "rex"); p.ID != 1 {
		t.Errorf("first pet after the import has id %d, want 1", p.ID)
	}
}

func TestAdminJournal(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/journal"}), http.StatusNoContent)

	steps := []struct {
		req    req
		status int
	}{
		{req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex"}`, key: goodKey, ns: "a"}, http.StatusCreated},
		{req{method: http.MethodGet, path: "/pets/pets?limit=5", key: goodKey, ns: "a"}, http.StatusOK},
		{req{method: http.MethodGet, path: "/zoo/pets"}, http.StatusUnauthorized},
		{req{method: http.MethodPost, path: "/zoo/pets", body: `{"name":"X"}`, key: goodKey, ns: "b"}, http.StatusBadRequest},
		{req{method: http.MethodGet, path: "/__standin/health"}, http.StatusOK}, // not journaled
		{req{method: http.MethodGet, path: "/pets/pets/1", ns: "a"}, http.StatusOK},
	}
	for _, s := range steps {
		mustStatus(t, serve(h, s.req), s.status)
	}
	all := []journalEntry{
		{Method: "POST", Path: "/pets/pets", Status: 201, Namespace: "a", API: "pets"},
		{Method: "GET", Path: "/pets/pets", Query: "limit=5", Status: 200, Namespace: "a", API: "pets"},
		{Method: "GET", Path: "/zoo/pets", Status: 401, Namespace: "default", API: "zoo"},
		{Method: "POST", Path: "/zoo/pets", Status: 400, Namespace: "b", API: "zoo"},
		{Method: "GET", Path: "/pets/pets/1", Status: 200, Namespace: "a", API: "pets"},
	}

	tests := []struct {
		query string
		want  []journalEntry
	}{
		{"", all},
		{"?limit=100", all},
		{"?limit=2", all[3:]},
		{"?limit=1", all[4:]},
		{"?api=zoo", all[2:4]},
		{"?namespace=a", []journalEntry{all[0], all[1], all[4]}},
		{"?namespace=a&limit=2", []journalEntry{all[1], all[4]}},
		{"?api=zoo&namespace=b", all[3:4]},
		{"?api=pets&namespace=b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := journal(t, h, tt.query)
			if len(got) != len(tt.want) {
				t.Fatalf("%d entries, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if i > 0 && got[i].Seq <= got[i-1].Seq {
					t.Errorf("entries not oldest first: seq %d after %d", got[i].Seq, got[i-1].Seq)
				}
				g := got[i]
				g.Seq = 0
				if g != tt.want[i] {
					t.Errorf("entry %d = %+v, want %+v", i, g, tt.want[i])
				}
			}
		})
	}

	for _, limit := range []string{"0", "-1", "x", "1.5"} {
		t.Run("limit="+limit, func(t *testing.T) {
			adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/journal?limit=" + limit}), http.StatusBadRequest)
		})
	}
	// An API that is not mounted is a mistake (a typo would otherwise
	// match nothing, and a verify of "none" would pass): 400 naming those
	// mounted.
	t.Run("api=nope", func(t *testing.T) {
		msg := adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/journal?api=nope"}), http.StatusBadRequest)
		if !strings.Contains(msg, `"nope"`) || !strings.Contains(msg, "pets, zoo") {
			t.Errorf("error = %q, want it to name nope and the mounted APIs", msg)
		}
	})

	t.Run("clear", func(t *testing.T) {
		mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/journal"}), http.StatusNoContent)
		if got := journal(t, h, ""); len(got) != 0 {
			t.Fatalf("journal after DELETE = %+v, want empty", got)
		}
		mustStatus(t, serve(h, req{method: http.MethodGet, path: "/pets/pets/1", ns: "a"}), http.StatusOK)
		if got := journal(t, h, ""); len(got) != 1 || got[0].Path != "/pets/pets/1" {
			t.Errorf("journal = %+v, want just the request after the DELETE", got)
		}
	})
}

func TestAdminJournalKeepsBodies(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	createPet(t, h, "/pets", "", "rex")
	w := serve(h, req{method: http.MethodGet, path: "/__standin/journal?limit=1"})
	mustStatus(t, w, http.StatusOK)
	var got struct {
		Entries []struct {
			RequestBody  string `json:"requestBody"`
			ResponseBody string `json:"responseBody"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != 1 {
		t.Fatalf("entries = %s", w.Body)
	}
	e := got.Entries[0]
	if e.RequestBody != `{"name":"rex"}` {
		t.Errorf("requestBody = %q", e.RequestBody)
	}
	var p pet
	if err := json.Unmarshal([]byte(e.ResponseBody), &p); err != nil || p.Name != "rex" {
		t.Errorf("responseBody = %q, want the created pet", e.ResponseBody)
	}
}

func TestAdminJournalDisabled(t *testing.T) {
	srv, h := twoAPIServer(t, mockserver.Options{JournalSize: -1})
	if srv.Journal() != nil {
		t.Error("Journal() is not nil although disabled")
	}
	createPet(t, h, "/pets", "", "rex")
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/__standin/journal"}), http.StatusNotFound)
	mustStatus(t, serve(h, req{method: http.MethodDelete, path: "/__standin/journal"}), http.StatusNoContent)
}

func TestAdminJournalSize(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{JournalSize: 3})
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		createPet(t, h, "/pets", n, "rex")
	}
	got := journal(t, h, "")
	var nss []string
	for _, e := range got {
		nss = append(nss, e.Namespace)
	}
	if !slices.Equal(nss, []string{"c", "d", "e"}) {
		t.Errorf("journal keeps namespaces %q, want the newest three [c d e]", nss)
	}
}

func TestAdminUnknownPath(t *testing.T) {
	_, h := twoAPIServer(t, mockserver.Options{})
	for _, q := range []req{
		{method: http.MethodGet, path: "/__standin/nope"},
		{method: http.MethodGet, path: "/__standin/"},
		{method: http.MethodPost, path: "/__standin/health/x"},
	} {
		adminErrorOf(t, serve(h, q), http.StatusNotFound)
	}
	if got := journal(t, h, ""); len(got) != 0 {
		t.Errorf("admin requests were journaled: %+v", got)
	}
}
