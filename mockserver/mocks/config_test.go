package mocks_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/rocketchat"
)

// cat is the catalog these tests configure: the APIs standin ships.
var cat = mocks.Catalog{rocketchat.Mock, ethora.Mock}

// rcOptions returns the Rocket.Chat options of c.
func rcOptions(t *testing.T, c mocks.Config) rocketchat.Options {
	t.Helper()
	o, ok := c.APIs["rocketchat"].Options.(rocketchat.Options)
	if !ok {
		t.Fatalf("apis.rocketchat.options = %T, want rocketchat.Options", c.APIs["rocketchat"].Options)
	}
	return o
}

// withRC returns c with change applied to its Rocket.Chat section.
func withRC(c *mocks.Config, change func(*mocks.APIConfig)) {
	rc := c.APIs["rocketchat"]
	change(&rc)
	c.APIs["rocketchat"] = rc
}

func TestDefault(t *testing.T) {
	c := cat.Default()
	if c.Addr != "127.0.0.1:8080" {
		t.Errorf("Addr = %q, want 127.0.0.1:8080", c.Addr)
	}
	if c.BodyLimit != 1<<20 {
		t.Errorf("BodyLimit = %d, want 1 MiB", c.BodyLimit)
	}
	if c.JournalSize <= 0 {
		t.Errorf("JournalSize = %d, want positive", c.JournalSize)
	}
	if !c.CORS.Enabled || len(c.CORS.Origins) != 0 {
		t.Errorf("CORS = %+v, want on for any origin", c.CORS)
	}
	if len(c.Admin.Hosts) != 0 || c.Admin.Token != "" || len(c.Admin.CORSOrigins) != 0 {
		t.Errorf("Admin = %+v, want loopback hosts only, no token, no CORS", c.Admin)
	}
	if c.Server != mockserver.DefaultLimits() {
		t.Errorf("Server = %+v, want mockserver.DefaultLimits() %+v", c.Server, mockserver.DefaultLimits())
	}
	// No state kept unless asked for, and a short interval when it is:
	// the issue asks for at most 5s.
	if c.State.Dir != "" || c.State.Snapshot != "" || c.State.Interval <= 0 || c.State.Interval > 5*time.Second {
		t.Errorf("State = %+v, want no directory, no snapshot and an interval of at most 5s", c.State)
	}
	for _, name := range cat.Names() {
		api, ok := c.APIs[name]
		if !ok {
			t.Fatalf("APIs = %v, want %s", c.APIs, name)
		}
		if !api.Enabled {
			t.Errorf("%s disabled by default", name)
		}
		if api.DataSet != "default" || api.Seed != 1 {
			t.Errorf("%s data set %q seed %d, want default seed 1", name, api.DataSet, api.Seed)
		}
		if api.RootAddr != "" {
			t.Errorf("%s RootAddr = %q, want off", name, api.RootAddr)
		}
	}
	if rc := rcOptions(t, c); rc.Admin.Username != "admin" || rc.Admin.Password != "admin" {
		t.Errorf("rocketchat admin %s/%s, want admin/admin", rc.Admin.Username, rc.Admin.Password)
	}
	if et, ok := c.APIs["ethora"].Options.(ethora.Options); !ok || et.App.ID == "" || et.App.Secret == "" {
		t.Errorf("ethora options = %+v, want an app with an id and a secret", c.APIs["ethora"].Options)
	}
	if err := cat.Validate(c); err != nil {
		t.Errorf("Validate(Default()) = %v", err)
	}
}

// Default hands out fresh values: changing one does not change the next.
func TestDefaultIsACopy(t *testing.T) {
	c := cat.Default()
	c.Addr = "changed"
	c.APIs["rocketchat"] = mocks.APIConfig{}
	c.APIs["other"] = mocks.APIConfig{}
	c.Admin.Hosts = append(c.Admin.Hosts, "changed")
	d := cat.Default()
	if _, leaked := d.APIs["other"]; d.Addr != "127.0.0.1:8080" || !d.APIs["rocketchat"].Enabled || leaked || len(d.Admin.Hosts) != 0 {
		t.Errorf("Default() after changing an earlier one = %+v", d)
	}

	y := cat.DefaultYAML()
	for i := range y {
		y[i] = 'x'
	}
	if !strings.Contains(string(cat.DefaultYAML()), "addr: 127.0.0.1:8080") {
		t.Errorf("DefaultYAML() changed after its result was overwritten")
	}
}

// DefaultYAML is what Default parses: printing it and parsing the print
// gives the defaults back, and it documents every key of Config, of its
// sections and of each API's options.
func TestDefaultYAML(t *testing.T) {
	y := cat.DefaultYAML()
	c, err := cat.Parse(y)
	if err != nil {
		t.Fatalf("Parse(DefaultYAML()) = %v", err)
	}
	if !reflect.DeepEqual(c, cat.Default()) {
		t.Errorf("Parse(DefaultYAML()) = %+v, want Default() %+v", c, cat.Default())
	}
	var keys map[string]any
	if err := yaml.Unmarshal(y, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range yamlKeys(reflect.TypeFor[mocks.Config]()) {
		if _, ok := keys[k]; !ok {
			t.Errorf("DefaultYAML() does not document %q", k)
		}
	}
	if _, ok := keys["apis"]; !ok {
		t.Errorf("DefaultYAML() does not document apis")
	}
	// The core's sections document each of their keys.
	for section, typ := range map[string]reflect.Type{
		"cors":     reflect.TypeFor[mocks.CORSConfig](),
		"admin":    reflect.TypeFor[mockserver.AdminOptions](),
		"server":   reflect.TypeFor[mockserver.Limits](),
		"state":    reflect.TypeFor[mocks.StateConfig](),
		"webhooks": reflect.TypeFor[mocks.WebhooksConfig](),
	} {
		m, _ := keys[section].(map[string]any)
		for _, k := range yamlKeys(typ) {
			if _, ok := m[k]; !ok {
				t.Errorf("DefaultYAML() does not document %s.%s", section, k)
			}
		}
	}
	// Every API documents the keys it uses: the common ones, and its own
	// under options.
	own := map[string][]string{"rocketchat": {"admin"}, "ethora": {"app", "jobDelay"}}
	for name, extra := range own {
		api, _ := keys["apis"].(map[string]any)[name].(map[string]any)
		for _, k := range append(yamlKeys(reflect.TypeFor[mocks.APIConfig]()), "options") {
			if _, ok := api[k]; !ok {
				t.Errorf("DefaultYAML() does not document apis.%s.%s", name, k)
			}
		}
		opts, _ := api["options"].(map[string]any)
		for _, k := range extra {
			if _, ok := opts[k]; !ok {
				t.Errorf("DefaultYAML() does not document apis.%s.options.%s", name, k)
			}
		}
	}
	if len(own) != len(cat) {
		t.Errorf("the test knows the options of %d APIs, the catalog has %d", len(own), len(cat))
	}
}

// yamlKeys lists the YAML keys of a struct type's fields, leaving out
// those not read from YAML.
func yamlKeys(typ reflect.Type) []string {
	var keys []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys = append(keys, name)
	}
	return keys
}

func TestParseOverDefaults(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, c mocks.Config)
	}{
		{"empty", "", func(t *testing.T, c mocks.Config) {
			if !reflect.DeepEqual(c, cat.Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
		{"blank", " \n\t\n", func(t *testing.T, c mocks.Config) {
			if !reflect.DeepEqual(c, cat.Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
		{"only addr", "addr: 127.0.0.1:9999\n", func(t *testing.T, c mocks.Config) {
			want := cat.Default()
			want.Addr = "127.0.0.1:9999"
			if !reflect.DeepEqual(c, want) {
				t.Errorf("got %+v, want %+v", c, want)
			}
		}},
		{"cors off (short form) and small body limit", "cors: false\nbodyLimit: 10\n", func(t *testing.T, c mocks.Config) {
			if c.CORS.Enabled || c.BodyLimit != 10 {
				t.Errorf("cors %+v bodyLimit %d, want off, 10", c.CORS, c.BodyLimit)
			}
			if c.Addr != "127.0.0.1:8080" || !c.APIs["rocketchat"].Enabled {
				t.Errorf("other keys lost their defaults: %+v", c)
			}
		}},
		{"cors off", "cors:\n  enabled: false\n", func(t *testing.T, c mocks.Config) {
			if c.CORS.Enabled {
				t.Errorf("cors %+v, want off", c.CORS)
			}
		}},
		{"cors origins only", "cors:\n  origins: [http://localhost:5173, 'https://*.example.com']\n", func(t *testing.T, c mocks.Config) {
			if !c.CORS.Enabled || !slices.Equal(c.CORS.Origins, []string{"http://localhost:5173", "https://*.example.com"}) {
				t.Errorf("cors %+v, want on with the two origins", c.CORS)
			}
		}},
		{"admin", "admin:\n  hosts: [standin, 10.0.0.5:8080]\n  token: t0k\n  corsOrigins: [http://localhost:5173]\n", func(t *testing.T, c mocks.Config) {
			want := mockserver.AdminOptions{Hosts: []string{"standin", "10.0.0.5:8080"}, Token: "t0k", CORSOrigins: []string{"http://localhost:5173"}}
			if !reflect.DeepEqual(c.Admin, want) {
				t.Errorf("admin = %+v, want %+v", c.Admin, want)
			}
		}},
		{"only the admin token", "admin:\n  token: t0k\n", func(t *testing.T, c mocks.Config) {
			if c.Admin.Token != "t0k" || len(c.Admin.Hosts) != 0 || len(c.Admin.CORSOrigins) != 0 {
				t.Errorf("admin = %+v, want only the token set", c.Admin)
			}
		}},
		{"one server limit", "server:\n  readTimeout: 5s\n", func(t *testing.T, c mocks.Config) {
			want := mockserver.DefaultLimits()
			want.ReadTimeout = 5 * time.Second
			if c.Server != want {
				t.Errorf("server = %+v, want the defaults with readTimeout 5s: %+v", c.Server, want)
			}
		}},
		{"every server limit", "server:\n  readTimeout: 1m\n  readHeaderTimeout: 2s\n  writeTimeout: 90s\n  idleTimeout: 0s\n  maxHeaderBytes: 8192\n", func(t *testing.T, c mocks.Config) {
			want := mockserver.Limits{ReadTimeout: time.Minute, ReadHeaderTimeout: 2 * time.Second, WriteTimeout: 90 * time.Second, MaxHeaderBytes: 8192}
			if c.Server != want {
				t.Errorf("server = %+v, want %+v", c.Server, want)
			}
		}},
		{"state dir only", "state:\n  dir: .standin\n", func(t *testing.T, c mocks.Config) {
			want := cat.Default().State
			want.Dir = ".standin"
			if c.State != want {
				t.Errorf("state = %+v, want the defaults with dir .standin: %+v", c.State, want)
			}
		}},
		{"every state key", "state:\n  dir: d\n  interval: 250ms\n  snapshot: seed.json\n", func(t *testing.T, c mocks.Config) {
			want := mocks.StateConfig{Dir: "d", Interval: 250 * time.Millisecond, Snapshot: "seed.json"}
			if c.State != want {
				t.Errorf("state = %+v, want %+v", c.State, want)
			}
		}},
		{"full API section", "apis:\n  rocketchat:\n    enabled: true\n    dataSet: empty\n    seed: 9\n", func(t *testing.T, c mocks.Config) {
			rc := c.APIs["rocketchat"]
			if !rc.Enabled || rc.DataSet != "empty" || rc.Seed != 9 {
				t.Errorf("rocketchat = %+v", rc)
			}
		}},
		{"only the seed of an API", "apis:\n  rocketchat:\n    seed: 7\n", func(t *testing.T, c mocks.Config) {
			rc := c.APIs["rocketchat"]
			want := cat.Default().APIs["rocketchat"]
			want.Seed = 7
			if !reflect.DeepEqual(rc, want) {
				t.Errorf("rocketchat = %+v, want the defaults with seed 7: %+v", rc, want)
			}
			if !reflect.DeepEqual(c.APIs["ethora"], cat.Default().APIs["ethora"]) {
				t.Errorf("ethora = %+v, want its defaults", c.APIs["ethora"])
			}
		}},
		{"disable an API", "apis:\n  rocketchat:\n    enabled: false\n", func(t *testing.T, c mocks.Config) {
			rc := c.APIs["rocketchat"]
			if rc.Enabled || rc.DataSet != "default" {
				t.Errorf("rocketchat = %+v, want disabled with the default data set", rc)
			}
		}},
		{"only the admin password", "apis:\n  rocketchat:\n    options:\n      admin:\n        password: s3cret\n", func(t *testing.T, c mocks.Config) {
			rc := c.APIs["rocketchat"]
			if o := rcOptions(t, c); !rc.Enabled || o.Admin.Username != "admin" || o.Admin.Password != "s3cret" {
				t.Errorf("rocketchat = %+v, want enabled, admin/s3cret", rc)
			}
		}},
		{"only comments", "# addr: 127.0.0.1:1\n# cors: false\n", func(t *testing.T, c mocks.Config) {
			if !reflect.DeepEqual(c, cat.Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := cat.Parse([]byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.yaml, err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // fragments of the error
	}{
		{"typo at the top", "adress: 127.0.0.1:9999\n", []string{"adress"}},
		{"typo in an API", "apis:\n  rocketchat:\n    enabled: true\n    dataset: empty\n", []string{"dataset"}},
		{"typo in the admin", "apis:\n  rocketchat:\n    enabled: true\n    dataSet: default\n    options:\n      admin:\n        user: x\n", []string{"user"}},
		{"options outside options", "apis:\n  rocketchat:\n    admin:\n      password: x\n", []string{"apis.rocketchat", "admin"}},
		{"wrong type", "bodyLimit: lots\n", []string{"lots"}},
		{"not YAML", "addr: [\n", []string{"mocks: config"}},
		{"unknown API", "apis:\n  slack:\n    enabled: true\n    dataSet: default\n", []string{"apis.slack", "unknown API"}},
		{"unknown data set", "apis:\n  rocketchat:\n    enabled: true\n    dataSet: nope\n", []string{"apis.rocketchat.dataSet", `"nope"`}},
		{"zero body limit", "bodyLimit: 0\n", []string{"bodyLimit", "0"}},
		{"negative body limit", "bodyLimit: -5\n", []string{"bodyLimit", "-5"}},
		{"every problem", "bodyLimit: 0\napis:\n  slack:\n    enabled: true\n", []string{"bodyLimit", "apis.slack"}},
		{"typo in cors", "cors:\n  enable: true\n", []string{"enable"}},
		{"cors not a bool", "cors: maybe\n", []string{"maybe"}},
		{"origin without a scheme", "cors:\n  origins: [localhost:3000]\n", []string{"cors.origins[0]", "localhost:3000"}},
		{"admin origin without a scheme", "admin:\n  corsOrigins: [example.com]\n", []string{"admin.corsOrigins[0]", "example.com"}},
		{"typo in admin", "admin:\n  tokens: x\n", []string{"tokens"}},
		{"empty admin host", "admin:\n  hosts: ['']\n", []string{"admin.hosts[0]"}},
		{"admin host with a path", "admin:\n  hosts: [http://x/]\n", []string{"admin.hosts[0]", "http://x/"}},
		{"typo in server", "server:\n  readTimout: 5s\n", []string{"readTimout"}},
		{"not a duration", "server:\n  readTimeout: soon\n", []string{"soon"}},
		{"negative timeout", "server:\n  writeTimeout: -1s\n", []string{"server.writeTimeout"}},
		{"negative header limit", "server:\n  maxHeaderBytes: -1\n", []string{"server.maxHeaderBytes"}},
		{"typo in state", "state:\n  directory: d\n", []string{"directory"}},
		{"zero state interval", "state:\n  interval: 0s\n", []string{"state.interval", "positive"}},
		{"negative state interval", "state:\n  interval: -1s\n", []string{"state.interval", "-1s"}},
		{"state interval not a duration", "state:\n  interval: often\n", []string{"often"}},
		{"typo in webhooks", "webhooks:\n  maxAttempt: 3\n", []string{"maxAttempt"}},
		{"zero webhook attempts", "webhooks:\n  maxAttempts: 0\n", []string{"webhooks.maxAttempts"}},
		{"zero webhook backoff", "webhooks:\n  backoff: 0s\n", []string{"webhooks.backoff"}},
		{"max backoff below backoff", "webhooks:\n  backoff: 10s\n  maxBackoff: 1s\n", []string{"webhooks.maxBackoff"}},
		{"zero webhook timeout", "webhooks:\n  timeout: 0s\n", []string{"webhooks.timeout"}},
		{"zero pending", "webhooks:\n  maxPending: 0\n", []string{"webhooks.maxPending"}},
		{"zero history", "webhooks:\n  history: 0\n", []string{"webhooks.history"}},
		{"subscription with a bad url", "webhooks:\n  subscriptions:\n    - {api: rocketchat, url: /relative}\n", []string{"webhooks.subscriptions[0].url", "/relative"}},
		{"subscription to an unknown API", "webhooks:\n  subscriptions:\n    - {api: rocketchat, url: 'http://x/'}\n    - {api: slack, url: 'http://x/'}\n", []string{"webhooks.subscriptions[1].api", "slack"}},
		{"subscription to a disabled API", "webhooks:\n  subscriptions:\n    - {api: ethora, url: 'http://x/'}\napis:\n  ethora:\n    enabled: false\n", []string{"webhooks.subscriptions[0].api", "disabled"}},
		{"subscription in a bad namespace", "webhooks:\n  subscriptions:\n    - {api: ethora, namespace: 'a b', url: 'http://x/'}\n", []string{"webhooks.subscriptions[0].namespace"}},
		{"subscription with an empty event", "webhooks:\n  subscriptions:\n    - {api: ethora, url: 'http://x/', events: ['']}\n", []string{"webhooks.subscriptions[0].events[0]"}},
		{"typo in a subscription", "webhooks:\n  subscriptions:\n    - {api: ethora, URL: 'http://x/'}\n", []string{"URL"}},
		{"too many subscriptions", "webhooks:\n  maxSubscriptions: 1\n  subscriptions:\n    - {api: ethora, url: 'http://x/'}\n    - {api: ethora, url: 'http://y/'}\n", []string{"webhooks.subscriptions[1]", "maxSubscriptions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cat.Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse(%q) = nil error", tt.yaml)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%q) = %q, want it to mention %q", tt.yaml, err, w)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *mocks.Config)
		want   []string // fragments of the error; none: valid
	}{
		{"defaults", func(c *mocks.Config) {}, nil},
		{"unknown API", func(c *mocks.Config) { c.APIs["slack"] = mocks.APIConfig{Enabled: true, DataSet: "default"} }, []string{"apis.slack"}},
		{"unknown data set", func(c *mocks.Config) {
			withRC(c, func(rc *mocks.APIConfig) { rc.DataSet = "huge" })
		}, []string{"apis.rocketchat.dataSet", "huge"}},
		{"zero body limit", func(c *mocks.Config) { c.BodyLimit = 0 }, []string{"bodyLimit"}},
		{"no APIs at all", func(c *mocks.Config) { c.APIs = nil }, nil},
		{"no server limits", func(c *mocks.Config) { c.Server = mockserver.Limits{} }, nil},
		{"negative idle timeout", func(c *mocks.Config) { c.Server.IdleTimeout = -time.Second }, []string{"server.idleTimeout"}},
		{"any origin", func(c *mocks.Config) { c.CORS.Origins = []string{"*"}; c.Admin.CORSOrigins = []string{"*"} }, nil},
		{"bad origin", func(c *mocks.Config) { c.CORS.Origins = []string{"ftp://x"} }, []string{"cors.origins[0]"}},
		{"no state interval", func(c *mocks.Config) { c.State.Interval = 0 }, []string{"state.interval"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cat.Default()
			tt.change(&c)
			err := cat.Validate(c)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error mentioning %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
	for _, ds := range fixtures.DataSets() {
		c := cat.Default()
		withRC(&c, func(rc *mocks.APIConfig) { rc.DataSet = ds.Name })
		if err := cat.Validate(c); err != nil {
			t.Errorf("data set %q: Validate() = %v", ds.Name, err)
		}
	}
}

func TestValidateUnknownDataSetIs(t *testing.T) {
	c := cat.Default()
	withRC(&c, func(rc *mocks.APIConfig) { rc.DataSet = "nope" })
	if err := cat.Validate(c); !errors.Is(err, fixtures.ErrUnknownDataSet) {
		t.Errorf("Validate() = %v, want it to wrap fixtures.ErrUnknownDataSet", err)
	}
}

func TestLoad(t *testing.T) {
	c, err := cat.Load(filepath.Join("testdata", "partial.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := cat.Default()
	want.Addr = "127.0.0.1:9999"
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(partial.yaml) = %+v, want %+v", c, want)
	}

	c, err = cat.Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want = mocks.Config{
		Addr: "127.0.0.1:7000", BodyLimit: 2048, JournalSize: 10,
		CORS:  mocks.CORSConfig{Enabled: false, Origins: []string{"http://localhost:5173"}},
		Admin: mockserver.AdminOptions{Hosts: []string{"standin"}, Token: "t0k", CORSOrigins: []string{"http://localhost:5173"}},
		Server: mockserver.Limits{
			ReadTimeout: 20 * time.Second, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 40 * time.Second,
			IdleTimeout: time.Minute, MaxHeaderBytes: 65536,
		},
		Namespaces: mockserver.NamespaceLimits{Max: 5, IdleTimeout: 10 * time.Minute},
		State:      mocks.StateConfig{Dir: "/var/lib/standin", Interval: 500 * time.Millisecond, Snapshot: "seed.json"},
		Webhooks: mocks.WebhooksConfig{
			MaxAttempts: 3, Backoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second, Timeout: time.Second,
			MaxPending: 50, MaxSubscriptions: 4, History: 20,
			Subscriptions: []mocks.SubscriptionConfig{
				{API: "rocketchat", URL: "http://127.0.0.1:9000/hooks"},
				{API: "ethora", Namespace: "team-a", URL: "https://hooks.example.com/in", Events: []string{"app.created", "membership.*"}},
			},
		},
		Faults: mocks.FaultsConfig{Seed: 3, Rules: []mockserver.FaultRule{
			{
				API: "rocketchat", Namespace: "slow", Operation: "GET /api/v1/channels.info",
				Delay: &mockserver.FaultDelay{LogNormal: &mockserver.FaultLogNormal{Median: "200ms", Sigma: 0.5}},
				Error: &mockserver.FaultReply{Status: 503, Rate: ptr(0.25), Code: "error-unavailable", Message: "try later"},
				Times: 50, For: "10m", Seed: ptr[uint64](11),
			},
			{Drop: &mockserver.FaultDrop{Rate: ptr(0.1)}, SlowBody: &mockserver.FaultSlowBody{BytesPerSecond: 512}, Until: "2030-01-02T15:04:05Z"},
		}},
		APIs: map[string]mocks.APIConfig{"rocketchat": {
			Enabled: true, DataSet: "empty", Seed: 42, RootAddr: "127.0.0.1:7001",
			Options: rocketchat.Options{Admin: fixtures.Credentials{Username: "boss", Password: "s3cret", Email: "boss@example.test", Name: "The Boss"}},
		}, "ethora": cat.Default().APIs["ethora"]},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(full.yaml) = %+v, want %+v", c, want)
	}
}

// A file of an earlier version with `cors: false` still loads.
func TestLoadShortCORS(t *testing.T) {
	c, err := cat.Load(filepath.Join("testdata", "cors-short.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := cat.Default()
	want.CORS.Enabled = false
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(cors-short.yaml) = %+v, want the defaults with CORS off", c)
	}
}

func TestLoadCommentsOnly(t *testing.T) {
	c, err := cat.Load(filepath.Join("testdata", "comments-only.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, cat.Default()) {
		t.Errorf("got %+v, want the defaults", c)
	}
}

func TestLoadErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := cat.Load(missing)
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(missing) = %v, want an error naming %s", err, missing)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want it to wrap os.ErrNotExist", err)
	}

	typo := filepath.Join("testdata", "typo.yaml")
	_, err = cat.Load(typo)
	if err == nil || !strings.Contains(err.Error(), typo) || !strings.Contains(err.Error(), "adress") {
		t.Errorf("Load(typo.yaml) = %v, want an error naming the file and the key", err)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("bodyLimit: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = cat.Load(bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "bodyLimit") {
		t.Errorf("Load(bodyLimit 0) = %v, want an error naming the file and the key", err)
	}
}

func TestNew(t *testing.T) {
	srv, err := cat.New(cat.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every enabled API of the defaults is mounted, in catalog order.
	var want []string
	for _, name := range cat.Names() {
		if cat.Default().APIs[name].Enabled {
			want = append(want, name)
		}
	}
	got := srv.APIs()
	if !slices.Contains(got, "rocketchat") || !slices.Equal(got, want) {
		t.Errorf("APIs() = %v, want the enabled APIs %v, rocketchat among them", got, want)
	}
	h := srv.Handler()
	if code, body := do(h, http.MethodGet, "/__standin/health", ""); code != http.StatusOK || !strings.Contains(body, "rocketchat") {
		t.Errorf("health: %d %s, want 200 listing rocketchat", code, body)
	}
	if code, body := login(h, "admin", "admin"); code != http.StatusOK {
		t.Errorf("login admin/admin: %d %s, want 200", code, body)
	}
	if code, _ := login(h, "admin", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("login admin/wrong: %d, want 401", code)
	}
}

func TestNewDisabledAPI(t *testing.T) {
	c := cat.Default()
	withRC(&c, func(rc *mocks.APIConfig) { rc.Enabled = false })
	srv, err := cat.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.APIs(); slices.Contains(got, "rocketchat") {
		t.Errorf("APIs() = %v, want rocketchat left out", got)
	}
	if code, _ := login(srv.Handler(), "admin", "admin"); code != http.StatusNotFound {
		t.Errorf("login on a disabled API: %d, want 404", code)
	}
	if code, _ := do(srv.Handler(), http.MethodGet, "/__standin/health", ""); code != http.StatusOK {
		t.Errorf("health without APIs: %d, want 200", code)
	}

	c.APIs = nil
	srv, err = cat.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.APIs(); len(got) != 0 {
		t.Errorf("APIs() without an apis section = %v, want none", got)
	}
}

func TestNewUsesAPIConfig(t *testing.T) {
	c := cat.Default()
	withRC(&c, func(rc *mocks.APIConfig) {
		rc.Options = rocketchat.Options{Admin: fixtures.Credentials{Username: "boss", Password: "s3cret"}}
		rc.DataSet = "empty"
	})
	srv, err := cat.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if code, body := login(h, "boss", "s3cret"); code != http.StatusOK {
		t.Errorf("login boss/s3cret: %d %s, want 200", code, body)
	}
	if code, _ := login(h, "admin", "admin"); code != http.StatusUnauthorized {
		t.Errorf("login admin/admin with another admin configured: %d, want 401", code)
	}
}

func TestNewBodyLimit(t *testing.T) {
	c := cat.Default()
	c.BodyLimit = 16
	srv, err := cat.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := login(srv.Handler(), "admin", strings.Repeat("x", 64)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("login with a body over bodyLimit: %d %s, want 413", code, body)
	}
}

func TestNewCORS(t *testing.T) {
	preflight := func(h http.Handler, origin string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodOptions, "/rocketchat/api/v1/login", nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "content-type")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for _, on := range []bool{true, false} {
		c := cat.Default()
		c.CORS.Enabled = on
		srv, err := cat.New(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := preflight(srv.Handler(), "http://app.example")
		got := w.Header().Get("Access-Control-Allow-Origin")
		if on && (got != "http://app.example" || w.Code != http.StatusNoContent) {
			t.Errorf("cors enabled: preflight Allow-Origin = %q (status %d), want the origin and 204", got, w.Code)
		}
		if !on && got != "" {
			t.Errorf("cors disabled: preflight Allow-Origin = %q, want none", got)
		}
	}

	c := cat.Default()
	c.CORS.Origins = []string{"http://localhost:5173"}
	srv, err := cat.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := preflight(srv.Handler(), "http://localhost:5173").Header().Get("Access-Control-Allow-Origin"); got != "http://localhost:5173" {
		t.Errorf("cors.origins: preflight from a listed origin: Allow-Origin %q", got)
	}
	if got := preflight(srv.Handler(), "http://app.example").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("cors.origins: preflight from another origin: Allow-Origin %q, want none", got)
	}
}

// The checks on a server built from the default configuration:
// the admin API sends no CORS headers to a foreign page and refuses a
// foreign Host, while the APIs still answer preflights.
func TestNewAdminIsGuarded(t *testing.T) {
	srv, err := cat.New(cat.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()

	r := httptest.NewRequest(http.MethodPost, "/__standin/reset", nil)
	r.Host = "127.0.0.1:8080"
	r.Header.Set("Origin", "https://evil.example")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK || w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("reset from https://evil.example: %d %v, want 200 without CORS headers", w.Code, w.Header())
	}

	for _, target := range []string{"/__standin/reset", "/__standin/snapshot"} {
		method := http.MethodPost
		if strings.HasSuffix(target, "snapshot") {
			method = http.MethodGet
		}
		r = httptest.NewRequest(method, target, nil)
		r.Host = "attacker.example:8080"
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "admin.hosts") {
			t.Errorf("%s %s with Host attacker.example: %d %s, want 403 naming admin.hosts", method, target, w.Code, w.Body)
		}
	}

	r = httptest.NewRequest(http.MethodOptions, "/ethora/v1/users/client", nil)
	r.Host = "127.0.0.1:8080"
	r.Header.Set("Origin", "http://localhost:3000")
	r.Header.Set("Access-Control-Request-Method", "POST")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Errorf("API preflight: %d %v, want 204 with the origin allowed", w.Code, w.Header())
	}
}

// admin.hosts and admin.token of the configuration reach the server.
func TestNewAdminConfig(t *testing.T) {
	c := cat.Default()
	c.Admin = mockserver.AdminOptions{Hosts: []string{"standin"}, Token: "t0k"}
	srv, err := cat.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	reset := func(host, token string) int {
		r := httptest.NewRequest(http.MethodPost, "/__standin/reset", nil)
		r.Host = host
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, r)
		return w.Code
	}
	for _, tt := range []struct {
		host, token string
		want        int
	}{
		{"standin:8080", "t0k", http.StatusOK},
		{"localhost:8080", "t0k", http.StatusOK},
		{"standin:8080", "", http.StatusUnauthorized},
		{"standin:8080", "wrong", http.StatusUnauthorized},
		{"other:8080", "t0k", http.StatusForbidden},
	} {
		if got := reset(tt.host, tt.token); got != tt.want {
			t.Errorf("reset with Host %s, token %q: %d, want %d", tt.host, tt.token, got, tt.want)
		}
	}
}

func TestNewRootHandler(t *testing.T) {
	srv, err := cat.New(cat.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := srv.RootHandler("rocketchat")
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/api/v1/login", strings.NewReader(`{"user":"admin","password":"admin"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Errorf("login at the root: %d %s, want 200", w.Code, w.Body)
	}
}

func login(h http.Handler, user, password string) (int, string) {
	return do(h, http.MethodPost, "/rocketchat/api/v1/login", `{"user":"`+user+`","password":"`+password+`"}`)
}

// do sends one request to h as a local client (Host 127.0.0.1:8080) would.
func do(h http.Handler, method, path, body string) (int, string) {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Host = "127.0.0.1:8080"
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// journalSize: 0 in the file turns the journal off, as the file's comment
// says, and its routes say so; leaving the key out keeps 1000 entries; a
// negative size is refused.
func TestJournalSize(t *testing.T) {
	for _, tt := range []struct {
		yaml string
		size int // 0: disabled
	}{
		{"journalSize: 0\n", 0},
		{"addr: 127.0.0.1:7000\n", 1000},
		{"journalSize: 5\n", 5},
	} {
		c, err := cat.Parse([]byte(tt.yaml))
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.yaml, err)
		}
		srv, err := cat.New(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := srv.Handler()
		login(h, "admin", "admin")
		if tt.size == 0 {
			if srv.Journal() != nil {
				t.Errorf("%q: the journal is on", tt.yaml)
			}
			for _, r := range [][2]string{
				{http.MethodGet, "/__standin/journal"},
				{http.MethodGet, "/__standin/journal/count"},
				{http.MethodPost, "/__standin/journal/verify"},
			} {
				code, body := do(h, r[0], r[1], "")
				if code != http.StatusNotFound || !strings.Contains(body, "the journal is disabled (journalSize: 0)") {
					t.Errorf("%q: %s %s: %d %s, want 404 saying the journal is disabled", tt.yaml, r[0], r[1], code, body)
				}
			}
			continue
		}
		code, body := do(h, http.MethodGet, "/__standin/journal", "")
		var got mockserver.JournalStats
		if err := json.Unmarshal([]byte(body), &got); code != http.StatusOK || err != nil || got.Size != tt.size || got.LastSeq != 1 {
			t.Errorf("%q: GET /__standin/journal: %d %s, want 200 with size %d and the login", tt.yaml, code, body, tt.size)
		}
	}
	_, err := cat.Parse([]byte("journalSize: -1\n"))
	if err == nil || !strings.Contains(err.Error(), "journalSize") || !strings.Contains(err.Error(), "0 (no journal)") {
		t.Errorf("Parse(journalSize: -1) = %v, want an error naming journalSize", err)
	}
}
