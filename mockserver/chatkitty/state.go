package chatkitty

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/mockserver/table"
)

// State is the ChatKitty world of one namespace: the applications the
// OAuth clients reach and, per application, its users, channels, members,
// messages and the rest, each an indexed table split by application (or
// by channel, user or thread) so that one application's size never slows
// another's calls.
type State struct {
	Apps          table.Table[App]          `json:"applications"`
	Tokens        table.Table[Token]        `json:"tokens"`
	Users         table.Table[User]         `json:"users"`
	Channels      table.Table[Channel]      `json:"channels"`
	Members       table.Table[Member]       `json:"members"`
	Invites       table.Table[Invite]       `json:"invites"`
	Messages      table.Table[Message]      `json:"messages"`
	Receipts      table.Table[Receipt]      `json:"receipts"`
	Notifications table.Table[Notification] `json:"notifications"`
	Jobs          table.Table[Job]          `json:"jobs"`
	UserSessions  table.Table[UserSession]  `json:"userSessions"`
	ChatSessions  table.Table[ChatSession]  `json:"chatSessions"`
	Runtimes      table.Table[Runtime]      `json:"runtimes"`
	Functions     table.Table[Function]     `json:"functions"`
	Versions      table.Table[Version]      `json:"functionVersions"`
	Invocations   table.Table[Invocation]   `json:"invocations"`
	// NextID is the next id of anything: one sequence for every kind, so
	// that an id names one thing (a thread's id is its channel's or its
	// message's).
	NextID int64 `json:"nextId"`
}

// newID returns the next id.
func (s *State) newID() int64 {
	s.NextID++
	return s.NextID - 1
}

// App is an application: the tenant an OAuth client reaches.
type App struct {
	ID                  int64          `json:"id"`
	Key                 string         `json:"key"`
	ClientID            string         `json:"clientId"`
	ClientSecret        string         `json:"clientSecret"`
	Created             time.Time      `json:"createdTime"`
	Properties          map[string]any `json:"properties"`
	GuestUsers          bool           `json:"guestUsers"`
	UserCreatedChannels bool           `json:"userCreatedChannels"`
}

// Token is an access token the token endpoint issued.
type Token struct {
	Value   string    `json:"token"`
	AppID   int64     `json:"applicationId"`
	Expires time.Time `json:"expires"`
}

// User is a chat user of an application.
type User struct {
	ID          int64          `json:"id"`
	AppID       int64          `json:"applicationId"`
	Name        string         `json:"name"`
	DisplayName string         `json:"displayName"`
	PictureURL  string         `json:"displayPictureUrl"`
	Picture     *File          `json:"displayPicture,omitempty"`
	Guest       bool           `json:"isGuest"`
	Presence    string         `json:"presence"` // status
	Online      bool           `json:"online"`
	CallStatus  string         `json:"callStatus,omitempty"`
	Properties  map[string]any `json:"properties"`
	Secrets     map[string]any `json:"secrets,omitempty"`
	Created     time.Time      `json:"createdTime"`
	Imported    string         `json:"idempotencyKey,omitempty"`
}

// File is a file a message or a display picture points at.
type File struct {
	URL         string `json:"url"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// The channel types.
const (
	TypePublic  = "PUBLIC"
	TypePrivate = "PRIVATE"
	TypeDirect  = "DIRECT"
)

// Channel is a channel of an application. A direct channel has no name;
// MemberKey names its set of users.
type Channel struct {
	ID          int64          `json:"id"`
	AppID       int64          `json:"applicationId"`
	Type        string         `json:"type"`
	Name        string         `json:"name,omitempty"`
	DisplayName string         `json:"displayName,omitempty"`
	CreatorID   int64          `json:"creatorId,omitempty"`
	Properties  map[string]any `json:"properties"`
	Created     time.Time      `json:"createdTime"`
	MemberKey   string         `json:"memberKey,omitempty"`
	LastMessage int64          `json:"lastMessageId,omitempty"`
	Imported    string         `json:"idempotencyKey,omitempty"`
}

// Member is a user's membership of a channel.
type Member struct {
	ChannelID int64     `json:"channelId"`
	UserID    int64     `json:"userId"`
	AppID     int64     `json:"applicationId"`
	Seq       int64     `json:"seq"` // join order
	Joined    time.Time `json:"createdTime"`
	Moderator bool      `json:"moderator,omitempty"`
}

// Invite is a pending invitation of a user to a channel.
type Invite struct {
	ChannelID int64     `json:"channelId"`
	UserID    int64     `json:"userId"`
	Seq       int64     `json:"seq"`
	Created   time.Time `json:"createdTime"`
}

// The message types.
const (
	MessageText       = "TEXT"
	MessageFile       = "FILE"
	MessageSystemText = "SYSTEM_TEXT"
	MessageSystemFile = "SYSTEM_FILE"
)

// Message is a message in a channel: in its main thread (ParentID 0) or
// in the reply thread of the message ParentID.
type Message struct {
	ID         int64          `json:"id"`
	AppID      int64          `json:"applicationId"`
	ChannelID  int64          `json:"channelId"`
	ParentID   int64          `json:"parentId,omitempty"`
	Level      int            `json:"nestedLevel"`
	Type       string         `json:"type"`
	Body       string         `json:"body,omitempty"`
	File       *File          `json:"file,omitempty"`
	UserID     int64          `json:"userId,omitempty"` // 0: sent by the application (a system message)
	GroupTag   string         `json:"groupTag,omitempty"`
	Properties map[string]any `json:"properties"`
	Created    time.Time      `json:"createdTime"`
	Edited     *time.Time     `json:"lastEditedTime,omitempty"`
	Replies    int64          `json:"repliesCount,omitempty"`
	Imported   string         `json:"idempotencyKey,omitempty"`
}

// Receipt says a user read a message.
type Receipt struct {
	MessageID int64     `json:"messageId"`
	UserID    int64     `json:"userId"`
	Seq       int64     `json:"seq"`
	Created   time.Time `json:"createdTime"`
}

// Notification is a notification for a user.
type Notification struct {
	ID        int64          `json:"id"`
	AppID     int64          `json:"applicationId"`
	UserID    int64          `json:"userId"`
	ChannelID int64          `json:"channelId,omitempty"`
	Title     string         `json:"title"`
	Body      string         `json:"body"`
	Data      map[string]any `json:"data"`
	Created   time.Time      `json:"createdTime"`
	Read      *time.Time     `json:"readTime,omitempty"`
}

// The job types and states.
const (
	JobUserImport           = "USER_IMPORT"
	JobChannelImport        = "CHANNEL_IMPORT"
	JobChannelMembersImport = "CHANNEL_MEMBERS_IMPORT"
	JobMessageImport        = "MESSAGE_IMPORT"

	JobPending  = "PENDING"
	JobRunning  = "RUNNING"
	JobFinished = "FINISHED"
	JobFailed   = "FAILED"
)

// Job is an import. Its rows were applied when it was accepted; its
// state follows the clock: PENDING until Starts, RUNNING until Ends, then
// FINISHED, or FAILED when a row failed.
type Job struct {
	ID      int64      `json:"id"`
	AppID   int64      `json:"applicationId"`
	Type    string     `json:"type"`
	Created time.Time  `json:"createdTime"`
	Starts  time.Time  `json:"starts"`
	Ends    time.Time  `json:"ends"`
	Errors  []RowError `json:"errors,omitempty"`
}

// RowError is why one row of an import failed.
type RowError struct {
	Row     int    `json:"row"` // zero-based index in the file
	Key     string `json:"idempotencyKey,omitempty"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

// StateAt returns the job's state at now.
func (j Job) StateAt(now time.Time) string {
	switch {
	case now.Before(j.Starts):
		return JobPending
	case now.Before(j.Ends):
		return JobRunning
	case len(j.Errors) > 0:
		return JobFailed
	}
	return JobFinished
}

// UserSession is a user's connection through a client SDK.
type UserSession struct {
	ID        int64      `json:"id"`
	AppID     int64      `json:"applicationId"`
	UserID    int64      `json:"userId"`
	Created   time.Time  `json:"createdTime"`
	Ended     *time.Time `json:"endTime,omitempty"`
	UserAgent string     `json:"userAgent,omitempty"`
}

// ChatSession is a user session's presence in a channel.
type ChatSession struct {
	ID        int64      `json:"id"`
	AppID     int64      `json:"applicationId"`
	SessionID int64      `json:"userSessionId"`
	UserID    int64      `json:"userId"`
	ChannelID int64      `json:"channelId"`
	Created   time.Time  `json:"createdTime"`
	Ended     *time.Time `json:"endTime,omitempty"`
}

// Runtime is an application's Node.js chat runtime.
type Runtime struct {
	ID           int64          `json:"id"`
	AppID        int64          `json:"applicationId"`
	Version      string         `json:"version"`
	Dependencies []Dependency   `json:"dependencies"`
	Environment  map[string]any `json:"environmentVariables"`
	InitScript   *string        `json:"initializationScript,omitempty"`
}

// Dependency is an npm package of a runtime.
type Dependency struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Default bool   `json:"defaultDependency"`
}

// Function is a chat function of an application's runtime.
type Function struct {
	ID          int64  `json:"id"`
	AppID       int64  `json:"applicationId"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Enabled     bool   `json:"enabled"`
	Async       bool   `json:"initializeAsynchronously"`
	Current     int64  `json:"currentVersionNumber"`
}

// Version is one version of a function's handler script.
type Version struct {
	ID         int64     `json:"id"`
	FunctionID int64     `json:"functionId"`
	Number     int64     `json:"versionNumber"`
	Script     string    `json:"handlerScript"`
	Created    time.Time `json:"createdTime"`
}

// Invocation is one run of a function.
type Invocation struct {
	ID         int64          `json:"id"`
	FunctionID int64          `json:"functionId"`
	Version    int64          `json:"versionNumber"`
	Args       map[string]any `json:"args"`
	Result     map[string]any `json:"result"`
	Status     string         `json:"status"`
	Created    time.Time      `json:"createdTime"`
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

func pairKey(a, b int64) string { return idKey(a) + "/" + idKey(b) }

// threadKey is the partition of a message in msgsByThread: its channel's
// main thread or its parent's reply thread.
func threadKey(m Message) string {
	if m.ParentID != 0 {
		return "m" + idKey(m.ParentID)
	}
	return "c" + idKey(m.ChannelID)
}

// directKey names a set of users: their sorted ids.
func directKey(ids []int64) string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = idKey(id)
	}
	return strings.Join(parts, ",")
}

// Indexes.
var (
	appsByClient = table.UniqueKey("clientId", func(a App) string { return a.ClientID })

	tokensByExpiry = table.ByTime("expiry", func(t Token) time.Time { return t.Expires }).
			PartitionBy(func(t Token) string { return idKey(t.AppID) })

	usersByName   = table.UniqueKey("name", func(u User) string { return idKey(u.AppID) + "\x00" + u.Name })
	usersOf       = table.ByKey("app", func(u User) int64 { return u.ID }).PartitionBy(func(u User) string { return idKey(u.AppID) })
	usersByNameIn = table.ByKey("appName", func(u User) string { return u.Name }).PartitionBy(func(u User) string { return idKey(u.AppID) })

	channelsByName = table.UniqueKey("name", func(c Channel) string {
		if c.Type == TypeDirect {
			return ""
		}
		return idKey(c.AppID) + "\x00" + c.Name
	})
	channelsByMembers = table.UniqueKey("members", func(c Channel) string {
		if c.Type != TypeDirect {
			return ""
		}
		return idKey(c.AppID) + "\x00" + c.MemberKey
	})
	channelsOf     = table.ByKey("app", func(c Channel) int64 { return c.ID }).PartitionBy(func(c Channel) string { return idKey(c.AppID) })
	channelsOfType = table.ByKey("appType", func(c Channel) int64 { return c.ID }).PartitionBy(func(c Channel) string { return idKey(c.AppID) + "/" + c.Type })

	membersOf      = table.ByKey("channel", func(m Member) int64 { return m.Seq }).PartitionBy(func(m Member) string { return idKey(m.ChannelID) })
	channelsOfUser = table.ByKey("user", func(m Member) int64 { return m.ChannelID }).PartitionBy(func(m Member) string { return idKey(m.UserID) })
	moderatorsOf   = table.ByKey("moderators", func(m Member) int64 { return m.Seq }).PartitionBy(func(m Member) string {
		if !m.Moderator {
			return ""
		}
		return idKey(m.ChannelID)
	})
	invitesOf     = table.ByKey("channel", func(i Invite) int64 { return i.Seq }).PartitionBy(func(i Invite) string { return idKey(i.ChannelID) })
	invitesOfUser = table.ByKey("user", func(i Invite) int64 { return i.ChannelID }).PartitionBy(func(i Invite) string { return idKey(i.UserID) })

	msgsByThread  = table.ByKey("thread", func(m Message) int64 { return m.ID }).PartitionBy(threadKey)
	msgsByChannel = table.ByKey("channel", func(m Message) int64 { return m.ID }).PartitionBy(func(m Message) string { return idKey(m.ChannelID) })
	msgsOfApp     = table.ByKey("app", func(m Message) int64 { return m.ID }).PartitionBy(func(m Message) string { return idKey(m.AppID) })
	msgsByImport  = table.UniqueKey("import", func(m Message) string {
		if m.Imported == "" {
			return ""
		}
		return idKey(m.AppID) + "\x00" + m.Imported
	})

	receiptsOf      = table.ByKey("message", func(r Receipt) int64 { return r.Seq }).PartitionBy(func(r Receipt) string { return idKey(r.MessageID) })
	notificationsOf = table.ByKey("user", func(n Notification) int64 { return n.ID }).PartitionBy(func(n Notification) string { return idKey(n.UserID) })
	jobsOf          = table.ByKey("app", func(j Job) int64 { return j.ID }).PartitionBy(func(j Job) string { return idKey(j.AppID) })

	userSessionsOf      = table.ByKey("app", func(s UserSession) int64 { return s.ID }).PartitionBy(func(s UserSession) string { return idKey(s.AppID) })
	sessionsOfUser      = table.ByKey("user", func(s UserSession) int64 { return s.ID }).PartitionBy(func(s UserSession) string { return idKey(s.UserID) })
	userSessionsByState = table.ByKey("appState", func(s UserSession) int64 { return s.ID }).PartitionBy(func(s UserSession) string {
		return idKey(s.AppID) + "/" + sessionState(s.Ended)
	})
	chatSessionsByState = table.ByKey("appState", func(s ChatSession) int64 { return s.ID }).PartitionBy(func(s ChatSession) string {
		return idKey(s.AppID) + "/" + sessionState(s.Ended)
	})
	chatSessionsOf = table.ByKey("app", func(s ChatSession) int64 { return s.ID }).PartitionBy(func(s ChatSession) string { return idKey(s.AppID) })
	activeIn       = table.ByKey("activeIn", func(s ChatSession) int64 { return s.ID }).PartitionBy(func(s ChatSession) string {
		if s.Ended != nil {
			return ""
		}
		return idKey(s.ChannelID)
	})
	chatSessionsIn     = table.ByKey("channel", func(s ChatSession) int64 { return s.ID }).PartitionBy(func(s ChatSession) string { return idKey(s.ChannelID) })
	chatSessionsOfUser = table.ByKey("user", func(s ChatSession) int64 { return s.ID }).PartitionBy(func(s ChatSession) string { return idKey(s.UserID) })

	runtimeOfApp   = table.UniqueKey("app", func(r Runtime) string { return idKey(r.AppID) })
	functionsOf    = table.ByKey("app", func(f Function) int64 { return f.ID }).PartitionBy(func(f Function) string { return idKey(f.AppID) })
	versionsOf     = table.ByKey("function", func(v Version) int64 { return v.Number }).PartitionBy(func(v Version) string { return idKey(v.FunctionID) })
	versionNumbers = table.UniqueKey("number", func(v Version) string { return pairKey(v.FunctionID, v.Number) })
	invocationsOf  = table.ByKey("function", func(i Invocation) int64 { return i.ID }).PartitionBy(func(i Invocation) string { return idKey(i.FunctionID) })
)

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return maps.Clone(m)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// TableSpec declares the applications table.
func (App) TableSpec() table.Spec[App] {
	return table.Spec[App]{Name: "applications", ID: func(a App) string { return idKey(a.ID) },
		Unique: []*table.Unique[App]{appsByClient},
		Clone:  func(a App) App { a.Properties = cloneMap(a.Properties); return a }}
}

// TableSpec declares the tokens table.
func (Token) TableSpec() table.Spec[Token] {
	return table.Spec[Token]{Name: "tokens", ID: func(t Token) string { return t.Value }, Ordered: []*table.Order[Token]{tokensByExpiry}}
}

// TableSpec declares the users table.
func (User) TableSpec() table.Spec[User] {
	return table.Spec[User]{Name: "users", ID: func(u User) string { return idKey(u.ID) },
		Unique: []*table.Unique[User]{usersByName}, Ordered: []*table.Order[User]{usersOf, usersByNameIn},
		Clone: func(u User) User {
			u.Properties, u.Secrets, u.Picture = cloneMap(u.Properties), cloneMap(u.Secrets), clonePtr(u.Picture)
			return u
		}}
}

// TableSpec declares the channels table.
func (Channel) TableSpec() table.Spec[Channel] {
	return table.Spec[Channel]{Name: "channels", ID: func(c Channel) string { return idKey(c.ID) },
		Unique:  []*table.Unique[Channel]{channelsByName, channelsByMembers},
		Ordered: []*table.Order[Channel]{channelsOf, channelsOfType},
		Clone:   func(c Channel) Channel { c.Properties = cloneMap(c.Properties); return c }}
}

// TableSpec declares the memberships table.
func (Member) TableSpec() table.Spec[Member] {
	return table.Spec[Member]{Name: "members", ID: func(m Member) string { return pairKey(m.ChannelID, m.UserID) },
		Ordered: []*table.Order[Member]{membersOf, channelsOfUser, moderatorsOf}}
}

// TableSpec declares the invites table.
func (Invite) TableSpec() table.Spec[Invite] {
	return table.Spec[Invite]{Name: "invites", ID: func(i Invite) string { return pairKey(i.ChannelID, i.UserID) },
		Ordered: []*table.Order[Invite]{invitesOf, invitesOfUser}}
}

// TableSpec declares the messages table.
func (Message) TableSpec() table.Spec[Message] {
	return table.Spec[Message]{Name: "messages", ID: func(m Message) string { return idKey(m.ID) },
		Unique:  []*table.Unique[Message]{msgsByImport},
		Ordered: []*table.Order[Message]{msgsByThread, msgsByChannel, msgsOfApp},
		Clone: func(m Message) Message {
			m.Properties, m.File, m.Edited = cloneMap(m.Properties), clonePtr(m.File), clonePtr(m.Edited)
			return m
		}}
}

// TableSpec declares the read receipts table.
func (Receipt) TableSpec() table.Spec[Receipt] {
	return table.Spec[Receipt]{Name: "receipts", ID: func(r Receipt) string { return pairKey(r.MessageID, r.UserID) },
		Ordered: []*table.Order[Receipt]{receiptsOf}}
}

// TableSpec declares the notifications table.
func (Notification) TableSpec() table.Spec[Notification] {
	return table.Spec[Notification]{Name: "notifications", ID: func(n Notification) string { return idKey(n.ID) },
		Ordered: []*table.Order[Notification]{notificationsOf},
		Clone: func(n Notification) Notification {
			n.Data, n.Read = cloneMap(n.Data), clonePtr(n.Read)
			return n
		}}
}

// TableSpec declares the jobs table.
func (Job) TableSpec() table.Spec[Job] {
	return table.Spec[Job]{Name: "jobs", ID: func(j Job) string { return idKey(j.ID) },
		Ordered: []*table.Order[Job]{jobsOf},
		Clone:   func(j Job) Job { j.Errors = slices.Clone(j.Errors); return j }}
}

// TableSpec declares the user sessions table.
func (UserSession) TableSpec() table.Spec[UserSession] {
	return table.Spec[UserSession]{Name: "userSessions", ID: func(s UserSession) string { return idKey(s.ID) },
		Ordered: []*table.Order[UserSession]{userSessionsOf, userSessionsByState, sessionsOfUser},
		Clone:   func(s UserSession) UserSession { s.Ended = clonePtr(s.Ended); return s }}
}

// TableSpec declares the chat sessions table.
func (ChatSession) TableSpec() table.Spec[ChatSession] {
	return table.Spec[ChatSession]{Name: "chatSessions", ID: func(s ChatSession) string { return idKey(s.ID) },
		Ordered: []*table.Order[ChatSession]{chatSessionsOf, chatSessionsByState, activeIn, chatSessionsIn, chatSessionsOfUser},
		Clone:   func(s ChatSession) ChatSession { s.Ended = clonePtr(s.Ended); return s }}
}

// TableSpec declares the runtimes table.
func (Runtime) TableSpec() table.Spec[Runtime] {
	return table.Spec[Runtime]{Name: "runtimes", ID: func(r Runtime) string { return idKey(r.ID) },
		Unique: []*table.Unique[Runtime]{runtimeOfApp},
		Clone: func(r Runtime) Runtime {
			r.Dependencies, r.Environment, r.InitScript = slices.Clone(r.Dependencies), cloneMap(r.Environment), clonePtr(r.InitScript)
			return r
		}}
}

// TableSpec declares the functions table.
func (Function) TableSpec() table.Spec[Function] {
	return table.Spec[Function]{Name: "functions", ID: func(f Function) string { return idKey(f.ID) },
		Ordered: []*table.Order[Function]{functionsOf}}
}

// TableSpec declares the function versions table.
func (Version) TableSpec() table.Spec[Version] {
	return table.Spec[Version]{Name: "functionVersions", ID: func(v Version) string { return idKey(v.ID) },
		Unique: []*table.Unique[Version]{versionNumbers}, Ordered: []*table.Order[Version]{versionsOf}}
}

// TableSpec declares the invocations table.
func (Invocation) TableSpec() table.Spec[Invocation] {
	return table.Spec[Invocation]{Name: "invocations", ID: func(i Invocation) string { return idKey(i.ID) },
		Ordered: []*table.Order[Invocation]{invocationsOf},
		Clone: func(i Invocation) Invocation {
			i.Args, i.Result = cloneMap(i.Args), cloneMap(i.Result)
			return i
		}}
}
