package ethora

import (
	"cmp"
	"context"
	"time"

	gen "github.com/standin/standin/gen/ethora"
)

// createChat creates a chat in app appID.
func (s *Server) createChat(ctx context.Context, appID string, b *gen.CreateChatRequest) (gen.Chat, error) {
	var out gen.Chat
	if b == nil {
		return out, errEmptyBody
	}
	in := ChatInput{UUID: trimmed(b.Uuid), Title: trimmed(b.Title), Type: string(deref(b.Type)), Description: deref(b.Description),
		Picture: trimmed(b.Picture), Members: deref(b.Members), Extra: b.AdditionalProperties}
	err := s.update(ctx, appID, func(st *State, app *App, now time.Time) error {
		c, err := st.createChat(app.ID, callerFrom(ctx).AppID, in, now)
		if err != nil {
			return err
		}
		out = st.wireChat(c, true, now)
		return nil
	})
	return out, err
}

// CreateChat implements POST /v2/chats.
func (s *Server) CreateChat(ctx context.Context, req gen.CreateChatRequestObject) (gen.CreateChatResponseObject, error) {
	c, err := s.createChat(ctx, "", req.Body)
	return gen.CreateChat200JSONResponse{Result: c}, err
}

// CreateChatInApp implements POST /v2/apps/{appId}/chats.
func (s *Server) CreateChatInApp(ctx context.Context, req gen.CreateChatInAppRequestObject) (gen.CreateChatInAppResponseObject, error) {
	c, err := s.createChat(ctx, req.AppId, req.Body)
	return gen.CreateChatInApp200JSONResponse{Result: c}, err
}

// DeleteChat implements DELETE /v1/chats; an unknown chat gets the
// plain-text 422 the SDK treats as "already gone".
func (s *Server) DeleteChat(ctx context.Context, req gen.DeleteChatRequestObject) (gen.DeleteChatResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	err := s.update(ctx, "", func(st *State, app *App, _ time.Time) error {
		return st.deleteChat(app.ID, req.Body.Name, func(string) error { return plainNotFound("Chat not found") })
	})
	return gen.DeleteChat200JSONResponse{Ok: true}, err
}

// DeleteChatInApp implements DELETE /v2/apps/{appId}/chats.
func (s *Server) DeleteChatInApp(ctx context.Context, req gen.DeleteChatInAppRequestObject) (gen.DeleteChatInAppResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	err := s.update(ctx, req.AppId, func(st *State, app *App, _ time.Time) error {
		return st.deleteChat(app.ID, req.Body.Name, func(name string) error { return notFound("Chat %q not found", name) })
	})
	return gen.DeleteChatInApp200JSONResponse{Ok: true}, err
}

// access grants or removes access to a chat of app appID.
func (s *Server) access(ctx context.Context, appID string, b *gen.ChatAccessRequest, grant bool) (gen.ChatAccessResult, error) {
	var out gen.ChatAccessResult
	if b == nil {
		return out, errEmptyBody
	}
	err := s.update(ctx, appID, func(st *State, app *App, now time.Time) error {
		_, details, err := st.access(app.ID, b.ChatName, b.Members, grant, now)
		if err != nil {
			return err
		}
		out = gen.ChatAccessResult{Ok: true, Summary: gen.ChatAccessSummary{Requested: len(details), ByStatus: map[string]int{}},
			Details: make([]gen.ChatAccessDetail, len(details))}
		for i, d := range details {
			out.Details[i] = gen.ChatAccessDetail{XmppUsername: d.XMPPUsername, Status: gen.ChatAccessStatus(d.Status)}
			out.Summary.ByStatus[d.Status]++
			if d.Status == AccessNotFound {
				out.Ok = false
			}
		}
		return nil
	})
	return out, err
}

// GrantChatAccess implements POST /v2/chats/users-access.
func (s *Server) GrantChatAccess(ctx context.Context, req gen.GrantChatAccessRequestObject) (gen.GrantChatAccessResponseObject, error) {
	out, err := s.access(ctx, "", req.Body, true)
	return gen.GrantChatAccess200JSONResponse(out), err
}

// RemoveChatAccess implements DELETE /v2/chats/users-access.
func (s *Server) RemoveChatAccess(ctx context.Context, req gen.RemoveChatAccessRequestObject) (gen.RemoveChatAccessResponseObject, error) {
	out, err := s.access(ctx, "", req.Body, false)
	return gen.RemoveChatAccess200JSONResponse(out), err
}

// GrantChatAccessInApp implements POST /v2/apps/{appId}/chats/users-access.
func (s *Server) GrantChatAccessInApp(ctx context.Context, req gen.GrantChatAccessInAppRequestObject) (gen.GrantChatAccessInAppResponseObject, error) {
	out, err := s.access(ctx, req.AppId, req.Body, true)
	return gen.GrantChatAccessInApp200JSONResponse(out), err
}

// RemoveChatAccessInApp implements DELETE /v2/apps/{appId}/chats/users-access.
func (s *Server) RemoveChatAccessInApp(ctx context.Context, req gen.RemoveChatAccessInAppRequestObject) (gen.RemoveChatAccessInAppResponseObject, error) {
	out, err := s.access(ctx, req.AppId, req.Body, false)
	return gen.RemoveChatAccessInApp200JSONResponse(out), err
}

// GetUserChatsInApp implements GET /v2/apps/{appId}/users/{userId}/chats.
func (s *Server) GetUserChatsInApp(ctx context.Context, req gen.GetUserChatsInAppRequestObject) (gen.GetUserChatsInAppResponseObject, error) {
	var out gen.GetUserChatsInApp200JSONResponse
	err := s.view(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		p := req.Params
		l, o := cmp.Or(deref(p.Limit), 100), deref(p.Offset)
		items, total, err := st.userChats(app.ID, req.UserId, now, o, l)
		if err != nil {
			return err
		}
		out = gen.GetUserChatsInApp200JSONResponse{Chats: st.wireChats(items, deref(p.IncludeMembers), now), Total: total, Limit: l, Offset: o}
		return nil
	})
	return out, err
}

// ListChatsInApp implements GET /v2/apps/{appId}/chats.
func (s *Server) ListChatsInApp(ctx context.Context, req gen.ListChatsInAppRequestObject) (gen.ListChatsInAppResponseObject, error) {
	var out gen.ListChatsInApp200JSONResponse
	err := s.view(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		p := req.Params
		l, o := cmp.Or(deref(p.Limit), 100), deref(p.Offset)
		items, total := st.Chats.Page(chatsByCreated, app.ID, max(o, 0), max(l, 0), false)
		out = gen.ListChatsInApp200JSONResponse{Chats: st.wireChats(items, deref(p.IncludeMembers), now), Total: total, Limit: l, Offset: o}
		return nil
	})
	return out, err
}

// UpdateChatInApp implements PATCH /v2/apps/{appId}/chats/{chatName}.
func (s *Server) UpdateChatInApp(ctx context.Context, req gen.UpdateChatInAppRequestObject) (gen.UpdateChatInAppResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	var out gen.UpdateChatInApp200JSONResponse
	err := s.update(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		c, ok := st.chat(app.ID, req.ChatName)
		if !ok {
			return notFound("Chat %q not found", qualified(app.ID, req.ChatName))
		}
		if b.Title == nil && b.Description == nil && b.Picture == nil {
			return invalid("give at least one of title, description and picture")
		}
		if b.Title != nil && trimmed(b.Title) == "" {
			return invalid("title must not be empty")
		}
		if b.Title != nil {
			c.Title = trimmed(b.Title)
		}
		if b.Description != nil {
			c.Description = *b.Description
		}
		if b.Picture != nil {
			c.Picture = trimmed(b.Picture)
		}
		c.UpdatedAt = now
		out.Result = st.wireChat(c, false, now)
		return st.Chats.Replace(c)
	})
	return out, err
}

// BroadcastToAppChats implements POST /v2/apps/{appId}/chats/broadcast.
func (s *Server) BroadcastToAppChats(ctx context.Context, req gen.BroadcastToAppChatsRequestObject) (gen.BroadcastToAppChatsResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	in := BroadcastInput{Text: b.Text, AllRooms: deref(b.AllRooms), ChatNames: deref(b.ChatNames), ChatIDs: deref(b.ChatIds), DryRun: deref(b.DryRun)}
	var out gen.BroadcastToAppChats202JSONResponse
	err := s.update(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		results, err := st.broadcast(app.ID, in)
		if err != nil {
			return err
		}
		job := Broadcast{ID: objectID(), AppID: app.ID, Text: in.Text, DryRun: in.DryRun, CreatedAt: now,
			ReadyAt: now.Add(s.jobDelay), Results: results}
		if err := st.Broadcasts.Insert(job); err != nil {
			return err
		}
		out = gen.BroadcastToAppChats202JSONResponse{JobId: job.ID, StatusUrl: "/v2/apps/" + app.ID + "/chats/broadcast/" + job.ID}
		return nil
	})
	return out, err
}

// GetAppBroadcastJob implements GET /v2/apps/{appId}/chats/broadcast/{jobId}.
func (s *Server) GetAppBroadcastJob(ctx context.Context, req gen.GetAppBroadcastJobRequestObject) (gen.GetAppBroadcastJobResponseObject, error) {
	var out gen.GetAppBroadcastJob200JSONResponse
	err := s.view(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		b, ok := st.Broadcasts.Get(req.JobId)
		if !ok || b.AppID != app.ID {
			return notFound("broadcast job %q not found", req.JobId)
		}
		out = gen.GetAppBroadcastJob200JSONResponse(b.wire(now))
		return nil
	})
	return out, err
}
