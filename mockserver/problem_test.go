package mockserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/standin/standin/mockserver"
)

func TestProblemError(t *testing.T) {
	cause := errors.New("boom")
	tests := []struct {
		name string
		p    mockserver.Problem
		want string
	}{
		{"detail", mockserver.Problem{Status: 400, Detail: "bad"}, "bad"},
		{"field and detail", mockserver.Problem{Status: 400, Field: "body.name", Detail: "is required"}, "body.name: is required"},
		{"status text when no detail", mockserver.Problem{Status: 404}, "Not Found"},
		{"field and status text", mockserver.Problem{Status: 413, Field: "body"}, "body: Request Entity Too Large"},
		{"cause is not shown", mockserver.Problem{Status: 500, Detail: "internal error", Err: cause}, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if got := tt.p.StatusCode(); got != tt.p.Status {
				t.Errorf("StatusCode() = %d, want %d", got, tt.p.Status)
			}
		})
	}
	p := &mockserver.Problem{Status: 500, Err: cause}
	if !errors.Is(p, cause) {
		t.Error("errors.Is does not see the cause of a Problem")
	}
}

func TestAsProblem(t *testing.T) {
	p := &mockserver.Problem{Status: http.StatusConflict, Kind: mockserver.KindInvalid, Detail: "taken"}
	if got := mockserver.AsProblem(p); got != p {
		t.Errorf("AsProblem(p) = %v, want p itself", got)
	}
	if got := mockserver.AsProblem(fmt.Errorf("create: %w", p)); got != p {
		t.Errorf("AsProblem(wrapped p) = %v, want p itself", got)
	}

	plain := errors.New("disk on fire")
	got := mockserver.AsProblem(plain)
	if got.Status != http.StatusInternalServerError || got.Kind != mockserver.KindInternal {
		t.Errorf("AsProblem(plain) = %+v, want a 500 of kind internal", got)
	}
	if !errors.Is(got, plain) {
		t.Error("AsProblem(plain) lost the cause")
	}
	if strings.Contains(got.Error(), "disk on fire") {
		t.Errorf("AsProblem(plain).Error() = %q leaks the internal cause to clients", got.Error())
	}
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
