package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/openapi"
)

var fixturesSynopsis = `Prints a seeded data set as JSON: the users (with their passwords) and
rooms every namespace of "standin serve" starts from, and under "ids" the
ids each API gives them when served with the default configuration (user,
room, channel, chat and app ids, by the parameter name that takes them, as
curl needs them; each list in its own order). --ids=false leaves them out
(a large data set takes a while to seed). --list shows the sets.
` + scaleNote + `
With --api and --schema it prints --count values generated from one of the
spec's component schemas instead, e.g. sample payloads for a frontend:
  standin fixtures --api rocketchat --schema Room --count 3
--list --api NAME lists the component schemas of that API's spec.`

// scaleNote describes the scale:N data sets, which --list cannot list (one
// for each N).
var scaleNote = fmt.Sprintf(`Besides them, scale:N is a data set for scale tests: N users (the admin
included), N/100 rooms (rounded up), general with min(N, %d) members,
for N from 1 to %d, e.g. --data-set scale:100000.`, fixtures.ScaleBigRoom, fixtures.ScaleMax)

func printFixtures(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fixtures", fixturesSynopsis, stderr)
	name := fs.String("data-set", "default", "data set to print")
	seed := fs.Uint64("seed", 1, "seed")
	list := fs.Bool("list", false, "list the data sets")
	api := fs.String("api", "", "with --schema: the API whose spec holds the schema")
	schema := fs.String("schema", "", "generate values of this component schema instead of a data set")
	count := fs.Int("count", 1, "with --schema: how many values")
	ids := fs.Bool("ids", true, "also print the ids each API seeds the data set with")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if *api != "" && !slices.Contains(openapi.Names(), *api) {
		fmt.Fprintf(stderr, "--api must be one of %s, got %q\n", strings.Join(openapi.Names(), ", "), *api)
		return exitCode(2)
	}
	if *list && *api != "" {
		doc, err := openapi.Load(*api)
		if err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
			fmt.Fprintln(stdout, name)
		}
		return nil
	}
	if *schema != "" {
		if *api == "" || *count < 1 {
			fmt.Fprintf(stderr, "--schema needs --api (one of %s), and --count must be at least 1\n", strings.Join(openapi.Names(), ", "))
			return exitCode(2)
		}
		doc, err := openapi.Load(*api)
		if err != nil {
			return err
		}
		ref, ok := doc.Components.Schemas[*schema]
		if !ok {
			fmt.Fprintf(stderr, "%s has no component schema %q; its schemas are: %s\n", *api, *schema,
				strings.Join(slices.Sorted(maps.Keys(doc.Components.Schemas)), ", "))
			return exitCode(2)
		}
		gen := fixtures.New(*seed)
		for range *count {
			v, err := gen.Value(ref)
			if err != nil {
				return err
			}
			if err := enc.Encode(v); err != nil {
				return err
			}
		}
		return nil
	}
	if *list {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tUSERS\tROOMS\tDESCRIPTION")
		for _, ds := range fixtures.DataSets() {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", ds.Name, ds.Users, ds.Rooms, ds.Description)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		// On stderr, so that stdout stays a table a script can read.
		fmt.Fprintln(stderr, scaleNote)
		return nil
	}
	t, err := fixtures.Build(*name, *seed, fixtures.Credentials{})
	if err != nil {
		return err
	}
	if !*ids {
		return enc.Encode(t)
	}
	seeded, err := seededIDs(*name, *seed)
	if err != nil {
		return err
	}
	return enc.Encode(struct {
		*fixtures.Tenant
		IDs map[string]map[string][]string `json:"ids"`
	}{t, seeded})
}

// idName is a parameter that names a seeded thing: an id, or the name a
// path or query takes in place of one (roomName, username, chatName).
var idName = regexp.MustCompile(`(?i)(id|ids|name|names)$`)

// seededIDs serves every API with the default configuration and the data
// set, and asks each (through its test hooks, as the test kit does) for
// the ids its seeded state holds, by the parameter that takes them.
func seededIDs(dataSet string, seed uint64) (map[string]map[string][]string, error) {
	cat := catalog()
	cfg := cat.Default()
	for name, a := range cfg.APIs {
		a.DataSet, a.Seed = dataSet, seed
		cfg.APIs[name] = a
	}
	srv, err := cat.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer func() { _ = srv.Close(context.Background()) }()
	const ns = "default"
	out := map[string]map[string][]string{}
	for _, m := range cat {
		if m.Test.Known == nil {
			continue
		}
		h, err := srv.RootHandler(m.Name)
		if err != nil {
			return nil, err
		}
		var auth http.Header
		if m.Test.Login != nil {
			if auth, err = m.Test.Login(h, ns); err != nil {
				return nil, fmt.Errorf("%s: %w", m.Name, err)
			}
		}
		known, err := m.Test.Known(h, auth, ns)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
		ids := map[string][]string{}
		for k, v := range known {
			// Qualified keys ("Groups:roomId") repeat or narrow the plain ones.
			if !strings.Contains(k, ":") && k != "id" && idName.MatchString(k) && len(v) > 0 {
				ids[k] = v
			}
		}
		out[m.Name] = ids
	}
	return out, nil
}
