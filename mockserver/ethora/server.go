package ethora

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	gen "github.com/standin/standin/gen/ethora"
	"github.com/standin/standin/mockserver"
)

// Server implements the generated strict server interface. Each method
// resolves the app it acts on (the token's app for the implicit routes,
// the path's app for /v2/apps/{appId}/..., which must be the token's app
// or one of its children), runs one rule inside a single store
// transaction, and maps the result to the generated response. When a
// method returns an error, the error is written and the response ignored.
type Server struct {
	session  mockserver.Session[State, *App] // resolves the token's app
	now      func() time.Time
	jobDelay time.Duration
}

var _ gen.StrictServerInterface = (*Server)(nil)

var errEmptyBody = invalid("request body is required")

// update runs fn on app appID ("" for the caller's own app) in a write
// transaction.
func (s *Server) update(ctx context.Context, appID string, fn func(st *State, app *App, now time.Time) error) error {
	return s.session.Update(ctx, s.scoped(appID, fn))
}

// view runs fn on app appID ("" for the caller's own app) in a read
// transaction.
func (s *Server) view(ctx context.Context, appID string, fn func(st *State, app *App, now time.Time) error) error {
	return s.session.View(ctx, s.scoped(appID, fn))
}

// scoped resolves app appID as the caller's own app or one the caller may
// manage, then runs fn on it.
func (s *Server) scoped(appID string, fn func(*State, *App, time.Time) error) func(*State, *App) error {
	return func(st *State, caller *App) error {
		app, err := st.scope(caller.ID, cmp.Or(appID, caller.ID))
		if err != nil {
			return err
		}
		return fn(st, app, s.now().UTC())
	}
}

// callerApp resolves the request's token to its app, inside a transaction:
// an app deleted since the token was checked is refused.
func callerApp(ctx context.Context, st *State) (*App, error) {
	id := callerFrom(ctx).AppID
	app, ok := st.Apps.Get(id)
	if !ok {
		return nil, ErrUnauthorized.Withf("Unauthorized: the token's app %q no longer exists", id)
	}
	return &app, nil
}

// --- users ---

func userInputs(list []gen.UserInput) []UserInput {
	out := make([]UserInput, len(list))
	for i, u := range list {
		out[i] = UserInput{UUID: trimmed(u.Uuid), Email: trimmed(u.Email), FirstName: deref(u.FirstName),
			LastName: deref(u.LastName), Password: deref(u.Password), ProfileImage: trimmed(u.ProfileImage), Extra: u.AdditionalProperties}
	}
	return out
}

// createUserJob starts an asynchronous batch in app appID.
func (s *Server) createUserJob(ctx context.Context, appID, statusPath string, body *gen.UsersBatchRequest) (gen.BatchJobAccepted, error) {
	var out gen.BatchJobAccepted
	if body == nil {
		return out, errEmptyBody
	}
	if err := checkBatchSize(len(body.UsersList)); err != nil {
		return out, err
	}
	err := s.update(ctx, appID, func(st *State, app *App, now time.Time) error {
		ready := now.Add(s.jobDelay)
		results, err := st.batchUsers(app.ID, userInputs(body.UsersList), now, ready)
		if err != nil {
			return err
		}
		job := UserJob{ID: objectID(), AppID: app.ID, CreatedAt: now, ReadyAt: ready, Results: results}
		if err := st.UserJobs.Insert(job); err != nil {
			return err
		}
		out = gen.BatchJobAccepted{JobId: job.ID, StatusUrl: fmt.Sprintf(statusPath, app.ID, job.ID)}
		return nil
	})
	return out, err
}

// userJob reads a batch job of app appID.
func (s *Server) userJob(ctx context.Context, appID, jobID string) (gen.UsersBatchJob, error) {
	var out gen.UsersBatchJob
	err := s.view(ctx, appID, func(st *State, app *App, now time.Time) error {
		j, ok := st.UserJobs.Get(jobID)
		if !ok || j.AppID != app.ID {
			return notFound("job %q not found", jobID)
		}
		out = st.wireJob(j, now)
		return nil
	})
	return out, err
}

// CreateUsers implements POST /v2/users/batch.
func (s *Server) CreateUsers(ctx context.Context, req gen.CreateUsersRequestObject) (gen.CreateUsersResponseObject, error) {
	out, err := s.createUserJob(ctx, "", "/v2/users/batch/%[2]s", req.Body)
	return gen.CreateUsers202JSONResponse(out), err
}

// CreateUsersInApp implements POST /v2/apps/{appId}/users/batch.
func (s *Server) CreateUsersInApp(ctx context.Context, req gen.CreateUsersInAppRequestObject) (gen.CreateUsersInAppResponseObject, error) {
	out, err := s.createUserJob(ctx, req.AppId, "/v2/apps/%[1]s/users/batch/%[2]s", req.Body)
	return gen.CreateUsersInApp202JSONResponse(out), err
}

// GetUsersBatchJob implements GET /v2/users/batch/{jobId}.
func (s *Server) GetUsersBatchJob(ctx context.Context, req gen.GetUsersBatchJobRequestObject) (gen.GetUsersBatchJobResponseObject, error) {
	out, err := s.userJob(ctx, "", req.JobId)
	return gen.GetUsersBatchJob200JSONResponse(out), err
}

// GetUsersBatchJobInApp implements GET /v2/apps/{appId}/users/batch/{jobId}.
func (s *Server) GetUsersBatchJobInApp(ctx context.Context, req gen.GetUsersBatchJobInAppRequestObject) (gen.GetUsersBatchJobInAppResponseObject, error) {
	out, err := s.userJob(ctx, req.AppId, req.JobId)
	return gen.GetUsersBatchJobInApp200JSONResponse(out), err
}

// CreateUsersV1 implements POST /v1/users/batch: synchronous, and refused
// whole on any duplicate; any number of users, none included.
func (s *Server) CreateUsersV1(ctx context.Context, req gen.CreateUsersV1RequestObject) (gen.CreateUsersV1ResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	var out gen.CreateUsersV1200JSONResponse
	err := s.update(ctx, "", func(st *State, app *App, now time.Time) error {
		probe := State{Users: st.Users.Copy()} // a copy to find conflicts before any change, in O(1)
		results, err := probe.batchUsers(app.ID, userInputs(deref(req.Body.UsersList)), now, now)
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.Status != "created" {
				return exists("%s", r.Error)
			}
		}
		st.Users = probe.Users
		out = gen.CreateUsersV1200JSONResponse{Ok: true, Results: make([]gen.User, len(results))}
		for i, r := range results {
			u, _ := st.Users.Get(r.XMPPUsername)
			out.Results[i] = u.wire(true)
		}
		return nil
	})
	return out, err
}

// deleteUsers removes users of app appID; missing says how an unknown
// uuid is refused.
func (s *Server) deleteUsers(ctx context.Context, appID string, body *gen.DeleteUsersRequest, missing func(string) error) (gen.DeleteUsersResult, error) {
	var out gen.DeleteUsersResult
	if body == nil {
		return out, errEmptyBody
	}
	err := s.update(ctx, appID, func(st *State, app *App, now time.Time) error {
		n, err := st.deleteUsers(app.ID, body.UsersIdList, now, missing)
		out = gen.DeleteUsersResult{Ok: true, Deleted: n}
		return err
	})
	return out, err
}

// DeleteUsers implements DELETE /v1/users/batch; unknown users get the
// plain-text 422 the SDK treats as "already gone".
func (s *Server) DeleteUsers(ctx context.Context, req gen.DeleteUsersRequestObject) (gen.DeleteUsersResponseObject, error) {
	out, err := s.deleteUsers(ctx, "", req.Body, func(id string) error { return plainNotFound("User not found: %s", id) })
	return gen.DeleteUsers200JSONResponse(out), err
}

// DeleteUsersInApp implements DELETE /v2/apps/{appId}/users/batch.
func (s *Server) DeleteUsersInApp(ctx context.Context, req gen.DeleteUsersInAppRequestObject) (gen.DeleteUsersInAppResponseObject, error) {
	out, err := s.deleteUsers(ctx, req.AppId, req.Body, func(id string) error { return notFound("user %q not found", id) })
	return gen.DeleteUsersInApp200JSONResponse(out), err
}

// GetChatUsers implements GET /v2/chats/users.
func (s *Server) GetChatUsers(ctx context.Context, req gen.GetChatUsersRequestObject) (gen.GetChatUsersResponseObject, error) {
	p := req.Params
	limit, offset := cmp.Or(deref(p.Limit), 100), deref(p.Offset)
	var out gen.GetChatUsers200JSONResponse
	err := s.view(ctx, "", func(st *State, app *App, now time.Time) error {
		name, x, id := trimmed(p.ChatName), trimmed(p.XmppUsername), trimmed(p.UserId)
		var chat Chat
		if name != "" {
			var ok bool
			if chat, ok = st.chat(app.ID, name); !ok {
				return notFound("Chat %q not found", qualified(app.ID, name))
			}
		}
		var items []User
		var total int
		if name == "" && x == "" && id == "" {
			// No filter: a page of the app's users, from its index.
			items, total = st.usersPage(app.ID, now, offset, limit)
		} else {
			users := st.filterUsers(app.ID, name != "", chat, x, id, now)
			items, total = page(users, limit, offset), len(users)
		}
		out = gen.GetChatUsers200JSONResponse{Total: total, Limit: limit, Offset: offset, Results: make([]gen.User, len(items))}
		for i, u := range items {
			out.Results[i] = u.wire(false)
		}
		return nil
	})
	return out, err
}

// updateUsers changes users of app appID.
func (s *Server) updateUsers(ctx context.Context, appID string, body *gen.UpdateUsersRequest) (gen.UpdateUsersResult, error) {
	var out gen.UpdateUsersResult
	if body == nil {
		return out, errEmptyBody
	}
	updates := make([]UserUpdate, len(body.Users))
	for i, u := range body.Users {
		updates[i] = UserUpdate{XMPPUsername: trimmed(u.XmppUsername), UUID: trimmed(u.Uuid), FirstName: trimmed(u.FirstName),
			LastName: trimmed(u.LastName), Username: trimmed(u.Username), ProfileImage: trimmed(u.ProfileImage)}
	}
	err := s.update(ctx, appID, func(st *State, app *App, now time.Time) error {
		results, err := st.updateUsers(app.ID, updates, now)
		if err != nil {
			return err
		}
		out.Results = make([]gen.UserUpdateOutcome, len(results))
		for i, r := range results {
			o := gen.UserUpdateOutcome{Status: gen.UserUpdateStatus(r.Status)}
			if r.XMPPUsername != "" {
				o.XmppUsername = new(r.XMPPUsername)
			}
			if r.User != nil {
				o.User = new(r.User.wire(false))
			}
			out.Results[i] = o
		}
		return nil
	})
	return out, err
}

// UpdateUsers implements PATCH /v2/chats/users.
func (s *Server) UpdateUsers(ctx context.Context, req gen.UpdateUsersRequestObject) (gen.UpdateUsersResponseObject, error) {
	out, err := s.updateUsers(ctx, "", req.Body)
	return gen.UpdateUsers200JSONResponse(out), err
}

// UpdateUsersInApp implements PATCH /v2/apps/{appId}/chats/users.
func (s *Server) UpdateUsersInApp(ctx context.Context, req gen.UpdateUsersInAppRequestObject) (gen.UpdateUsersInAppResponseObject, error) {
	out, err := s.updateUsers(ctx, req.AppId, req.Body)
	return gen.UpdateUsersInApp200JSONResponse(out), err
}

// GetAppUserByXmppUsername implements GET /v1/apps/users/{xmppUsername}.
func (s *Server) GetAppUserByXmppUsername(ctx context.Context, req gen.GetAppUserByXmppUsernameRequestObject) (gen.GetAppUserByXmppUsernameResponseObject, error) {
	var out gen.GetAppUserByXmppUsername200JSONResponse
	err := s.view(ctx, "", func(st *State, app *App, now time.Time) error {
		u, ok := st.user(app.ID, req.XmppUsername, now)
		if !ok {
			return notFound("user %q not found", req.XmppUsername)
		}
		out.User = u.wire(false)
		return nil
	})
	return out, err
}

// ExchangeClientToken implements POST /v1/users/client: a client token of a
// user created in the app yields that user's chat credentials.
func (s *Server) ExchangeClientToken(ctx context.Context, _ gen.ExchangeClientTokenRequestObject) (gen.ExchangeClientTokenResponseObject, error) {
	c := callerFrom(ctx)
	var out gen.ExchangeClientToken200JSONResponse
	err := s.view(ctx, "", func(st *State, app *App, now time.Time) error {
		u, ok := st.user(app.ID, c.UserID, now)
		if c.UserID == "" || !ok {
			return ErrUserNotFound.Withf("user %q not found in app %q", c.UserID, app.ID)
		}
		out = gen.ExchangeClientToken200JSONResponse{Success: true, User: u.wire(true),
			Token: "JWT " + randomSecret(), RefreshToken: "JWT " + randomSecret()}
		return nil
	})
	return out, err
}

// filterUsers returns the visible users of app that the filters of
// GET /v2/chats/users select, ordered as the app's listing: an
// xmppUsername names one user, a chat selects its members (its size, not
// the app's: they are read from the chat's index and sorted), and a userId
// (a Mongo _id) alone scans the app's users.
func (s *State) filterUsers(appID string, inChat bool, chat Chat, xmpp, id string, now time.Time) []User {
	var users []User
	keep := func(u User) bool {
		return u.visible(now) && (xmpp == "" || u.XMPPUsername() == qualified(appID, xmpp)) && (id == "" || u.ID == id) &&
			(!inChat || s.isMember(chat.Name, u.XMPPUsername()))
	}
	switch {
	case xmpp != "":
		if u, ok := s.Users.Get(qualified(appID, xmpp)); ok && u.AppID == appID && keep(u) {
			users = append(users, u)
		}
	case inChat:
		for m := range s.members(chat.Name) {
			if u, ok := s.Users.Get(m); ok && u.AppID == appID && u.visible(now) && (id == "" || u.ID == id) {
				users = append(users, u)
			}
		}
		slices.SortFunc(users, func(a, b User) int {
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.UUID, b.UUID))
		})
		users = slices.CompactFunc(users, func(a, b User) bool { return a.UUID == b.UUID })
	default:
		for u := range s.Users.Range(usersByCreated, appID, 0, false) {
			if keep(u) {
				users = append(users, u)
			}
		}
	}
	return users
}
