package mockserver

import (
	"context"
	"net/http/httptest"
	"testing"
)

// What the core records of a request answers Namespace, BaseURLOf and
// CallerFrom as separate context values would: the nearest value wins, a
// WithNamespace keeps the request's base URL, and a context of no served
// request still carries what it is given.
func TestServedRequestContext(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example.com/ucs/x", nil)
	r = withServed(r, "team-a")
	servedFrom(r.Context()).mount = "/ucs" // as Handler sets it
	ctx := r.Context()
	if ns := Namespace(ctx); ns != "team-a" {
		t.Errorf("Namespace = %q, want team-a", ns)
	}
	if got := BaseURLOf(ctx); got != "http://example.com/ucs" {
		t.Errorf("BaseURLOf = %q", got)
	}
	if got := BaseURL(r); got != "http://example.com/ucs" {
		t.Errorf("BaseURL = %q", got)
	}

	type who struct{ id string }
	if _, ok := CallerFrom[who](ctx); ok {
		t.Errorf("a caller before any WithCaller")
	}
	first := WithCaller(ctx, who{"alice"})
	if c, ok := CallerFrom[who](first); !ok || c.id != "alice" {
		t.Errorf("CallerFrom = %v, %v; want alice", c, ok)
	}
	second := WithCaller(first, who{"bob"})
	if c, _ := CallerFrom[who](second); c.id != "bob" {
		t.Errorf("the nearer caller should win: %v", c)
	}
	if c, _ := CallerFrom[who](first); c.id != "alice" {
		t.Errorf("a later WithCaller changed the earlier context's caller: %v", c)
	}
	if _, ok := CallerFrom[string](first); ok {
		t.Errorf("a caller of another type")
	}

	other := WithNamespace(second, "team-b")
	if ns := Namespace(other); ns != "team-b" {
		t.Errorf("Namespace after WithNamespace = %q", ns)
	}
	if ns := Namespace(second); ns != "team-a" {
		t.Errorf("WithNamespace changed the earlier context: %q", ns)
	}
	if got := BaseURLOf(other); got != "http://example.com/ucs" {
		t.Errorf("BaseURLOf after WithNamespace = %q", got)
	}
	if c, _ := CallerFrom[who](other); c.id != "bob" {
		t.Errorf("CallerFrom after WithNamespace = %v", c)
	}

	plain := context.Background()
	if Namespace(plain) != DefaultNamespace || BaseURLOf(plain) != "" {
		t.Errorf("a context of no request: %q, %q", Namespace(plain), BaseURLOf(plain))
	}
	if c, ok := CallerFrom[who](WithCaller(plain, who{"carol"})); !ok || c.id != "carol" {
		t.Errorf("WithCaller outside a served request: %v, %v", c, ok)
	}
	if ns := Namespace(WithNamespace(plain, "x")); ns != "x" {
		t.Errorf("WithNamespace outside a served request: %q", ns)
	}
}
