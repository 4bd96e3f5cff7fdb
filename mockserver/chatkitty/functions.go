package chatkitty

import (
	"context"
	"maps"
	"time"

	gen "github.com/standin/standin/gen/chatkitty"
)

var (
	functionSorts    = sortable[Function]{"id": functionsOf, "createdTime": functionsOf}
	versionSorts     = sortable[Version]{"id": versionsOf, "createdTime": versionsOf, "versionNumber": versionsOf}
	invocationSorts  = sortable[Invocation]{"id": invocationsOf, "createdTime": invocationsOf}
	userSessionSorts = sortable[UserSession]{"id": userSessionsOf, "createdTime": userSessionsOf}
	chatSessionSorts = sortable[ChatSession]{"id": chatSessionsOf, "createdTime": chatSessionsOf}
)

// --- runtime ---

// RetrieveNodejsRuntime implements GET /v1/runtimes/nodejs.
func (s *Server) RetrieveNodejsRuntime(ctx context.Context, _ gen.RetrieveNodejsRuntimeRequestObject) (gen.RetrieveNodejsRuntimeResponseObject, error) {
	var out gen.ChatRuntimeResource
	err := s.view(ctx, func(st *State, app int64) error {
		r, err := st.runtime(app)
		out = runtimeView(ctx, r)
		return err
	})
	return gen.RetrieveNodejsRuntime200JSONResponse(out), err
}

// changeRuntime applies fn to the application's runtime and answers it.
func (s *Server) changeRuntime(ctx context.Context, fn func(*Runtime)) (gen.ChatRuntimeResource, error) {
	var out gen.ChatRuntimeResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		r, err := st.updateRuntime(app, fn)
		out = runtimeView(ctx, r)
		return err
	})
	return out, err
}

// UpdateNodejsRuntimeDependencies implements PUT /v1/runtimes/nodejs/dependencies:
// the list replaces the runtime's dependencies.
func (s *Server) UpdateNodejsRuntimeDependencies(ctx context.Context, req gen.UpdateNodejsRuntimeDependenciesRequestObject) (gen.UpdateNodejsRuntimeDependenciesResponseObject, error) {
	deps := make([]Dependency, len(*req.Body))
	for i, d := range *req.Body {
		if d.Name == "" {
			return nil, ErrInvalid.Withf("[%d].name must not be empty", i)
		}
		deps[i] = Dependency{Name: d.Name, Version: d.Version, Default: d.DefaultDependency}
	}
	out, err := s.changeRuntime(ctx, func(r *Runtime) { r.Dependencies = deps })
	return gen.UpdateNodejsRuntimeDependencies200JSONResponse(out), err
}

// UpdateNodejsRuntimeEnvironmentVariables implements PUT
// /v1/runtimes/nodejs/environment-variables: the map replaces the
// runtime's variables.
func (s *Server) UpdateNodejsRuntimeEnvironmentVariables(ctx context.Context, req gen.UpdateNodejsRuntimeEnvironmentVariablesRequestObject) (gen.UpdateNodejsRuntimeEnvironmentVariablesResponseObject, error) {
	env := make(map[string]any, len(*req.Body))
	for k, v := range maps.All(*req.Body) {
		env[k] = v
	}
	out, err := s.changeRuntime(ctx, func(r *Runtime) { r.Environment = env })
	return gen.UpdateNodejsRuntimeEnvironmentVariables200JSONResponse(out), err
}

// UpdateNodejsRuntimeInitializationScript implements PUT
// /v1/runtimes/nodejs/initialization-script.
func (s *Server) UpdateNodejsRuntimeInitializationScript(ctx context.Context, req gen.UpdateNodejsRuntimeInitializationScriptRequestObject) (gen.UpdateNodejsRuntimeInitializationScriptResponseObject, error) {
	script := req.Body.Script
	out, err := s.changeRuntime(ctx, func(r *Runtime) { r.InitScript = &script })
	return gen.UpdateNodejsRuntimeInitializationScript200JSONResponse(out), err
}

// --- functions ---

// ListNodejsRuntimeFunctions implements GET /v1/runtimes/nodejs/functions.
func (s *Server) ListNodejsRuntimeFunctions(ctx context.Context, req gen.ListNodejsRuntimeFunctionsRequestObject) (gen.ListNodejsRuntimeFunctionsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := functionSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChatFunctionResource
	err = s.view(ctx, func(st *State, app int64) error {
		r, err := st.runtime(app)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.Functions, o, idKey(app), p, desc, func(f Function) gen.ChatFunctionResource { return functionView(ctx, f, r) })
		out = gen.PagedModelChatFunctionResource{UnderscoreEmbedded: &gen.PagedModelChatFunctionResourceEmbedded{Functions: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListNodejsRuntimeFunctions200JSONResponse(out), err
}

// CreateNodejsRuntimeFunction implements POST /v1/runtimes/nodejs/functions.
func (s *Server) CreateNodejsRuntimeFunction(ctx context.Context, req gen.CreateNodejsRuntimeFunctionRequestObject) (gen.CreateNodejsRuntimeFunctionResponseObject, error) {
	in := NewFunction{Type: req.Body.Type, Name: req.Body.Name, Async: req.Body.InitializeAsynchronously}
	if req.Body.Description != nil {
		in.Description = *req.Body.Description
	}
	var out gen.ChatFunctionResource
	err := s.update(ctx, func(st *State, app int64, _ time.Time) error {
		f, err := st.createFunction(app, in)
		if err != nil {
			return err
		}
		r, err := st.runtime(app)
		out = functionView(ctx, f, r)
		return err
	})
	return gen.CreateNodejsRuntimeFunction200JSONResponse(out), err
}

// RetrieveFunction implements GET /v1/functions/{id}.
func (s *Server) RetrieveFunction(ctx context.Context, req gen.RetrieveFunctionRequestObject) (gen.RetrieveFunctionResponseObject, error) {
	var out gen.ChatFunctionResource
	err := s.view(ctx, func(st *State, app int64) error {
		f, err := st.function(app, req.FunctionId)
		if err != nil {
			return err
		}
		r, err := st.runtime(app)
		out = functionView(ctx, f, r)
		return err
	})
	return gen.RetrieveFunction200JSONResponse(out), err
}

// RetrieveFunctionCurrentVersion implements GET /v1/functions/{id}/current-version.
func (s *Server) RetrieveFunctionCurrentVersion(ctx context.Context, req gen.RetrieveFunctionCurrentVersionRequestObject) (gen.RetrieveFunctionCurrentVersionResponseObject, error) {
	var out gen.ChatFunctionVersionResource
	err := s.view(ctx, func(st *State, app int64) error {
		v, err := st.currentVersion(app, req.FunctionId)
		out = versionView(ctx, v)
		return err
	})
	return gen.RetrieveFunctionCurrentVersion200JSONResponse(out), err
}

// ListFunctionVersions implements GET /v1/functions/{id}/versions.
func (s *Server) ListFunctionVersions(ctx context.Context, req gen.ListFunctionVersionsRequestObject) (gen.ListFunctionVersionsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := versionSorts.order(p, "versionNumber")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChatFunctionVersionResource
	err = s.view(ctx, func(st *State, app int64) error {
		f, err := st.function(app, req.FunctionId)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.Versions, o, idKey(f.ID), p, desc, func(v Version) gen.ChatFunctionVersionResource { return versionView(ctx, v) })
		out = gen.PagedModelChatFunctionVersionResource{UnderscoreEmbedded: &gen.PagedModelChatFunctionVersionResourceEmbedded{Versions: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListFunctionVersions200JSONResponse(out), err
}

// CreateFunctionVersion implements POST /v1/functions/{id}/versions: the
// new version becomes the current one.
func (s *Server) CreateFunctionVersion(ctx context.Context, req gen.CreateFunctionVersionRequestObject) (gen.CreateFunctionVersionResponseObject, error) {
	var out gen.ChatFunctionVersionResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		v, err := st.createVersion(app, req.FunctionId, req.Body.HandlerScript, now)
		out = versionView(ctx, v)
		return err
	})
	return gen.CreateFunctionVersion200JSONResponse(out), err
}

// RetrieveFunctionVersion implements GET /v1/function-versions/{id}.
func (s *Server) RetrieveFunctionVersion(ctx context.Context, req gen.RetrieveFunctionVersionRequestObject) (gen.RetrieveFunctionVersionResponseObject, error) {
	var out gen.ChatFunctionVersionResource
	err := s.view(ctx, func(st *State, app int64) error {
		v, err := st.version(app, req.VersionId)
		out = versionView(ctx, v)
		return err
	})
	return gen.RetrieveFunctionVersion200JSONResponse(out), err
}

// ListFunctionInvocations implements GET /v1/functions/{id}/invocations.
func (s *Server) ListFunctionInvocations(ctx context.Context, req gen.ListFunctionInvocationsRequestObject) (gen.ListFunctionInvocationsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := invocationSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChatFunctionInvocationResource
	err = s.view(ctx, func(st *State, app int64) error {
		f, err := st.function(app, req.FunctionId)
		if err != nil {
			return err
		}
		views, links, meta := pageItems(ctx, &st.Invocations, o, idKey(f.ID), p, desc, func(inv Invocation) gen.ChatFunctionInvocationResource {
			return gen.ChatFunctionInvocationResource{Id: inv.ID, Args: orEmpty(inv.Args), Result: orEmpty(inv.Result),
				Status: gen.ChatFunctionInvocationResourceStatus(inv.Status), VersionNumber: inv.Version, CreatedTime: inv.Created}
		})
		out = gen.PagedModelChatFunctionInvocationResource{UnderscoreEmbedded: &gen.PagedModelChatFunctionInvocationResourceEmbedded{Invocations: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListFunctionInvocations200JSONResponse(out), err
}

// --- sessions ---

// ListUserSessions implements GET /v1/user-sessions, all or by state.
func (s *Server) ListUserSessions(ctx context.Context, req gen.ListUserSessionsRequestObject) (gen.ListUserSessionsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := userSessionSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChatUserSessionResource
	err = s.view(ctx, func(st *State, app int64) error {
		part := idKey(app)
		if req.Params.State != nil {
			o, part = userSessionsByState, part+"/"+string(*req.Params.State)
		}
		views, links, meta := pageItems(ctx, &st.UserSessions, o, part, p, desc, func(us UserSession) gen.ChatUserSessionResource {
			sp := st.userSessionProps(us)
			return gen.ChatUserSessionResource{Id: sp.Id, CreatedTime: sp.CreatedTime, EndTime: sp.EndTime, State: gen.ChatUserSessionResourceState(sp.State),
				User: sp.User, UserAgent: sp.UserAgent}
		})
		out = gen.PagedModelChatUserSessionResource{UnderscoreEmbedded: &gen.PagedModelChatUserSessionResourceEmbedded{Sessions: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListUserSessions200JSONResponse(out), err
}

// ListChatSessions implements GET /v1/chat-sessions, all or by state.
func (s *Server) ListChatSessions(ctx context.Context, req gen.ListChatSessionsRequestObject) (gen.ListChatSessionsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := chatSessionSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	var out gen.PagedModelChatSessionResource
	err = s.view(ctx, func(st *State, app int64) error {
		part := idKey(app)
		if req.Params.State != nil {
			o, part = chatSessionsByState, part+"/"+string(*req.Params.State)
		}
		views, links, meta := pageItems(ctx, &st.ChatSessions, o, part, p, desc, func(cs ChatSession) gen.ChatSessionResource {
			us, ok := st.UserSessions.Get(idKey(cs.SessionID))
			if !ok {
				us = UserSession{ID: cs.SessionID, AppID: cs.AppID, UserID: cs.UserID, Created: cs.Created, Ended: cs.Ended}
			}
			return gen.ChatSessionResource{Id: cs.ID, CreatedTime: cs.Created, EndTime: cs.Ended,
				State: gen.ChatSessionResourceState(sessionState(cs.Ended)), Session: st.userSessionProps(us)}
		})
		out = gen.PagedModelChatSessionResource{UnderscoreEmbedded: &gen.PagedModelChatSessionResourceEmbedded{Sessions: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListChatSessions200JSONResponse(out), err
}
