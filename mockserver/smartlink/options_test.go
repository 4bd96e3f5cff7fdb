package smartlink

import "testing"

// The key the test hooks send is options.yaml's first organisation's.
func TestDefaultKeyMatchesOptions(t *testing.T) {
	opts, ok := Mock.DefaultOptions().(Options)
	if !ok || len(opts.Organizations) < 2 || opts.Organizations[0].APIKey != defaultAPIKey {
		t.Fatalf("options.yaml's organizations: %+v; want the first's key %q and a second organisation", opts, defaultAPIKey)
	}
}
