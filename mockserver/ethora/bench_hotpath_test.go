package ethora_test

import (
	"net/http"
	"testing"

	"github.com/standin/standin/mockserver/ethora"
	"github.com/standin/standin/mockserver/mockservertest"
)

// BenchmarkHotPath: typical calls of a backend on Ethora's server API
// (the users of the app, a page of its chats) through the whole pipeline,
// with the app's server token.
func BenchmarkHotPath(b *testing.B) {
	mockservertest.BenchmarkCalls(b, ethora.Mock, []mockservertest.Call{
		{Name: "listUsers", Method: http.MethodGet, Path: "/v2/chats/users?limit=10", Status: http.StatusOK},
		{Name: "listUsersInvalid", Method: http.MethodGet, Path: "/v2/chats/users?limit=abc", Status: http.StatusUnprocessableEntity},
	})
}
