package mocks

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/rocketchat"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the documented default configuration.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Config is the serve configuration.
type Config struct {
	Addr        string               `yaml:"addr"`
	BodyLimit   int64                `yaml:"bodyLimit"`
	JournalSize int                  `yaml:"journalSize"`
	CORS        bool                 `yaml:"cors"`
	APIs        map[string]APIConfig `yaml:"apis"`
}

// APIConfig configures one fake. Admin applies to Rocket.Chat; App and
// JobDelay to Ethora.
type APIConfig struct {
	Enabled  bool                 `yaml:"enabled"`
	DataSet  string               `yaml:"dataSet"`
	Seed     uint64               `yaml:"seed"`
	Admin    fixtures.Credentials `yaml:"admin,omitempty"`
	App      ethora.AppConfig     `yaml:"app,omitempty"`
	JobDelay time.Duration        `yaml:"jobDelay,omitempty"`
	RootAddr string               `yaml:"rootAddr"`
}

// Default returns the configuration of default.yaml.
func Default() Config {
	c, err := Parse(nil)
	if err != nil {
		panic(fmt.Sprintf("mocks: default.yaml: %v", err))
	}
	return c
}

// Parse reads a YAML configuration over the defaults: keys it leaves out
// keep their default value. Unknown keys are an error, so typos show.
func Parse(data []byte) (Config, error) {
	var c Config
	if err := decode(defaultYAML, &c); err != nil {
		return c, err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := decode(data, &c); err != nil {
			return c, err
		}
	}
	return c, c.Validate()
}

// decode reads data over c. The apis section is decoded entry by entry
// over each API's current settings, so a file that sets one key of an API
// keeps the others.
func decode(data []byte, c *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("mocks: config: %w", err)
	}
	if len(root.Content) == 0 {
		return nil // empty, or only comments
	}
	doc := root.Content[0]
	var apis *yaml.Node
	if doc.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "apis" {
				apis = doc.Content[i+1]
				doc.Content = append(doc.Content[:i:i], doc.Content[i+2:]...)
				break
			}
		}
	}
	if err := strictDecode(doc, c); err != nil {
		return fmt.Errorf("mocks: config: %w", err)
	}
	if apis == nil || apis.Kind == 0 || apis.Tag == "!!null" {
		return nil
	}
	if apis.Kind != yaml.MappingNode {
		return fmt.Errorf("mocks: config: line %d: apis must be a mapping of API names", apis.Line)
	}
	if c.APIs == nil {
		c.APIs = map[string]APIConfig{}
	}
	for i := 0; i+1 < len(apis.Content); i += 2 {
		name := apis.Content[i].Value
		api := c.APIs[name]
		if err := strictDecode(apis.Content[i+1], &api); err != nil {
			return fmt.Errorf("mocks: config: apis.%s: %w", name, err)
		}
		c.APIs[name] = api
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

// Load reads the configuration file at path over the defaults.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("mocks: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// known lists the APIs this build can serve.
var known = []string{rocketchat.Name, ethora.Name}

// Validate checks names, data sets and limits.
func (c Config) Validate() error {
	var errs []error
	for name, api := range c.APIs {
		if !slices.Contains(known, name) {
			errs = append(errs, fmt.Errorf("apis.%s: unknown API (known: %v)", name, known))
			continue
		}
		if _, err := fixtures.Lookup(api.DataSet); err != nil {
			errs = append(errs, fmt.Errorf("apis.%s.dataSet: %w", name, err))
		}
		if name != rocketchat.Name && api.Admin != (fixtures.Credentials{}) {
			errs = append(errs, fmt.Errorf("apis.%s.admin: only rocketchat has an admin account", name))
		}
		if name != ethora.Name && (api.App != (ethora.AppConfig{}) || api.JobDelay != 0) {
			errs = append(errs, fmt.Errorf("apis.%s: app and jobDelay are ethora settings", name))
		}
		if api.JobDelay < 0 {
			errs = append(errs, fmt.Errorf("apis.%s.jobDelay must not be negative", name))
		}
	}
	if c.BodyLimit <= 0 {
		errs = append(errs, fmt.Errorf("bodyLimit must be positive, got %d", c.BodyLimit))
	}
	return errors.Join(errs...)
}

// New builds a server with every enabled API of c mounted under its name.
func New(c Config, logger *slog.Logger) (*mockserver.Server, error) {
	store := mockserver.NewMemoryStore()
	srv := mockserver.New(mockserver.Options{
		Store: store, Logger: logger, BodyLimit: c.BodyLimit, JournalSize: c.JournalSize, DisableCORS: !c.CORS,
	})
	for _, name := range known {
		api, ok := c.APIs[name]
		if !ok || !api.Enabled {
			continue
		}
		var m mockserver.API
		var err error
		switch name {
		case rocketchat.Name:
			m, err = rocketchat.New(store, rocketchat.Options{DataSet: api.DataSet, Seed: api.Seed, Admin: api.Admin})
		case ethora.Name:
			m, err = ethora.New(store, ethora.Options{App: api.App, DataSet: api.DataSet, Seed: api.Seed, JobDelay: api.JobDelay})
		}
		if err != nil {
			return nil, err
		}
		if err := srv.Mount(m); err != nil {
			return nil, err
		}
	}
	return srv, nil
}
