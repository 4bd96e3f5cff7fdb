package mockserver_test

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
)

func TestMountTwoAPIsUnderTheirPrefixes(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	if err := srv.Mount(petsAPI(t, "zoo", srv.Store())); err != nil {
		t.Fatalf("Mount zoo: %v", err)
	}
	if got, want := srv.APIs(), []string{"pets", "zoo"}; !slices.Equal(got, want) {
		t.Fatalf("APIs() = %q, want %q", got, want)
	}
	h := srv.Handler()

	created := createPet(t, h, "/pets", "", "rex")
	if created.ID != 1 || created.Name != "rex" {
		t.Fatalf("created %+v, want id 1 called rex", created)
	}
	createPet(t, h, "/zoo", "", "leo")
	createPet(t, h, "/zoo", "", "tig")

	if got := names(listPets(t, h, "/pets", "")); !slices.Equal(got, []string{"rex"}) {
		t.Errorf("/pets lists %q, want [rex]", got)
	}
	if got := names(listPets(t, h, "/zoo", "")); !slices.Equal(got, []string{"leo", "tig"}) {
		t.Errorf("/zoo lists %q, want [leo tig]", got)
	}

	// Path parameters are routed relative to each API's root.
	w := serve(h, req{method: http.MethodGet, path: "/zoo/pets/2"})
	mustStatus(t, w, http.StatusOK)
	if p := decode[pet](t, w); p.Name != "tig" {
		t.Errorf("GET /zoo/pets/2 = %+v, want tig", p)
	}

	// Errors are written by the API the request is for.
	w = serve(h, req{method: http.MethodGet, path: "/zoo/nowhere"})
	problemOf(t, w, http.StatusNotFound, mockserver.KindNotFound)
	if got := w.Header().Get(apiHeader); got != "zoo" {
		t.Errorf("error written by %q, want zoo", got)
	}

	// The index lists where the APIs are.
	w = serve(h, req{method: http.MethodGet, path: "/"})
	mustStatus(t, w, http.StatusOK)
	index := decode[struct {
		APIs []struct{ Name, Path string } `json:"apis"`
	}](t, w)
	if len(index.APIs) != 2 || index.APIs[0].Path != "/pets" || index.APIs[1].Path != "/zoo" {
		t.Errorf("index = %s, want pets at /pets and zoo at /zoo", w.Body)
	}
}

func TestRootHandlerServesOneAPIAtRoot(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	if err := srv.Mount(petsAPI(t, "zoo", srv.Store())); err != nil {
		t.Fatalf("Mount zoo: %v", err)
	}
	root, err := srv.RootHandler("zoo")
	if err != nil {
		t.Fatalf("RootHandler: %v", err)
	}
	createPet(t, root, "", "", "leo")

	// The same state is visible through the prefixed handler.
	if got := names(listPets(t, srv.Handler(), "/zoo", "")); !slices.Equal(got, []string{"leo"}) {
		t.Errorf("/zoo lists %q, want [leo]", got)
	}
	if got := listPets(t, srv.Handler(), "/pets", ""); len(got) != 0 {
		t.Errorf("/pets lists %v, want nothing", got)
	}

	// Unknown paths are the root API's 404, not the other API's.
	w := serve(root, req{method: http.MethodGet, path: "/zoo/pets"})
	problemOf(t, w, http.StatusNotFound, mockserver.KindNotFound)
	if got := w.Header().Get(apiHeader); got != "zoo" {
		t.Errorf("error written by %q, want zoo", got)
	}

	// The admin API stays reachable.
	w = serve(root, req{method: http.MethodGet, path: "/__standin/health"})
	mustStatus(t, w, http.StatusOK)

	if _, err := srv.RootHandler("nope"); err == nil {
		t.Error("RootHandler of an API that is not mounted: no error")
	}
}

func TestMountRejects(t *testing.T) {
	invalidSpec := &openapi3.T{OpenAPI: "3.0.3"} // no info, no paths
	tests := []struct {
		name   string
		change func(*mockserver.API)
	}{
		{"duplicate name", func(a *mockserver.API) {}},
		{"empty name", func(a *mockserver.API) { a.Name = "" }},
		{"admin name", func(a *mockserver.API) { a.Name = "__standin" }},
		{"name with slash", func(a *mockserver.API) { a.Name = "a/b" }},
		{"name with space", func(a *mockserver.API) { a.Name = "a b" }},
		{"no spec", func(a *mockserver.API) { a.Name = "other"; a.Spec, a.LoadSpec = nil, nil }},
		{"no handler", func(a *mockserver.API) { a.Name = "other"; a.Handler = nil }},
		{"no envelope renderer", func(a *mockserver.API) { a.Name = "other"; a.Envelope.Render = nil }},
		{"invalid spec", func(a *mockserver.API) { a.Name = "other"; a.Spec = invalidSpec }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, mockserver.Options{})
			api := petsAPI(t, "pets", srv.Store())
			tt.change(&api)
			if err := srv.Mount(api); err == nil {
				t.Fatalf("Mount succeeded, want an error")
			}
			if got := srv.APIs(); !slices.Equal(got, []string{"pets"}) {
				t.Errorf("APIs() = %q after a refused Mount, want [pets]", got)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	tests := []struct {
		name   string
		method string
		path   string
		status int
		kind   mockserver.Kind
	}{
		{"unknown path", http.MethodGet, "/pets/nowhere/else", http.StatusNotFound, mockserver.KindNotFound},
		{"unknown top-level path", http.MethodGet, "/pets/owners", http.StatusNotFound, mockserver.KindNotFound},
		{"wrong method", http.MethodDelete, "/pets/pets", http.StatusMethodNotAllowed, mockserver.KindMethodNotAllowed},
		{"wrong method PUT", http.MethodPut, "/pets/pets", http.StatusMethodNotAllowed, mockserver.KindMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, req{method: tt.method, path: tt.path, key: goodKey})
			problemOf(t, w, tt.status, tt.kind)
			if got := w.Header().Get(apiHeader); got != "pets" {
				t.Errorf("error written by %q, want pets", got)
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	tests := []struct {
		name   string
		req    req
		status int
		kind   mockserver.Kind // empty: success
	}{
		{"no key", req{method: http.MethodGet, path: "/pets/pets"}, http.StatusUnauthorized, mockserver.KindUnauthorized},
		{"wrong key", req{method: http.MethodGet, path: "/pets/pets", key: "bad"}, http.StatusUnauthorized, mockserver.KindUnauthorized},
		{"refusal keeps its status", req{method: http.MethodGet, path: "/pets/pets", key: bannedKey}, http.StatusForbidden, mockserver.KindForbidden},
		{"good key", req{method: http.MethodGet, path: "/pets/pets", key: goodKey}, http.StatusOK, ""},
		{"post without key", req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex"}`}, http.StatusUnauthorized, mockserver.KindUnauthorized},
		{"unsecured operation without key", req{method: http.MethodGet, path: "/pets/pets/7"}, http.StatusNotFound, mockserver.KindRule},
		// Authentication runs before validation, as the real servers do.
		{"invalid body without key", req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"REX","age":-1}`}, http.StatusUnauthorized, mockserver.KindUnauthorized},
		{"invalid query with wrong key", req{method: http.MethodGet, path: "/pets/pets?limit=0", key: "bad"}, http.StatusUnauthorized, mockserver.KindUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, tt.req)
			if tt.kind == "" {
				mustStatus(t, w, tt.status)
				return
			}
			e := problemOf(t, w, tt.status, tt.kind)
			if tt.name == "unsecured operation without key" && (e.Code != errNoSuchPet.Code || e.Message != "no pet with id 7") {
				t.Errorf("code, message = %q, %q: want the handler's own 404, not the router's", e.Code, e.Message)
			}
		})
	}

	// The unsecured operation reaches the handler and finds what exists.
	created := createPet(t, h, "/pets", "", "rex")
	w := serve(h, req{method: http.MethodGet, path: fmt.Sprintf("/pets/pets/%d", created.ID)})
	mustStatus(t, w, http.StatusOK)
	if got := decode[pet](t, w); got.Name != "rex" {
		t.Errorf("GET unsecured pet = %+v, want rex", got)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name  string
		req   req
		field string
		rule  string
	}{
		{
			name:  "missing required body field",
			req:   req{method: http.MethodPost, path: "/pets/pets", body: `{"age":3}`},
			field: "body.name", rule: "required",
		},
		{
			name:  "wrong type",
			req:   req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex","age":"three"}`},
			field: "body.age", rule: "type",
		},
		{
			name:  "pattern",
			req:   req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"Rex"}`},
			field: "body.name", rule: "pattern",
		},
		{
			name:  "minimum",
			req:   req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex","age":-1}`},
			field: "body.age", rule: "minimum",
		},
		{
			name:  "malformed JSON",
			req:   req{method: http.MethodPost, path: "/pets/pets", body: `{"name":`},
			field: "body", rule: "syntax",
		},
		{
			name:  "missing body",
			req:   req{method: http.MethodPost, path: "/pets/pets"},
			field: "body", rule: "required",
		},
		{
			name:  "query above maximum",
			req:   req{method: http.MethodGet, path: "/pets/pets?limit=101"},
			field: "query.limit", rule: "maximum",
		},
		{
			name:  "query below minimum",
			req:   req{method: http.MethodGet, path: "/pets/pets?limit=0"},
			field: "query.limit", rule: "minimum",
		},
		{
			name:  "query not an integer",
			req:   req{method: http.MethodGet, path: "/pets/pets?limit=ten"},
			field: "query.limit", rule: "syntax",
		},
		{
			name:  "query not an e-mail address",
			req:   req{method: http.MethodGet, path: "/pets/pets?owner=ann.example.com"},
			field: "query.owner", rule: "format",
		},
		{
			name:  "path parameter not an integer",
			req:   req{method: http.MethodGet, path: "/pets/pets/rex"},
			field: "path.id", rule: "syntax",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newServer(t, mockserver.Options{}).Handler()
			tt.req.key = goodKey
			w := serve(h, tt.req)
			e := problemOf(t, w, http.StatusBadRequest, mockserver.KindInvalid)
			if e.Field != tt.field || e.Rule != tt.rule {
				t.Errorf("field, rule = %q, %q; want %q, %q (message %q)", e.Field, e.Rule, tt.field, tt.rule, e.Message)
			}
			if !strings.HasPrefix(e.Message, tt.field+": ") {
				t.Errorf("message %q does not start with the field %q", e.Message, tt.field)
			}
			// A refused request changes nothing.
			if got := listPets(t, h, "/pets", ""); len(got) != 0 {
				t.Errorf("after a refused request the API lists %v, want nothing", got)
			}
		})
	}
}

func TestValidRequestsPass(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	for _, body := range []string{`{"name":"rex"}`, `{"name":"fido","age":0}`, `{"name":"bo","age":12}`} {
		w := serve(h, req{method: http.MethodPost, path: "/pets/pets", body: body, key: goodKey})
		mustStatus(t, w, http.StatusCreated)
	}
	for _, tt := range []struct {
		query string
		want  int
	}{{"", 3}, {"?limit=1", 1}, {"?limit=100", 3}, {"?owner=ann@example.com", 3}} {
		w := serve(h, req{method: http.MethodGet, path: "/pets/pets" + tt.query, key: goodKey})
		mustStatus(t, w, http.StatusOK)
		if got := decode[[]pet](t, w); len(got) != tt.want {
			t.Errorf("GET /pets%s: %d pets, want %d", tt.query, len(got), tt.want)
		}
	}
	// The handler saw the body the core had already read.
	w := serve(h, req{method: http.MethodGet, path: "/pets/pets/2"})
	mustStatus(t, w, http.StatusOK)
	if got := decode[pet](t, w); got.Name != "fido" || got.Age == nil || *got.Age != 0 {
		t.Errorf("pet 2 = %+v, want fido aged 0", got)
	}
}

func TestBodyLimit(t *testing.T) {
	const limit = 64
	// {"name":"aaaa"} is 11 bytes plus the name.
	bodyOf := func(n int) string { return `{"name":"` + strings.Repeat("a", n-11) + `"}` }

	tests := []struct {
		name   string
		size   int
		status int
	}{
		{"below the limit", limit - 1, http.StatusCreated},
		{"exactly at the limit", limit, http.StatusCreated},
		{"one byte over", limit + 1, http.StatusRequestEntityTooLarge},
		{"far over", 10 * limit, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newServer(t, mockserver.Options{BodyLimit: limit}).Handler()
			body := bodyOf(tt.size)
			if len(body) != tt.size {
				t.Fatalf("test body is %d bytes, want %d", len(body), tt.size)
			}
			w := serve(h, req{method: http.MethodPost, path: "/pets/pets", body: body, key: goodKey})
			if tt.status == http.StatusCreated {
				mustStatus(t, w, tt.status)
				if got := listPets(t, h, "/pets", ""); len(got) != 1 {
					t.Errorf("API lists %d pets, want 1", len(got))
				}
				return
			}
			e := problemOf(t, w, tt.status, mockserver.KindTooLarge)
			if e.Field != "body" {
				t.Errorf("field = %q, want body", e.Field)
			}
			if got := listPets(t, h, "/pets", ""); len(got) != 0 {
				t.Errorf("API lists %v after a refused body, want nothing", got)
			}
		})
	}

	t.Run("default limit", func(t *testing.T) {
		h := newServer(t, mockserver.Options{}).Handler()
		w := serve(h, req{method: http.MethodPost, path: "/pets/pets", body: bodyOf(mockserver.DefaultBodyLimit + 1), key: goodKey})
		problemOf(t, w, http.StatusRequestEntityTooLarge, mockserver.KindTooLarge)
	})
}

func TestNamespacesIsolateState(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	createPet(t, h, "/pets", "a", "rex")
	createPet(t, h, "/pets", "a", "fido")
	createPet(t, h, "/pets", "b", "bo")

	tests := []struct {
		ns   string
		want []string
	}{
		{"a", []string{"rex", "fido"}},
		{"b", []string{"bo"}},
		{"", nil},
		{mockserver.DefaultNamespace, nil},
		{"c", nil},
	}
	for _, tt := range tests {
		if got := names(listPets(t, h, "/pets", tt.ns)); !slices.Equal(got, tt.want) {
			t.Errorf("namespace %q lists %q, want %q", tt.ns, got, tt.want)
		}
	}
	// Ids are counted per namespace too.
	if p := createPet(t, h, "/pets", "b", "max"); p.ID != 2 {
		t.Errorf("second pet in b has id %d, want 2", p.ID)
	}
	// Unsecured operations see the namespace as well.
	if w := serve(h, req{method: http.MethodGet, path: "/pets/pets/2", ns: "a"}); w.Code != http.StatusOK {
		t.Errorf("GET pet 2 in a: status %d, want 200", w.Code)
	}
	if w := serve(h, req{method: http.MethodGet, path: "/pets/pets/1", ns: "c"}); w.Code != http.StatusNotFound {
		t.Errorf("GET pet 1 in c: status %d, want 404", w.Code)
	}
}

func TestInvalidNamespace(t *testing.T) {
	srv := newServer(t, mockserver.Options{})
	h := srv.Handler()
	for _, ns := range []string{"../x", "a/b", "a b", "ä", strings.Repeat("n", 65), "a\tb"} {
		t.Run(ns, func(t *testing.T) {
			w := serve(h, req{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex"}`, key: goodKey, ns: ns})
			e := problemOf(t, w, http.StatusBadRequest, mockserver.KindBadNamespace)
			if want := "header." + mockserver.NamespaceHeader; e.Field != want {
				t.Errorf("field = %q, want %q", e.Field, want)
			}
			if got := w.Header().Get(apiHeader); got != "pets" {
				t.Errorf("error written by %q, want pets", got)
			}
		})
	}
	// Nothing was created anywhere.
	snap, err := srv.Store().Export(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap) != 0 {
		t.Errorf("store holds %v after refused requests, want nothing", snap)
	}

	// 64 characters is still fine.
	createPet(t, h, "/pets", strings.Repeat("n", 64), "rex")

	t.Run("root handler", func(t *testing.T) {
		srv := newServer(t, mockserver.Options{})
		if err := srv.Mount(petsAPI(t, "zoo", srv.Store())); err != nil {
			t.Fatal(err)
		}
		root, err := srv.RootHandler("zoo")
		if err != nil {
			t.Fatal(err)
		}
		// At the root, zoo's paths look like the prefix of the pets API.
		for _, path := range []string{"/pets", "/pets/1", "/other"} {
			w := serve(root, req{method: http.MethodGet, path: path, key: goodKey, ns: "../x"})
			mustStatus(t, w, http.StatusBadRequest)
			if got := w.Header().Get(apiHeader); got != "zoo" {
				t.Errorf("a bad namespace on %s under RootHandler(\"zoo\") was written by %q, not by zoo's envelope", path, got)
			}
			problemOf(t, w, http.StatusBadRequest, mockserver.KindBadNamespace)
		}
	})

	t.Run("admin", func(t *testing.T) {
		w := serve(h, req{method: http.MethodGet, path: "/__standin/health", ns: "../x"})
		adminErrorOf(t, w, http.StatusBadRequest)
	})
}

func TestRefusedRequestsLeaveNoState(t *testing.T) {
	srv := newServer(t, mockserver.Options{BodyLimit: 256})
	h := srv.Handler()
	refused := []req{
		{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex"}`},                                            // no key
		{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex"}`, key: "bad"},                                // wrong key
		{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex"}`, key: bannedKey},                            // forbidden
		{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex","age":-5}`, key: goodKey},                     // invalid
		{method: http.MethodPost, path: "/pets/pets", body: `{"name":"` + strings.Repeat("a", 300) + `"}`, key: goodKey}, // too large
		{method: http.MethodPost, path: "/pets/pets", body: `{"name":"rex"}`, key: goodKey, ns: "../x"},                  // bad namespace
		{method: http.MethodPut, path: "/pets/pets", body: `{"name":"rex"}`, key: goodKey},                               // wrong method
	}
	for _, q := range refused {
		if w := serve(h, q); w.Code < 400 {
			t.Errorf("%s %s (key %q, ns %q): status %d, want a refusal", q.method, q.path, q.key, q.ns, w.Code)
		}
	}
	if got := listPets(t, h, "/pets", ""); len(got) != 0 {
		t.Errorf("API lists %v after refused requests, want nothing", got)
	}
	// The next accepted pet is the first one.
	if p := createPet(t, h, "/pets", "", "rex"); p.ID != 1 {
		t.Errorf("first accepted pet has id %d, want 1", p.ID)
	}
}

func TestCORS(t *testing.T) {
	const origin = "http://app.example"
	preflight := req{method: http.MethodOptions, path: "/pets/pets", header: map[string]string{
		"Origin":                         origin,
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "X-Key, Content-Type, X-Standin-Namespace",
	}}

	t.Run("preflight", func(t *testing.T) {
		h := newServer(t, mockserver.Options{}).Handler()
		w := serve(h, preflight)
		mustStatus(t, w, http.StatusNoContent)
		for k, want := range map[string]string{
			"Access-Control-Allow-Origin":      origin,
			"Access-Control-Allow-Headers":     "X-Key, Content-Type, X-Standin-Namespace",
			"Access-Control-Allow-Credentials": "true",
		} {
			if got := w.Header().Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if m := w.Header().Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
			t.Errorf("Access-Control-Allow-Methods = %q, want POST among them", m)
		}
		if w.Body.Len() != 0 {
			t.Errorf("preflight has a body: %q", w.Body)
		}
	})

	t.Run("simple request", func(t *testing.T) {
		h := newServer(t, mockserver.Options{}).Handler()
		w := serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey, header: map[string]string{"Origin": origin}})
		mustStatus(t, w, http.StatusOK)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, origin)
		}
		if !slices.Contains(w.Header().Values("Vary"), "Origin") {
			t.Errorf("Vary = %q, want Origin", w.Header().Values("Vary"))
		}
		// Refusals carry the headers too, so a browser can read them.
		w = serve(h, req{method: http.MethodGet, path: "/pets/pets", header: map[string]string{"Origin": origin}})
		mustStatus(t, w, http.StatusUnauthorized)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("on a 401, Access-Control-Allow-Origin = %q, want %q", got, origin)
		}
	})

	t.Run("no origin", func(t *testing.T) {
		h := newServer(t, mockserver.Options{}).Handler()
		w := serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey})
		mustStatus(t, w, http.StatusOK)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("Access-Control-Allow-Origin = %q without an Origin, want none", got)
		}
	})

	t.Run("disabled", func(t *testing.T) {
		h := newServer(t, mockserver.Options{DisableCORS: true}).Handler()
		w := serve(h, preflight)
		if w.Code == http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("preflight answered by CORS although disabled: %d %v", w.Code, w.Header())
		}
		// The preflight went to routing, which has no OPTIONS operation.
		if got := w.Header().Get(apiHeader); got != "pets" {
			t.Errorf("preflight not answered by the API's router: %d %s", w.Code, w.Body)
		}
		e := decode[errBody](t, w)
		if e.Kind != mockserver.KindMethodNotAllowed && e.Kind != mockserver.KindNotFound {
			t.Errorf("kind = %q, want a routing refusal", e.Kind)
		}

		w = serve(h, req{method: http.MethodGet, path: "/pets/pets", key: goodKey, header: map[string]string{"Origin": origin}})
		mustStatus(t, w, http.StatusOK)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("Access-Control-Allow-Origin = %q although CORS is disabled", got)
		}
	})
}

func TestIndexAndUnknownTopLevelPath(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	w := serve(h, req{method: http.MethodGet, path: "/"})
	mustStatus(t, w, http.StatusOK)
	index := decode[map[string]any](t, w)
	if index["service"] != "standin" || index["admin"] != mockserver.AdminPrefix {
		t.Errorf("index = %s", w.Body)
	}
	// A path outside every API is answered in the core's JSON.
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/nothing-here"}), http.StatusNotFound)
	adminErrorOf(t, serve(h, req{method: http.MethodPost, path: "/nothing-here", body: `{}`}), http.StatusNotFound)
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/petshop"}), http.StatusNotFound) // a prefix of a name is not the API
	adminErrorOf(t, serve(h, req{method: http.MethodGet, path: "/nothing-here", ns: "../x"}), http.StatusBadRequest)
	// The index takes GET only.
	w = serve(h, req{method: http.MethodPost, path: "/"})
	adminErrorOf(t, w, http.StatusMethodNotAllowed)
}

// TestNoRedirects: a path that http.ServeMux would clean and redirect is
// answered where it is sent, never with a 3xx: in the envelope of the API
// whose prefix it has, or in the core's JSON when no API owns it. A ".."
// never climbs out of an API into the admin API.
func TestNoRedirects(t *testing.T) {
	tests := []struct {
		name   string
		root   bool   // through RootHandler("zoo") rather than Handler()
		method string // GET unless set
		path   string
		owner  string // the API whose envelope answers; "" for the core's JSON
	}{
		{name: "dot-dot from an API to the admin API", method: http.MethodPost, path: "/pets/pets/../../__standin/reset", owner: "pets"},
		{name: "dot-dot from an API's root to the admin API", method: http.MethodPost, path: "/pets/../__standin/reset", owner: "pets"},
		{name: "dot-dot from one API to another", path: "/pets/../zoo/pets", owner: "pets"},
		{name: "double slash", path: "/pets//x", owner: "pets"},
		{name: "double slash before an operation", path: "/pets//pets", owner: "pets"},
		{name: "dot segment", path: "/pets/a/./b", owner: "pets"},
		{name: "dot segment before an operation", path: "/pets/./pets", owner: "pets"},
		{name: "dot-dot under the admin prefix", path: "/__standin/../pets/pets"},
		{name: "dot-dot to an admin operation", method: http.MethodPost, path: "/__standin/x/../reset"},
		{name: "dot segment to an admin operation", path: "/__standin/./health"},
		{name: "double slash in the admin API", path: "/__standin//health"},
		{name: "double slash at the root", path: "//"},
		{name: "double slash before a prefix", path: "//pets/pets"},
		{name: "outside every API", path: "/nope"},
		{name: "dot-dot outside every API", path: "/nope/../pets/pets"},
		{name: "root: dot-dot to the admin API", root: true, method: http.MethodPost, path: "/pets/../__standin/reset", owner: "zoo"},
		{name: "root: double slash", root: true, path: "//pets", owner: "zoo"},
		{name: "root: dot segment", root: true, path: "/./pets", owner: "zoo"},
		{name: "root: dot-dot under the admin prefix", root: true, method: http.MethodPost, path: "/__standin/x/../reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, mockserver.Options{})
			if err := srv.Mount(petsAPI(t, "zoo", srv.Store())); err != nil {
				t.Fatal(err)
			}
			h := srv.Handler()
			createPet(t, h, "/pets", "", "rex")
			createPet(t, h, "/zoo", "", "leo")
			before, err := srv.Store().Export(t.Context(), "")
			if err != nil {
				t.Fatal(err)
			}
			if tt.root {
				if h, err = srv.RootHandler("zoo"); err != nil {
					t.Fatal(err)
				}
			}

			w := serve(h, req{method: cmp.Or(tt.method, http.MethodGet), path: tt.path, key: goodKey})
			if w.Code/100 == 3 || w.Header().Get("Location") != "" {
				t.Fatalf("answered %d with Location %q", w.Code, w.Header().Get("Location"))
			}
			if tt.owner != "" {
				problemOf(t, w, http.StatusNotFound, mockserver.KindNotFound)
				if got := w.Header().Get(apiHeader); got != tt.owner {
					t.Errorf("answered by %q, want %q's envelope", got, tt.owner)
				}
			} else {
				adminErrorOf(t, w, http.StatusNotFound)
			}

			after, err := srv.Store().Export(t.Context(), "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, before) {
				t.Errorf("the state changed: %s, was %s", mustJSON(t, after), mustJSON(t, before))
			}
		})
	}

	// Over the network too: nothing between the client and the handler
	// cleans or redirects the path.
	t.Run("live", func(t *testing.T) {
		srv := newServer(t, mockserver.Options{})
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		h := srv.Handler()
		createPet(t, h, "/pets", "", "rex")
		c := &http.Client{Timeout: wait, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, tc := range []struct{ method, path, ct string }{
			{http.MethodPost, "/pets/pets/../../__standin/reset", "application/json"},
			{http.MethodPost, "/pets/../__standin/reset", "application/json"},
			{http.MethodGet, "/pets//x", "application/json"},
			{http.MethodGet, "/pets/a/./b", "application/json"},
			{http.MethodGet, "//", "application/json"},
			{http.MethodGet, "/nope", "application/json"},
		} {
			r, err := http.NewRequestWithContext(t.Context(), tc.method, ts.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("X-Key", goodKey)
			resp, err := c.Do(r)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != tc.ct {
				t.Errorf("%s %s: %d %s %s, want 404 %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.ct)
			}
		}
		if got := names(listPets(t, h, "/pets", "")); !slices.Equal(got, []string{"rex"}) {
			t.Errorf("after the requests /pets lists %q, want [rex]", got)
		}
		// The server saw the paths as sent.
		var paths []string
		for _, e := range srv.Journal().Last(100, nil) {
			paths = append(paths, e.Path)
		}
		for _, want := range []string{"/pets/pets/../../__standin/reset", "/pets/a/./b", "//"} {
			if !slices.Contains(paths, want) {
				t.Errorf("journal paths %q lack %q as sent", paths, want)
			}
		}
	})
}

// TestTrailingSlashServedAsWithout: "/pets/pets/" reaches the operation of
// "/pets/pets", as the router that validated it matched it, without a
// redirect.
func TestTrailingSlashServedAsWithout(t *testing.T) {
	h := newServer(t, mockserver.Options{}).Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req{method: http.MethodGet, path: "/pets/pets/", key: goodKey}.build())
	if w.Code != http.StatusOK || w.Header().Get("Location") != "" {
		t.Fatalf("GET /pets/pets/ = %d (Location %q) %s, want 200 as for /pets/pets", w.Code, w.Header().Get("Location"), w.Body)
	}
}
