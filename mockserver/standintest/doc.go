// Package standintest serves standin's mock APIs to Go tests, as
// net/http/httptest serves a handler: New starts a server for one test
// with the APIs it is given, built as `standin serve` builds its server
// (same configuration, admin API, journal, namespaces, webhooks), and
// closes it when the test ends.
//
// The server has no socket unless Listen is given: its URLs name
// MemoryHost ("http://standin.test/rocketchat"), which only the server's
// HTTPClient reaches, serving each request in memory and streaming the
// answer back. With Listen it also serves on a loopback port, for clients
// that need a real URL.
//
// The APIs are passed in as the Mock values of their packages under
// mockserver/ (rocketchat.Mock, ethora.Mock, ...), and Client wires a
// typed client generated in gen/<api> to the server:
//
//	import (
//		"context"
//		"testing"
//
//		rcgen "github.com/standin/standin/gen/rocketchat"
//		"github.com/standin/standin/mockserver"
//		"github.com/standin/standin/mockserver/rocketchat"
//		"github.com/standin/standin/mockserver/standintest"
//	)
//
//	func TestCreateChannel(t *testing.T) {
//		srv := standintest.New(t, standintest.APIs(rocketchat.Mock)) // served in memory: no socket
//		auth := srv.Login("rocketchat")                              // the default admin's X-User-Id and X-Auth-Token
//		rc := standintest.Client(srv, "rocketchat", rcgen.NewClientWithResponses, rcgen.WithHTTPClient,
//			rcgen.WithRequestEditorFn(standintest.Headers(auth)))
//
//		name := "release-notes"
//		res, err := rc.ChannelsCreateWithResponse(context.Background(), rcgen.ChannelsCreateJSONRequestBody{Name: &name})
//		if err != nil {
//			t.Fatal(err)
//		}
//		if res.JSON200 == nil || res.JSON200.Channel.Name == nil || *res.JSON200.Channel.Name != name {
//			t.Fatalf("channels.create: %d %s", res.StatusCode(), res.Body)
//		}
//
//		created := srv.Journal(func(e mockserver.Entry) bool { return e.Path == "/rocketchat/api/v1/channels.create" })
//		if len(created) != 1 || created[0].Status != 200 {
//			t.Fatalf("journal: %+v", created)
//		}
//	}
//
// (mockserver/rocketchat/standintest_example_test.go runs it.) With
// Listen, code that makes its own client reaches the server at srv.URL:
//
//	srv := standintest.New(t, standintest.APIs(ethora.Mock), standintest.Listen())
//	auth := srv.LoginIn("ethora", "team-a") // a server token, and X-Standin-Namespace: team-a
//	c, err := ethoragen.NewClientWithResponses(srv.URL("ethora"), ethoragen.WithRequestEditorFn(standintest.Headers(auth)))
//
// Code under test that takes a base URL and an *http.Client gets
// srv.URL("rocketchat") and srv.HTTPClient(); code that makes its own
// client needs Listen. Options set the starting state (DataSet, Seed,
// Snapshot) and anything `standin serve` reads from its configuration
// file (Config); methods log in (Login, LoginIn for a namespace), replace
// and read the state (Import, Export, Reset) and read the journal
// (Journal). They fail the test on error; parallel subtests that share
// one server, each in a namespace of its own, call them on srv.For(t).
// Server gives the mockserver.Server for the rest.
//
// This package imports no API's package: a test imports the APIs it
// serves.
package standintest
