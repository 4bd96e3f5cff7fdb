package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/mockserver/webhooks"
)

// Mock describes one API to everything that ranges over standin's list of
// APIs: the server and its configuration, the CLI's banner and credentials,
// the test kit. Build one with [Define]; the list itself is a slice of
// them, so that adding an API is one more entry.
type Mock struct {
	// Name is the spec name, the mount prefix and the configuration key,
	// e.g. "rocketchat".
	Name string
	// Title is the API's name for people, e.g. "Rocket.Chat".
	Title string
	// Prefix is the path the API is mounted under on standin's shared
	// port, e.g. "/ucs"; "/" + Name unless the definition says otherwise.
	Prefix string
	// ProbePath is a GET path, relative to the API root, that the real
	// API answers without credentials with anything but 404 (its version
	// info, or a 401), so that `standin conform` can tell a target that
	// is not this API before it runs; see Definition.ProbePath.
	ProbePath string
	// Test is what the test kit needs to drive the API as a client.
	Test TestHooks

	optionsYAML []byte
	defaults    any
	decode      func(node *yaml.Node, current any) (any, error)
	build       func(Setup, any) (API, error)
	credentials func(any) []Credential
	token       func(any, string, time.Time) (string, error)
}

// ErrNoTokens is returned by Mock.Token for an API whose clients do not
// authenticate with tokens a user could be given.
var ErrNoTokens = errors.New("the API has no user tokens to mint")

// Definition is an API's description with its own options type O.
type Definition[O any] struct {
	Name, Title string
	// Prefix is the mount path on the shared port; empty means "/" + Name.
	Prefix string
	// ProbePath is a cheap GET path of the spec, relative to the API root,
	// that real servers of the API answer without credentials with
	// anything but 404: an unauthenticated info or health path, or else a
	// protected listing, which answers 401 ("/api/info", "/v2/apps").
	ProbePath string
	// Options is the YAML of the API's own options, with their default
	// values and a comment on each: the apis.<name>.options section of the
	// configuration, as `standin serve --print-config` shows it.
	Options []byte
	// Build makes the API from the common setup and its options.
	Build func(s Setup, opts O) (API, error)
	// Credentials lists what a client needs to call the API when it is
	// served with opts.
	Credentials func(opts O) []Credential
	// Token, if set, mints a token for user (a user name or id, as the
	// API documents) that works against the API served with opts, expiring
	// at expires (the zero time: the API's default): what `standin token`
	// prints.
	Token func(opts O, user string, expires time.Time) (string, error)
	// Test is what the test kit needs to drive the API as a client.
	Test TestHooks
}

// Setup is what every API is built from besides its own options.
type Setup struct {
	Store   Store            // where the API keeps its state (see NewState)
	DataSet string           // fixtures data set every namespace starts from
	Seed    uint64           // seed of the data set
	Now     func() time.Time // clock; nil means time.Now
	// Webhooks takes the API's events for delivery to the URLs users
	// subscribed (the server's dispatcher); nil drops them (see
	// Setup.Publisher).
	Webhooks webhooks.Publisher
}

// Publisher returns s.Webhooks, or webhooks.Discard when it is nil, so that
// an API can publish without checking.
func (s Setup) Publisher() webhooks.Publisher {
	if s.Webhooks == nil {
		return webhooks.Discard
	}
	return s.Webhooks
}

// Clock returns s.Now, or time.Now when it is nil.
func (s Setup) Clock() func() time.Time {
	if s.Now == nil {
		return time.Now
	}
	return s.Now
}

// Credential is one thing a client needs to call an API, such as a user
// name or an app secret.
type Credential struct {
	Key   string // the scenarios' credential key, e.g. "username" (conform --cred KEY=VALUE)
	Value string // the value that works against the mock as configured
	Hint  string // what it is, e.g. "user name of a server admin"
}

// TestHooks are what the test kit needs to drive an API as a client would.
type TestHooks struct {
	// Login returns the headers that authenticate requests in namespace
	// ns with the default credentials, logging in through h if the API
	// needs it. Nil means the API needs no credentials.
	Login func(h http.Handler, ns string) (http.Header, error)
	// Prepare, if set, makes through h, as the caller auth, what the
	// seeded state of namespace ns lacks for the test kit to reach every
	// operation (a private room the caller is in, a job, a token), before
	// Known looks. It returns values naming what it made, by the same
	// rules as Known's, which the kit adds to Known's.
	Prepare func(h http.Handler, auth http.Header, ns string) (map[string][]string, error)
	// Known returns values that exist in namespace ns's seeded state, by
	// parameter or property name (e.g. "roomId": ids of rooms the caller
	// may see), so that generated requests name real things. It may also
	// give values that name no thing but that the API takes (a sort
	// order). It only reads.
	//
	// A key may be qualified by one of the spec's tags, "Groups:roomId",
	// to give values only to the operations of that tag, or by an
	// operationId, "usersCreate:username"; the test kit looks a name up
	// qualified by the operationId, then by each of the operation's tags,
	// then plain. A qualified key without values keeps that operation's
	// generated values for the name (a new user's name must be new).
	Known func(h http.Handler, auth http.Header, ns string) (map[string][]string, error)
	// Auth gives, by operationId, the headers that authenticate an
	// operation secured otherwise than the rest (an OAuth token endpoint
	// that takes client credentials), in place of Login's.
	Auth map[string]http.Header
	// BusinessRules are the refusals the API may give a request its spec
	// calls valid, because of a rule no constraint of the spec can
	// express (a duplicate name, the last owner, not a member). The test
	// kit treats any other 4xx answer to a spec-valid request as a
	// finding.
	BusinessRules []BusinessRule
}

// BusinessRule is a refusal of a spec-valid request that an API declares
// as one of its own rules, with the reason the spec cannot express it.
type BusinessRule struct {
	Operation string // the operationId
	Code      string // the API's error code in the refusal, as its envelope renders it
	Reason    string // why no constraint of the spec can express the rule
}

// Define checks d and erases its options type, so that APIs with different
// options fit in one list. It panics if d.Options is not a valid YAML
// mapping of O: that is a bug in the API's package, caught by its tests.
func Define[O any](d Definition[O]) *Mock {
	if d.Name == "" || d.Build == nil {
		panic("mockserver: Define needs a Name and a Build function")
	}
	var defaults O
	if err := decodeOptions(d.Options, &defaults); err != nil {
		panic(fmt.Sprintf("mockserver: default options of %q: %v", d.Name, err))
	}
	prefix := d.Prefix
	if prefix == "" {
		prefix = "/" + d.Name
	}
	if !strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/") || strings.Count(prefix, "/") != 1 {
		panic(fmt.Sprintf("mockserver: prefix of %q must be one path segment such as /name, not %q", d.Name, prefix))
	}
	m := &Mock{
		Name:        d.Name,
		Title:       d.Title,
		Prefix:      prefix,
		ProbePath:   d.ProbePath,
		Test:        d.Test,
		optionsYAML: bytes.Clone(d.Options),
		defaults:    defaults,
		decode: func(node *yaml.Node, current any) (any, error) {
			o, ok := current.(O)
			if !ok {
				return nil, fmt.Errorf("options of %q are %T, not %T", d.Name, current, o)
			}
			raw, err := yaml.Marshal(node)
			if err != nil {
				return nil, err
			}
			if err := decodeOptions(raw, &o); err != nil {
				return nil, err
			}
			return o, nil
		},
		build: func(s Setup, opts any) (API, error) {
			o, ok := opts.(O)
			if !ok {
				return API{}, fmt.Errorf("mockserver: options of %q are %T, not %T", d.Name, opts, o)
			}
			api, err := d.Build(s, o)
			if err != nil {
				return api, err
			}
			if api.Prefix == "" {
				api.Prefix = prefix
			}
			if api.Title == "" {
				api.Title = d.Title
			}
			if api.Credentials == nil && d.Credentials != nil {
				api.Credentials = d.Credentials(o)
			}
			return api, nil
		},
		token: func(opts any, user string, expires time.Time) (string, error) {
			o, ok := opts.(O)
			if !ok {
				return "", fmt.Errorf("mockserver: options of %q are %T, not %T", d.Name, opts, o)
			}
			if d.Token == nil {
				return "", fmt.Errorf("%s: %w", d.Name, ErrNoTokens)
			}
			return d.Token(o, user, expires)
		},
		credentials: func(opts any) []Credential {
			o, _ := opts.(O)
			if d.Credentials == nil {
				return nil
			}
			return d.Credentials(o)
		},
	}
	return m
}

// decodeOptions decodes YAML over v, refusing keys v has no field for.
func decodeOptions(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// OptionsYAML returns the YAML of the API's options with their defaults
// and comments.
func (m *Mock) OptionsYAML() []byte { return bytes.Clone(m.optionsYAML) }

// DefaultOptions returns the API's options as its OptionsYAML sets them.
func (m *Mock) DefaultOptions() any { return m.defaults }

// DecodeOptions decodes a YAML node over current (options of this API, as
// DefaultOptions or an earlier DecodeOptions returned them), keeping what
// the node leaves out and refusing keys the options do not have.
func (m *Mock) DecodeOptions(node *yaml.Node, current any) (any, error) {
	return m.decode(node, current)
}

// Build makes the API with opts, options of this API.
func (m *Mock) Build(s Setup, opts any) (API, error) { return m.build(s, opts) }

// Token mints a token for user that works against the API served with
// opts (see Definition.Token); ErrNoTokens if the API has none.
func (m *Mock) Token(opts any, user string, expires time.Time) (string, error) {
	return m.token(opts, user, expires)
}

// Credentials lists what a client needs when the API is served with opts.
func (m *Mock) Credentials(opts any) []Credential { return m.credentials(opts) }

// CallJSON sends one request to h in namespace ns, as a test hook does to
// log in or look things up: body (if not nil) as JSON, the auth headers
// added. It decodes a 2xx answer into out and returns any other as an
// error.
func CallJSON(h http.Handler, ns string, auth http.Header, method, target string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	req := httptest.NewRequest(method, target, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(NamespaceHeader, ns)
	for k, v := range auth {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, target, rec.Code, rec.Body)
	}
	return json.Unmarshal(rec.Body.Bytes(), out)
}
