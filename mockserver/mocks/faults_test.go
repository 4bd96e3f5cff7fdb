package mocks_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/chatkitty"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/rocketchat"
	"github.com/standin/standin/mockserver/smartlink"
	"github.com/standin/standin/mockserver/ucsrooms"
	"github.com/standin/standin/openapi"
)

// five is every API standin ships.
var five = mocks.Catalog{rocketchat.Mock, ethora.Mock, ucsrooms.Mock, smartlink.Mock, chatkitty.Mock}

// faultServer builds the server of yaml (over the defaults) with the
// APIs of c.
func faultServer(t *testing.T, c mocks.Catalog, yaml string) *mockserver.Server {
	t.Helper()
	cfg, err := c.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := c.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// Rules of the configuration file are added at start, in order, as the
// admin API lists them; they act on the requests they name.
func TestConfigFaults(t *testing.T) {
	if d := cat.Default().Faults; d.Seed != 1 || len(d.Rules) != 0 {
		t.Errorf("default faults = %+v, want seed 1 and no rules", d)
	}
	srv := faultServer(t, cat, faultsYAML)
	h := srv.Handler()
	code, body := do(h, http.MethodGet, "/__standin/faults", "")
	if code != http.StatusOK {
		t.Fatalf("GET /__standin/faults: %d %s", code, body)
	}
	var got struct {
		Seed  uint64                 `json:"seed"`
		Rules []mockserver.FaultRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Seed != 7 || len(got.Rules) != 3 {
		t.Fatalf("faults = %s, want seed 7 and three rules", body)
	}
	r0, r1, r2 := got.Rules[0], got.Rules[1], got.Rules[2]
	if r0.ID != "f1" || r0.API != "rocketchat" || r0.Operation != "GET /api/v1/channels.info" || r0.Delay.Fixed != "300ms" {
		t.Errorf("rule 1 = %+v", r0)
	}
	if r1.ID != "f2" || r1.API != "rocketchat" || r1.Operation != "POST /api/v1/login" || r1.Namespace != "flaky" || *r1.Error.Rate != 0.5 || r1.Times != 1000 {
		t.Errorf("rule 2 = %+v, want the prefixed path read as rocketchat's POST /api/v1/login", r1)
	}
	if until, err := time.Parse(time.RFC3339, r2.Until); err != nil || until.Before(time.Now().Add(59*time.Minute)) || r2.API != "ethora" {
		t.Errorf("rule 3 = %+v, want ethora until an hour from the start", r2)
	}

	// The 300 ms delay: the request takes at least that long and its
	// journal entry names the rule.
	start := time.Now()
	code, body = do(h, http.MethodGet, "/rocketchat/api/v1/channels.info?roomName=general", "")
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("channels.info under a 300ms delay took %s", took)
	}
	if code != http.StatusUnauthorized {
		t.Errorf("channels.info without a token: %d %s, want the API's own 401 after the delay", code, body)
	}
	es := srv.Journal().Last(1, nil)
	if want := []mockserver.FaultHit{{Rule: "f1", Action: "delay", Detail: "300ms"}}; len(es) != 1 || !reflect.DeepEqual(es[0].Faults, want) {
		t.Errorf("journal = %+v, want the entry to name %+v", es, want)
	}

	// The 50 % rule over 1,000 logins in its namespace: 450 to 550 in
	// Rocket.Chat's envelope, the others logged in; a server of the same
	// configuration fails the same number.
	errs := flakyLogins(t, h)
	if errs < 450 || errs > 550 {
		t.Errorf("a 50%% error rule failed %d of 1000 logins, want 450 to 550", errs)
	}
	if again := flakyLogins(t, faultServer(t, cat, faultsYAML).Handler()); again != errs {
		t.Errorf("two servers of the same configuration failed %d and %d of 1000 logins", errs, again)
	}
}

const faultsYAML = `
faults:
  seed: 7
  rules:
    - api: rocketchat
      operation: GET /api/v1/channels.info
      delay:
        fixed: 300ms
    - operation: post /rocketchat/api/v1/login
      namespace: flaky
      error: {status: 503, rate: 0.5}
      times: 1000
    - api: ethora
      drop: {rate: 0.1}
      for: 1h
`

// flakyLogins logs in 1,000 times in the namespace "flaky" and returns how
// many logins failed, each in Rocket.Chat's envelope.
func flakyLogins(t *testing.T, h http.Handler) int {
	t.Helper()
	errs := 0
	for range 1000 {
		r := httptest.NewRequest(http.MethodPost, "/rocketchat/api/v1/login", strings.NewReader(`{"user":"admin","password":"admin"}`))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(mockserver.NamespaceHeader, "flaky")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK:
		case http.StatusServiceUnavailable:
			errs++
			var b struct {
				Success   *bool  `json:"success"`
				Error     string `json:"error"`
				ErrorType string `json:"errorType"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.Success == nil || *b.Success || b.ErrorType != "SERVICE_UNAVAILABLE" || !strings.Contains(b.Error, "f2") {
				t.Fatalf("fault error %s, want Rocket.Chat's envelope {success: false, error, errorType}", w.Body)
			}
		default:
			t.Fatalf("login: %d %s", w.Code, w.Body)
		}
	}
	return errs
}

// A bad rule is refused with its key path; a rule the served APIs do not
// have is refused when the server is built.
func TestConfigFaultsRefused(t *testing.T) {
	for yaml, want := range map[string]string{
		"faults:\n  rules:\n    - {delay: {fixed: 10m}}\n":                              "faults.rules[0].delay.fixed: 10m0s is longer than the 5m0s",
		"faults:\n  rules:\n    - {drop: {}}\n    - {error: {status: 200}}\n":           "faults.rules[1].error.status",
		"faults:\n  rules:\n    - {drop: {rate: 2}}\n":                                  "faults.rules[0].drop.rate",
		"faults:\n  rules:\n    - {api: nope, drop: {}}\n":                              `faults.rules[0].api: unknown API "nope"`,
		"faults:\n  rules:\n    - {namespace: 'a b', drop: {}}\n":                       "faults.rules[0].namespace",
		"faults:\n  rules:\n    - {}\n":                                                 "faults.rules[0]: a fault rule needs at least one of",
		"faults:\n  rules:\n    - {drop: {}, for: 1h, until: '2099-01-01T00:00:00Z'}\n": "faults.rules[0].for",
		"faults:\n  rules:\n    - {delai: {fixed: 1s}}\n":                               "line 3: faults.rules[0].delai: unknown key",
		"faults:\n  rules:\n    - {id: f9, drop: {}}\n":                                 "line 3: faults.rules[0].id: unknown key",
		"faults:\n  rules:\n    - {delay: {fixed: 1s, uniform: {min: 1s, max: 2s}}}\n":  "faults.rules[0].delay: give exactly one of",
		"faults:\n  seed: -1\n":                                                         "line 2: faults.seed: want a whole number, 0 or more, got \"-1\"",
	} {
		if _, err := cat.Parse([]byte(yaml)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", yaml, err, want)
		}
	}
	var many strings.Builder
	many.WriteString("faults:\n  rules:\n")
	for range mockserver.MaxFaultRules + 1 {
		many.WriteString("    - {drop: {}}\n")
	}
	if _, err := cat.Parse([]byte(many.String())); err == nil || !strings.Contains(err.Error(), "faults.rules has 101 rules, at most 100") {
		t.Errorf("101 rules: %v, want them refused", err)
	}
	disabled := "apis:\n  ethora:\n    enabled: false\nfaults:\n  rules:\n    - {api: ethora, drop: {}}\n"
	if _, err := cat.Parse([]byte(disabled)); err == nil || !strings.Contains(err.Error(), "faults.rules[0].api: API \"ethora\" is disabled") {
		t.Errorf("a rule for a disabled API: %v", err)
	}
	for yaml, want := range map[string]string{
		"faults:\n  rules:\n    - {operation: channelsInfoo, drop: {}}\n":                      `faults.rules[0].operation: no operation has the operationId "channelsInfoo"`,
		"faults:\n  rules:\n    - {api: ethora, operation: channelsInfo, drop: {}}\n":          `faults.rules[0].operation: no operation has the operationId "channelsInfo" in ethora`,
		"faults:\n  rules:\n    - {drop: {}}\n    - {operation: GET /api/v1/nope, drop: {}}\n": "faults.rules[1].operation: no operation GET /api/v1/nope",
	} {
		cfg, err := cat.Parse([]byte(yaml))
		if err != nil {
			t.Fatalf("Parse(%q): %v", yaml, err)
		}
		if _, err := cat.New(cfg, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(%q) = %v, want an error with %q", yaml, err, want)
		}
	}
}

// The example of default.yaml, uncommented, is a rule standin takes.
func TestConfigFaultsExample(t *testing.T) {
	text := string(cat.DefaultYAML())
	_, after, ok := strings.Cut(text, "error, drop and slowBody, e.g.\n")
	example, _, ok2 := strings.Cut(after, "  # The server's write timeout")
	if !ok || !ok2 {
		t.Fatal("default.yaml has no fault rule example")
	}
	var b strings.Builder
	b.WriteString("faults:\n  rules:\n")
	for _, line := range strings.Split(strings.TrimRight(example, "\n"), "\n") {
		b.WriteString(strings.TrimPrefix(line, "  #") + "\n")
	}
	srv := faultServer(t, cat, b.String())
	rules := srv.Faults().Rules()
	if len(rules) != 1 || rules[0].Delay.Fixed != "300ms" || rules[0].Error.Status != 503 || rules[0].SlowBody.BytesPerSecond != 1024 || rules[0].Until == "" {
		t.Errorf("the documented example gave %+v\nfrom\n%s", rules, b.String())
	}
}

// A fault's error comes in each API's own envelope: the form the API
// answers its own refusals in, with the status of the rule.
func TestFaultEnvelopeOfEachAPI(t *testing.T) {
	srv := faultServer(t, five, `
faults:
  rules:
    - {namespace: s503, error: {status: 503}}
    - {namespace: s401, error: {status: 401}}
`)
	h := srv.Handler()
	prefixes := map[string]string{}
	code, body := do(h, http.MethodGet, "/", "")
	var index struct {
		APIs []struct{ Name, Path string } `json:"apis"`
	}
	if err := json.Unmarshal([]byte(body), &index); err != nil || code != 200 {
		t.Fatalf("GET /: %d %s", code, body)
	}
	for _, a := range index.APIs {
		prefixes[a.Name] = a.Path
	}
	// The keys of each API's error body (openapi/<api>.yaml).
	shapes := map[string]map[int][]string{
		"rocketchat": {503: {"error", "errorType", "success"}, 401: {"error", "success"}},
		"ethora":     {503: {"code", "error", "success"}, 401: {"code", "error", "success"}},
		"ucsrooms":   {503: {"code", "errors", "message", "sent_at"}, 401: {"code", "errors", "message", "sent_at"}},
		"smartlink":  {503: {"code", "error"}, 401: {"code", "error"}},
		"chatkitty":  {503: {"error", "message", "timestamp"}, 401: {"error", "error_description"}},
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, name := range five.Names() {
		doc := openapi.MustLoad(name)
		i := slices.IndexFunc(openapi.Operations(doc), func(o openapi.Operation) bool { return o.Method == http.MethodGet })
		op := openapi.Operations(doc)[i]
		path := prefixes[name] + param.ReplaceAllString(op.Path, "x1")
		for _, status := range []int{503, 401} {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.Header.Set(mockserver.NamespaceHeader, "s"+strconv.Itoa(status))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			var got map[string]any
			if w.Code != status || json.Unmarshal(w.Body.Bytes(), &got) != nil {
				t.Errorf("%s GET %s under a %d rule: %d %s", name, path, status, w.Code, w.Body)
				continue
			}
			var keys []string
			for k := range got {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if want := shapes[name][status]; !slices.Equal(keys, want) {
				t.Errorf("%s %d fault body %s has keys %v, want the API's envelope %v", name, status, w.Body, keys, want)
			}
			// Checked against the spec's error schema, where the
			// operation declares the status or a default.
			if c := errorSchemaCheck(t, doc, op, status, w.Body.Bytes()); c != "" {
				t.Errorf("%s %d fault body %s: %s", name, status, w.Body, c)
			}
		}
	}
}

// errorSchemaCheck checks body against the JSON schema the spec gives op's
// response of status (or its default), and returns what is wrong; "" when
// it conforms or the spec gives no schema.
func errorSchemaCheck(t *testing.T, doc *openapi3.T, op openapi.Operation, status int, body []byte) string {
	t.Helper()
	resp := op.Op.Responses.Status(status)
	if resp == nil {
		resp = op.Op.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return ""
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return ""
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err.Error()
	}
	if err := mt.Schema.Value.VisitJSON(v); err != nil {
		return "does not match the spec's schema: " + err.Error()
	}
	return ""
}

func ptr[T any](v T) *T { return &v }
