package chatkitty

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/chatkitty"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/table"
	"github.com/standin/standin/openapi"
)

// Server implements the generated strict server interface: each method
// runs one rule in one transaction as the token's application.
type Server struct {
	state    *mockserver.State[State]
	clock    *mockserver.Clock
	tokenTTL time.Duration
	jobs     JobTiming
}

var _ gen.StrictServerInterface = (*Server)(nil)

// caller is the application a bearer token reaches.
type caller struct {
	App int64
}

// request is what the strict handlers need of the HTTP request: where the
// client reached the API, for the links the answers carry.
type request struct {
	base  string     // the API's base URL as the client used it
	path  string     // the request's path below base
	query url.Values // the request's query
}

type requestKey struct{}

// lazyRequest is the HTTP request a handler serves and, once a link of its
// answer needed it, what the links need of it.
type lazyRequest struct {
	r    *http.Request
	done bool
	req  request
}

// withRequest keeps the HTTP request in the handlers' context; requestOf
// works out what links need of it when an answer first builds one, which
// most answers do not.
func withRequest(next gen.StrictHandlerFunc, _ string) gen.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, in any) (any, error) {
		return next(context.WithValue(ctx, requestKey{}, &lazyRequest{r: r}), w, r, in)
	}
}

// requestOf returns what the links need of the request ctx serves. Its
// path is already below the base URL: the core strips the mount path. A
// handler runs on one goroutine, which alone reads and fills the record.
func requestOf(ctx context.Context) request {
	l, _ := ctx.Value(requestKey{}).(*lazyRequest)
	if l == nil {
		return request{}
	}
	if !l.done {
		l.req = request{base: mockserver.BaseURL(l.r), path: l.r.URL.Path, query: l.r.URL.Query()}
		l.done = true
	}
	return l.req
}

// again links to the request's own path with its query changed by set.
func again(ctx context.Context, set func(url.Values)) gen.Link {
	r := requestOf(ctx)
	q := url.Values{}
	for k, v := range r.query {
		q[k] = slices.Clone(v)
	}
	set(q)
	href := r.base + r.path
	if len(q) > 0 {
		href += "?" + q.Encode()
	}
	return gen.Link{Href: &href}
}

// newEnvelope answers refusals as ChatKitty does: ApiError
// {error, message, timestamp, explanation?} for the API's own refusals,
// AuthenticationError {error, error_description} for credentials.
func newEnvelope(clock *mockserver.Clock) mockserver.Envelope {
	return mockserver.Envelope{
		Codes: codes(),
		Render: func(w http.ResponseWriter, r *http.Request, e *mockserver.Error) {
			// Credentials refusals, and anything the OAuth token endpoint
			// refuses, come as OAuth's error body.
			if e.Form == formAuth || e.Kind == mockserver.KindUnauthorized || e.Kind == mockserver.KindForbidden || strings.HasSuffix(r.URL.Path, "/oauth/token") {
				mockserver.WriteJSON(w, e.Status, gen.AuthenticationError{Error: e.Code, ErrorDescription: cmp.Or(e.Message, http.StatusText(e.Status))})
				return
			}
			body := gen.ApiError{Error: e.Code, Message: e.Error(), Timestamp: clock.Now(r.Context()).UTC()}
			if e.Field != "" || e.Rule != "" {
				why := strings.TrimSpace(e.Field + " " + e.Rule)
				body.Explanation = &why
			}
			mockserver.WriteJSON(w, e.Status, body)
		},
	}
}

// codes names the core's refusals: UPPER_SNAKE, but OAuth's names for
// credentials and ChatKitty's RESOURCE_NOT_FOUND for an unknown path.
func codes() map[mockserver.Kind]mockserver.Code {
	c := mockserver.UpperSnakeCodes()
	c[mockserver.KindUnauthorized] = mockserver.Code{Code: "invalid_token"}
	c[mockserver.KindForbidden] = mockserver.Code{Code: "access_denied"}
	c[mockserver.KindNotFound] = mockserver.Code{Code: "RESOURCE_NOT_FOUND"}
	return c
}

// authenticate checks the client credentials of the token endpoint and
// the bearer token of every other operation, on the namespace's clock.
func (s *Server) authenticate(r *http.Request, op openapi.Operation) (context.Context, error) {
	if op.Op.OperationID == "createToken" {
		app, err := s.client(r)
		if err != nil {
			return nil, err
		}
		return mockserver.WithCaller(r.Context(), caller{App: app}), nil
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, ErrUnauthorized
	}
	now := s.clock.Now(r.Context())
	var c caller
	err := s.state.View(r.Context(), func(st *State) error {
		t, ok := st.Tokens.Get(token)
		if !ok {
			return ErrUnauthorized.With("Invalid access token")
		}
		if !now.Before(t.Expires) {
			return ErrUnauthorized.Withf("Access token expired at %s", t.Expires.UTC().Format(time.RFC3339))
		}
		c.App = t.AppID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mockserver.WithCaller(r.Context(), c), nil
}

// client finds the application of the token request's HTTP Basic client
// credentials.
func (s *Server) client(r *http.Request) (int64, error) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		return 0, ErrInvalidClient.With("Client authentication failed: HTTP Basic client credentials are required")
	}
	var app int64
	err := s.state.View(r.Context(), func(st *State) error {
		a, ok := st.Apps.Lookup(appsByClient, id)
		if !ok || a.ClientSecret != secret {
			return ErrInvalidClient
		}
		app = a.ID
		return nil
	})
	return app, err
}

func callerOf(ctx context.Context) caller {
	c, _ := mockserver.CallerFrom[caller](ctx)
	return c
}

// view runs fn as the caller's application.
func (s *Server) view(ctx context.Context, fn func(st *State, app int64) error) error {
	return s.state.View(ctx, func(st *State) error { return fn(st, callerOf(ctx).App) })
}

// update runs fn as the caller's application at the namespace's time.
func (s *Server) update(ctx context.Context, fn func(st *State, app int64, now time.Time) error) error {
	now := s.clock.Now(ctx).UTC()
	return s.state.Update(ctx, func(st *State) error { return fn(st, callerOf(ctx).App, now) })
}

// --- OAuth ---

// CreateToken implements POST /oauth/token.
func (s *Server) CreateToken(ctx context.Context, req gen.CreateTokenRequestObject) (gen.CreateTokenResponseObject, error) {
	grant := ""
	switch {
	case req.FormdataBody != nil:
		grant = req.FormdataBody.GrantType
	case req.MultipartBody != nil:
		var err error
		if grant, err = formField(req.MultipartBody, "grant_type"); err != nil {
			return nil, authRefusal(http.StatusBadRequest, "invalid_request", err.Error())
		}
	}
	switch grant {
	case "client_credentials":
	case "":
		return nil, authRefusal(http.StatusBadRequest, "invalid_request", "Missing grant type")
	default:
		return nil, ErrUnsupportedGrant.Withf("Unsupported grant type: %s", grant)
	}
	var t Token
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		var err error
		t, err = st.issueToken(app, s.tokenTTL, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	scope := fmt.Sprintf("org:%d:app", t.AppID)
	return gen.CreateToken200JSONResponse{AccessToken: t.Value, TokenType: "bearer", ExpiresIn: int32(s.tokenTTL / time.Second), Scope: &scope}, nil
}

// maxFormPart bounds a form field read from a multipart body.
const maxFormPart = 64 << 10

// formField returns the value of the part called name of a multipart form.
func formField(mr *multipart.Reader, name string) (string, error) {
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("the multipart form could not be read: %v", err)
		}
		if p.FormName() != name {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFormPart+1))
		if err != nil {
			return "", fmt.Errorf("the %s part could not be read: %v", name, err)
		}
		if len(b) > maxFormPart {
			return "", fmt.Errorf("the %s part is larger than %d bytes", name, maxFormPart)
		}
		return string(b), nil
	}
}

// --- links and pages ---

// link returns a HAL link to path under the API's base URL.
func link(ctx context.Context, path string) gen.Link {
	href := requestOf(ctx).base + path
	return gen.Link{Href: &href}
}

// selfLinks is the _links of a resource at path.
func selfLinks(ctx context.Context, path string) *gen.Links {
	return &gen.Links{"self": link(ctx, path)}
}

// pageLinks returns the links and metadata of page p of a listing of
// total items at the request's URL.
func pageLinks(ctx context.Context, p PageRequest, total int) (*gen.Links, *gen.PageMetadata) {
	pages := (total + p.Size - 1) / p.Size
	at := func(n int) gen.Link {
		return again(ctx, func(q url.Values) {
			q.Set("page", strconv.Itoa(n))
			q.Set("size", strconv.Itoa(p.Size))
		})
	}
	links := gen.Links{"self": at(p.Page)}
	if pages > 0 {
		links["first"], links["last"] = at(0), at(pages-1)
	}
	if p.Page > 0 && pages > 0 {
		links["prev"] = at(min(p.Page-1, pages-1))
	}
	if p.Page+1 < pages {
		links["next"] = at(p.Page + 1)
	}
	size, n, tot, tp := int64(p.Size), int64(p.Page), int64(total), int64(pages)
	return &links, &gen.PageMetadata{Size: &size, Number: &n, TotalElements: &tot, TotalPages: &tp}
}

// pageItems reads page p of partition part of index o of t, renders each
// record with view, and returns them with the page's links and metadata.
func pageItems[V, W any](ctx context.Context, t *table.Table[V], o *table.Order[V], part string, p PageRequest, desc bool, view func(V) W) ([]W, *gen.Links, *gen.PageMetadata) {
	items, total := page(t, o, part, p, desc)
	views := make([]W, len(items))
	for i, v := range items {
		views[i] = view(v)
	}
	links, meta := pageLinks(ctx, p, total)
	return views, links, meta
}

// cursorLinks returns the links of a cursor page at the request's URL:
// next to older items, prev to newer ones, both anchored at the first
// page's start.
func cursorLinks[V any](ctx context.Context, pg CursorPage[V], id func(V) int64, size int) *gen.Links {
	links := gen.Links{"self": again(ctx, func(url.Values) {})}
	if len(pg.Items) == 0 {
		return &links
	}
	first, last := id(pg.Items[0]), id(pg.Items[len(pg.Items)-1])
	start, _ := strconv.ParseInt(requestOf(ctx).query.Get("start"), 10, 64)
	to := func(rel string, next int64) gen.Link {
		return again(ctx, func(q url.Values) {
			q.Set("size", strconv.Itoa(size))
			q.Set("start", strconv.FormatInt(cmp.Or(start, first), 10))
			q.Set("next", strconv.FormatInt(next, 10))
			q.Set("relation", rel)
		})
	}
	if pg.Older {
		links["next"] = to(RelNext, last)
	}
	if pg.Newer {
		links["prev"] = to(RelPrevious, first)
	}
	return &links
}

// pageOf reads the paging parameters.
func pageOf(page *gen.Page, size *gen.Size, sort *gen.Sort) PageRequest {
	p := PageRequest{}
	if page != nil {
		p.Page = int(*page)
	}
	if size != nil {
		p.Size = int(*size)
	}
	if sort != nil {
		p.Sort = *sort
	}
	return p.norm()
}

// cursorOf reads the cursor parameters.
func cursorOf(size *gen.CursorSize, start *gen.Start, next *gen.Next, relation *string) Cursor {
	c := Cursor{Size: defaultCursor}
	if size != nil && *size > 0 {
		c.Size = min(int(*size), maxPageSize)
	}
	if start != nil {
		c.Start = *start
	}
	if next != nil {
		c.Next = *next
	}
	if relation != nil {
		c.Relation = *relation
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// refOf reads a user reference.
func refOf(r gen.ChatUserReference) Ref {
	var ref Ref
	if r.Id != nil {
		ref.ID = *r.Id
	}
	if r.Username != nil {
		ref.Username = *r.Username
	}
	return ref
}

// basicAuth is the Authorization header of client credentials.
func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}
