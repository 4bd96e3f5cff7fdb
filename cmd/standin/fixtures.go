package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/standin/standin/fixtures"
)

const fixturesSynopsis = `Prints a seeded data set as JSON: the users (with their passwords) and
rooms every namespace of "standin serve" starts from. --list shows the sets.`

func printFixtures(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fixtures", fixturesSynopsis, stderr)
	name := fs.String("data-set", "default", "data set to print")
	seed := fs.Uint64("seed", 1, "seed")
	list := fs.Bool("list", false, "list the data sets")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *list {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tUSERS\tROOMS\tDESCRIPTION")
		for _, ds := range fixtures.DataSets() {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", ds.Name, ds.Users, ds.Rooms, ds.Description)
		}
		return tw.Flush()
	}
	t, err := fixtures.Build(*name, *seed, fixtures.Credentials{})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}
