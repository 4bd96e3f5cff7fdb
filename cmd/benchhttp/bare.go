package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/standin/standin/mockserver"
)

// captured is standin's answer to one measured request, which the bare
// server repeats.
type captured struct {
	Method      string `json:"method"`
	Target      string `json:"target"`
	Body        string `json:"body"` // the request body
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Response    []byte `json:"response"`
}

// bareHandler is the bare server: plain net/http that reads the request
// body whole and answers the captured status and bytes of the request
// with the same method, path, query and body; anything else is a 404.
func bareHandler(answers []captured) http.Handler {
	type key struct{ method, target, body string }
	byKey := make(map[key]captured, len(answers))
	for _, a := range answers {
		byKey[key{a.Method, a.Target, a.Body}] = a
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a, ok := byKey[key{r.Method, r.URL.RequestURI(), string(body)}]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if a.ContentType != "" {
			w.Header().Set("Content-Type", a.ContentType)
		}
		w.WriteHeader(a.Status)
		w.Write(a.Response)
	})
}

// bareBanner starts the line the bare server prints once it listens,
// followed by its base URL.
const bareBanner = "bare serving on "

// runBareCommand is the hidden "bare" subcommand: the bare server on
// -addr, answering the captured responses in -responses, until SIGINT or
// SIGTERM.
func runBareCommand(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	file := fs.String("responses", "", "captured responses, as JSON")
	limits := fs.Bool("limits", false, "serve with standin's default connection limits (read, header, write and idle timeouts, header size)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var answers []captured
	if err := json.Unmarshal(data, &answers); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: bareHandler(answers)}
	if *limits {
		srv = mockserver.DefaultLimits().HTTPServer(bareHandler(answers), nil)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		srv.Close()
	}()
	fmt.Printf("%shttp://%s\n", bareBanner, ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
