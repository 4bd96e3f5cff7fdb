package rocketchat

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"time"
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

// State is the whole Rocket.Chat world of one namespace. It is plain data so
// that snapshots round-trip through JSON; every index it needs is derived on
// the fly, so an imported snapshot cannot disagree with itself.
type State struct {
	Users       map[string]*User       `json:"users"`       // by _id
	Rooms       map[string]*Room       `json:"rooms"`       // by _id
	Tokens      map[string]string      `json:"tokens"`      // sha256(authToken) hex → user _id
	Permissions map[string]*Permission `json:"permissions"` // by _id
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

// Room is a channel, a private group or a direct room, with its
// subscriptions (who is in it, with which room roles).
type Room struct {
	ID          string                   `json:"_id"`
	Type        string                   `json:"t"`
	Name        string                   `json:"name"`
	Topic       string                   `json:"topic,omitempty"`
	Description string                   `json:"description,omitempty"`
	Creator     Ref                      `json:"u"`
	ReadOnly    bool                     `json:"ro"`
	Broadcast   bool                     `json:"broadcast"`
	Encrypted   bool                     `json:"encrypted"`
	Archived    bool                     `json:"archived"`
	Default     bool                     `json:"default"`
	Msgs        int                      `json:"msgs"`
	Custom      map[string]any           `json:"customFields,omitempty"`
	Created     time.Time                `json:"ts"`
	Updated     time.Time                `json:"_updatedAt"`
	Subs        map[string]*Subscription `json:"subscriptions"` // by user _id
}

// Ref names a user by id and username, as rooms name their creator.
type Ref struct {
	ID       string `json:"_id"`
	Username string `json:"username"`
}

// Subscription is one user's membership of a room.
type Subscription struct {
	UserID string    `json:"userId"`
	Roles  []string  `json:"roles"`
	Joined time.Time `json:"ts"`
}

// Permission maps a permission to the roles that hold it.
type Permission struct {
	ID      string    `json:"_id"`
	Roles   []string  `json:"roles"`
	Updated time.Time `json:"_updatedAt"`
}

// NewState returns an empty world with the default permission table.
func NewState(now time.Time) *State {
	s := &State{
		Users:       map[string]*User{},
		Rooms:       map[string]*Room{},
		Tokens:      map[string]string{},
		Permissions: map[string]*Permission{},
	}
	for id, roles := range DefaultPermissions {
		s.Permissions[id] = &Permission{ID: id, Roles: slices.Clone(roles), Updated: now}
	}
	return s
}

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

// usersCount is the number of members, derived so that it is always true.
func (r *Room) usersCount() int { return len(r.Subs) }

// owners returns the ids of the room's owners.
func (r *Room) owners() []string {
	var ids []string
	for id, sub := range r.Subs {
		if slices.Contains(sub.Roles, RoleOwner) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// hasRole reports whether user holds role in room r.
func (r *Room) hasRole(userID, role string) bool {
	sub, ok := r.Subs[userID]
	return ok && slices.Contains(sub.Roles, role)
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
		if r != nil && r.hasRole(u.ID, role) {
			return true
		}
	}
	return false
}

// canAccess reports whether u may see room r: members always; anyone with
// view-c-room for public channels.
func (s *State) canAccess(u *User, r *Room) bool {
	if _, ok := r.Subs[u.ID]; ok {
		return true
	}
	return r.Type == TypeChannel && s.can(u, "view-c-room", nil)
}

// userByName finds a user by username, case-insensitively.
func (s *State) userByName(name string) *User {
	for _, u := range s.Users {
		if strings.EqualFold(u.Username, name) {
			return u
		}
	}
	return nil
}

// userByEmail finds a user by e-mail address, case-insensitively.
func (s *State) userByEmail(email string) *User {
	for _, u := range s.Users {
		if strings.EqualFold(u.Email, email) {
			return u
		}
	}
	return nil
}

// roomByName finds a room by name (names are unique across types).
func (s *State) roomByName(name string) *Room {
	for _, r := range s.Rooms {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// sortedUsers returns users ordered by username, for stable listings.
func sortedUsers(users []*User) []*User {
	slices.SortFunc(users, func(a, b *User) int { return cmp.Compare(strings.ToLower(a.Username), strings.ToLower(b.Username)) })
	return users
}

// sortedRooms returns the rooms ordered by name.
func (s *State) sortedRooms(keep func(*Room) bool) []*Room {
	var out []*Room
	for _, r := range s.Rooms {
		if keep(r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *Room) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// members returns the users subscribed to r, by username.
func (s *State) members(r *Room) []*User {
	out := make([]*User, 0, len(r.Subs))
	for _, id := range slices.Sorted(maps.Keys(r.Subs)) {
		if u := s.Users[id]; u != nil {
			out = append(out, u)
		}
	}
	return sortedUsers(out)
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
func seededID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	var b [17]byte
	for i := range b {
		b[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
	}
	return string(b[:])
}

// newToken returns a random 43-character auth token.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret hashes a token or password for storage.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
