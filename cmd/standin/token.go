package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
)

const tokenSynopsis = `Prints a ready token for an API whose tokens the client mints, signed as
the mock served with the configuration checks it (the default
configuration, or --config's), so that curl needs no code:

  ethora     without --user, the server token of the configured app (what
             the SDK sends on every call); with --user, the client token of
             that user (its uuid; a seeded user's uuid is its user name),
             which POST /v1/users/client exchanges. Ethora tokens carry no
             expiry, so --ttl is refused.
  ucsrooms   the access token of --user: a demo user's name (alice, bob,
             carol) or any user id. Without --ttl it lasts as long as the
             demo tokens the banner prints.

  curl -H "Authorization: Bearer $(standin token ethora)" \
       http://127.0.0.1:8080/ethora/v2/apps
  curl -H "Authorization: Bearer $(standin token ucsrooms --user bob)" \
       http://127.0.0.1:8080/ucs/participant/room

For the other APIs it prints how to get a token instead and exits 2:
Rocket.Chat and ChatKitty tokens come from an API call (login, OAuth),
SmartLink takes an API key.`

func printToken(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token API", tokenSynopsis, stderr)
	user := fs.String("user", "", "user name or id (ethora: the user of a client token; none: the server token)")
	ttl := fs.Duration("ttl", 0, "lifetime of the token, e.g. 1h (default: the demo tokens' expiry)")
	configPath := fs.String("config", "", "YAML configuration file of the server the token is for")
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "name the API first: standin token API --user NAME (APIs: %s)\n", strings.Join(apiNames(), ", "))
		return exitCode(2)
	}
	if *ttl < 0 {
		fmt.Fprintln(stderr, "--ttl must not be negative")
		return exitCode(2)
	}
	cat := catalog()
	cfg := cat.Default()
	if *configPath != "" {
		var err error
		if cfg, err = cat.Load(*configPath); err != nil {
			return err
		}
	}
	var expires time.Time
	if *ttl > 0 {
		expires = time.Now().Add(*ttl)
	}
	tok, err := a.mock.Token(cfg.APIs[a.mock.Name].Options, *user, expires)
	if errors.Is(err, mockserver.ErrNoTokens) {
		// The API's own words on where its tokens come from, if it has
		// any, else its credentials.
		if msg, ok := strings.CutPrefix(err.Error(), mockserver.ErrNoTokens.Error()+": "); ok {
			fmt.Fprintf(stderr, "standin token %s: %s\n", a.mock.Name, msg)
		} else {
			fmt.Fprintf(stderr, "%s has no tokens to mint: its credentials are %s\n", a.mock.Name, describeCredentials(a))
		}
		return exitCode(2)
	}
	if err != nil {
		fmt.Fprintf(stderr, "standin token: %v\n", err)
		return exitCode(2)
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func apiNames() []string {
	names := make([]string, len(apis))
	for i, a := range apis {
		names[i] = a.mock.Name
	}
	return names
}

func describeCredentials(a api) string {
	var parts []string
	for _, c := range a.mock.Credentials(a.mock.DefaultOptions()) {
		parts = append(parts, c.Key)
	}
	return strings.Join(parts, ", ")
}
