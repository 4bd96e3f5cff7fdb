package chatkitty

import (
	"context"
	"fmt"
	"time"

	gen "github.com/standin/standin/gen/chatkitty"
)

// The wire views of the state's records, as the spec shapes them.

func userProps(u User) gen.ChatUserProperties {
	p := gen.ChatUserProperties{Id: u.ID, Type: gen.ChatUserPropertiesTypePERSON, Name: u.Name, DisplayName: u.DisplayName,
		DisplayPictureUrl: u.PictureURL, IsGuest: u.Guest, Presence: gen.ChatUserPresenceProperties{Status: u.Presence, Online: u.Online},
		Properties: orEmpty(u.Properties)}
	if u.CallStatus != "" {
		cs := gen.ChatUserPropertiesCallStatus(u.CallStatus)
		p.CallStatus = &cs
	}
	return p
}

func userView(ctx context.Context, u User) gen.ChatUserResource {
	p := userProps(u)
	r := gen.ChatUserResource{Id: p.Id, Type: gen.ChatUserResourceTypePERSON, Name: p.Name, DisplayName: p.DisplayName,
		DisplayPictureUrl: p.DisplayPictureUrl, IsGuest: p.IsGuest, Presence: p.Presence, Properties: p.Properties,
		UnderscoreLinks: selfLinks(ctx, fmt.Sprintf("/v1/users/%d", u.ID))}
	if p.CallStatus != nil {
		cs := gen.ChatUserResourceCallStatus(*p.CallStatus)
		r.CallStatus = &cs
	}
	return r
}

// deletedUser stands for the author of a message whose user was deleted.
func deletedUser(id int64) User {
	return User{ID: id, Name: fmt.Sprintf("deleted-user-%d", id), DisplayName: "Deleted user", PictureURL: defaultPicture("Deleted user"),
		Presence: "UNAVAILABLE", Properties: map[string]any{}}
}

// userOrDeleted returns user id, or a stand-in when it no longer exists.
func (s *State) userOrDeleted(id int64) User {
	if u, ok := s.Users.Get(idKey(id)); ok {
		return u
	}
	return deletedUser(id)
}

func (s *State) channelView(ctx context.Context, c Channel) gen.ChannelResource {
	var out gen.ChannelResource
	links := selfLinks(ctx, fmt.Sprintf("/v1/channels/%d", c.ID))
	var creator *gen.ChatUserProperties
	if c.CreatorID != 0 {
		p := userProps(s.userOrDeleted(c.CreatorID))
		creator = &p
	}
	last := s.lastMessage(c)
	switch c.Type {
	case TypeDirect:
		members := []gen.ChatUserProperties{}
		for m := range s.Members.Range(membersOf, idKey(c.ID), 0, false) {
			members = append(members, userProps(s.userOrDeleted(m.UserID)))
		}
		_ = out.FromDirectChannelResource(gen.DirectChannelResource{Id: c.ID, CreatedTime: c.Created, Creator: creator, Members: members,
			Properties: orEmpty(c.Properties), LastReceivedMessage: last, UnderscoreLinks: links})
	case TypePrivate:
		_ = out.FromPrivateChannelResource(gen.PrivateChannelResource{Id: c.ID, CreatedTime: c.Created, Creator: creator, Name: c.Name,
			DisplayName: c.DisplayName, Properties: orEmpty(c.Properties), LastReceivedMessage: last, UnderscoreLinks: links})
	default:
		_ = out.FromPublicChannelResource(gen.PublicChannelResource{Id: c.ID, CreatedTime: c.Created, Creator: creator, Name: c.Name,
			DisplayName: c.DisplayName, Properties: orEmpty(c.Properties), LastReceivedMessage: last, UnderscoreLinks: links})
	}
	return out
}

// notificationChannel is a channel as a notification shows it.
func (s *State) notificationChannel(c Channel) *gen.NotificationResourceChannel {
	var out gen.NotificationResourceChannel
	switch c.Type {
	case TypeDirect:
		members := []gen.ChatUserProperties{}
		for m := range s.Members.Range(membersOf, idKey(c.ID), 0, false) {
			members = append(members, userProps(s.userOrDeleted(m.UserID)))
		}
		_ = out.FromDirectChannelProperties(gen.DirectChannelProperties{Id: c.ID, CreatedTime: c.Created, Members: members, Properties: orEmpty(c.Properties)})
	case TypePrivate:
		_ = out.FromPrivateChannelProperties(gen.PrivateChannelProperties{Id: c.ID, CreatedTime: c.Created, Name: c.Name, DisplayName: c.DisplayName, Properties: orEmpty(c.Properties)})
	default:
		_ = out.FromPublicChannelProperties(gen.PublicChannelProperties{Id: c.ID, CreatedTime: c.Created, Name: c.Name, DisplayName: c.DisplayName, Properties: orEmpty(c.Properties)})
	}
	return &out
}

func (s *State) lastMessage(c Channel) *gen.MessageProperties {
	if c.LastMessage == 0 {
		return nil
	}
	m, ok := s.Messages.Get(idKey(c.LastMessage))
	if !ok {
		return nil
	}
	p := gen.MessageProperties{Id: m.ID, Type: gen.MessagePropertiesType(m.Type), ChannelId: m.ChannelID, CreatedTime: m.Created,
		LastEditedTime: m.Edited, NestedLevel: int64(m.Level), Properties: orEmpty(m.Properties), RepliesCount: ptr(m.Replies)}
	if m.GroupTag != "" {
		p.GroupTag = &m.GroupTag
	}
	return &p
}

func fileView(f *File) gen.FileProperties {
	if f == nil {
		return gen.FileProperties{Type: gen.EXTERNAL}
	}
	return gen.FileProperties{Type: gen.EXTERNAL, Url: f.URL, Name: f.Name, ContentType: f.ContentType, Size: f.Size}
}

func (s *State) messageView(ctx context.Context, m Message) gen.MessageResource {
	var out gen.MessageResource
	links := gen.Links{"self": link(ctx, fmt.Sprintf("/v1/messages/%d", m.ID)),
		"channel":       link(ctx, fmt.Sprintf("/v1/channels/%d", m.ChannelID)),
		"repliesThread": link(ctx, fmt.Sprintf("/v1/threads/%d", m.ID))}
	var tag *string
	if m.GroupTag != "" {
		tag = &m.GroupTag
	}
	props, level, replies := orEmpty(m.Properties), int64(m.Level), ptr(m.Replies)
	switch m.Type {
	case MessageText:
		_ = out.FromTextChatUserMessageResource(gen.TextChatUserMessageResource{Id: m.ID, Body: m.Body, ChannelId: m.ChannelID, CreatedTime: m.Created,
			GroupTag: tag, LastEditedTime: m.Edited, NestedLevel: level, Properties: props, RepliesCount: replies,
			User: userProps(s.userOrDeleted(m.UserID)), UnderscoreLinks: &links})
	case MessageFile:
		_ = out.FromFileChatUserMessageResource(gen.FileChatUserMessageResource{Id: m.ID, File: fileView(m.File), ChannelId: m.ChannelID, CreatedTime: m.Created,
			GroupTag: tag, LastEditedTime: m.Edited, NestedLevel: level, Properties: props, RepliesCount: replies,
			User: userProps(s.userOrDeleted(m.UserID)), UnderscoreLinks: &links})
	case MessageSystemFile:
		_ = out.FromFileSystemMessageResource(gen.FileSystemMessageResource{Id: m.ID, File: fileView(m.File), ChannelId: m.ChannelID, CreatedTime: m.Created,
			GroupTag: tag, LastEditedTime: m.Edited, NestedLevel: level, Properties: props, RepliesCount: replies, UnderscoreLinks: &links})
	default:
		_ = out.FromTextSystemMessageResource(gen.TextSystemMessageResource{Id: m.ID, Body: m.Body, ChannelId: m.ChannelID, CreatedTime: m.Created,
			GroupTag: tag, LastEditedTime: m.Edited, NestedLevel: level, Properties: props, RepliesCount: replies, UnderscoreLinks: &links})
	}
	return out
}

func (s *State) messagesView(ctx context.Context, ms []Message) []gen.MessageResource {
	out := make([]gen.MessageResource, len(ms))
	for i, m := range ms {
		out[i] = s.messageView(ctx, m)
	}
	return out
}

func threadView(ctx context.Context, t Thread) gen.ReplyThreadResource {
	return gen.ReplyThreadResource{Id: t.ID, Type: gen.ReplyThreadResourceType(t.Type), CreatedTime: t.Created, Properties: map[string]any{},
		UnderscoreLinks: &gen.Links{"self": link(ctx, fmt.Sprintf("/v1/threads/%d", t.ID)), "messages": link(ctx, fmt.Sprintf("/v1/threads/%d/messages", t.ID))}}
}

func appView(ctx context.Context, a App) gen.ApplicationResource {
	return gen.ApplicationResource{Id: a.ID, CreatedTime: a.Created, Key: a.Key, Properties: orEmpty(a.Properties), UnderscoreLinks: selfLinks(ctx, "/v1/application")}
}

func onOff(b bool) string {
	if b {
		return enabled
	}
	return disabled
}

func settingsView(ctx context.Context, a App) gen.ApplicationSettingsResource {
	return gen.ApplicationSettingsResource{GuestUsers: gen.ApplicationSettingsResourceGuestUsers(onOff(a.GuestUsers)),
		UserCreatedChannels: gen.ApplicationSettingsResourceUserCreatedChannels(onOff(a.UserCreatedChannels)),
		UnderscoreLinks:     selfLinks(ctx, "/v1/application/settings")}
}

func jobView(ctx context.Context, j Job, now time.Time) gen.ApplicationJobResource {
	state := j.StateAt(now)
	r := gen.ApplicationJobResource{Id: j.ID, Type: gen.ApplicationJobResourceType(j.Type), CreatedTime: j.Created,
		State: gen.ApplicationJobResourceState(state), UnderscoreLinks: selfLinks(ctx, fmt.Sprintf("/v1/jobs/%d", j.ID))}
	if state == JobFinished || state == JobFailed {
		r.EndedTime = ptr(j.Ends)
		if len(j.Errors) > 0 {
			errs := make([]gen.ImportRowError, len(j.Errors))
			for i, e := range j.Errors {
				errs[i] = gen.ImportRowError{Row: e.Row, Error: e.Error, Message: e.Message}
				if e.Key != "" {
					errs[i].IdempotencyKey = ptr(e.Key)
				}
			}
			r.Errors = &errs
		}
	}
	return r
}

func runtimeView(ctx context.Context, r Runtime) gen.ChatRuntimeResource {
	deps := make([]gen.ChatRuntimeDependencyProperties, len(r.Dependencies))
	for i, d := range r.Dependencies {
		deps[i] = gen.ChatRuntimeDependencyProperties{Name: d.Name, Version: d.Version, DefaultDependency: d.Default}
	}
	out := gen.ChatRuntimeResource{Id: r.ID, Type: gen.ChatRuntimeResourceTypeNODEJS, Version: r.Version, Dependencies: deps,
		EnvironmentVariables: orEmpty(r.Environment), UnderscoreLinks: selfLinks(ctx, "/v1/runtimes/nodejs")}
	if r.InitScript != nil {
		out.InitializationScript = &gen.ChatRuntimeScriptProperties{Script: *r.InitScript}
	}
	return out
}

func functionView(ctx context.Context, f Function, r Runtime) gen.ChatFunctionResource {
	out := gen.ChatFunctionResource{Id: f.ID, Type: f.Type, Name: f.Name, Enabled: f.Enabled, CurrentVersionNumber: f.Current,
		Runtime:         gen.ChatFunctionChatRuntimeProperties{Id: r.ID, Type: gen.ChatFunctionChatRuntimePropertiesTypeNODEJS, Version: r.Version},
		UnderscoreLinks: selfLinks(ctx, fmt.Sprintf("/v1/functions/%d", f.ID))}
	if f.Description != "" {
		out.Description = ptr(f.Description)
	}
	return out
}

func versionView(ctx context.Context, v Version) gen.ChatFunctionVersionResource {
	return gen.ChatFunctionVersionResource{Id: v.ID, VersionNumber: v.Number, HandlerScript: v.Script,
		UnderscoreLinks: selfLinks(ctx, fmt.Sprintf("/v1/function-versions/%d", v.ID))}
}

func sessionState(ended *time.Time) string {
	if ended != nil {
		return "ENDED"
	}
	return "ACTIVE"
}

func (s *State) userSessionProps(us UserSession) gen.ChatUserSessionProperties {
	p := gen.ChatUserSessionProperties{Id: us.ID, CreatedTime: us.Created, EndTime: us.Ended,
		State: gen.ChatUserSessionPropertiesState(sessionState(us.Ended)), User: userProps(s.userOrDeleted(us.UserID))}
	if us.UserAgent != "" {
		p.UserAgent = ptr(us.UserAgent)
	}
	return p
}
