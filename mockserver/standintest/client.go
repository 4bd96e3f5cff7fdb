package standintest

import (
	"context"
	"net/http"
	"reflect"
)

// Client returns the typed client of api, generated in gen/<api>, wired
// to s: its server is s.URL(api) and its HTTP client s.HTTPClient(). Pass
// the generated package's constructor and its WithHTTPClient option, and
// any further options of that package:
//
//	c := standintest.Client(srv, "rocketchat", rcgen.NewClientWithResponses, rcgen.WithHTTPClient,
//		rcgen.WithRequestEditorFn(standintest.Headers(srv.Login("rocketchat"))))
//
// It fails the test if the client cannot be made, or if withHTTPClient
// does not take an *http.Client (a constructor and an option of two
// different packages).
func Client[C, O, D any](s *Server, api string, newClient func(server string, opts ...O) (C, error), withHTTPClient func(D) O, opts ...O) C {
	s.t.Helper()
	url := s.URL(api)
	doer, ok := any(s.HTTPClient()).(D)
	if !ok {
		s.t.Fatalf("standintest.Client(%q): withHTTPClient takes %v, which an *http.Client does not satisfy: pass the WithHTTPClient of the package the constructor comes from", api, reflect.TypeFor[D]())
	}
	c, err := newClient(url, append([]O{withHTTPClient(doer)}, opts...)...)
	if err != nil {
		s.t.Fatalf("standintest.Client(%q): %v", api, err)
	}
	return c
}

// Headers returns a request editor, the function a generated client's
// WithRequestEditorFn takes, that sets h on every request: the headers
// Login or LoginIn returned, for example.
func Headers(h http.Header) func(context.Context, *http.Request) error {
	h = h.Clone()
	return func(_ context.Context, req *http.Request) error {
		for k, v := range h {
			req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
		}
		return nil
	}
}
