package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
)

func TestErrorMessage(t *testing.T) {
	cause := errors.New("boom")
	tests := []struct {
		name string
		e    mockserver.Error
		want string
	}{
		{"message", mockserver.Error{Status: 400, Message: "bad"}, "bad"},
		{"field and message", mockserver.Error{Status: 400, Field: "body.name", Message: "is required"}, "body.name: is required"},
		{"status text when no message", mockserver.Error{Status: 404}, "Not Found"},
		{"field and status text", mockserver.Error{Status: 413, Field: "body"}, "body: Request Entity Too Large"},
		{"cause is not shown", mockserver.Error{Status: 500, Message: "internal error", Err: cause}, "internal error"},
		{"code is not shown", mockserver.Error{Status: 400, Code: "error-x", Message: "bad"}, "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if got := tt.e.StatusCode(); got != tt.e.Status {
				t.Errorf("StatusCode() = %d, want %d", got, tt.e.Status)
			}
		})
	}
	e := &mockserver.Error{Status: 500, Err: cause}
	if !errors.Is(e, cause) {
		t.Error("errors.Is does not see the cause of an Error")
	}
}

func TestRefusal(t *testing.T) {
	e := mockserver.Refusal(http.StatusConflict, "error-taken", "Name taken")
	want := mockserver.Error{Status: http.StatusConflict, Kind: mockserver.KindRule, Code: "error-taken", Message: "Name taken"}
	if !reflect.DeepEqual(*e, want) {
		t.Errorf("Refusal = %+v, want %+v", *e, want)
	}
}

// deepCopy returns a copy of e that shares nothing with it.
func deepCopy(e *mockserver.Error) mockserver.Error {
	c := *e
	if e.Details != nil {
		c.Details = map[string]any{}
		for k, v := range e.Details {
			c.Details[k] = v
		}
	}
	return c
}

func TestErrorHelpersCopy(t *testing.T) {
	cause := errors.New("disk full")
	sentinel := mockserver.Refusal(http.StatusBadRequest, "error-x", "Not allowed").WithDetail("limit", 3)
	before := deepCopy(sentinel)

	tests := []struct {
		name   string
		derive func(*mockserver.Error) *mockserver.Error
		want   func(*mockserver.Error) // how the copy differs from the sentinel
	}{
		{"With", func(e *mockserver.Error) *mockserver.Error { return e.With("other text") },
			func(w *mockserver.Error) { w.Message = "other text" }},
		{"Withf", func(e *mockserver.Error) *mockserver.Error { return e.Withf("room %q", "r1") },
			func(w *mockserver.Error) { w.Message = `room "r1"` }},
		{"WithDetail new key", func(e *mockserver.Error) *mockserver.Error { return e.WithDetail("method", "GET") },
			func(w *mockserver.Error) { w.Details = map[string]any{"limit": 3, "method": "GET"} }},
		{"WithDetail same key", func(e *mockserver.Error) *mockserver.Error { return e.WithDetail("limit", 4) },
			func(w *mockserver.Error) { w.Details = map[string]any{"limit": 4} }},
		{"Wrap", func(e *mockserver.Error) *mockserver.Error { return e.Wrap(cause) },
			func(w *mockserver.Error) { w.Err = cause }},
		{"InForm", func(e *mockserver.Error) *mockserver.Error { return e.InForm("login") },
			func(w *mockserver.Error) { w.Form = "login" }},
		{"chained", func(e *mockserver.Error) *mockserver.Error {
			return e.With("a").WithDetail("k", "v").InForm("plain").Wrap(cause)
		}, func(w *mockserver.Error) {
			w.Message, w.Details, w.Form, w.Err = "a", map[string]any{"limit": 3, "k": "v"}, "plain", cause
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.derive(sentinel)
			if got == sentinel {
				t.Fatal("returned the sentinel itself, not a copy")
			}
			want := deepCopy(sentinel)
			tt.want(&want)
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("copy = %+v, want %+v", *got, want)
			}
			if !reflect.DeepEqual(*sentinel, before) {
				t.Fatalf("the sentinel changed: %+v, was %+v", *sentinel, before)
			}
			if !errors.Is(got, sentinel) {
				t.Error("errors.Is(copy, sentinel) = false")
			}
		})
	}

	t.Run("details of sibling copies are independent", func(t *testing.T) {
		a := sentinel.WithDetail("who", "a")
		b := sentinel.WithDetail("who", "b")
		if a.Details["who"] != "a" || b.Details["who"] != "b" {
			t.Errorf("details = %v and %v, want who=a and who=b", a.Details, b.Details)
		}
		if _, ok := sentinel.Details["who"]; ok {
			t.Errorf("the sentinel's details changed: %v", sentinel.Details)
		}
	})

	t.Run("WithDetail on an error without details", func(t *testing.T) {
		bare := mockserver.Refusal(http.StatusNotFound, "nf", "gone")
		got := bare.WithDetail("id", "x")
		if bare.Details != nil {
			t.Errorf("the sentinel gained details: %v", bare.Details)
		}
		if got.Details["id"] != "x" {
			t.Errorf("details = %v, want id=x", got.Details)
		}
	})
}

func TestErrorIs(t *testing.T) {
	notAllowed := mockserver.Refusal(http.StatusBadRequest, "error-not-allowed", "Not allowed")
	invalidRoom := mockserver.Refusal(http.StatusBadRequest, "error-invalid-room", "Invalid room")
	notFound := &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.KindNotFound}
	cause := errors.New("cause")

	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"sentinel itself", notAllowed, notAllowed, true},
		{"specialised copy", notAllowed.With("you may not"), notAllowed, true},
		{"copy wrapped in fmt.Errorf", fmt.Errorf("rule: %w", notAllowed.WithDetail("x", 1)), notAllowed, true},
		{"copy with a cause", notAllowed.Wrap(cause), notAllowed, true},
		{"cause of a copy", notAllowed.Wrap(cause), cause, true},
		{"another code, same status", notAllowed.With("x"), invalidRoom, false},
		{"same code, another status", &mockserver.Error{Status: http.StatusForbidden, Kind: mockserver.KindRule, Code: "error-not-allowed"}, notAllowed, false},
		{"same message, no code", &mockserver.Error{Status: http.StatusBadRequest, Kind: mockserver.KindRule, Message: "Not allowed"}, notAllowed, false},
		{"kind target matches an uncoded error of that kind", &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.KindNotFound, Message: "no route"}, notFound, true},
		{"kind target, another kind", &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.KindRule}, notFound, false},
		{"kind target, coded error", mockserver.Refusal(http.StatusNotFound, "nf", "gone"), notFound, false},
		{"not an Error", errors.New("Not allowed"), notAllowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.err, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, tt.target, got, tt.want)
			}
		})
	}
}

func TestAsError(t *testing.T) {
	e := mockserver.Refusal(http.StatusConflict, "taken", "taken")
	if got := mockserver.AsError(e); got != e {
		t.Errorf("AsError(e) = %v, want e itself", got)
	}
	if got := mockserver.AsError(fmt.Errorf("create: %w", e)); got != e {
		t.Errorf("AsError(wrapped e) = %v, want e itself", got)
	}

	plain := errors.New("disk on fire")
	got := mockserver.AsError(plain)
	if got.Status != http.StatusInternalServerError || got.Kind != mockserver.KindInternal || got.Code != "" {
		t.Errorf("AsError(plain) = %+v, want a 500 of kind internal without a code", got)
	}
	if !errors.Is(got, plain) {
		t.Error("AsError(plain) lost the cause")
	}
	if strings.Contains(got.Error(), "disk on fire") {
		t.Errorf("AsError(plain).Error() = %q leaks the internal cause to clients", got.Error())
	}
}

func TestEnvelopeComplete(t *testing.T) {
	env := mockserver.Envelope{Codes: map[mockserver.Kind]mockserver.Code{
		mockserver.KindInvalid:  {Code: "invalid-params"},
		mockserver.KindNotFound: {Status: http.StatusBadRequest, Code: "error-not-found"},
	}}
	tests := []struct {
		name string
		in   mockserver.Error
		want mockserver.Error
	}{
		{"code from the kind, status kept",
			mockserver.Error{Status: 400, Kind: mockserver.KindInvalid, Message: "m"},
			mockserver.Error{Status: 400, Kind: mockserver.KindInvalid, Code: "invalid-params", Message: "m"}},
		{"code and status from the kind",
			mockserver.Error{Status: 404, Kind: mockserver.KindNotFound, Message: "m"},
			mockserver.Error{Status: 400, Kind: mockserver.KindNotFound, Code: "error-not-found", Message: "m"}},
		{"an own code wins",
			mockserver.Error{Status: 404, Kind: mockserver.KindNotFound, Code: "mine", Message: "m"},
			mockserver.Error{Status: 404, Kind: mockserver.KindNotFound, Code: "mine", Message: "m"}},
		{"a kind without an entry is kept",
			mockserver.Error{Status: 401, Kind: mockserver.KindUnauthorized, Message: "m"},
			mockserver.Error{Status: 401, Kind: mockserver.KindUnauthorized, Message: "m"}},
		{"an API's refusal is kept",
			*mockserver.Refusal(409, "taken", "m"),
			*mockserver.Refusal(409, "taken", "m")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			got := env.Complete(&in)
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Complete = %+v, want %+v", *got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.in) {
				t.Errorf("Complete changed its argument: %+v, was %+v", in, tt.in)
			}
		})
	}
}

func TestEnvelopeWrite(t *testing.T) {
	var rendered *mockserver.Error
	env := mockserver.Envelope{
		Codes: map[mockserver.Kind]mockserver.Code{mockserver.KindInternal: {Code: "error-internal"}, mockserver.KindInvalid: {Code: "invalid"}},
		Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
			rendered = e
			w.WriteHeader(e.Status)
			_ = json.NewEncoder(w).Encode(map[string]string{"code": e.Code, "message": e.Error()})
		},
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)

	t.Run("foreign error is internal", func(t *testing.T) {
		w := httptest.NewRecorder()
		env.Write(w, r, errors.New("secret cause"))
		if w.Code != http.StatusInternalServerError || rendered.Kind != mockserver.KindInternal || rendered.Code != "error-internal" {
			t.Errorf("rendered %d %+v, want a 500 internal with code error-internal", w.Code, rendered)
		}
		if strings.Contains(w.Body.String(), "secret cause") {
			t.Errorf("body %s leaks the cause", w.Body)
		}
	})
	t.Run("wrapped Error as is", func(t *testing.T) {
		w := httptest.NewRecorder()
		sentinel := mockserver.Refusal(http.StatusConflict, "taken", "taken")
		env.Write(w, r, fmt.Errorf("ctx: %w", sentinel.With("name taken")))
		if w.Code != http.StatusConflict || rendered.Code != "taken" || rendered.Message != "name taken" {
			t.Errorf("rendered %d %+v, want the 409 taken", w.Code, rendered)
		}
	})
	t.Run("InvalidRequest", func(t *testing.T) {
		w := httptest.NewRecorder()
		env.InvalidRequest(w, r, errors.New("query parameter count: not a number"))
		if w.Code != http.StatusBadRequest || rendered.Kind != mockserver.KindInvalid || rendered.Code != "invalid" ||
			!strings.Contains(rendered.Message, "not a number") {
			t.Errorf("rendered %d %+v, want a 400 invalid naming the problem", w.Code, rendered)
		}
	})
}

func TestValidNamespace(t *testing.T) {
	tests := []struct {
		ns   string
		want bool
	}{
		{"a", true},
		{"default", true},
		{"Suite_1.run-2", true},
		{strings.Repeat("x", 64), true},
		{"", false},
		{strings.Repeat("x", 65), false},
		{"../x", false},
		{"a/b", false},
		{"a b", false},
		{"a\nb", false},
		{"é", false},
		{"a:b", false},
	}
	for _, tt := range tests {
		if got := mockserver.ValidNamespace(tt.ns); got != tt.want {
			t.Errorf("ValidNamespace(%q) = %v, want %v", tt.ns, got, tt.want)
		}
	}
}

func TestNamespaceContext(t *testing.T) {
	if got := mockserver.Namespace(context.Background()); got != mockserver.DefaultNamespace {
		t.Errorf("Namespace(background) = %q, want %q", got, mockserver.DefaultNamespace)
	}
	ctx := mockserver.WithNamespace(context.Background(), "suite-1")
	if got := mockserver.Namespace(ctx); got != "suite-1" {
		t.Errorf("Namespace = %q, want suite-1", got)
	}
	if got := mockserver.Namespace(mockserver.WithNamespace(ctx, "suite-2")); got != "suite-2" {
		t.Errorf("inner namespace = %q, want suite-2", got)
	}
}

func TestCallerContext(t *testing.T) {
	type user struct{ ID string }
	if _, ok := mockserver.CallerFrom[*user](context.Background()); ok {
		t.Error("CallerFrom of a bare context reports a caller")
	}
	ctx := mockserver.WithCaller(context.Background(), &user{ID: "u1"})
	if c, ok := mockserver.CallerFrom[*user](ctx); !ok || c.ID != "u1" {
		t.Errorf("CallerFrom = %v, %v; want u1", c, ok)
	}
	if _, ok := mockserver.CallerFrom[string](ctx); ok {
		t.Error("CallerFrom of another type reports a caller")
	}
}
