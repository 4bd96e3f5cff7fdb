package mocks

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/mockserver"
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

// APIConfig configures one fake.
type APIConfig struct {
	Enabled  bool                 `yaml:"enabled"`
	DataSet  string               `yaml:"dataSet"`
	Seed     uint64               `yaml:"seed"`
	Admin    fixtures.Credentials `yaml:"admin"`
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

func decode(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("mocks: config: %w", err)
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
var known = []string{rocketchat.Name}

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
