package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/openapi"
)

var fixturesSynopsis = `Prints a seeded data set as JSON: the users (with their passwords) and
rooms every namespace of "standin serve" starts from. --list shows the sets.
` + scaleNote + `
With --api and --schema it prints --count values generated from one of the
spec's component schemas instead, e.g. sample payloads for a frontend:
  standin fixtures --api rocketchat --schema Room --count 3`

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
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if *schema != "" {
		if *api == "" || *count < 1 {
			fmt.Fprintln(stderr, "--schema needs --api, and --count must be at least 1")
			return exitCode(2)
		}
		doc, err := openapi.Load(*api)
		if err != nil {
			return err
		}
		ref, ok := doc.Components.Schemas[*schema]
		if !ok {
			return fmt.Errorf("%s has no component schema %q", *api, *schema)
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
	return enc.Encode(t)
}
