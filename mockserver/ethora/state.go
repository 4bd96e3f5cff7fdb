package ethora

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/table"
)

// State is the Ethora world of one namespace: apps (each a tenant, with its
// secret, app tokens and bot), their users and chats, who is in which chat,
// and the jobs of user batches and broadcasts. Each collection is an
// indexed table (mockserver/table): records are values, changed only
// through the table, and split by app so that one tenant's size never
// slows another's calls. Chat memberships are a table of their own, split
// by chat (in the order members were granted access) and by user (the
// user's chats), so that granting or removing access costs O(log n) and a
// user's chats are found without a scan. It encodes as the maps it used to
// be (each table an object keyed by id, a chat holding its members' list),
// so snapshots keep their format (see MarshalJSON); decoding checks the
// whole state and rebuilds every index (see UnmarshalJSON).
type State struct {
	Apps       table.Table[App]       // by app id
	Users      table.Table[User]      // by xmppUsername, {appId}_{uuid}
	Chats      table.Table[Chat]      // by name, {appId}_{uuid}
	Members    table.Table[Member]    // by chat and member (see memberKey)
	UserJobs   table.Table[UserJob]   // by job id
	Broadcasts table.Table[Broadcast] // by job id

	// tokens maps the hash of each active app token to the token (its
	// app and id), so that a token check never scans the apps. The rules
	// that issue, rotate and revoke tokens and delete apps keep it;
	// decoding rebuilds it.
	tokens map[string]tokenRef
}

// tokenRef names an app token: its app and its id.
type tokenRef struct{ App, Token string }

// Indexes. Ordered indexes sort equal keys by id, and a user's id
// ({appId}_{uuid}) orders as its uuid within one app, a chat's id is its
// name: the orders the listings have always used.
var (
	// appsByCreated and appsByName hold each parent's children (the
	// listing of GET /v2/apps, in its two orders).
	appsByCreated = table.ByTime("createdAt", func(a App) time.Time { return a.CreatedAt }).PartitionBy(func(a App) string { return a.ParentID })
	appsByName    = table.ByKey("displayName", func(a App) string { return strings.ToLower(a.DisplayName) }).PartitionBy(func(a App) string { return a.ParentID })
	// usersByCreated orders each app's users by creation; usersByVisible
	// by the moment they become visible, to count (and skip) the users of
	// batches still running.
	usersByCreated = table.ByTime("createdAt", func(u User) time.Time { return u.CreatedAt }).PartitionBy(func(u User) string { return u.AppID })
	usersByVisible = table.ByTime("visibleAt", func(u User) time.Time { return u.VisibleAt }).PartitionBy(func(u User) string { return u.AppID })
	// usersByEmail is an app's e-mail addresses, lower-cased: one user
	// per address within an app.
	usersByEmail = table.UniqueKey("email", func(u User) string { return emailKey(u.AppID, u.Email) })
	// chatsByCreated orders each app's chats by creation.
	chatsByCreated = table.ByTime("createdAt", func(c Chat) time.Time { return c.CreatedAt }).PartitionBy(func(c Chat) string { return c.AppID })
	// membersOf is each chat's members, in the order they were granted
	// access; chatsOf each user's chats, ordered as chatsByCreated.
	membersOf = table.ByKey("chat", func(m Member) int { return m.Seq }).PartitionBy(func(m Member) string { return m.Chat })
	chatsOf   = table.ByCompare("user", memberChatKey, compareChatKey).PartitionBy(func(m Member) string { return m.User })
	// jobsByApp and broadcastsByApp are each app's jobs.
	jobsByApp       = table.ByID[UserJob]("appId").PartitionBy(func(j UserJob) string { return j.AppID })
	broadcastsByApp = table.ByID[Broadcast]("appId").PartitionBy(func(b Broadcast) string { return b.AppID })
)

// chatKey orders a user's chats as the app's listing orders them: by
// creation, equal times by name.
type chatKey struct {
	created time.Time
	name    string
}

func memberChatKey(m Member) chatKey { return chatKey{m.ChatCreated.Round(0), m.Chat} }

func compareChatKey(a, b chatKey) int {
	return cmp.Or(a.created.Compare(b.created), strings.Compare(a.name, b.name))
}

// emailKey is the key of an e-mail address in usersByEmail; none for an
// empty address.
func emailKey(appID, email string) string {
	if email == "" {
		return ""
	}
	return appID + "\x00" + strings.ToLower(email)
}

// TableSpec declares the apps table.
func (App) TableSpec() table.Spec[App] {
	return table.Spec[App]{Name: "apps", ID: func(a App) string { return a.ID },
		Ordered: []*table.Order[App]{appsByCreated, appsByName},
		Clone: func(a App) App {
			a.Extra = maps.Clone(a.Extra)
			if a.Tokens != nil {
				tokens := make(map[string]*AppToken, len(a.Tokens))
				for id, t := range a.Tokens {
					c := *t
					tokens[id] = &c
				}
				a.Tokens = tokens
			}
			return a
		}}
}

// TableSpec declares the users table.
func (User) TableSpec() table.Spec[User] {
	return table.Spec[User]{Name: "users", ID: func(u User) string { return u.XMPPUsername() },
		Unique:  []*table.Unique[User]{usersByEmail},
		Ordered: []*table.Order[User]{usersByCreated, usersByVisible},
		Clone:   func(u User) User { u.Extra = maps.Clone(u.Extra); return u }}
}

// TableSpec declares the chats table.
func (Chat) TableSpec() table.Spec[Chat] {
	return table.Spec[Chat]{Name: "chats", ID: func(c Chat) string { return c.Name },
		Ordered: []*table.Order[Chat]{chatsByCreated},
		Clone:   func(c Chat) Chat { c.Extra = maps.Clone(c.Extra); return c }}
}

// TableSpec declares the memberships table.
func (Member) TableSpec() table.Spec[Member] {
	return table.Spec[Member]{Name: "members", ID: func(m Member) string { return memberKey(m.Chat, m.User) },
		Ordered: []*table.Order[Member]{membersOf, chatsOf}}
}

// memberKey is a membership's primary key: the chat's name, its length
// first, so that no two pairs of names make one key whatever they hold.
func memberKey(chat, user string) string {
	return strconv.Itoa(len(chat)) + ":" + chat + "/" + user
}

// TableSpec declares the user batch jobs table.
func (UserJob) TableSpec() table.Spec[UserJob] {
	return table.Spec[UserJob]{Name: "userJobs", ID: func(j UserJob) string { return j.ID },
		Ordered: []*table.Order[UserJob]{jobsByApp},
		Clone:   func(j UserJob) UserJob { j.Results = slices.Clone(j.Results); return j }}
}

// TableSpec declares the broadcasts table.
func (Broadcast) TableSpec() table.Spec[Broadcast] {
	return table.Spec[Broadcast]{Name: "broadcasts", ID: func(b Broadcast) string { return b.ID },
		Ordered: []*table.Order[Broadcast]{broadcastsByApp},
		Clone:   func(b Broadcast) Broadcast { b.Results = slices.Clone(b.Results); return b }}
}

// CopyState returns a copy-on-write copy of s (mockserver.Copier), for an
// export to encode outside the namespace's lock.
func (s *State) CopyState() any {
	return &State{Apps: s.Apps.Copy(), Users: s.Users.Copy(), Chats: s.Chats.Copy(), Members: s.Members.Copy(),
		UserJobs: s.UserJobs.Copy(), Broadcasts: s.Broadcasts.Copy(), tokens: maps.Clone(s.tokens)}
}

// App is a tenant. Apps created through the API are children of the app
// whose token created them.
type App struct {
	ID           string               `json:"_id"`
	Secret       string               `json:"secret"`
	ParentID     string               `json:"parentAppId,omitempty"`
	DisplayName  string               `json:"displayName"`
	DomainName   string               `json:"domainName,omitempty"`
	AppTagline   string               `json:"appTagline,omitempty"`
	LogoImage    string               `json:"logoImage,omitempty"`
	SublogoImage string               `json:"sublogoImage,omitempty"`
	PrimaryColor string               `json:"primaryColor,omitempty"`
	BundleID     string               `json:"bundleId,omitempty"`
	Extra        map[string]any       `json:"extra,omitempty"`
	Tokens       map[string]*AppToken `json:"tokens"`
	Bot          Bot                  `json:"bot"`
	CreatedAt    time.Time            `json:"createdAt"`
	UpdatedAt    time.Time            `json:"updatedAt"`
}

// AppToken is a server token issued by the API instead of minted with the
// app secret: an opaque value, kept only as a hash. Rotating issues a new
// value under the same id, so the old one stops working.
type AppToken struct {
	ID         string     `json:"tokenId"`
	Label      string     `json:"label,omitempty"`
	Hash       string     `json:"hash"`
	Revoked    bool       `json:"revoked,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	RotatedAt  *time.Time `json:"rotatedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
}

// Bot is an app's chatbot configuration.
type Bot struct {
	Status          string     `json:"status"`
	Trigger         string     `json:"trigger,omitempty"`
	Prompt          string     `json:"prompt,omitempty"`
	GreetingMessage string     `json:"greetingMessage,omitempty"`
	ChatID          string     `json:"chatId,omitempty"`
	IsRAG           bool       `json:"isRAG"`
	BotFirstName    string     `json:"botFirstName,omitempty"`
	BotLastName     string     `json:"botLastName,omitempty"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
}

// User is an account of one app. Users of a batch job exist from the
// moment the job is accepted (so uuids stay unique) but are visible only
// from VisibleAt, when the job completes.
type User struct {
	ID           string         `json:"_id"`
	AppID        string         `json:"appId"`
	UUID         string         `json:"uuid"`
	FirstName    string         `json:"firstName"`
	LastName     string         `json:"lastName"`
	Email        string         `json:"email"`
	Username     string         `json:"username,omitempty"`
	ProfileImage string         `json:"profileImage,omitempty"`
	Password     string         `json:"password,omitempty"`
	XMPPPassword string         `json:"xmppPassword"`
	Extra        map[string]any `json:"extra,omitempty"`
	VisibleAt    time.Time      `json:"visibleAt"`
	CreatedAt    time.Time      `json:"createdAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
}

// XMPPUsername is the user's name in chats: {appId}_{uuid}.
func (u User) XMPPUsername() string { return u.AppID + "_" + u.UUID }

func (u User) visible(now time.Time) bool { return !now.Before(u.VisibleAt) }

// Chat is a chat room of one app. Who is in it is in State.Members; in
// snapshots a chat holds its members' xmppUsernames, in the order they
// were granted access (see chatJSON).
type Chat struct {
	ID          string         `json:"_id"`
	Name        string         `json:"name"`
	AppID       string         `json:"appId"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Type        string         `json:"type"`
	Picture     string         `json:"picture,omitempty"`
	CreatedBy   string         `json:"createdBy,omitempty"`
	AppChat     bool           `json:"isAppChat,omitempty"` // created by provisioning
	Extra       map[string]any `json:"extra,omitempty"`
	CreatedAt   time.Time      `json:"createdAt"` // never changes: memberships order by it
	UpdatedAt   time.Time      `json:"updatedAt"`
}

// Member is one user's membership of a chat of the same app: a row of
// State.Members. Seq orders a chat's members as they were granted access
// (a grant takes the chat's last Seq plus one; a snapshot's list gives
// them by position). ChatCreated is the chat's CreatedAt, which never
// changes, so that a user's chats list in the app's order from the index.
type Member struct {
	Chat        string    // the chat's name, {appId}_{uuid}
	User        string    // the member's xmppUsername, {appId}_{uuid}
	Seq         int       // the member's place in the chat's list
	ChatCreated time.Time // the chat's createdAt
}

// Job states.
const (
	JobPending   = "pending"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
)

// UserJob is an asynchronous user batch. Its state follows from the clock:
// pending for the first third of the configured delay, running until
// ReadyAt, completed from then on.
type UserJob struct {
	ID        string       `json:"jobId"`
	AppID     string       `json:"appId"`
	CreatedAt time.Time    `json:"createdAt"`
	ReadyAt   time.Time    `json:"readyAt"`
	Results   []UserResult `json:"results"`
}

// UserResult is the outcome for one user of a batch.
type UserResult struct {
	UUID         string `json:"uuid"`
	Status       string `json:"status"` // created, exists, uuid_exists
	XMPPUsername string `json:"xmppUsername"`
	Error        string `json:"error,omitempty"`
}

// Broadcast is an asynchronous message to some of an app's chats.
type Broadcast struct {
	ID        string            `json:"jobId"`
	AppID     string            `json:"appId"`
	Text      string            `json:"text"`
	DryRun    bool              `json:"dryRun"`
	CreatedAt time.Time         `json:"createdAt"`
	ReadyAt   time.Time         `json:"readyAt"`
	Results   []BroadcastResult `json:"results"`
}

// BroadcastResult is the outcome for one targeted chat.
type BroadcastResult struct {
	ChatName string `json:"chatName"`
	Status   string `json:"status"` // sent, skipped, not-found
}

// jobState is the state of a job created at created and done at ready.
func jobState(created, ready, now time.Time) string {
	switch {
	case !now.Before(ready):
		return JobCompleted
	case now.Before(created.Add(ready.Sub(created) / 3)):
		return JobPending
	default:
		return JobRunning
	}
}

// NewState returns a world with no apps.
func NewState() *State {
	return &State{tokens: map[string]tokenRef{}}
}

// objectID returns a random 24-hex id, the shape of Mongo ObjectIds.
func objectID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// randomSecret returns a new random secret.
func randomSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// localName reduces a chat or member reference to the name within app: it
// drops every leading "{appId}_", so prefixed, unprefixed and
// double-prefixed forms name the same thing.
func localName(appID, ref string) string {
	ref = strings.TrimSpace(ref)
	prefix := appID + "_"
	for strings.HasPrefix(ref, prefix) && len(ref) > len(prefix) {
		ref = ref[len(prefix):]
	}
	return ref
}

// jidLocal is ref without the "@domain" of a full JID.
func jidLocal(ref string) string {
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		return ref[:at]
	}
	return ref
}

// qualified returns ref as {appId}_{local}, never double-prefixed and
// without a JID's domain.
func qualified(appID, ref string) string { return appID + "_" + localName(appID, jidLocal(ref)) }

// lookup finds a record of app by a reference in any form: the name as
// given (a uuid may itself hold an "@"), then as a full JID.
func lookup[T any](t *table.Table[T], appID, ref string) (T, bool) {
	if v, ok := t.Get(appID + "_" + localName(appID, ref)); ok {
		return v, true
	}
	return t.Get(qualified(appID, ref))
}

// visibleCount is the number of visible users of app.
func (s *State) visibleCount(appID string, now time.Time) int {
	return s.Users.Search(usersByVisible, appID, func(u User) bool { return u.VisibleAt.After(now) })
}

// usersPage returns at most limit visible users of app from position
// offset on, ordered by creation (equal times by uuid), and how many
// visible users app has. Users of batches still running are not visible:
// they are found by visibleAt (the last ones in that order) and skipped,
// so a page costs O(log n + page + running), never a scan of the app.
func (s *State) usersPage(appID string, now time.Time, offset, limit int) ([]User, int) {
	total := s.visibleCount(appID, now)
	hidden, _ := s.Users.Page(usersByVisible, appID, total, -1, false)
	// The position of the offset-th visible user among all the app's
	// users: each hidden user ranked at or before it moves it on by one.
	ranks := make([]int, len(hidden))
	for i, h := range hidden {
		id := h.XMPPUsername()
		ranks[i] = s.Users.Search(usersByCreated, appID, func(u User) bool {
			c := u.CreatedAt.Compare(h.CreatedAt)
			return c > 0 || c == 0 && u.XMPPUsername() >= id
		})
	}
	slices.Sort(ranks)
	pos := max(offset, 0)
	for _, r := range ranks {
		if r <= pos {
			pos++
		}
	}
	out := make([]User, 0, max(min(limit, total-max(offset, 0)), 0))
	if len(out) == cap(out) {
		return out, total
	}
	for u := range s.Users.Range(usersByCreated, appID, pos, false) {
		if !u.visible(now) {
			continue
		}
		out = append(out, u)
		if len(out) == limit {
			break
		}
	}
	return out, total
}

// isMember reports whether user (an xmppUsername) is a member of chat (a
// chat's name): O(log n).
func (s *State) isMember(chat, user string) bool {
	_, ok := s.Members.Get(memberKey(chat, user))
	return ok
}

// memberCount is the number of members of chat: O(log n).
func (s *State) memberCount(chat string) int { return s.Members.Count(membersOf, chat) }

// members yields the members of chat (xmppUsernames) in the order they
// were granted access. The state must not change while the loop runs.
func (s *State) members(chat string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for m := range s.Members.Range(membersOf, chat, 0, false) {
			if !yield(m.User) {
				return
			}
		}
	}
}

// ChatMembers returns the members of the chat named name (xmppUsernames),
// in the order they were granted access, as a snapshot lists them.
func (s *State) ChatMembers(name string) []string {
	return slices.Collect(s.members(name))
}

// addMember makes user a member of c, last in its list, unless it is one
// already: O(log n). It reports whether user joined.
func (s *State) addMember(c Chat, user string) bool {
	if s.isMember(c.Name, user) {
		return false
	}
	seq := 0
	for last := range s.Members.Range(membersOf, c.Name, 0, true) {
		seq = last.Seq + 1
		break
	}
	must(s.Members.Insert(Member{Chat: c.Name, User: user, Seq: seq, ChatCreated: c.CreatedAt}))
	return true
}

// removeMember ends user's membership of chat, if any: O(log n). It
// reports whether user was a member.
func (s *State) removeMember(chat, user string) bool {
	_, ok := s.Members.Delete(memberKey(chat, user))
	return ok
}

// deleteChatRecord removes the chat named name and its memberships:
// O(members · log n).
func (s *State) deleteChatRecord(name string) {
	members, _ := s.Members.Page(membersOf, name, 0, -1, false)
	for _, m := range members {
		s.Members.Delete(memberKey(m.Chat, m.User))
	}
	s.Chats.Delete(name)
}

// deleteUserRecord removes the user named name (an xmppUsername) and its
// memberships: O(chats · log n) for the chats the user is in.
func (s *State) deleteUserRecord(name string) {
	chats, _ := s.Members.Page(chatsOf, name, 0, -1, false)
	for _, m := range chats {
		s.Members.Delete(memberKey(m.Chat, m.User))
	}
	s.Users.Delete(name)
}

// must panics on an error the rules have ruled out by their checks: a
// table refusing a change here is a bug in the rules, not a request's
// fault.
func must(err error) {
	if err != nil {
		panic(fmt.Sprintf("ethora: %v", err))
	}
}

// user finds a visible user of app by uuid, xmppUsername or JID.
func (s *State) user(appID, ref string, now time.Time) (User, bool) {
	u, ok := lookup(&s.Users, appID, ref)
	if !ok || !u.visible(now) {
		return User{}, false
	}
	return u, true
}

// chat finds a chat of app by name, uuid or JID.
func (s *State) chat(appID, ref string) (Chat, bool) {
	return lookup(&s.Chats, appID, ref)
}

// tokenApp returns the active app token whose digest is d.
func (s *State) tokenApp(d mockserver.SecretDigest) (tokenRef, bool) {
	ref, ok := s.tokens[string(d[:])]
	return ref, ok
}

// setToken records (or with active false, forgets) the hash of app token
// ref.
func (s *State) setToken(hash string, ref tokenRef, active bool) {
	if s.tokens == nil {
		s.tokens = map[string]tokenRef{}
	}
	if active {
		s.tokens[hash] = ref
	} else if s.tokens[hash] == ref {
		delete(s.tokens, hash)
	}
}

// lastUsedGranularity is how often, at most, a token's LastUsedAt is
// written: a use stamps it only when the stored value is this old or
// older, so that the reads made with a token are not each a write.
const lastUsedGranularity = time.Minute

// useDue reports whether a use of t at now should stamp its LastUsedAt:
// it has none, or one at least lastUsedGranularity old (or, after the
// clock was moved back, one in the future).
func (t *AppToken) useDue(now time.Time) bool {
	return t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedGranularity || now.Before(*t.LastUsedAt)
}

// tokenUseDue reports whether a use of the active token ref at now should
// stamp its LastUsedAt.
func (s *State) tokenUseDue(ref tokenRef, now time.Time) bool {
	a, ok := s.Apps.Get(ref.App)
	if !ok {
		return false
	}
	t := a.Tokens[ref.Token]
	return t != nil && !t.Revoked && t.useDue(now)
}

// errNoStamp stops a stamp that is no longer due (another request made
// it, or the token is gone), so that its transaction changes nothing.
var errNoStamp = errors.New("ethora: no token use to stamp")

// stampTokenUse records a use of the active token ref at now, if one is
// due; it is errNoStamp when none is.
func (s *State) stampTokenUse(ref tokenRef, now time.Time) error {
	if !s.tokenUseDue(ref, now) {
		return errNoStamp
	}
	return s.Apps.Update(ref.App, func(a *App) error {
		a.Tokens[ref.Token].LastUsedAt = new(now) // a copy of the stored token
		return nil
	})
}

// hashSecret hashes a password for storage.
func hashSecret(secret string) string {
	if secret == "" {
		return ""
	}
	return mockserver.DigestSecret(secret).String()
}
