package mocks_test

import (
	"os"
	"path/filepath"
	"testing"
)

// A configuration error names the file, the line of the offending key or
// value in it, and its key path, whatever depth it sits at.
func TestLoadErrorNamesLineAndKeyPath(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "addr: 127.0.0.1:8080\n\nbogus: 1\n",
			`:3: bogus: unknown key (known: addr, bodyLimit, journalSize, cors, admin, server, namespaces, state, webhooks, faults)`},
		{"wrong type deep in an API's options", "# standin\naddr: 127.0.0.1:8080\napis:\n  rocketchat:\n    dataSet: default\n  ethora:\n    seed: 3\n    options:\n      app:\n        id: my-app\n      jobDelay: abc\n",
			`:11: apis.ethora.options.jobDelay: want a duration like 30s or 500ms, got "abc"`},
		{"unknown key deep in an API's options", "apis:\n  ethora:\n    options:\n      app:\n        id: my-app\n\n        secrett: s\n",
			`:7: apis.ethora.options.app.secrett: unknown key (known: id, secret, displayName)`},
		{"an option one level too high", "apis:\n  ethora:\n    enabled: true\n    jobDelay: 3s\n",
			`:4: apis.ethora.jobDelay: unknown key (known: enabled, dataSet, seed, rootAddr, options); jobDelay is an option of the API: apis.ethora.options.jobDelay`},
		{"wrong type in an API's settings", "apis:\n  rocketchat:\n    seed: many\n",
			`:3: apis.rocketchat.seed: want a whole number, 0 or more, got "many"`},
		{"wrong type in a list item", "webhooks:\n  subscriptions:\n    - api: ethora\n      url: http://127.0.0.1:9/hook\n    - api: ethora\n      events: every\n",
			`:6: webhooks.subscriptions[1].events: want a list, got "every"`},
		{"a duration of the core", "server:\n  readTimeout: 5s\n  idleTimeout: soon\n",
			`:3: server.idleTimeout: want a duration like 30s or 500ms, got "soon"`},
		{"apis not a mapping", "apis: [rocketchat]\n", `:1: apis: want a mapping of API names`},
		{"a syntax error", "addr: x\napis:\n  ethora: [\n", `:3: did not find expected node content`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := cat.Load(path)
			if err == nil {
				t.Fatal("Load took the file")
			}
			if got, want := err.Error(), path+tt.want; got != want {
				t.Errorf("Load error\n got %s\nwant %s", got, want)
			}
		})
	}
}
