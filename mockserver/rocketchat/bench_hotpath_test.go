package rocketchat_test

import (
	"net/http"
	"testing"

	"github.com/standin/standin/mockserver/mockservertest"
	"github.com/standin/standin/mockserver/rocketchat"
)

// BenchmarkHotPath sends the requests `make bench-http` measures through
// the whole pipeline of `standin serve`, in process: a channel's info, a
// valid invitation (of a member, so the state stays the same size) and an
// invalid one. The room and user are named here (make bench-http gives
// their ids), which Rocket.Chat takes as well.
func BenchmarkHotPath(b *testing.B) {
	mockservertest.BenchmarkCalls(b, rocketchat.Mock, []mockservertest.Call{
		{Name: "channelsInfo", Method: http.MethodGet, Path: "/api/v1/channels.info?roomName=general", Status: http.StatusOK},
		{Name: "invite", Method: http.MethodPost, Path: "/api/v1/channels.invite", Body: `{"roomName":"general","username":"antonio.towne"}`, Status: http.StatusOK},
		{Name: "inviteInvalid", Method: http.MethodPost, Path: "/api/v1/channels.invite", Body: `{"roomId":5}`, Status: http.StatusBadRequest},
	})
}
