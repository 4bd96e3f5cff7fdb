package ethora

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/ethora"
	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/ethora/ethoratoken"
)

// maxAppsLimit is the largest page of apps, as the backend's v1 Swagger
// declares it for GET /v1/apps (maximum 500, default 100); a larger limit
// is clamped to it, never refused.
const maxAppsLimit = 500

// ListApps implements GET /v2/apps: the token app's children.
func (s *Server) ListApps(ctx context.Context, req gen.ListAppsRequestObject) (gen.ListAppsResponseObject, error) {
	p := req.Params
	limit, offset := min(cmp.Or(deref(p.Limit), 100), maxAppsLimit), deref(p.Offset)
	var out gen.ListApps200JSONResponse
	err := s.view(ctx, "", func(st *State, app *App, now time.Time) error {
		by := appsByCreated
		if deref(p.OrderBy) == "displayName" {
			by = appsByName
		}
		items, total := st.Apps.Page(by, app.ID, max(offset, 0), max(limit, 0), deref(p.Order) == "desc")
		out = gen.ListApps200JSONResponse{Total: total, Limit: limit, Offset: offset, Apps: make([]gen.App, len(items))}
		for i, a := range items {
			out.Apps[i] = st.wireApp(a, now)
		}
		return nil
	})
	return out, err
}

// CreateApp implements POST /v2/apps: a child of the token's app, whose
// secret is shown in this answer only.
func (s *Server) CreateApp(ctx context.Context, req gen.CreateAppRequestObject) (gen.CreateAppResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	if strings.TrimSpace(b.DisplayName) == "" {
		return nil, invalid("displayName must not be empty")
	}
	var out gen.CreateApp200JSONResponse
	err := s.update(ctx, "", func(st *State, parent *App, now time.Time) error {
		a := App{ID: objectID(), Secret: randomSecret(), ParentID: parent.ID, DisplayName: strings.TrimSpace(b.DisplayName),
			DomainName: trimmed(b.DomainName), AppTagline: trimmed(b.AppTagline), LogoImage: trimmed(b.LogoImage),
			SublogoImage: trimmed(b.SublogoImage), PrimaryColor: trimmed(b.PrimaryColor), BundleID: trimmed(b.BundleId),
			Extra: b.AdditionalProperties, Tokens: map[string]*AppToken{}, Bot: Bot{Status: "off"}, CreatedAt: now, UpdatedAt: now}
		if err := st.Apps.Insert(a); err != nil {
			return err
		}
		out = gen.CreateApp200JSONResponse{App: st.wireApp(a, now), AppSecret: a.Secret}
		return nil
	})
	return out, err
}

// GetApp implements GET /v2/apps/{appId}.
func (s *Server) GetApp(ctx context.Context, req gen.GetAppRequestObject) (gen.GetAppResponseObject, error) {
	var out gen.GetApp200JSONResponse
	err := s.view(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		out.App = st.wireApp(*app, now)
		return nil
	})
	return out, err
}

// DeleteApp implements DELETE /v2/apps/{appId}: a parent deletes a child,
// with its children and everything they hold.
func (s *Server) DeleteApp(ctx context.Context, req gen.DeleteAppRequestObject) (gen.DeleteAppResponseObject, error) {
	err := s.update(ctx, req.AppId, func(st *State, app *App, _ time.Time) error {
		if app.ID == callerFrom(ctx).AppID {
			return ErrForbidden.Withf("Forbidden: an app cannot delete itself; its parent can")
		}
		st.deleteApp(app.ID)
		return nil
	})
	return gen.DeleteApp200JSONResponse{Ok: true}, err
}

// --- app tokens ---

// ListAppTokens implements GET /v2/apps/{appId}/tokens: metadata, never
// the values.
func (s *Server) ListAppTokens(ctx context.Context, req gen.ListAppTokensRequestObject) (gen.ListAppTokensResponseObject, error) {
	var out gen.ListAppTokens200JSONResponse
	err := s.view(ctx, req.AppId, func(_ *State, app *App, _ time.Time) error {
		tokens := make([]*AppToken, 0, len(app.Tokens))
		for _, t := range app.Tokens {
			tokens = append(tokens, t)
		}
		slices.SortFunc(tokens, func(a, b *AppToken) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID)) })
		out.Tokens = make([]gen.AppToken, len(tokens))
		for i, t := range tokens {
			out.Tokens[i] = t.wire()
		}
		return nil
	})
	return out, err
}

// issue gives t a new value and returns it.
func issue(t *AppToken) string {
	value := ethoratoken.AppTokenPrefix + randomSecret()
	t.Hash = hashSecret(value)
	return value
}

// CreateAppToken implements POST /v2/apps/{appId}/tokens.
func (s *Server) CreateAppToken(ctx context.Context, req gen.CreateAppTokenRequestObject) (gen.CreateAppTokenResponseObject, error) {
	label := ""
	if req.Body != nil {
		label = trimmed(req.Body.Label)
	}
	var out gen.CreateAppToken200JSONResponse
	err := s.update(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		t := &AppToken{ID: objectID(), Label: label, CreatedAt: now}
		value := issue(t)
		if err := st.Apps.Update(app.ID, func(a *App) error {
			if a.Tokens == nil {
				a.Tokens = map[string]*AppToken{}
			}
			a.Tokens[t.ID] = t
			return nil
		}); err != nil {
			return err
		}
		st.setToken(t.Hash, tokenRef{App: app.ID, Token: t.ID}, true)
		out = gen.CreateAppToken200JSONResponse{TokenId: t.ID, Token: value, Label: mockserver.NonZero(label), CreatedAt: now}
		return nil
	})
	return out, err
}

// RotateAppToken implements POST /v2/apps/{appId}/tokens/{tokenId}/rotate:
// a new value under the same id; the old one stops working at once.
func (s *Server) RotateAppToken(ctx context.Context, req gen.RotateAppTokenRequestObject) (gen.RotateAppTokenResponseObject, error) {
	var out gen.RotateAppToken200JSONResponse
	err := s.update(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		var t AppToken
		var value string
		err := st.Apps.Update(app.ID, func(a *App) error {
			p := a.Tokens[req.TokenId] // a copy of the stored token
			if p == nil {
				return notFound("token %q not found", req.TokenId)
			}
			if p.Revoked {
				return invalid("token %q is revoked and cannot be rotated", req.TokenId)
			}
			if req.Body != nil && req.Body.Label != nil {
				p.Label = trimmed(req.Body.Label)
			}
			st.setToken(p.Hash, tokenRef{App: app.ID, Token: p.ID}, false)
			value = issue(p)
			p.RotatedAt = new(now)
			t = *p
			return nil
		})
		if err != nil {
			return err
		}
		st.setToken(t.Hash, tokenRef{App: app.ID, Token: t.ID}, true)
		out = gen.RotateAppToken200JSONResponse{TokenId: t.ID, Token: value, Label: mockserver.NonZero(t.Label), CreatedAt: t.CreatedAt}
		return nil
	})
	return out, err
}

// RevokeAppToken implements DELETE /v2/apps/{appId}/tokens/{tokenId}.
func (s *Server) RevokeAppToken(ctx context.Context, req gen.RevokeAppTokenRequestObject) (gen.RevokeAppTokenResponseObject, error) {
	err := s.update(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		return st.Apps.Update(app.ID, func(a *App) error {
			t := a.Tokens[req.TokenId] // a copy of the stored token
			if t == nil {
				return notFound("token %q not found", req.TokenId)
			}
			if !t.Revoked {
				t.Revoked, t.RevokedAt = true, new(now)
				st.setToken(t.Hash, tokenRef{App: app.ID, Token: t.ID}, false)
			}
			return nil
		})
	})
	return gen.RevokeAppToken200JSONResponse{Ok: true}, err
}

// --- provisioning and bot ---

// ProvisionApp implements POST /v2/apps/{appId}/provision: the app's
// default rooms, as public app chats.
func (s *Server) ProvisionApp(ctx context.Context, req gen.ProvisionAppRequestObject) (gen.ProvisionAppResponseObject, error) {
	var rooms []gen.ProvisionRoom
	if req.Body != nil {
		rooms = deref(req.Body.Rooms)
	}
	var out gen.ProvisionApp200JSONResponse
	err := s.update(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		out = gen.ProvisionApp200JSONResponse{Ok: true, Rooms: make([]gen.Chat, 0, len(rooms))}
		for i, r := range rooms {
			in := ChatInput{Title: cmp.Or(trimmed(r.Title), "Room "+strconv.Itoa(i+1)), Type: "public"}
			if r.Pinned != nil {
				in.Extra = map[string]any{"pinned": *r.Pinned}
			}
			c, err := st.createChat(app.ID, callerFrom(ctx).AppID, in, now)
			if err != nil {
				return err
			}
			c.AppChat = true
			if err := st.Chats.Replace(c); err != nil {
				return err
			}
			out.Rooms = append(out.Rooms, st.wireChat(c, false, now))
		}
		return nil
	})
	return out, err
}

// GetAppBot implements GET /v2/apps/{appId}/bot.
func (s *Server) GetAppBot(ctx context.Context, req gen.GetAppBotRequestObject) (gen.GetAppBotResponseObject, error) {
	var out gen.GetAppBot200JSONResponse
	err := s.view(ctx, req.AppId, func(_ *State, app *App, _ time.Time) error {
		out.Bot = app.Bot.wire()
		return nil
	})
	return out, err
}

// UpdateAppBot implements PUT /v2/apps/{appId}/bot: a partial update.
func (s *Server) UpdateAppBot(ctx context.Context, req gen.UpdateAppBotRequestObject) (gen.UpdateAppBotResponseObject, error) {
	if req.Body == nil {
		return nil, errEmptyBody
	}
	b := req.Body
	var out gen.UpdateAppBot200JSONResponse
	err := s.update(ctx, req.AppId, func(st *State, app *App, now time.Time) error {
		bot := app.Bot
		if b.Status != nil {
			bot.Status = string(*b.Status)
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&bot.Trigger, b.Trigger}, {&bot.Prompt, b.Prompt}, {&bot.GreetingMessage, b.GreetingMessage},
			{&bot.ChatID, b.ChatId}, {&bot.BotFirstName, b.BotFirstName}, {&bot.BotLastName, b.BotLastName}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if b.IsRAG != nil {
			bot.IsRAG = *b.IsRAG
		}
		bot.UpdatedAt = new(now)
		app.Bot = bot
		out.Bot = bot.wire()
		return st.Apps.Replace(*app)
	})
	return out, err
}
