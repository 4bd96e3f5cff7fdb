package ucsrooms_test

import (
	"net/http"
	"testing"

	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/ucsrooms"
)

// BenchmarkHotPath: a participant's typical call, the rooms they are in,
// through the whole pipeline with a demo user's token.
func BenchmarkHotPath(b *testing.B) {
	mockservertest.BenchmarkCalls(b, ucsrooms.Mock, []mockservertest.Call{
		{Name: "myRooms", Method: http.MethodGet, Path: "/participant/room?size=10", Status: http.StatusOK},
		{Name: "myRoomsInvalid", Method: http.MethodGet, Path: "/participant/room?size=abc", Status: http.StatusBadRequest},
	})
}
