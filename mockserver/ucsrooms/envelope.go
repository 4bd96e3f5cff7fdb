package ucsrooms

import (
	"net/http"
	"time"

	"github.com/standin/standin/mockserver"
)

// errorBody is the error envelope (openapi/ucsrooms.yaml, ErrorResponse).
type errorBody struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Errors  []errorItem `json:"errors"`
	SentAt  time.Time   `json:"sent_at"`
}

type errorItem struct {
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
}

// newEnvelope answers every refusal in the one error shape, sent_at from
// the fake's clock (as the successes' sent_at).
func newEnvelope(now func() time.Time) mockserver.Envelope {
	return mockserver.Envelope{
		Codes: mockserver.UpperSnakeCodes(),
		Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
			msg := e.Message
			if msg == "" {
				msg = http.StatusText(e.Status)
			}
			mockserver.WriteJSON(w, e.Status, errorBody{Code: e.Code, Message: e.Error(), SentAt: now().UTC(),
				Errors: []errorItem{{Message: msg, Field: e.Field, Rule: e.Rule}}})
		},
	}
}
