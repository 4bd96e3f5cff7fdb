package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
)

const tokenSynopsis = `Prints a token for a user of an API, signed as the mock served with the
configuration checks it (the default configuration, or --config's):

  standin token ucsrooms --user alice
  curl -H "Authorization: Bearer $(standin token ucsrooms --user bob)" \
       http://127.0.0.1:8080/ucs/participant/room

The user is a demo user's name (see standin serve's banner) or any user id
the API takes. Without --ttl the token lasts as long as the demo tokens
the banner prints.`

func printToken(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token API", tokenSynopsis, stderr)
	user := fs.String("user", "", "user name or id")
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
		fmt.Fprintf(stderr, "%s has no user tokens: its credentials are %s\n", a.mock.Name, describeCredentials(a))
		return exitCode(2)
	}
	if err != nil {
		return err
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
