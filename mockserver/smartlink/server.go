package smartlink

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/smartlink"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/webhooks"
	"github.com/standin/standin/openapi"
)

// Server implements the generated strict server interface: each method
// runs one rule in one transaction as the API key's organisation, then
// publishes the webhooks of what changed.
type Server struct {
	state *mockserver.State[State]
	now   func() time.Time
	hooks webhooks.Publisher // never nil (Setup.Publisher)
}

var _ gen.StrictServerInterface = (*Server)(nil)

// caller is the organisation an API key selects, with that key (the
// webhooks' signing key).
type caller struct {
	Org int64
	Key string
}

// envelope answers refusals as SmartLink does, {"error": "..."}, with
// standin's code beside it.
var envelope = mockserver.Envelope{
	Codes: mockserver.UpperSnakeCodes(),
	Render: func(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
		mockserver.WriteJSON(w, e.Status, errorBody{Error: e.Error(), Code: e.Code, Field: e.Field, Rule: e.Rule})
	},
}

// errorBody is SmartLink's error, {"error"}, with standin's code and, for
// a request that breaks the spec, the field and the rule.
type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
	Field string `json:"field,omitempty"`
	Rule  string `json:"rule,omitempty"`
}

// authenticate finds the organisation of the x-api-key header.
func authenticate(state *mockserver.State[State]) func(*http.Request, openapi.Operation) (context.Context, error) {
	return func(r *http.Request, _ openapi.Operation) (context.Context, error) {
		key := r.Header.Get("x-api-key")
		if key == "" {
			return nil, ErrUnauthorized
		}
		var c caller
		err := state.View(r.Context(), func(s *State) error {
			o, ok := s.Orgs.Lookup(orgsByKey, key)
			if !ok {
				return ErrUnauthorized
			}
			c = caller{Org: o.ID, Key: o.APIKey}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return mockserver.WithCaller(r.Context(), c), nil
	}
}

func callerOf(ctx context.Context) caller {
	c, _ := mockserver.CallerFrom[caller](ctx)
	return c
}

// update runs fn as the caller's organisation and, if it succeeds,
// publishes the changes it reports.
func (s *Server) update(ctx context.Context, fn func(st *State, org int64, now time.Time) ([]change, error)) error {
	c, now := callerOf(ctx), s.now().UTC()
	var changes []change
	err := s.state.Update(ctx, func(st *State) error {
		var err error
		changes, err = fn(st, c.Org, now)
		return err
	})
	if err != nil {
		return err
	}
	for _, ch := range changes {
		s.publish(ctx, c.Key, ch)
	}
	return nil
}

// view runs fn as the caller's organisation.
func (s *Server) view(ctx context.Context, fn func(st *State, org int64) error) error {
	c := callerOf(ctx)
	return s.state.View(ctx, func(st *State) error { return fn(st, c.Org) })
}

// publish hands one change to the webhooks, signed with key at each try.
func (s *Server) publish(ctx context.Context, key string, ch change) {
	data, err := json.Marshal(ch.data)
	if err != nil {
		return
	}
	s.hooks.Publish(ctx, webhooks.Event{API: Name, Namespace: mockserver.Namespace(ctx), Name: ch.event,
		Build: func(at time.Time) ([]byte, http.Header, error) {
			body, err := SignedBody(key, ch.event, at, data)
			return body, nil, err
		}})
}

// --- apps ---

func appView(a App) gen.App {
	return gen.App{ClientId: a.ClientID, Type: gen.AppType(a.Type), Title: a.Title, Url: a.URL, IconUrl: a.IconURL,
		Description: a.Description, Slug: a.Slug, Ping: a.Ping, OrganizationId: int(a.OrgID)}
}

// GetApps implements GET /apps.
func (s *Server) GetApps(ctx context.Context, _ gen.GetAppsRequestObject) (gen.GetAppsResponseObject, error) {
	out := gen.GetApps200JSONResponse{}
	err := s.view(ctx, func(st *State, org int64) error {
		for a := range st.Apps.Range(appsOf, orgKey(org), 0, false) {
			out = append(out, appView(a))
		}
		return nil
	})
	return out, err
}

func appInputOf(in gen.AppInput) appInput {
	return appInput{Title: in.Title, URL: in.Url, IconURL: in.IconUrl, Slug: in.Slug, Description: in.Description}
}

// PostApp implements POST /app.
func (s *Server) PostApp(ctx context.Context, req gen.PostAppRequestObject) (gen.PostAppResponseObject, error) {
	b := req.Body
	in := appInput{Title: &b.Title, URL: b.Url, IconURL: b.IconUrl, Slug: b.Slug, Description: b.Description}
	var out gen.App
	err := s.update(ctx, func(st *State, org int64, now time.Time) ([]change, error) {
		apps, err := st.createApps(org, []appInput{in}, now)
		if err != nil {
			return nil, err
		}
		out = appView(apps[0])
		return []change{{evAppCreated, out}}, nil
	})
	if err != nil {
		return nil, err
	}
	return gen.PostApp200JSONResponse{AppJSONResponse: gen.AppJSONResponse(out)}, nil
}

// PostApps implements POST /apps, taking {apps: [...]} or [...].
func (s *Server) PostApps(ctx context.Context, req gen.PostAppsRequestObject) (gen.PostAppsResponseObject, error) {
	batch, err := decodeBulk[gen.AppBatch](ctx)
	if err != nil {
		return nil, err
	}
	ins := make([]appInput, len(batch.Apps))
	for i, a := range batch.Apps {
		ins[i] = appInputOf(a)
	}
	out := gen.PostApps200JSONResponse{}
	err = s.update(ctx, func(st *State, org int64, now time.Time) ([]change, error) {
		apps, err := st.createApps(org, ins, now)
		if err != nil {
			return nil, err
		}
		out = out[:0]
		changes := make([]change, len(apps))
		for i, a := range apps {
			out = append(out, appView(a))
			changes[i] = change{evAppCreated, out[i]}
		}
		return changes, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func isArray(raw []byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '['
}

// decodeBulk reads a bulk body, an object after acceptBareArrays, from
// the bytes acceptBareArrays kept: the generated request type (a defined
// type of the union) lost the union's decoder and holds nothing.
func decodeBulk[B any](ctx context.Context) (B, error) {
	var out B
	raw, _ := ctx.Value(rawKey{}).([]byte)
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, invalidBody(err)
	}
	return out, nil
}

func invalidBody(err error) error {
	return &mockserver.Error{Status: http.StatusBadRequest, Kind: mockserver.KindInvalid, Field: "body", Message: err.Error(), Err: err}
}

// GetAppByClientId implements GET /app/{clientId}.
func (s *Server) GetAppByClientId(ctx context.Context, req gen.GetAppByClientIdRequestObject) (gen.GetAppByClientIdResponseObject, error) {
	var out gen.App
	err := s.view(ctx, func(st *State, org int64) error {
		a, err := st.app(org, req.ClientId)
		out = appView(a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return gen.GetAppByClientId200JSONResponse{AppJSONResponse: gen.AppJSONResponse(out)}, nil
}

// PutAppByClientId implements PUT /app/{clientId}.
func (s *Server) PutAppByClientId(ctx context.Context, req gen.PutAppByClientIdRequestObject) (gen.PutAppByClientIdResponseObject, error) {
	var out gen.App
	err := s.update(ctx, func(st *State, org int64, _ time.Time) ([]change, error) {
		a, err := st.updateApp(org, req.ClientId, appInputOf(*req.Body))
		if err != nil {
			return nil, err
		}
		out = appView(a)
		return []change{{evAppUpdated, out}}, nil
	})
	if err != nil {
		return nil, err
	}
	return gen.PutAppByClientId200JSONResponse{AppJSONResponse: gen.AppJSONResponse(out)}, nil
}

// DeleteAppByClientId implements DELETE /app/{clientId}.
func (s *Server) DeleteAppByClientId(ctx context.Context, req gen.DeleteAppByClientIdRequestObject) (gen.DeleteAppByClientIdResponseObject, error) {
	var out gen.App
	err := s.update(ctx, func(st *State, org int64, _ time.Time) ([]change, error) {
		a, err := st.app(org, req.ClientId)
		if err != nil {
			return nil, err
		}
		st.Apps.Delete(a.ClientID)
		out = appView(a)
		return []change{{evAppDeleted, out}}, nil
	})
	if err != nil {
		return nil, err
	}
	return gen.DeleteAppByClientId200JSONResponse{AppJSONResponse: gen.AppJSONResponse(out)}, nil
}

// --- folders ---

func folderView(f Folder) gen.Folder {
	return gen.Folder{Id: f.ID, Name: f.Name, ParentId: f.ParentID, Path: f.Path, ForAllUsers: f.ForAllUsers, OrganizationId: int(f.OrgID)}
}

// GetFolders implements GET /folders.
func (s *Server) GetFolders(ctx context.Context, _ gen.GetFoldersRequestObject) (gen.GetFoldersResponseObject, error) {
	out := gen.GetFolders200JSONResponse{}
	err := s.view(ctx, func(st *State, org int64) error {
		for f := range st.Folders.Range(foldersOf, orgKey(org), 0, false) {
			out = append(out, folderView(f))
		}
		return nil
	})
	return out, err
}

// PostFolder implements POST /folder.
func (s *Server) PostFolder(ctx context.Context, req gen.PostFolderRequestObject) (gen.PostFolderResponseObject, error) {
	var out gen.Folder
	err := s.update(ctx, func(st *State, org int64, _ time.Time) ([]change, error) {
		f, err := st.createFolder(org, req.Body.Name, req.Body.ParentId)
		if err != nil {
			return nil, err
		}
		out = folderView(f)
		return []change{{evFolderCreated, out}}, nil
	})
	if err != nil {
		return nil, err
	}
	return gen.PostFolder200JSONResponse{FolderJSONResponse: gen.FolderJSONResponse(out)}, nil
}

// GetFolderById implements GET /folder/{id}.
func (s *Server) GetFolderById(ctx context.Context, req gen.GetFolderByIdRequestObject) (gen.GetFolderByIdResponseObject, error) {
	var out gen.Folder
	err := s.view(ctx, func(st *State, org int64) error {
		f, err := st.folder(org, req.Id)
		out = folderView(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return gen.GetFolderById200JSONResponse{FolderJSONResponse: gen.FolderJSONResponse(out)}, nil
}

// DeleteFolderById implements DELETE /folder/{id}.
func (s *Server) DeleteFolderById(ctx context.Context, req gen.DeleteFolderByIdRequestObject) (gen.DeleteFolderByIdResponseObject, error) {
	var out gen.Folder
	err := s.update(ctx, func(st *State, org int64, _ time.Time) ([]change, error) {
		f, err := st.deleteFolder(org, req.Id)
		if err != nil {
			return nil, err
		}
		out = folderView(f)
		return []change{{evFolderDeleted, out}}, nil
	})
	if err != nil {
		return nil, err
	}
	return gen.DeleteFolderById200JSONResponse{FolderJSONResponse: gen.FolderJSONResponse(out)}, nil
}

// --- memberships ---

func membershipView(m Membership) gen.Membership {
	return gen.Membership{Id: m.ID, UserId: m.UserID, OrganizationId: int(m.OrgID), Role: gen.MembershipRole(m.Role),
		Status: gen.MembershipStatus(m.Status), FirstName: &m.FirstName, Name: &m.Name, Email: &m.Email, Phone: m.Phone,
		Language: &m.Language, RegisterLink: m.RegisterLink, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

func membershipInputOf(in gen.MembershipInput) membershipInput {
	return membershipInput{FirstName: deref(in.FirstName), Name: deref(in.Name), Email: strings.TrimSpace(deref(in.Email)),
		Phone: in.Phone, SendMail: deref(in.SendMail), IsAdmin: deref(in.IsAdmin)}
}

// GetMemberships implements GET /memberships.
func (s *Server) GetMemberships(ctx context.Context, _ gen.GetMembershipsRequestObject) (gen.GetMembershipsResponseObject, error) {
	out := gen.GetMemberships200JSONResponse{}
	err := s.view(ctx, func(st *State, org int64) error {
		for m := range st.Memberships.Range(membersOf, orgKey(org), 0, false) {
			out = append(out, membershipView(m))
		}
		return nil
	})
	return out, err
}

func (s *Server) createMemberships(ctx context.Context, ins []membershipInput) ([]gen.Membership, error) {
	var out []gen.Membership
	err := s.update(ctx, func(st *State, org int64, now time.Time) ([]change, error) {
		ms, err := st.createMemberships(org, ins, now)
		if err != nil {
			return nil, err
		}
		out = make([]gen.Membership, len(ms))
		changes := make([]change, len(ms))
		for i, m := range ms {
			out[i] = membershipView(m)
			changes[i] = change{evMembershipCreated, out[i]}
		}
		return changes, nil
	})
	return out, err
}

// PostMembership implements POST /membership.
func (s *Server) PostMembership(ctx context.Context, req gen.PostMembershipRequestObject) (gen.PostMembershipResponseObject, error) {
	out, err := s.createMemberships(ctx, []membershipInput{membershipInputOf(*req.Body)})
	if err != nil {
		return nil, err
	}
	return gen.PostMembership200JSONResponse{MembershipJSONResponse: gen.MembershipJSONResponse(out[0])}, nil
}

// PostMemberships implements POST /memberships, taking {memberships: [...]}
// or [...].
func (s *Server) PostMemberships(ctx context.Context, req gen.PostMembershipsRequestObject) (gen.PostMembershipsResponseObject, error) {
	batch, err := decodeBulk[gen.MembershipBatch](ctx)
	if err != nil {
		return nil, err
	}
	list := batch.Memberships
	ins := make([]membershipInput, len(list))
	for i, m := range list {
		ins[i] = membershipInputOf(m)
	}
	out, err := s.createMemberships(ctx, ins)
	if err != nil {
		return nil, err
	}
	return gen.PostMemberships200JSONResponse(out), nil
}

// GetMembershipById implements GET /membership/{id}.
func (s *Server) GetMembershipById(ctx context.Context, req gen.GetMembershipByIdRequestObject) (gen.GetMembershipByIdResponseObject, error) {
	var out gen.Membership
	err := s.view(ctx, func(st *State, org int64) error {
		m, err := st.member(org, req.Id)
		out = membershipView(m)
		return err
	})
	if err != nil {
		return nil, err
	}
	return gen.GetMembershipById200JSONResponse{MembershipJSONResponse: gen.MembershipJSONResponse(out)}, nil
}

// PutMembershipById implements PUT /membership/{id}.
func (s *Server) PutMembershipById(ctx context.Context, req gen.PutMembershipByIdRequestObject) (gen.PutMembershipByIdResponseObject, error) {
	b := req.Body
	p := membershipPatch{FirstName: b.FirstName, Name: b.Name, Phone: b.Phone, Email: b.Email,
		Role: (*string)(b.Role), Status: (*string)(b.Status), Language: (*string)(b.Language)}
	out, err := s.changeMembership(ctx, func(st *State, org int64, now time.Time) (Membership, bool, error) {
		m, err := st.updateMembership(org, req.Id, p, now)
		return m, true, err
	})
	if err != nil {
		return nil, err
	}
	return gen.PutMembershipById200JSONResponse{MembershipJSONResponse: gen.MembershipJSONResponse(out)}, nil
}

// PostMembershipByIdDeactivate implements POST /membership/{id}/deactivate.
func (s *Server) PostMembershipByIdDeactivate(ctx context.Context, req gen.PostMembershipByIdDeactivateRequestObject) (gen.PostMembershipByIdDeactivateResponseObject, error) {
	inactive := StatusInactive
	out, err := s.changeMembership(ctx, func(st *State, org int64, now time.Time) (Membership, bool, error) {
		m, err := st.member(org, req.Id)
		if err != nil || m.Status == StatusInactive && m.Role != RoleOwner {
			return m, false, err // already inactive: nothing changes
		}
		m, err = st.updateMembership(org, req.Id, membershipPatch{Status: &inactive}, now)
		return m, true, err
	})
	if err != nil {
		return nil, err
	}
	return gen.PostMembershipByIdDeactivate200JSONResponse{MembershipJSONResponse: gen.MembershipJSONResponse(out)}, nil
}

// changeMembership runs an update of one membership and publishes
// membership.updated when it changed.
func (s *Server) changeMembership(ctx context.Context, fn func(*State, int64, time.Time) (Membership, bool, error)) (gen.Membership, error) {
	var out gen.Membership
	err := s.update(ctx, func(st *State, org int64, now time.Time) ([]change, error) {
		m, changed, err := fn(st, org, now)
		if err != nil || !changed {
			out = membershipView(m)
			return nil, err
		}
		out = membershipView(m)
		return []change{{evMembershipUpdated, out}}, nil
	})
	return out, err
}

// DeleteMembershipById implements DELETE /membership/{id}.
func (s *Server) DeleteMembershipById(ctx context.Context, req gen.DeleteMembershipByIdRequestObject) (gen.DeleteMembershipByIdResponseObject, error) {
	var out gen.Membership
	err := s.update(ctx, func(st *State, org int64, _ time.Time) ([]change, error) {
		m, err := st.deleteMembership(org, req.Id)
		if err != nil {
			return nil, err
		}
		out = membershipView(m)
		return []change{{evMembershipDeleted, out}}, nil
	})
	if err != nil {
		return nil, err
	}
	return gen.DeleteMembershipById200JSONResponse{MembershipJSONResponse: gen.MembershipJSONResponse(out)}, nil
}

// GetMembershipsSearch implements GET /memberships/search.
func (s *Server) GetMembershipsSearch(ctx context.Context, req gen.GetMembershipsSearchRequestObject) (gen.GetMembershipsSearchResponseObject, error) {
	p := req.Params
	size := 10
	if p.PageSize != nil {
		size = min(*p.PageSize, maxPageSize)
	}
	offset := pageOffset(p.Page, size)
	var roles []string
	if p.Roles != nil {
		roles = strings.Split(*p.Roles, ",")
	}
	search := strings.ToLower(strings.TrimSpace(deref(p.Search)))
	status := gen.All
	if p.StatusFilter != nil {
		status = *p.StatusFilter
	}
	out := gen.GetMembershipsSearch200JSONResponse{Memberships: []gen.Membership{}}
	err := s.view(ctx, func(st *State, org int64) error {
		if search == "" && status == gen.All && len(roles) <= 1 {
			// A page of an index: the organisation's, or one role's.
			order, part := membersOf, orgKey(org)
			if len(roles) == 1 {
				order, part = membersByRl, orgKey(org)+"/"+roles[0]
			}
			ms, total := st.Memberships.Page(order, part, offset, size, false)
			for _, m := range ms {
				out.Memberships = append(out.Memberships, membershipView(m))
			}
			out.Count = total
			return nil
		}
		// Filters no index serves: one pass over the organisation.
		for m := range st.Memberships.Range(membersOf, orgKey(org), 0, false) {
			if !matches(m, roles, search, status) {
				continue
			}
			if out.Count >= offset && len(out.Memberships) < size {
				out.Memberships = append(out.Memberships, membershipView(m))
			}
			out.Count++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Paging bound of the search (spec decision 6).
const maxPageSize = 100

func pageOffset(page, size int) int {
	if page-1 > (1<<62)/size {
		return 1 << 62
	}
	return (page - 1) * size
}

// matches applies the search's filters to m.
func matches(m Membership, roles []string, search string, status gen.GetMembershipsSearchParamsStatusFilter) bool {
	if len(roles) > 0 && !slices.Contains(roles, m.Role) {
		return false
	}
	switch status {
	case gen.Registered:
		if m.UserID == nil {
			return false
		}
	case gen.Unregistered:
		if m.UserID != nil {
			return false
		}
	}
	if search == "" {
		return true
	}
	for _, f := range []string{m.Name, m.FirstName, m.Email, deref(m.Phone)} {
		if strings.Contains(strings.ToLower(f), search) {
			return true
		}
	}
	return false
}

// --- events ---

func eventView(e LogEvent) gen.LogEvent {
	return gen.LogEvent{Id: e.ID, CreatedAt: e.CreatedAt, Message: mockserver.NonZero(e.Message), Type: e.Type, OrganizationId: int(e.OrgID),
		MembershipId: e.MembershipID, FolderId: e.FolderID, DeviceId: e.DeviceID, UserId: e.UserID, AppClientId: e.AppClientID}
}

// timestamp reads a getEvents bound in seconds or milliseconds (spec
// decision 8).
func timestamp(v int64) time.Time {
	if v > -100_000_000_000 && v < 100_000_000_000 {
		return time.Unix(v, 0)
	}
	return time.UnixMilli(v)
}

// GetEvents implements GET /events: newest first, every filter applied.
func (s *Server) GetEvents(ctx context.Context, req gen.GetEventsRequestObject) (gen.GetEventsResponseObject, error) {
	p := req.Params
	out := gen.GetEvents200JSONResponse{}
	eq := func(want *int, got *int64) bool { return want == nil || (got != nil && int64(*want) == *got) }
	err := s.view(ctx, func(st *State, org int64) error {
		for e := range st.Events.Range(eventsOf, orgKey(org), 0, true) {
			switch {
			case p.FromDate != nil && e.CreatedAt.Before(timestamp(*p.FromDate)),
				p.ToDate != nil && e.CreatedAt.After(timestamp(*p.ToDate)),
				p.Type != nil && *p.Type != e.Type,
				!eq(p.MembershipId, e.MembershipID), !eq(p.FolderId, e.FolderID),
				!eq(p.UserId, e.UserID), !eq(p.DeviceId, e.DeviceID),
				p.AppClientId != nil && (e.AppClientID == nil || *e.AppClientID != *p.AppClientId):
				continue
			}
			out = append(out, eventView(e))
		}
		return nil
	})
	return out, err
}

// PostEvent implements POST /events, standin's stand-in for the activity
// SmartLink logs.
func (s *Server) PostEvent(ctx context.Context, req gen.PostEventRequestObject) (gen.PostEventResponseObject, error) {
	b := req.Body
	in := LogEvent{Type: b.Type, Message: deref(b.Message), MembershipID: b.MembershipId, FolderID: b.FolderId,
		UserID: b.UserId, DeviceID: b.DeviceId, AppClientID: b.AppClientId}
	var out gen.LogEvent
	err := s.update(ctx, func(st *State, org int64, now time.Time) ([]change, error) {
		e, opened, err := st.logEvent(org, in, now)
		if err != nil {
			return nil, err
		}
		out = eventView(e)
		changes := []change{{evLog, out}}
		if opened != nil {
			changes = append(changes, change{evAppOpened, appView(*opened)})
		}
		if name, ok := activity[e.Type]; ok && e.MembershipID != nil {
			m, _ := st.member(org, *e.MembershipID)
			changes = append(changes, change{name, membershipView(m)})
		}
		return changes, nil
	})
	if err != nil {
		return nil, err
	}
	return gen.PostEvent200JSONResponse(out), nil
}

type rawKey struct{}

// bulkKeys name the object that wraps each bulk operation's array.
var bulkKeys = map[string]string{"/api/workflow/apps": "apps", "/api/workflow/memberships": "memberships"}

// acceptBareArrays lets POST /apps and POST /memberships take the README's
// bare array as well as the OpenAPI document's object: an array body is
// rewritten to {"apps": [...]} (or "memberships") before the generated
// handler decodes it. The core has read and bounded the body already.
func acceptBareArrays(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := bulkKeys[strings.TrimSuffix(r.URL.Path, "/")]
		if ok && r.Method == http.MethodPost && r.Body != nil {
			raw, err := io.ReadAll(r.Body)
			if err == nil && isArray(raw) {
				raw = append(append([]byte(`{"`+key+`":`), raw...), '}')
			}
			r.Body = io.NopCloser(bytes.NewReader(raw))
			r.ContentLength = int64(len(raw))
			r = r.WithContext(context.WithValue(r.Context(), rawKey{}, raw))
		}
		next.ServeHTTP(w, r)
	})
}
