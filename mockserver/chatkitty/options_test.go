package chatkitty

import "testing"

// The client the test hooks log in with is options.yaml's first
// application's, and a second application is there for isolation tests.
func TestDefaultClientMatchesOptions(t *testing.T) {
	opts, ok := Mock.DefaultOptions().(Options)
	if !ok || len(opts.Applications) < 2 || opts.Applications[0].ClientID != defaultClientID || opts.Applications[0].ClientSecret != defaultClientSecret {
		t.Fatalf("options.yaml's applications: %+v; want the first to be %s/%s and a second application", opts, defaultClientID, defaultClientSecret)
	}
}
