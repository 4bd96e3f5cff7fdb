package mocks

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/webhooks"
)

//go:embed default.yaml
var coreYAML []byte

// Catalog is the list of APIs a build of standin serves, in the order
// they are listed. Every part of standin that deals with "all the APIs"
// ranges over one Catalog: configuration, the server, the CLI.
type Catalog []*mockserver.Mock

// Lookup returns the API called name.
func (c Catalog) Lookup(name string) (*mockserver.Mock, bool) {
	for _, m := range c {
		if m.Name == name {
			return m, true
		}
	}
	return nil, false
}

// Names lists the APIs' names in catalog order.
func (c Catalog) Names() []string {
	names := make([]string, len(c))
	for i, m := range c {
		names[i] = m.Name
	}
	return names
}

// Config is the serve configuration. Start from Catalog.Default: a zero
// field means what it means in the file (JournalSize 0: no journal).
type Config struct {
	Addr        string                     `yaml:"addr"`
	BodyLimit   int64                      `yaml:"bodyLimit"`
	JournalSize int                        `yaml:"journalSize"`
	CORS        CORSConfig                 `yaml:"cors"`
	Admin       mockserver.AdminOptions    `yaml:"admin"`
	Server      mockserver.Limits          `yaml:"server"`
	Namespaces  mockserver.NamespaceLimits `yaml:"namespaces"`
	State       StateConfig                `yaml:"state"`
	Webhooks    WebhooksConfig             `yaml:"webhooks"`
	Faults      FaultsConfig               `yaml:"faults"`
	APIs        map[string]APIConfig       `yaml:"-"`
}

// CORSConfig is CORS for the APIs' prefixes (the admin API has its own,
// admin.corsOrigins).
type CORSConfig struct {
	// Enabled answers preflights and sends CORS headers.
	Enabled bool `yaml:"enabled"`
	// Origins may call the APIs from a browser; empty allows any.
	Origins []string `yaml:"origins"`
}

// UnmarshalYAML reads the mapping form, refusing unknown keys, and the
// short form `cors: true|false` of earlier versions, which sets Enabled.
func (c *CORSConfig) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		return node.Decode(&c.Enabled)
	}
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if k := node.Content[i]; k.Value != "enabled" && k.Value != "origins" {
				return fmt.Errorf("line %d: field %s not found in cors (known: enabled, origins)", k.Line, k.Value)
			}
		}
	}
	type plain CORSConfig
	return node.Decode((*plain)(c))
}

// StateConfig keeps the state across restarts (see statedir.go)
// and seeds it from a snapshot file.
type StateConfig struct {
	// Dir, if set, is the directory the state is restored from at start
	// and written to: every Interval, for the namespaces that changed, and
	// at shutdown.
	Dir string `yaml:"dir"`
	// Interval is how often changed namespaces are written to Dir. A kill
	// -9 loses at most the changes of one interval plus one write.
	Interval time.Duration `yaml:"interval"`
	// Snapshot, if set, is a file in the form GET /__standin/snapshot
	// answers, loaded at start. With Dir, it seeds only a directory that
	// never held state.
	Snapshot string `yaml:"snapshot"`
}

// WebhooksConfig configures outbound webhooks (see mockserver/webhooks):
// how deliveries are tried, the bounds that keep their memory small, and
// subscriptions registered at start.
type WebhooksConfig struct {
	// MaxAttempts is how many times an event is tried per subscription,
	// the first attempt included, before it is given up.
	MaxAttempts int `yaml:"maxAttempts"`
	// Backoff is the wait before the second attempt; each later wait
	// doubles, up to MaxBackoff.
	Backoff    time.Duration `yaml:"backoff"`
	MaxBackoff time.Duration `yaml:"maxBackoff"`
	// Timeout bounds one attempt; a slower receiver failed it.
	Timeout time.Duration `yaml:"timeout"`
	// MaxPending is how many events may wait per subscription; more are
	// dropped (and shown as failed attempts).
	MaxPending int `yaml:"maxPending"`
	// MaxSubscriptions is how many subscriptions a namespace may have.
	MaxSubscriptions int `yaml:"maxSubscriptions"`
	// History is how many recent attempts GET /__standin/webhooks/attempts
	// can show.
	History int `yaml:"history"`
	// Subscriptions are registered when the server starts.
	Subscriptions []SubscriptionConfig `yaml:"subscriptions"`
}

// SubscriptionConfig is a webhook subscription of the configuration file.
type SubscriptionConfig struct {
	API       string   `yaml:"api"`
	Namespace string   `yaml:"namespace"` // empty: "default"
	URL       string   `yaml:"url"`
	Events    []string `yaml:"events"` // empty: all
}

// options returns the dispatcher options of w.
func (w WebhooksConfig) options() webhooks.Options {
	return webhooks.Options{
		MaxAttempts: w.MaxAttempts, Backoff: w.Backoff, MaxBackoff: w.MaxBackoff, Timeout: w.Timeout,
		MaxPending: w.MaxPending, MaxSubscriptions: w.MaxSubscriptions, History: w.History,
	}
}

// validateWebhooks checks the limits and each subscription, naming the key.
func (c Catalog) validateWebhooks(cfg Config) []error {
	w := cfg.Webhooks
	var errs []error
	positive := func(key string, n int) {
		if n < 1 {
			errs = append(errs, fmt.Errorf("webhooks.%s must be at least 1, got %d", key, n))
		}
	}
	positive("maxAttempts", w.MaxAttempts)
	positive("maxPending", w.MaxPending)
	positive("maxSubscriptions", w.MaxSubscriptions)
	positive("history", w.History)
	if w.Backoff <= 0 {
		errs = append(errs, fmt.Errorf("webhooks.backoff must be positive, got %s", w.Backoff))
	}
	if w.MaxBackoff < w.Backoff {
		errs = append(errs, fmt.Errorf("webhooks.maxBackoff must be at least webhooks.backoff (%s), got %s", w.Backoff, w.MaxBackoff))
	}
	if w.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("webhooks.timeout must be positive, got %s", w.Timeout))
	}
	perNS := map[string]int{}
	for i, sc := range w.Subscriptions {
		key := fmt.Sprintf("webhooks.subscriptions[%d]", i)
		ns := sc.Namespace
		if ns == "" {
			ns = mockserver.DefaultNamespace
		}
		if _, ok := c.Lookup(sc.API); !ok {
			errs = append(errs, fmt.Errorf("%s.api: unknown API %q (known: %s)", key, sc.API, strings.Join(c.Names(), ", ")))
		} else if api, ok := cfg.APIs[sc.API]; ok && !api.Enabled {
			errs = append(errs, fmt.Errorf("%s.api: API %q is disabled (apis.%s.enabled)", key, sc.API, sc.API))
		}
		if !mockserver.ValidNamespace(ns) {
			errs = append(errs, fmt.Errorf("%s.namespace: %q must be 1 to 64 letters, digits, dots, dashes or underscores", key, ns))
		}
		if err := webhooks.CheckURL(sc.URL); err != nil {
			errs = append(errs, fmt.Errorf("%s.url: %w", key, err))
		}
		for j, e := range sc.Events {
			if strings.TrimSpace(e) == "" || e == ".*" {
				errs = append(errs, fmt.Errorf("%s.events[%d] must name an event, got %q", key, j, e))
			}
		}
		if perNS[ns]++; perNS[ns] == w.MaxSubscriptions+1 {
			errs = append(errs, fmt.Errorf("%s: namespace %q has more subscriptions than webhooks.maxSubscriptions (%d)", key, ns, w.MaxSubscriptions))
		}
	}
	return errs
}

// FaultsConfig is the latency and fault rules set at start (see
// mockserver.Faults), and the seed of their random draws.
type FaultsConfig struct {
	Seed  uint64                 `yaml:"seed"`
	Rules []mockserver.FaultRule `yaml:"rules"`
}

// validateFaults checks each rule's form and API, naming the key.
func (c Catalog) validateFaults(cfg Config) []error {
	var errs []error
	if n := len(cfg.Faults.Rules); n > mockserver.MaxFaultRules {
		errs = append(errs, fmt.Errorf("faults.rules has %d rules, at most %d", n, mockserver.MaxFaultRules))
	}
	for i, r := range cfg.Faults.Rules {
		key := fmt.Sprintf("faults.rules[%d]", i)
		if err := mockserver.CheckFaultRule(r); err != nil {
			errs = append(errs, faultKeyError(key, err))
		}
		if r.API == "" {
			continue
		}
		if _, ok := c.Lookup(r.API); !ok {
			errs = append(errs, fmt.Errorf("%s.api: unknown API %q (known: %s)", key, r.API, strings.Join(c.Names(), ", ")))
		} else if api, ok := cfg.APIs[r.API]; ok && !api.Enabled {
			errs = append(errs, fmt.Errorf("%s.api: API %q is disabled (apis.%s.enabled)", key, r.API, r.API))
		}
	}
	return errs
}

// faultKeyError puts the key of a rule before the field its error names.
func faultKeyError(key string, err error) error {
	var fe *mockserver.FaultRuleError
	if errors.As(err, &fe) && fe.Field != "" {
		return fmt.Errorf("%s.%s: %s", key, fe.Field, fe.Message)
	}
	return fmt.Errorf("%s: %w", key, err)
}

// APIConfig configures one API: what every API has, and its own options.
type APIConfig struct {
	Enabled  bool   `yaml:"enabled"`
	DataSet  string `yaml:"dataSet"`
	Seed     uint64 `yaml:"seed"`
	RootAddr string `yaml:"rootAddr"`
	// Options are the API's own settings, of the type its package
	// defines, decoded strictly from apis.<name>.options.
	Options any `yaml:"-"`
}

// DefaultYAML returns the documented default configuration: the core's
// settings, then a section for each API with its own options.
func (c Catalog) DefaultYAML() []byte {
	var b bytes.Buffer
	b.Write(coreYAML)
	b.WriteString("apis:\n")
	for i, m := range c {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  %s:\n", m.Name)
		if m.Title != "" {
			fmt.Fprintf(&b, "    # %s\n", m.Title)
		}
		b.WriteString("    enabled: true\n    dataSet: default\n    seed: 1\n    rootAddr: \"\"\n")
		opts := bytes.TrimSpace(m.OptionsYAML())
		if len(opts) == 0 {
			b.WriteString("    options: {}\n")
			continue
		}
		b.WriteString("    options:\n")
		for _, line := range strings.Split(string(opts), "\n") {
			if strings.TrimSpace(line) == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("      " + line + "\n")
		}
	}
	return b.Bytes()
}

// Default returns the configuration of DefaultYAML.
func (c Catalog) Default() Config {
	cfg, err := c.Parse(nil)
	if err != nil {
		panic(fmt.Sprintf("mocks: default configuration: %v", err))
	}
	return cfg
}

// Parse reads a YAML configuration over the defaults: keys it leaves out
// keep their default value. Unknown keys are an error, so typos show.
func (c Catalog) Parse(data []byte) (Config, error) {
	var cfg Config
	if err := c.decode(c.DefaultYAML(), &cfg); err != nil {
		return cfg, err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := c.decode(data, &cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, c.Validate(cfg)
}

// Load reads the configuration file at path over the defaults.
func (c Catalog) Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("mocks: %w", err)
	}
	cfg, err := c.Parse(data)
	if err != nil {
		return cfg, withFile(path, err)
	}
	return cfg, nil
}

// decode reads data over cfg. The apis section is decoded entry by entry
// over each API's current settings, and each API's options over its
// current options with the API's own type, so that a file that sets one
// key keeps the others.
func (c Catalog) decode(data []byte, cfg *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("mocks: config: %w", err)
	}
	if len(root.Content) == 0 {
		return nil // empty, or only comments
	}
	doc := root.Content[0]
	apis := takeKey(doc, "apis")
	if err := strictDecode(doc, cfg); err != nil {
		return locate(fmt.Errorf("mocks: config: %w", err), doc, reflect.TypeFor[Config](), "")
	}
	if apis == nil || apis.Kind == 0 || apis.Tag == "!!null" {
		return nil
	}
	if apis.Kind != yaml.MappingNode {
		return &ConfigError{Line: apis.Line, Path: "apis", Msg: "want a mapping of API names"}
	}
	if cfg.APIs == nil {
		cfg.APIs = map[string]APIConfig{}
	}
	for i := 0; i+1 < len(apis.Content); i += 2 {
		name, node := apis.Content[i].Value, apis.Content[i+1]
		mock, ok := c.Lookup(name)
		if !ok {
			// Kept without options, so that Validate reports it along
			// with every other problem.
			var api APIConfig
			takeKey(node, "options")
			if err := strictDecode(node, &api); err != nil {
				return locate(fmt.Errorf("mocks: config: apis.%s: %w", name, err), node, reflect.TypeFor[APIConfig](), "apis."+name)
			}
			cfg.APIs[name] = api
			continue
		}
		api, ok := cfg.APIs[name]
		if !ok {
			api.Options = mock.DefaultOptions()
		}
		opts := takeKey(node, "options")
		if err := strictDecode(node, &api); err != nil {
			return optionHint(locate(fmt.Errorf("mocks: config: apis.%s: %w", name, err), node, reflect.TypeFor[APIConfig](), "apis."+name), mock)
		}
		if opts != nil && opts.Tag != "!!null" {
			o, err := mock.DecodeOptions(opts, api.Options)
			if err != nil {
				return locate(fmt.Errorf("mocks: config: apis.%s.options: %w", name, err), opts, reflect.TypeOf(api.Options), "apis."+name+".options")
			}
			api.Options = o
		}
		cfg.APIs[name] = api
	}
	return nil
}

// takeKey removes key from the mapping node and returns its value, or nil.
func takeKey(node *yaml.Node, key string) *yaml.Node {
	if node.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == key {
			v := node.Content[i+1]
			node.Content = append(node.Content[:i:i], node.Content[i+2:]...)
			return v
		}
	}
	return nil
}

// strictDecode decodes node into v, refusing keys v has no field for.
func strictDecode(node *yaml.Node, v any) error {
	raw, err := yaml.Marshal(node)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Validate checks names, data sets, limits, origins, hosts and the state
// interval.
func (c Catalog) Validate(cfg Config) error {
	var errs []error
	for name, api := range cfg.APIs {
		if _, ok := c.Lookup(name); !ok {
			errs = append(errs, fmt.Errorf("apis.%s: unknown API (known: %s)", name, strings.Join(c.Names(), ", ")))
			continue
		}
		if _, err := fixtures.Lookup(api.DataSet); err != nil {
			errs = append(errs, fmt.Errorf("apis.%s.dataSet: %w", name, err))
		}
	}
	if cfg.BodyLimit <= 0 {
		errs = append(errs, fmt.Errorf("bodyLimit must be positive, got %d", cfg.BodyLimit))
	}
	if cfg.JournalSize < 0 {
		errs = append(errs, fmt.Errorf("journalSize must be 0 (no journal) or a number of entries to keep, got %d", cfg.JournalSize))
	}
	if err := cfg.Server.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("server.%w", err))
	}
	if err := cfg.Namespaces.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("namespaces.%w", err))
	}
	if cfg.State.Interval <= 0 {
		errs = append(errs, fmt.Errorf("state.interval must be positive, got %s", cfg.State.Interval))
	}
	errs = append(errs, c.validateWebhooks(cfg)...)
	errs = append(errs, c.validateFaults(cfg)...)
	errs = append(errs, checkOrigins("cors.origins", cfg.CORS.Origins), checkOrigins("admin.corsOrigins", cfg.Admin.CORSOrigins))
	for i, h := range cfg.Admin.Hosts {
		if strings.TrimSpace(h) == "" || strings.ContainsAny(h, "/ ") {
			errs = append(errs, fmt.Errorf("admin.hosts[%d] must be a host name or address, optionally with a port, got %q", i, h))
		}
	}
	return errors.Join(errs...)
}

// checkOrigins refuses origins a browser never sends, such as
// "localhost:3000" without its scheme.
func checkOrigins(key string, origins []string) error {
	var errs []error
	for i, o := range origins {
		if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			errs = append(errs, fmt.Errorf("%s[%d] must be \"*\" or an origin such as http://localhost:3000, got %q", key, i, o))
		}
	}
	return errors.Join(errs...)
}

// New builds a server with every enabled API of cfg mounted under its
// name, in catalog order, the subscriptions of cfg.Webhooks registered
// and the rules of cfg.Faults added. An API's own option checks run here,
// when it is built. The APIs publish their events to the server's webhook
// dispatcher, which Server.Close stops.
func (c Catalog) New(cfg Config, logger *slog.Logger) (*mockserver.Server, error) {
	// In the file journalSize: 0 turns the journal off (leaving the key out
	// keeps the default); in Options 0 means the default and less than 0 off.
	journal := cfg.JournalSize
	if journal == 0 {
		journal = -1
	}
	srv := mockserver.New(mockserver.Options{
		Namespaces: &cfg.Namespaces, Logger: logger, BodyLimit: cfg.BodyLimit, JournalSize: journal,
		DisableCORS: !cfg.CORS.Enabled, CORSOrigins: cfg.CORS.Origins, Admin: cfg.Admin,
		Webhooks: cfg.Webhooks.options(), Faults: mockserver.FaultOptions{Seed: cfg.Faults.Seed},
	})
	store := srv.Store()
	for _, mock := range c {
		api, ok := cfg.APIs[mock.Name]
		if !ok || !api.Enabled {
			continue
		}
		opts := api.Options
		if opts == nil {
			opts = mock.DefaultOptions()
		}
		built, err := mock.Build(mockserver.Setup{Store: store, DataSet: api.DataSet, Seed: api.Seed, Webhooks: srv.Webhooks()}, opts)
		if err != nil {
			return nil, fmt.Errorf("mocks: %s: %w", mock.Name, err)
		}
		if err := srv.Mount(built); err != nil {
			return nil, err
		}
	}
	for i, sc := range cfg.Webhooks.Subscriptions {
		if !slices.Contains(srv.APIs(), sc.API) {
			return nil, fmt.Errorf("mocks: webhooks.subscriptions[%d].api: %q is not served", i, sc.API)
		}
		ns := sc.Namespace
		if ns == "" {
			ns = mockserver.DefaultNamespace
		}
		if _, err := srv.Webhooks().Subscribe(webhooks.Subscription{API: sc.API, Namespace: ns, URL: sc.URL, Events: sc.Events}); err != nil {
			return nil, fmt.Errorf("mocks: webhooks.subscriptions[%d]: %w", i, err)
		}
	}
	for i, r := range cfg.Faults.Rules {
		if _, err := srv.Faults().Add(r); err != nil {
			return nil, fmt.Errorf("mocks: %w", faultKeyError(fmt.Sprintf("faults.rules[%d]", i), err))
		}
	}
	return srv, nil
}
