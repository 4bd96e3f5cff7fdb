package mocks_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver/mocks"
)

func TestDefault(t *testing.T) {
	c := mocks.Default()
	if c.Addr != "127.0.0.1:8080" {
		t.Errorf("Addr = %q, want 127.0.0.1:8080", c.Addr)
	}
	if c.BodyLimit != 1<<20 {
		t.Errorf("BodyLimit = %d, want 1 MiB", c.BodyLimit)
	}
	if c.JournalSize <= 0 {
		t.Errorf("JournalSize = %d, want positive", c.JournalSize)
	}
	if !c.CORS {
		t.Errorf("CORS off by default, want on")
	}
	rc, ok := c.APIs["rocketchat"]
	if !ok {
		t.Fatalf("APIs = %v, want rocketchat", c.APIs)
	}
	if !rc.Enabled {
		t.Errorf("rocketchat disabled by default")
	}
	if rc.DataSet != "default" || rc.Seed != 1 {
		t.Errorf("rocketchat data set %q seed %d, want default seed 1", rc.DataSet, rc.Seed)
	}
	if rc.Admin.Username != "admin" || rc.Admin.Password != "admin" {
		t.Errorf("rocketchat admin %s/%s, want admin/admin", rc.Admin.Username, rc.Admin.Password)
	}
	if rc.RootAddr != "" {
		t.Errorf("rocketchat RootAddr = %q, want off", rc.RootAddr)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

// Default hands out fresh values: changing one does not change the next.
func TestDefaultIsACopy(t *testing.T) {
	c := mocks.Default()
	c.Addr = "changed"
	c.APIs["rocketchat"] = mocks.APIConfig{}
	c.APIs["other"] = mocks.APIConfig{}
	d := mocks.Default()
	if _, leaked := d.APIs["other"]; d.Addr != "127.0.0.1:8080" || !d.APIs["rocketchat"].Enabled || leaked {
		t.Errorf("Default() after changing an earlier one = %+v", d)
	}

	y := mocks.DefaultYAML()
	for i := range y {
		y[i] = 'x'
	}
	if !strings.Contains(string(mocks.DefaultYAML()), "addr: 127.0.0.1:8080") {
		t.Errorf("DefaultYAML() changed after its result was overwritten")
	}
}

// DefaultYAML is what Default parses: printing it and parsing the print
// gives the defaults back, and it documents every key of Config.
func TestDefaultYAML(t *testing.T) {
	y := mocks.DefaultYAML()
	c, err := mocks.Parse(y)
	if err != nil {
		t.Fatalf("Parse(DefaultYAML()) = %v", err)
	}
	if !reflect.DeepEqual(c, mocks.Default()) {
		t.Errorf("Parse(DefaultYAML()) = %+v, want Default() %+v", c, mocks.Default())
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
	// Every API documents the keys it uses: the common ones, and its own.
	own := map[string][]string{"rocketchat": {"admin"}, "ethora": {"app", "jobDelay"}}
	for name, extra := range own {
		api, _ := keys["apis"].(map[string]any)[name].(map[string]any)
		for _, k := range append([]string{"enabled", "dataSet", "seed", "rootAddr"}, extra...) {
			if _, ok := api[k]; !ok {
				t.Errorf("DefaultYAML() does not document apis.%s.%s", name, k)
			}
		}
	}
	for _, k := range yamlKeys(reflect.TypeFor[mocks.APIConfig]()) {
		found := false
		for name := range own {
			api, _ := keys["apis"].(map[string]any)[name].(map[string]any)
			_, ok := api[k]
			found = found || ok
		}
		if !found {
			t.Errorf("DefaultYAML() documents apis.*.%s for no API", k)
		}
	}
}

func yamlKeys(typ reflect.Type) []string {
	var keys []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
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
			if !reflect.DeepEqual(c, mocks.Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
		{"blank", " \n\t\n", func(t *testing.T, c mocks.Config) {
			if !reflect.DeepEqual(c, mocks.Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
		{"only addr", "addr: 127.0.0.1:9999\n", func(t *testing.T, c mocks.Config) {
			want := mocks.Default()
			want.Addr = "127.0.0.1:9999"
			if !reflect.DeepEqual(c, want) {
				t.Errorf("got %+v, want %+v", c, want)
			}
		}},
		{"cors off and small body limit", "cors: false\nbodyLimit: 10\n", func(t *testing.T, c mocks.Config) {
			if c.CORS || c.BodyLimit != 10 {
				t.Errorf("cors %v bodyLimit %d, want false 10", c.CORS, c.BodyLimit)
			}
			if c.Addr != "127.0.0.1:8080" || !c.APIs["rocketchat"].Enabled {
				t.Errorf("other keys lost their defaults: %+v", c)
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
			want := mocks.Default().APIs["rocketchat"]
			want.Seed = 7
			if rc != want {
				t.Errorf("rocketchat = %+v, want the defaults with seed 7: %+v", rc, want)
			}
		}},
		{"disable an API", "apis:\n  rocketchat:\n    enabled: false\n", func(t *testing.T, c mocks.Config) {
			rc := c.APIs["rocketchat"]
			if rc.Enabled || rc.DataSet != "default" {
				t.Errorf("rocketchat = %+v, want disabled with the default data set", rc)
			}
		}},
		{"only the admin password", "apis:\n  rocketchat:\n    admin:\n      password: s3cret\n", func(t *testing.T, c mocks.Config) {
			rc := c.APIs["rocketchat"]
			if !rc.Enabled || rc.Admin.Username != "admin" || rc.Admin.Password != "s3cret" {
				t.Errorf("rocketchat = %+v, want enabled, admin/s3cret", rc)
			}
		}},
		{"only comments", "# addr: 127.0.0.1:1\n# cors: false\n", func(t *testing.T, c mocks.Config) {
			if !reflect.DeepEqual(c, mocks.Default()) {
				t.Errorf("got %+v, want the defaults", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mocks.Parse([]byte(tt.yaml))
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
		{"typo in the admin", "apis:\n  rocketchat:\n    enabled: true\n    dataSet: default\n    admin:\n      user: x\n", []string{"user"}},
		{"wrong type", "bodyLimit: lots\n", []string{"lots"}},
		{"not YAML", "addr: [\n", []string{"mocks: config"}},
		{"unknown API", "apis:\n  slack:\n    enabled: true\n    dataSet: default\n", []string{"apis.slack", "unknown API"}},
		{"unknown data set", "apis:\n  rocketchat:\n    enabled: true\n    dataSet: nope\n", []string{"apis.rocketchat.dataSet", `"nope"`}},
		{"zero body limit", "bodyLimit: 0\n", []string{"bodyLimit", "0"}},
		{"negative body limit", "bodyLimit: -5\n", []string{"bodyLimit", "-5"}},
		{"every problem", "bodyLimit: 0\napis:\n  slack:\n    enabled: true\n", []string{"bodyLimit", "apis.slack"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mocks.Parse([]byte(tt.yaml))
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
			rc := c.APIs["rocketchat"]
			rc.DataSet = "huge"
			c.APIs["rocketchat"] = rc
		}, []string{"apis.rocketchat.dataSet", "huge"}},
		{"zero body limit", func(c *mocks.Config) { c.BodyLimit = 0 }, []string{"bodyLimit"}},
		{"no APIs at all", func(c *mocks.Config) { c.APIs = nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mocks.Default()
			tt.change(&c)
			err := c.Validate()
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
		c := mocks.Default()
		rc := c.APIs["rocketchat"]
		rc.DataSet = ds.Name
		c.APIs["rocketchat"] = rc
		if err := c.Validate(); err != nil {
			t.Errorf("data set %q: Validate() = %v", ds.Name, err)
		}
	}
}

func TestValidateUnknownDataSetIs(t *testing.T) {
	c := mocks.Default()
	rc := c.APIs["rocketchat"]
	rc.DataSet = "nope"
	c.APIs["rocketchat"] = rc
	if err := c.Validate(); !errors.Is(err, fixtures.ErrUnknownDataSet) {
		t.Errorf("Validate() = %v, want it to wrap fixtures.ErrUnknownDataSet", err)
	}
}

func TestLoad(t *testing.T) {
	c, err := mocks.Load(filepath.Join("testdata", "partial.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := mocks.Default()
	want.Addr = "127.0.0.1:9999"
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(partial.yaml) = %+v, want %+v", c, want)
	}

	c, err = mocks.Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want = mocks.Config{
		Addr: "127.0.0.1:7000", BodyLimit: 2048, JournalSize: 10, CORS: false,
		APIs: map[string]mocks.APIConfig{"rocketchat": {
			Enabled: true, DataSet: "empty", Seed: 42, RootAddr: "127.0.0.1:7001",
			Admin: fixtures.Credentials{Username: "boss", Password: "s3cret", Email: "boss@example.test", Name: "The Boss"},
		}, "ethora": mocks.Default().APIs["ethora"]},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(full.yaml) = %+v, want %+v", c, want)
	}
}

func TestLoadCommentsOnly(t *testing.T) {
	c, err := mocks.Load(filepath.Join("testdata", "comments-only.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, mocks.Default()) {
		t.Errorf("got %+v, want the defaults", c)
	}
}

func TestLoadErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := mocks.Load(missing)
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(missing) = %v, want an error naming %s", err, missing)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want it to wrap os.ErrNotExist", err)
	}

	typo := filepath.Join("testdata", "typo.yaml")
	_, err = mocks.Load(typo)
	if err == nil || !strings.Contains(err.Error(), typo) || !strings.Contains(err.Error(), "adress") {
		t.Errorf("Load(typo.yaml) = %v, want an error naming the file and the key", err)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("bodyLimit: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = mocks.Load(bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "bodyLimit") {
		t.Errorf("Load(bodyLimit 0) = %v, want an error naming the file and the key", err)
	}
}

func TestNew(t *testing.T) {
	srv, err := mocks.New(mocks.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every enabled API of the defaults is mounted: today that is rocketchat.
	var want []string
	for name, api := range mocks.Default().APIs {
		if api.Enabled {
			want = append(want, name)
		}
	}
	got := srv.APIs()
	if !slices.Contains(got, "rocketchat") || len(got) != len(want) || !containsAll(got, want) {
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
	c := mocks.Default()
	rc := c.APIs["rocketchat"]
	rc.Enabled = false
	c.APIs["rocketchat"] = rc
	srv, err := mocks.New(c, nil)
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
	srv, err = mocks.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.APIs(); len(got) != 0 {
		t.Errorf("APIs() without an apis section = %v, want none", got)
	}
}

func TestNewUsesAPIConfig(t *testing.T) {
	c := mocks.Default()
	rc := c.APIs["rocketchat"]
	rc.Admin = fixtures.Credentials{Username: "boss", Password: "s3cret"}
	rc.DataSet = "empty"
	c.APIs["rocketchat"] = rc
	srv, err := mocks.New(c, nil)
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
	c := mocks.Default()
	c.BodyLimit = 16
	srv, err := mocks.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := login(srv.Handler(), "admin", strings.Repeat("x", 64)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("login with a body over bodyLimit: %d %s, want 413", code, body)
	}
}

func TestNewCORS(t *testing.T) {
	for _, on := range []bool{true, false} {
		c := mocks.Default()
		c.CORS = on
		srv, err := mocks.New(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodOptions, "/rocketchat/api/v1/login", nil)
		r.Header.Set("Origin", "http://app.example")
		r.Header.Set("Access-Control-Request-Method", "POST")
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, r)
		got := w.Header().Get("Access-Control-Allow-Origin")
		if on && got != "http://app.example" {
			t.Errorf("cors: true: preflight Allow-Origin = %q (status %d), want the origin", got, w.Code)
		}
		if !on && got != "" {
			t.Errorf("cors: false: preflight Allow-Origin = %q, want none", got)
		}
	}
}

func TestNewRootHandler(t *testing.T) {
	srv, err := mocks.New(mocks.Default(), nil)
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

func containsAll(s, elems []string) bool {
	for _, e := range elems {
		if !slices.Contains(s, e) {
			return false
		}
	}
	return true
}

func login(h http.Handler, user, password string) (int, string) {
	return do(h, http.MethodPost, "/rocketchat/api/v1/login", `{"user":"`+user+`","password":"`+password+`"}`)
}

func do(h http.Handler, method, path, body string) (int, string) {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}
