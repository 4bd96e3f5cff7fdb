package rocketchat

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/table"
)

// Room types.
const (
	TypeChannel = "c" // public channel
	TypeGroup   = "p" // private group
	TypeDirect  = "d" // direct messages
)

// Room roles, held per subscription.
const (
	RoleOwner     = "owner"
	RoleModerator = "moderator"
	RoleLeader    = "leader"
)

// State is the whole Rocket.Chat world of one namespace, in indexed tables
// (mockserver/table): users by id, lower-cased username and e-mail, and in
// each order users.list offers; rooms by id and name, split by type, in
// each order channels.list and groups.list offer; memberships keyed by room
// and user, split by room (ordered by username, for channels.members) and
// by user (the rooms a user is in). Its JSON is the format snapshots have
// always had (see MarshalJSON): a room holds its subscriptions, and the
// indexes are rebuilt on import, so an imported snapshot cannot disagree
// with itself.
type State struct {
	Users       table.Table[User]
	Rooms       table.Table[Room]
	Members     table.Table[Subscription]
	Messages    table.Table[Message]   // messages.go
	Removed     table.Table[Removal]   // subscriptions and rooms removed, for updatedSince (sync.go)
	Tokens      map[string]string      // sha256(authToken) hex → user _id
	Permissions map[string]*Permission // by _id

	now time.Time // the time of the change under way (Server.update sets it), for Removed
}

// User is an account. Password holds a hash, never the password.
type User struct {
	ID        string    `json:"_id"`
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Verified  bool      `json:"verified"`
	Password  string    `json:"password"`
	Roles     []string  `json:"roles"` // global roles: admin, user, bot, ...
	Active    bool      `json:"active"`
	Type      string    `json:"type"` // user or bot
	Status    string    `json:"status"`
	Nickname  string    `json:"nickname,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"_updatedAt"`
}

// Room is a channel, a private group or a direct room. Who is in it, with
// which room roles, is in State.Members; Count mirrors the number of its
// members (kept by addMember and removeMember), so that rooms can be
// ordered by usersCount.
type Room struct {
	ID          string         `json:"_id"`
	Type        string         `json:"t"`
	Name        string         `json:"name"`
	Topic       string         `json:"topic,omitempty"`
	Description string         `json:"description,omitempty"`
	Creator     Ref            `json:"u"`
	ReadOnly    bool           `json:"ro"`
	Broadcast   bool           `json:"broadcast"`
	Encrypted   bool           `json:"encrypted"`
	Archived    bool           `json:"archived"`
	Default     bool           `json:"default"`
	Msgs        int            `json:"msgs"`
	Custom      map[string]any `json:"customFields,omitempty"`
	Created     time.Time      `json:"ts"`
	Updated     time.Time      `json:"_updatedAt"`
	Count       int            `json:"-"` // members, as State.Members holds them
	// Messages (messages.go): the last message shown in the room, when it
	// was sent, and how many messages the room has had (which orders
	// messages sent at one instant).
	LastMessage   string    `json:"lastMessageId,omitempty"`
	LastMessageAt time.Time `json:"lm,omitzero"`
	Seq           int       `json:"seq,omitempty"`
	// A direct room's members, as the server lists them (direct.go).
	Uids      []string `json:"uids,omitempty"`
	Usernames []string `json:"usernames,omitempty"`
}

// Ref names a user by id and username, as rooms name their creator.
type Ref struct {
	ID       string `json:"_id"`
	Username string `json:"username"`
}

// Subscription is one user's membership of a room: a row of
// State.Members. In snapshots it sits in its room, under the user's id, as
// {userId, roles, ts}.
type Subscription struct {
	Key      string    `json:"-"` // memberKey(RoomID, UserID), which RoomID and UserID are parts of (see keyed)
	RoomID   string    `json:"-"`
	UserID   string    `json:"userId"`
	Username string    `json:"-"` // the member's username, lower-cased: the member listing's order
	Roles    []string  `json:"roles"`
	Joined   time.Time `json:"ts"`
	// Unread state (messages.go): messages unread since LastSeen (the
	// join time until the first read), mentions among them, alert when
	// something new arrived, Hidden when the room is closed in the user's
	// list (open: false). Updated is the subscription's _updatedAt (Joined
	// until it changes).
	Unread        int       `json:"unread,omitempty"`
	UserMentions  int       `json:"userMentions,omitempty"`
	GroupMentions int       `json:"groupMentions,omitempty"`
	Alert         bool      `json:"alert,omitempty"`
	Hidden        bool      `json:"hidden,omitempty"`
	LastSeen      time.Time `json:"ls,omitzero"`
	Updated       time.Time `json:"_updatedAt,omitzero"`
}

// Permission maps a permission to the roles that hold it.
type Permission struct {
	ID      string    `json:"_id"`
	Roles   []string  `json:"roles"`
	Updated time.Time `json:"_updatedAt"`
}

// The indexes. Text orders are case-insensitive and break ties as the
// listings always have (users by username, rooms by name), then by id.
var (
	usersByUsername = table.UniqueFold("username", func(u User) string { return u.Username })
	usersByEmail    = table.UniqueFold("email", func(u User) string { return u.Email })
	usersInUsername = table.ByFold("username", func(u User) string { return u.Username })
	usersInName     = table.ByCompare("name", func(u User) [2]string { return [2]string{u.Name, u.Username} }, compareFolds)
	usersInCreated  = table.ByCompare("createdAt", func(u User) timeKey { return timeKey{u.CreatedAt.Round(0), u.Username} }, compareTimeKeyFold)

	roomsByName = table.UniqueKey("name", func(r Room) string { return r.Name })
	// roomsIn are the orders of channels.list and groups.list, split by
	// room type; "" (no sort) is by name as stored, "name" by name
	// case-insensitively.
	roomsIn = map[string]*table.Order[Room]{
		"":           table.ByKey("default", func(r Room) string { return r.Name }).PartitionBy(roomType),
		"name":       table.ByCompare("name", roomName, compareNames).PartitionBy(roomType),
		"ts":         table.ByCompare("ts", func(r Room) timeKey { return timeKey{r.Created.Round(0), r.Name} }, compareTimeKey).PartitionBy(roomType),
		"_updatedAt": table.ByCompare("_updatedAt", func(r Room) timeKey { return timeKey{r.Updated.Round(0), r.Name} }, compareTimeKey).PartitionBy(roomType),
		"usersCount": table.ByCompare("usersCount", func(r Room) countKey { return countKey{r.Count, r.Name} }, compareCountKey).PartitionBy(roomType),
	}

	// membersOf is each room's members by username.
	membersOf = table.ByKey("room", func(s Subscription) string { return s.Username }).PartitionBy(func(s Subscription) string { return s.RoomID })
	// roomsOf is each user's memberships.
	roomsOf = table.ByID[Subscription]("user").PartitionBy(func(s Subscription) string { return s.UserID })
	// ownersOf holds each room's owners; roledOf each room's members with
	// a room role, by username. Rows outside them sit in partition "".
	ownersOf = table.ByID[Subscription]("owners").PartitionBy(func(s Subscription) string {
		if slices.Contains(s.Roles, RoleOwner) {
			return s.RoomID
		}
		return ""
	})
	roledOf = table.ByKey("roled", func(s Subscription) string { return s.Username }).PartitionBy(func(s Subscription) string {
		if len(s.Roles) > 0 {
			return s.RoomID
		}
		return ""
	})
)

func roomType(r Room) string { return r.Type }

func roomName(r Room) string { return r.Name }

// compareNames orders room names case-insensitively, then exactly.
func compareNames(a, b string) int { return cmp.Or(table.CompareFold(a, b), strings.Compare(a, b)) }

// compareFolds orders pairs of texts case-insensitively.
func compareFolds(a, b [2]string) int {
	return cmp.Or(table.CompareFold(a[0], b[0]), table.CompareFold(a[1], b[1]))
}

type timeKey struct {
	at  time.Time
	tie string
}

func compareTimeKey(a, b timeKey) int {
	return cmp.Or(a.at.Compare(b.at), strings.Compare(a.tie, b.tie))
}

// compareTimeKeyFold breaks ties of time case-insensitively.
func compareTimeKeyFold(a, b timeKey) int {
	return cmp.Or(a.at.Compare(b.at), table.CompareFold(a.tie, b.tie))
}

type countKey struct {
	n   int
	tie string
}

func compareCountKey(a, b countKey) int {
	return cmp.Or(cmp.Compare(a.n, b.n), strings.Compare(a.tie, b.tie))
}

// TableSpec declares the users table.
func (User) TableSpec() table.Spec[User] {
	return table.Spec[User]{Name: "users", ID: func(u User) string { return u.ID },
		Unique:  []*table.Unique[User]{usersByUsername, usersByEmail},
		Ordered: []*table.Order[User]{usersInUsername, usersInName, usersInCreated},
		Clone:   func(u User) User { u.Roles = slices.Clone(u.Roles); return u }}
}

// TableSpec declares the rooms table.
func (Room) TableSpec() table.Spec[Room] {
	ordered := make([]*table.Order[Room], 0, len(roomsIn))
	for _, k := range slices.Sorted(maps.Keys(roomsIn)) {
		ordered = append(ordered, roomsIn[k])
	}
	return table.Spec[Room]{Name: "rooms", ID: func(r Room) string { return r.ID },
		Unique: []*table.Unique[Room]{roomsByName, directByMembers}, Ordered: ordered,
		Clone: func(r Room) Room {
			r.Custom, r.Uids, r.Usernames = maps.Clone(r.Custom), slices.Clone(r.Uids), slices.Clone(r.Usernames)
			return r
		}}
}

// TableSpec declares the memberships table.
func (Subscription) TableSpec() table.Spec[Subscription] {
	return table.Spec[Subscription]{Name: "subscriptions", ID: func(s Subscription) string { return s.Key },
		Ordered: []*table.Order[Subscription]{membersOf, roomsOf, ownersOf, roledOf},
		Clone:   func(s Subscription) Subscription { s.Roles = slices.Clone(s.Roles); return s }}
}

// memberKey is a membership's primary key.
func memberKey(roomID, userID string) string { return roomID + "/" + userID }

// keyed returns m with key, which must be memberKey(m.RoomID, m.UserID),
// as its Key, and its RoomID and UserID as parts of it, so that the three
// share one string.
func (m Subscription) keyed(key string) Subscription {
	m.Key, m.RoomID, m.UserID = key, key[:len(m.RoomID)], key[len(m.RoomID)+1:]
	return m
}

// NewState returns an empty world with the default permission table.
func NewState(now time.Time) *State {
	s := &State{Tokens: map[string]string{}, Permissions: map[string]*Permission{}}
	for id, roles := range DefaultPermissions {
		s.Permissions[id] = &Permission{ID: id, Roles: slices.Clone(roles), Updated: now}
	}
	return s
}

// CopyState returns Copy: the store encodes it outside the namespace's
// lock.
func (s *State) CopyState() any { return s.Copy() }

// Copy returns a copy of s that shares nothing either will change: the
// tables are copied on write in O(1), the tokens and permissions (small)
// copied. It may run alongside reads of s, not alongside its changes.
func (s *State) Copy() *State {
	c := &State{Users: s.Users.Copy(), Rooms: s.Rooms.Copy(), Members: s.Members.Copy(),
		Messages: s.Messages.Copy(), Removed: s.Removed.Copy(),
		Tokens: maps.Clone(s.Tokens), Permissions: make(map[string]*Permission, len(s.Permissions))}
	for id, p := range s.Permissions {
		cp := *p
		cp.Roles = slices.Clone(p.Roles)
		c.Permissions[id] = &cp
	}
	return c
}

var _ mockserver.Copier = (*State)(nil)

// DefaultPermissions is the subset of Rocket.Chat's default permission
// table that the fake enforces (reference §6.1).
var DefaultPermissions = map[string][]string{
	"access-permissions":         {"admin"},
	"add-user-to-any-c-room":     {"admin"},
	"add-user-to-any-p-room":     {},
	"add-user-to-joined-room":    {"admin", "owner", "moderator"},
	"assign-admin-role":          {"admin"},
	"assign-roles":               {"admin"},
	"create-c":                   {"admin", "user", "bot", "app"},
	"create-d":                   {"admin", "user", "bot", "app"},
	"create-p":                   {"admin", "user", "bot", "app"},
	"create-user":                {"admin"},
	"delete-c":                   {"admin", "owner"},
	"delete-p":                   {"admin", "owner"},
	"delete-user":                {"admin"},
	"kick-user-from-any-c-room":  {"admin"},
	"kick-user-from-any-p-room":  {},
	"remove-user":                {"admin", "owner", "moderator"},
	"set-leader":                 {"admin", "owner"},
	"set-moderator":              {"admin", "owner"},
	"set-owner":                  {"admin", "owner"},
	"view-broadcast-member-list": {"admin", "owner", "moderator"},
	"view-c-room":                {"admin", "user", "bot", "app", "anonymous"},
	"view-joined-room":           {"guest", "bot", "app", "anonymous"},
	"view-p-room":                {"admin", "user", "anonymous", "guest"},
	"view-other-user-channels":   {"admin"},
	"view-room-administration":   {"admin"},
	"view-user-administration":   {"admin"},
	"view-full-other-user-info":  {"admin"},
	"edit-other-user-info":       {"admin"},
	"edit-room":                  {"admin", "owner", "moderator"},
	"archive-room":               {"admin", "owner"},
	"unarchive-room":             {"admin", "owner"},
	"view-d-room":                {"admin", "user", "bot", "app", "guest"},
	"manage-assets":              {"admin"},
	"bulk-register-user":         {"admin"},
	"edit-permissions":           {"admin"},
	"leave-c":                    {"admin", "user", "bot", "anonymous", "app"},
	"leave-p":                    {"admin", "user", "bot", "anonymous", "app"},
}

// KnownRoles are the roles a permission can be given to.
var KnownRoles = []string{"admin", "anonymous", "app", "bot", "guest", "leader", "moderator", "owner", "user"}

// user returns the user id, or nil.
func (s *State) user(id string) *User {
	if u, ok := s.Users.Get(id); ok {
		return &u
	}
	return nil
}

// room returns the room id, or nil.
func (s *State) room(id string) *Room {
	if r, ok := s.Rooms.Get(id); ok {
		return &r
	}
	return nil
}

// sub returns userID's membership of room roomID, or nil.
func (s *State) sub(roomID, userID string) *Subscription {
	if m, ok := s.Members.Get(memberKey(roomID, userID)); ok {
		return &m
	}
	return nil
}

// isMember reports whether userID belongs to room roomID: sub without the
// copy of the membership it returns.
func (s *State) isMember(roomID, userID string) bool {
	_, ok := s.Members.Get(memberKey(roomID, userID))
	return ok
}

// ownerCount is the number of owners of room r: O(log n).
func (s *State) ownerCount(r *Room) int { return s.Members.Count(ownersOf, r.ID) }

// hasRole reports whether user holds role in room r.
func (s *State) hasRole(r *Room, userID, role string) bool {
	m, ok := s.Members.Get(memberKey(r.ID, userID))
	return ok && slices.Contains(m.Roles, role)
}

// addMember makes u a member of r with roles, unless it is one already,
// and keeps r's member count (in r too). It reports whether u joined.
func (s *State) addMember(r *Room, u *User, roles []string, now time.Time) bool {
	if s.isMember(r.ID, u.ID) {
		return false
	}
	if roles == nil {
		roles = []string{}
	}
	m := Subscription{RoomID: r.ID, UserID: u.ID, Username: strings.ToLower(u.Username), Roles: roles, Joined: now}
	must(s.Members.Insert(m.keyed(memberKey(r.ID, u.ID))))
	r.Count++
	return true
}

// removeMember ends userID's membership of r and keeps r's member count.
func (s *State) removeMember(r *Room, userID string) {
	if _, ok := s.Members.Delete(memberKey(r.ID, userID)); ok {
		r.Count--
		s.removed(r.ID, userID)
	}
}

// putRoom stores r (a changed copy of a stored room, or a new one).
func (s *State) putRoom(r *Room) {
	if _, ok := s.Rooms.Get(r.ID); ok {
		must(s.Rooms.Replace(*r))
		return
	}
	must(s.Rooms.Insert(*r))
}

// must panics on an error the rules have ruled out by their checks: a
// table refusing a change here is a bug in the rules, not a request's
// fault.
func must(err error) {
	if err != nil {
		panic(fmt.Sprintf("rocketchat: %v", err))
	}
}

// can reports whether u holds permission perm, through a global role or,
// when r is not nil, a role in r (Rocket.Chat's hasPermission with a room).
func (s *State) can(u *User, perm string, r *Room) bool {
	p, ok := s.Permissions[perm]
	if !ok {
		return false
	}
	for _, role := range p.Roles {
		if slices.Contains(u.Roles, role) {
			return true
		}
	}
	if r == nil {
		return false
	}
	// The room's roles are looked up only when the user's own do not
	// grant perm: most callers that may are admins or users.
	m, ok := s.Members.Get(memberKey(r.ID, u.ID))
	if !ok {
		return false
	}
	for _, role := range p.Roles {
		if slices.Contains(m.Roles, role) {
			return true
		}
	}
	return false
}

// canAccess reports whether u may see room r: members always; anyone with
// view-c-room for public channels.
func (s *State) canAccess(u *User, r *Room) bool {
	if s.isMember(r.ID, u.ID) {
		return true
	}
	return r.Type == TypeChannel && s.can(u, "view-c-room", nil)
}

// userByName finds a user by username, case-insensitively: O(log n).
func (s *State) userByName(name string) *User {
	if u, ok := s.Users.Lookup(usersByUsername, name); ok {
		return &u
	}
	return nil
}

// userByEmail finds a user by e-mail address, case-insensitively: O(log n).
func (s *State) userByEmail(email string) *User {
	if u, ok := s.Users.Lookup(usersByEmail, email); ok {
		return &u
	}
	return nil
}

// roomByName finds a room by name (names are unique across types).
func (s *State) roomByName(name string) *Room {
	if r, ok := s.Rooms.Lookup(roomsByName, name); ok {
		return &r
	}
	return nil
}

// idAlphabet is Meteor's id alphabet.
const idAlphabet = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"

// newID returns a random 17-character Meteor-style id.
func newID() string {
	var b [17]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}

// seededID derives a stable Meteor-style id from parts, for seeded data.
func seededID(parts ...string) string { return string(appendSeededID(nil, parts...)) }

// appendSeededID appends seededID(parts...) to b.
func appendSeededID(b []byte, parts ...string) []byte {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	for _, c := range h.Sum(sum[:0])[:17] {
		b = append(b, idAlphabet[int(c)%len(idAlphabet)])
	}
	return b
}

// newToken returns a random 43-character auth token.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret hashes a token or password for storage.
func hashSecret(secret string) string { return mockserver.DigestSecret(secret).String() }
