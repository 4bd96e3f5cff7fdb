package openapi_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/standin/standin/openapi"
)

func TestNames(t *testing.T) {
	names := openapi.Names()
	if !slices.Contains(names, "rocketchat") {
		t.Fatalf("Names() = %v, want it to include rocketchat", names)
	}
	if !slices.IsSorted(names) {
		t.Errorf("Names() = %v, want sorted", names)
	}
	for _, n := range names {
		if n == "" || strings.Contains(n, ".") || strings.Contains(n, "/") {
			t.Errorf("Names() has %q, want a bare API name", n)
		}
		if _, err := openapi.Raw(n); err != nil {
			t.Errorf("Raw(%q) of a listed name: %v", n, err)
		}
	}
}

func TestRaw(t *testing.T) {
	b, err := openapi.Raw("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "openapi: 3.") {
		t.Errorf("Raw(rocketchat) starts with %q, want the YAML spec", string(b[:min(len(b), 40)]))
	}
	// Raw is the spec as written, servers included (Load drops them).
	if !strings.Contains(string(b), "\nservers:") {
		t.Errorf("Raw(rocketchat) has no servers key; the spec as written should")
	}
}

func TestRawUnknown(t *testing.T) {
	for _, name := range []string{"nope", "", "rocketchat.yaml", "../openapi/rocketchat", "ROCKETCHAT"} {
		b, err := openapi.Raw(name)
		if !errors.Is(err, openapi.ErrUnknownAPI) {
			t.Errorf("Raw(%q) error = %v, want ErrUnknownAPI", name, err)
			continue
		}
		if b != nil {
			t.Errorf("Raw(%q) returned %d bytes with its error", name, len(b))
		}
		if !strings.Contains(err.Error(), `"`+name+`"`) {
			t.Errorf("Raw(%q) error %q does not name the API", name, err)
		}
	}
}

func TestLoad(t *testing.T) {
	doc, err := openapi.Load("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	again, err := openapi.Load("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	if doc != again {
		t.Errorf("Load twice returned %p and %p, want the shared document", doc, again)
	}
	if doc.Servers != nil {
		t.Errorf("Load: Servers = %v, want nil so routers match relative paths", doc.Servers)
	}
	if doc.Paths == nil || doc.Paths.Find("/api/v1/login") == nil {
		t.Errorf("Load: no /api/v1/login path in the rocketchat spec")
	}
	if doc.Components == nil || len(doc.Components.Schemas) == 0 {
		t.Errorf("Load: no component schemas")
	}
	if got := openapi.MustLoad("rocketchat"); got != doc {
		t.Errorf("MustLoad returned %p, want the document Load returned (%p)", got, doc)
	}
}

func TestLoadConcurrent(t *testing.T) {
	const n = 16
	docs := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			d, err := openapi.Load("rocketchat")
			if err != nil {
				t.Error(err)
			}
			docs[i] = d
		})
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if docs[i] != docs[0] {
			t.Fatalf("concurrent Load returned different documents")
		}
	}
}

func TestLoadUnknown(t *testing.T) {
	for range 2 { // the error is cached like a document, and must stay an error
		doc, err := openapi.Load("nope")
		if !errors.Is(err, openapi.ErrUnknownAPI) {
			t.Errorf("Load(nope) error = %v, want ErrUnknownAPI", err)
		}
		if doc != nil {
			t.Errorf("Load(nope) returned a document")
		}
	}
}

func TestMustLoadPanicsOnUnknown(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("MustLoad(nope) did not panic")
		}
		err, ok := r.(error)
		if !ok || !errors.Is(err, openapi.ErrUnknownAPI) {
			t.Errorf("MustLoad(nope) panicked with %v, want an ErrUnknownAPI error", r)
		}
	}()
	openapi.MustLoad("nope")
}

func TestValidate(t *testing.T) {
	for _, name := range openapi.Names() {
		t.Run(name, func(t *testing.T) {
			if err := openapi.Validate(context.Background(), name); err != nil {
				t.Errorf("Validate(%q) = %v", name, err)
			}
		})
	}
	if err := openapi.Validate(context.Background(), "nope"); !errors.Is(err, openapi.ErrUnknownAPI) {
		t.Errorf("Validate(nope) = %v, want ErrUnknownAPI", err)
	}
}

// Validate parses its own copy: it must not depend on, nor disturb, the
// shared document (whose servers Load cleared).
func TestValidateLeavesSharedDocument(t *testing.T) {
	doc := openapi.MustLoad("rocketchat")
	if err := openapi.Validate(context.Background(), "rocketchat"); err != nil {
		t.Fatal(err)
	}
	if doc.Servers != nil {
		t.Errorf("after Validate the shared document has servers %v", doc.Servers)
	}
}
