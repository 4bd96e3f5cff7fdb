package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/standin/standin/contracts"
	chatkittyscenarios "github.com/standin/standin/contracts/chatkitty"
	ethorascenarios "github.com/standin/standin/contracts/ethora"
	"github.com/standin/standin/contracts/load"
	rocketchatscenarios "github.com/standin/standin/contracts/rocketchat"
	smartlinkscenarios "github.com/standin/standin/contracts/smartlink"
	ucsscenarios "github.com/standin/standin/contracts/ucsrooms"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/chatkitty"
	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mocks"
	"github.com/standin/standin/mockserver/rocketchat"
	"github.com/standin/standin/mockserver/smartlink"
	"github.com/standin/standin/mockserver/ucsrooms"
)

// api is one API as the CLI knows it: its mock, its conformance scenarios
// and its load workload.
type api struct {
	mock      *mockserver.Mock
	scenarios func() []contracts.Scenario
	workload  load.Workload
}

// apis is the list of every API standin serves, tests and load-tests, in
// the order the CLI, the configuration and the README show them. Adding an
// API is one more line here; everything else ranges over this list.
var apis = []api{
	{rocketchat.Mock, rocketchatscenarios.Scenarios, rocketchatscenarios.Load{}},
	{ethora.Mock, ethorascenarios.Scenarios, ethorascenarios.Load{}},
	{ucsrooms.Mock, ucsscenarios.Scenarios, ucsscenarios.Load{}},
	{smartlink.Mock, smartlinkscenarios.Scenarios, smartlinkscenarios.Load{}},
	{chatkitty.Mock, chatkittyscenarios.Scenarios, chatkittyscenarios.Load{}},
}

// catalog returns the mocks of apis, for configuration and serving.
func catalog() mocks.Catalog {
	c := make(mocks.Catalog, len(apis))
	for i, a := range apis {
		c[i] = a.mock
	}
	return c
}

// lookup returns the API called name.
func lookup(name string) (api, bool) {
	for _, a := range apis {
		if a.mock.Name == name {
			return a, true
		}
	}
	return api{}, false
}

// defaultCredentials returns the credentials that work against `standin
// serve` with its default configuration, by key.
func (a api) defaultCredentials() map[string]string {
	creds := map[string]string{}
	for _, c := range a.mock.Credentials(a.mock.DefaultOptions()) {
		creds[c.Key] = c.Value
	}
	return creds
}

const apisSynopsis = `Lists the APIs this build serves, one name a line, in the order of the
configuration: the names that --api, apis.<name> in the configuration and
use. With -prefix, also each API's mount path on the shared port ("ucsrooms
/ucs"); with -v, also its title and default credentials.`

func listAPIs(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("apis", apisSynopsis, stderr)
	verbose := fs.Bool("v", false, "also show titles, mount paths and default credentials")
	prefix := fs.Bool("prefix", false, "also show each API's mount path on the shared port (name /path)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, a := range apis {
		switch {
		case *prefix && !*verbose:
			fmt.Fprintln(stdout, a.mock.Name, a.mock.Prefix)
			continue
		case !*verbose:
			fmt.Fprintln(stdout, a.mock.Name)
			continue
		}
		var creds []string
		for _, c := range a.mock.Credentials(a.mock.DefaultOptions()) {
			creds = append(creds, c.Key+"="+c.Value)
		}
		fmt.Fprintf(stdout, "%-11s %-12s %-12s %s\n", a.mock.Name, a.mock.Title, a.mock.Prefix, strings.Join(creds, " "))
	}
	return nil
}
