package mockserver

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/standin/standin/mockserver/webhooks"
)

// webhookBodyLimit is the largest body POST /__standin/webhooks accepts.
const webhookBodyLimit = 64 << 10

// webhookRequest is the body of POST /__standin/webhooks.
type webhookRequest struct {
	API       string   `json:"api"`
	Namespace string   `json:"namespace"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
}

// adminWebhooks lists the subscriptions, of one namespace or API if the
// query names them (?namespace=NS&api=NAME).
func (s *Server) adminWebhooks(w http.ResponseWriter, r *http.Request) {
	ns, ok := adminNamespace(w, r)
	if !ok {
		return
	}
	subs := s.hooks.Subscriptions(ns, r.URL.Query().Get("api"))
	WriteJSON(w, http.StatusOK, map[string]any{"subscriptions": subs})
}

// adminSubscribe registers a subscription from a JSON body {api,
// namespace, url, events}: api a mounted API, namespace "default" when
// left out, url an absolute http(s) URL, events the names delivered (all
// when empty). Unknown fields are refused.
func (s *Server) adminSubscribe(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhookBodyLimit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			adminError(w, http.StatusRequestEntityTooLarge, "subscription is larger than %d bytes", webhookBodyLimit)
			return
		}
		adminError(w, http.StatusBadRequest, "subscription could not be read: %v", err)
		return
	}
	var in webhookRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		if err == nil {
			err = errors.New("unexpected data after the JSON object")
		}
		adminError(w, http.StatusBadRequest, "subscription must be a JSON object {api, namespace, url, events}: %v", err)
		return
	}
	in.Namespace = cmp.Or(in.Namespace, DefaultNamespace)
	switch {
	case !slices.Contains(s.APIs(), in.API):
		adminError(w, http.StatusBadRequest, "api: %q is not a mounted API (mounted: %s)", in.API, strings.Join(s.APIs(), ", "))
		return
	case !ValidNamespace(in.Namespace):
		adminError(w, http.StatusBadRequest, "namespace: invalid namespace %q: must be 1 to 64 letters, digits, dots, dashes or underscores", in.Namespace)
		return
	}
	sub, err := s.hooks.Subscribe(webhooks.Subscription{API: in.API, Namespace: in.Namespace, URL: in.URL, Events: in.Events})
	switch {
	case errors.Is(err, webhooks.ErrInvalid):
		adminError(w, http.StatusBadRequest, "%v", err)
	case errors.Is(err, webhooks.ErrTooManySubscriptions):
		adminError(w, http.StatusTooManyRequests, "%v", err)
	case err != nil:
		adminError(w, http.StatusServiceUnavailable, "%v", err)
	default:
		WriteJSON(w, http.StatusCreated, sub)
	}
}

// adminUnsubscribe removes the subscription named by ?id=.
func (s *Server) adminUnsubscribe(w http.ResponseWriter, r *http.Request) {
	s.unsubscribe(w, r.URL.Query().Get("id"))
}

func (s *Server) unsubscribe(w http.ResponseWriter, id string) {
	if id == "" {
		adminError(w, http.StatusBadRequest, "name the subscription: DELETE %s/webhooks/{id} or %s/webhooks?id={id}", AdminPrefix, AdminPrefix)
		return
	}
	if !s.hooks.Unsubscribe(id) {
		adminError(w, http.StatusNotFound, "no webhook subscription %q", clipText(id, 100))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// adminWebhookAttempts lists recent delivery attempts, oldest first
// (?subscription=ID&namespace=NS&api=NAME&limit=N, 100 by default).
func (s *Server) adminWebhookAttempts(w http.ResponseWriter, r *http.Request) {
	ns, ok := adminNamespace(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			adminError(w, http.StatusBadRequest, "limit must be a positive integer, got %q", v)
			return
		}
		limit = n
	}
	sub, api := q.Get("subscription"), q.Get("api")
	attempts := s.hooks.Attempts(limit, func(a webhooks.Attempt) bool {
		return (sub == "" || a.Subscription == sub) && (ns == "" || a.Namespace == ns) && (api == "" || a.API == api)
	})
	if attempts == nil {
		attempts = []webhooks.Attempt{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"attempts": attempts})
}
