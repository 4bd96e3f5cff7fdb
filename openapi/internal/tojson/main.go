// Command tojson writes the JSON renderings of every OpenAPI document in a
// directory, as kin-openapi loads and marshals it: for each <name>.yaml a
// minified <name>.json, the whole document, and <name>.lean.json, the same
// without what only people read (descriptions blanked, summaries and
// examples left out), which routing and validating requests do not use.
// JSON takes about half the time of YAML to decode, the lean rendering a
// third less again. It is run by go generate in package openapi:
//
//	go run ./internal/tojson -in . -out json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi/internal/lean"
)

func main() {
	in := flag.String("in", ".", "directory holding the *.yaml specs")
	out := flag.String("out", "json", "directory the *.json renderings are written to")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "tojson:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	specs, err := filepath.Glob(filepath.Join(in, "*.yaml"))
	if err != nil {
		return err
	}
	if len(specs) == 0 {
		return fmt.Errorf("no *.yaml in %s", in)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, spec := range specs {
		name := strings.TrimSuffix(filepath.Base(spec), ".yaml") + ".json"
		keep[name] = true
		raw, err := os.ReadFile(spec)
		if err != nil {
			return err
		}
		doc, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", spec, err)
		}
		js, err := json.Marshal(doc)
		if err != nil {
			return fmt.Errorf("%s: %w", spec, err)
		}
		if err := os.WriteFile(filepath.Join(out, name), append(js, '\n'), 0o644); err != nil {
			return err
		}
		leanName := strings.TrimSuffix(name, ".json") + ".lean.json"
		keep[leanName] = true
		leanJS, err := lean.JSON(js)
		if err != nil {
			return fmt.Errorf("%s: %w", spec, err)
		}
		if err := os.WriteFile(filepath.Join(out, leanName), append(leanJS, '\n'), 0o644); err != nil {
			return err
		}
	}
	// A spec that was removed takes its rendering with it.
	old, err := filepath.Glob(filepath.Join(out, "*.json"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if !keep[filepath.Base(f)] {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return nil
}
