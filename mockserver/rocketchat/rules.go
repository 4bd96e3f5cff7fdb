package rocketchat

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
)

// This file holds the business rules, written against State alone so that
// they read like the reference (§5, §6) and can be tested without HTTP.
// Every function makes all its checks before its first change to the state.

// RoomRef names a room by id or name, as the roomId/roomName params do.
type RoomRef struct {
	ID, Name string
	// HasID and HasName say the request carried the key, even empty:
	// groups.* tell an empty key from a missing one.
	HasID, HasName bool
}

// given reports whether the request carried roomId and roomName.
func (ref RoomRef) given() (id, name bool) {
	return ref.HasID || ref.ID != "", ref.HasName || ref.Name != ""
}

// UserRef names a user by id or username.
type UserRef struct{ ID, Username string }

var errRoomParam = fail("error-roomid-param-not-provided", "The parameter \"roomId\" or \"roomName\" is required")

// errGroupParam is errRoomParam as groups.* give it (getRoomFromParams in
// apps/meteor/app/api/server/v1/groups.ts).
var errGroupParam = fail("error-room-param-not-provided", "The parameter \"roomId\" or \"roomName\" is required")

// errRoomsInfoNotAllowed is rooms.info's answer for a room that is missing
// or that the caller cannot access: API.v1.failure('not-allowed', 'Not
// Allowed') (apps/meteor/app/api/server/v1/rooms.ts), whose arguments land
// as error and errorType.
var errRoomsInfoNotAllowed = plain(http.StatusBadRequest, "Not Allowed", "not-allowed")

// The default name rules of a stock server: UTF8_Channel_Names_Validation
// and UTF8_User_Names_Validation are both [0-9a-zA-Z-_.]+, and e-mails get
// validateEmail's basic check (apps/meteor/lib/emailValidator.ts, the
// basic_email format of rest-typings' Ajv.js).
var (
	validName  = regexp.MustCompile(`^[0-9a-zA-Z\-_.]+$`)
	basicEmail = regexp.MustCompile(`^[^@]+@[^@]+$`)
)

// kindName is how error messages name a room type.
func kindName(t string) string {
	if t == TypeGroup {
		return "group"
	}
	return "channel"
}

// findRoom resolves ref to a room of type t that caller can access, with the
// errors channels.* and groups.* give: a room of the other type is "not
// found", which is why private rooms need groups.*.
func (s *State) findRoom(caller *User, ref RoomRef, t string) (*Room, error) {
	hasID, hasName := ref.given()
	if t == TypeGroup {
		// groups.* name the missing parameter with a code of their own, and
		// only when neither key came or both came empty; an empty roomId
		// alone is looked up, and found nowhere (getRoomFromParams in
		// apps/meteor/app/api/server/v1/groups.ts).
		if (!hasID && !hasName) || (hasID && ref.ID == "" && hasName && ref.Name == "") {
			return nil, errGroupParam
		}
	} else if ref.ID == "" && ref.Name == "" {
		return nil, errRoomParam
	}
	var r *Room
	if ref.ID != "" || (t == TypeGroup && hasID) {
		r = s.room(ref.ID)
	} else {
		r = s.roomByName(ref.Name)
	}
	if r == nil || r.Type != t || (t == TypeGroup && !s.canAccess(caller, r)) {
		return nil, ErrRoomNotFound.With(fmt.Sprintf("The required \"roomId\" or \"roomName\" param provided does not match any %s", kindName(t)))
	}
	return r, nil
}

// findAnyRoom resolves a room id for rooms.info: any type the caller can see.
func (s *State) findAnyRoom(caller *User, id string) (*Room, error) {
	if id == "" {
		return nil, errRoomParam
	}
	// findRoomByIdOrName (apps/meteor/app/api/server/v1/rooms.ts) refuses
	// an unknown room in its channel wording; the route answers not-allowed
	// for a room the caller cannot access.
	r := s.room(id)
	if r == nil {
		return nil, ErrRoomNotFound
	}
	if !s.canAccess(caller, r) {
		return nil, errRoomsInfoNotAllowed
	}
	return r, nil
}

// findUser resolves a user reference, as getUserFromParams does.
func (s *State) findUser(ref UserRef) (*User, error) {
	var u *User
	switch {
	case ref.ID != "":
		u = s.user(ref.ID)
	case ref.Username != "":
		u = s.userByName(ref.Username)
	default:
		return nil, fail("error-user-param-not-provided", "The required \"userId\" or \"username\" param was not provided")
	}
	if u == nil {
		return nil, fail("error-invalid-user", "The required \"userId\" or \"username\" param provided does not match any users")
	}
	return u, nil
}

// InviteList is every way channels.invite and groups.invite name users.
type InviteList struct {
	UserID    string
	Username  string
	User      string // legacy alias of Username
	UserIDs   []string
	Usernames []string
}

func (l InviteList) empty() bool {
	return l.UserID == "" && l.Username == "" && l.User == "" && len(l.UserIDs) == 0 && len(l.Usernames) == 0
}

// resolveInvitees merges and de-duplicates the list. Unknown ids are dropped
// silently; an unknown username is an error (reference §5).
func (s *State) resolveInvitees(l InviteList) ([]*User, error) {
	if l.empty() {
		return nil, fail("error-users-params-not-provided", "Please provide \"userId\" or \"username\" or \"userIds\" or \"usernames\" as param")
	}
	seen := map[string]bool{}
	var out []*User
	add := func(u *User) {
		if u != nil && !seen[u.ID] {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	ids := slices.Clone(l.UserIDs)
	if l.UserID != "" {
		ids = append([]string{l.UserID}, ids...)
	}
	for _, id := range ids {
		add(s.user(id))
	}
	names := slices.Clone(l.Usernames)
	for _, n := range []string{l.Username, l.User} {
		if n != "" {
			names = append(names, n)
		}
	}
	for _, n := range names {
		u := s.userByName(n)
		if u == nil {
			return nil, ErrUserNotFound
		}
		add(u)
	}
	return out, nil
}

// invite adds users to room r for caller (addUsersToRoom): members are
// skipped, so re-inviting is a no-op. It returns how many joined.
func (s *State) invite(caller *User, r *Room, users []*User, now time.Time) (int, error) {
	if len(users) == 0 {
		if r.Type == TypeGroup {
			return 0, fail("error-empty-invite-list", "Cannot invite if no valid users are provided")
		}
		// The server swaps the two arguments here; clients see them swapped.
		return 0, plain(http.StatusBadRequest, "Cannot invite if no users are provided", "invalid-user-invite-list")
	}
	if r.Type == TypeDirect {
		return 0, fail("error-cant-invite-for-direct-room", "Can't invite user to direct rooms")
	}
	member := s.isMember(r.ID, caller.ID)
	allowed := (member && s.can(caller, "add-user-to-joined-room", r)) ||
		(r.Type == TypeChannel && s.can(caller, "add-user-to-any-c-room", nil)) ||
		(r.Type == TypeGroup && s.can(caller, "add-user-to-any-p-room", nil))
	if !allowed {
		return 0, ErrNotAllowed.WithDetail("method", "addUsersToRoom")
	}
	if r.Archived {
		return 0, fail("error-room-archived", fmt.Sprintf("The %s, %s, is archived", kindName(r.Type), r.Name))
	}
	added := 0
	for _, u := range users {
		if s.addMember(r, u, nil, now) {
			added++
		}
	}
	if added > 0 {
		r.Updated = now
		s.putRoom(r)
	}
	return added, nil
}

// kick removes target from r for caller (removeUserFromRoom, §6.3).
func (s *State) kick(caller *User, r *Room, target *User, now time.Time) error {
	const method = "removeUserFromRoom"
	if !s.can(caller, "remove-user", r) {
		return ErrNotAllowed.WithDetail("method", method)
	}
	anyRoom := "kick-user-from-any-" + r.Type + "-room"
	if !s.can(caller, anyRoom, nil) && !s.canAccess(caller, r) {
		return ErrRoomNotFound.WithDetail("method", method)
	}
	if !s.isMember(r.ID, target.ID) {
		return ErrUserNotInRoom.WithDetail("method", method)
	}
	if s.hasRole(r, target.ID, RoleOwner) && s.ownerCount(r) == 1 {
		return ErrYouAreLastOwner.WithDetail("method", method)
	}
	s.removeMember(r, target.ID)
	r.Updated = now
	s.putRoom(r)
	return nil
}

// join adds caller to the public channel r.
func (s *State) join(caller *User, r *Room, now time.Time) error {
	if r.Archived {
		return fail("error-room-archived", fmt.Sprintf("The channel, %s, is archived", r.Name))
	}
	if s.isMember(r.ID, caller.ID) {
		return nil
	}
	if !s.can(caller, "view-c-room", nil) {
		return ErrNotAllowed.WithDetail("method", "joinRoom")
	}
	s.addMember(r, caller, nil, now)
	r.Updated = now
	s.putRoom(r)
	return nil
}

// leave removes caller from r; the last owner must hand over first.
func (s *State) leave(caller *User, r *Room, now time.Time) error {
	if !s.isMember(r.ID, caller.ID) {
		return ErrUserNotInRoom.With("You are not in this room").WithDetail("method", "leaveRoom")
	}
	if s.hasRole(r, caller.ID, RoleOwner) && s.ownerCount(r) == 1 {
		return ErrYouAreLastOwner.WithDetail("method", "leaveRoom")
	}
	s.removeMember(r, caller.ID)
	r.Updated = now
	s.putRoom(r)
	return nil
}

// deleteRoom removes r for caller (delete-c / delete-p).
func (s *State) deleteRoom(caller *User, r *Room) error {
	if !s.can(caller, "delete-"+r.Type, r) {
		return ErrNotAllowed.WithDetail("method", "eraseRoom")
	}
	s.dropRoom(r.ID)
	return nil
}

// dropRoom deletes room id and its memberships.
func (s *State) dropRoom(id string) {
	s.forgetRoom(id)
	var keys []string
	for m := range s.Members.Range(membersOf, id, 0, false) {
		keys = append(keys, memberKey(m.RoomID, m.UserID))
	}
	for _, k := range keys {
		s.Members.Delete(k)
	}
	s.Rooms.Delete(id)
}

// roleChange describes addOwner, removeOwner, addModerator and
// removeModerator: which permission they need and which errors they give.
type roleChange struct {
	role, permission, method string
	add                      bool
	notMember                *mockserver.Error // target not in the room
	already                  *mockserver.Error // adding a role held / removing one not held
	last                     *mockserver.Error // removing the last holder, if that is refused
}

var (
	addOwner = roleChange{role: RoleOwner, permission: "set-owner", method: "addRoomOwner", add: true,
		notMember: ErrUserNotInRoom, already: ErrAlreadyOwner}
	removeOwner = roleChange{role: RoleOwner, permission: "set-owner", method: "removeRoomOwner",
		notMember: fail("error-invalid-room", "Invalid room"), already: ErrNotOwner, last: ErrLastOwner}
	addModerator = roleChange{role: RoleModerator, permission: "set-moderator", method: "addRoomModerator", add: true,
		notMember: ErrUserNotInRoom, already: ErrAlreadyModerator}
	removeModerator = roleChange{role: RoleModerator, permission: "set-moderator", method: "removeRoomModerator",
		notMember: ErrUserNotInRoom, already: ErrNotModerator}
)

// changeRole applies c to target in r for caller (§6.4).
func (s *State) changeRole(caller *User, r *Room, target *User, c roleChange, now time.Time) error {
	if !s.can(caller, c.permission, r) {
		return ErrNotAllowed.WithDetail("method", c.method)
	}
	sub := s.sub(r.ID, target.ID)
	if sub == nil {
		return c.notMember.WithDetail("method", c.method)
	}
	has := slices.Contains(sub.Roles, c.role)
	if has == c.add {
		return c.already.WithDetail("method", c.method)
	}
	if !c.add && c.last != nil && s.ownerCount(r) == 1 {
		return c.last.WithDetail("method", c.method)
	}
	if c.add {
		sub.Roles = append(slices.Clone(sub.Roles), c.role)
	} else {
		sub.Roles = slices.DeleteFunc(slices.Clone(sub.Roles), func(x string) bool { return x == c.role })
	}
	must(s.Members.Replace(*sub))
	r.Updated = now
	s.putRoom(r)
	return nil
}

// RoomInput is what channels.create and groups.create accept.
type RoomInput struct {
	Name        string
	Members     []string // usernames
	ReadOnly    bool
	ExcludeSelf bool
	Broadcast   bool
	Encrypted   bool
	Custom      map[string]any
}

// createRoom creates a room of type t owned by caller.
func (s *State) createRoom(caller *User, t string, in RoomInput, now time.Time) (*Room, error) {
	if !s.can(caller, "create-"+t, nil) {
		return nil, errForbiddenHelper
	}
	if in.Name == "" {
		// createChannelValidator (apps/meteor/app/api/server/v1/channels.ts).
		return nil, plain(http.StatusBadRequest, "", `Param "name" is required`)
	}
	if !validName.MatchString(in.Name) {
		// getValidRoomName with the default UTF8_Channel_Names_Validation.
		return nil, fail("error-invalid-room-name", in.Name+" is not a valid room name.").
			WithDetail("function", "RocketChat.getValidRoomName").WithDetail("channel_name", in.Name)
	}
	if s.roomByName(in.Name) != nil {
		return nil, ErrDuplicateName.With(fmt.Sprintf("A channel with name '%s' exists", in.Name)).WithDetail("method", "createRoom")
	}
	var members []*User
	for _, name := range in.Members {
		u := s.userByName(name)
		if u == nil {
			return nil, ErrUserNotFound.With(fmt.Sprintf("Invalid user %q", name)).WithDetail("method", "createRoom")
		}
		members = append(members, u)
	}
	r := &Room{ID: newID(), Type: t, Name: in.Name, Creator: Ref{caller.ID, caller.Username}, ReadOnly: in.ReadOnly,
		Broadcast: in.Broadcast, Encrypted: in.Encrypted, Custom: in.Custom,
		Created: now, Updated: now}
	if !in.ExcludeSelf {
		s.addMember(r, caller, []string{RoleOwner}, now)
	}
	for _, u := range members {
		s.addMember(r, u, nil, now)
	}
	must(s.Rooms.Insert(*r))
	return r, nil
}

// UserInput is what users.create accepts.
type UserInput struct {
	Username, Name, Email, Password, Nickname string
	Roles                                     []string
	Active                                    *bool
	Verified                                  bool
}

// createUser adds an account for caller (create-user).
func (s *State) createUser(caller *User, in UserInput, now time.Time) (*User, error) {
	if !s.can(caller, "create-user", nil) {
		return nil, fail("error-action-not-allowed", "Adding user is not allowed").WithDetail("method", "insertOrUpdateUser")
	}
	// saveUser's validateUserData, with the default settings: the e-mail's
	// basic form and UTF8_User_Names_Validation.
	if !validName.MatchString(in.Username) {
		return nil, fail("error-input-is-not-a-valid-field", in.Username+" is not a valid username").
			WithDetail("method", "insertOrUpdateUser").WithDetail("input", in.Username).WithDetail("field", "Username")
	}
	if !basicEmail.MatchString(in.Email) {
		return nil, fail("error-invalid-email", "Invalid email "+in.Email).WithDetail("method", "insertOrUpdateUser").WithDetail("email", in.Email)
	}
	if s.userByName(in.Username) != nil {
		return nil, ErrFieldUnavailable.With(fmt.Sprintf("%s is already in use :(", in.Username)).WithDetail("method", "insertOrUpdateUser")
	}
	if s.userByEmail(in.Email) != nil {
		return nil, ErrFieldUnavailable.With(fmt.Sprintf("%s is already in use :(", in.Email)).WithDetail("method", "insertOrUpdateUser")
	}
	roles := in.Roles
	if len(roles) == 0 {
		roles = []string{"user"}
	}
	for _, role := range roles {
		if !slices.Contains(KnownRoles, role) || role == RoleOwner || role == RoleModerator || role == RoleLeader {
			return nil, fail("error-invalid-role", fmt.Sprintf("Invalid role %q", role)).WithDetail("method", "insertOrUpdateUser")
		}
	}
	if slices.Contains(roles, "admin") && !s.can(caller, "assign-admin-role", nil) {
		return nil, fail("error-action-not-allowed", "Assigning admin is not allowed").WithDetail("method", "insertOrUpdateUser")
	}
	active := in.Active == nil || *in.Active
	u := &User{ID: newID(), Username: in.Username, Name: in.Name, Email: strings.ToLower(in.Email), Verified: in.Verified,
		Password: hashSecret(in.Password), Roles: slices.Clone(roles), Active: active, Type: "user", Status: "offline",
		Nickname: in.Nickname, CreatedAt: now, UpdatedAt: now}
	must(s.Users.Insert(*u))
	return u, nil
}

// deleteUser removes target and all its memberships and tokens. Rooms it
// is the last owner of need confirmRelinquish (relinquish): those with
// other members pass to their longest-standing member, those it is alone
// in are deleted with it. It returns the ids of the deleted rooms.
func (s *State) deleteUser(caller, target *User, relinquish bool) ([]string, error) {
	if !s.can(caller, "delete-user", nil) {
		return nil, errUnauthorizedHelper
	}
	var orphaned, removed []*Room
	var names []string
	var mine []string // the rooms target is in
	for m := range s.Members.Range(roomsOf, target.ID, 0, false) {
		mine = append(mine, m.RoomID)
	}
	var owned []*Room
	for _, id := range mine {
		if r := s.room(id); s.hasRole(r, target.ID, RoleOwner) && s.ownerCount(r) == 1 {
			owned = append(owned, r)
		}
	}
	slices.SortFunc(owned, func(a, b *Room) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range owned {
		if r.Count > 1 {
			orphaned = append(orphaned, r)
		} else {
			removed = append(removed, r)
		}
		names = append(names, r.Name)
	}
	if len(names) > 0 && !relinquish {
		e := fail("user-last-owner", "The user is the last owner of rooms; pass confirmRelinquish to hand them over to their oldest members, or delete those the user is alone in")
		e.Details = map[string]any{"rooms": names}
		return nil, e
	}
	for _, r := range orphaned {
		var heir *Subscription
		for sub := range s.Members.Range(membersOf, r.ID, 0, false) {
			if sub.UserID == target.ID {
				continue
			}
			if heir == nil || sub.Joined.Before(heir.Joined) || (sub.Joined.Equal(heir.Joined) && sub.UserID < heir.UserID) {
				heir = &sub
			}
		}
		heir.Roles = append(slices.Clone(heir.Roles), RoleOwner)
		must(s.Members.Replace(*heir))
	}
	deleted := make([]string, len(removed))
	for i, r := range removed {
		deleted[i] = r.ID
		s.dropRoom(r.ID)
	}
	for _, id := range mine {
		if r := s.room(id); r != nil {
			s.removeMember(r, target.ID)
			s.putRoom(r)
		}
	}
	for hash, id := range s.Tokens {
		if id == target.ID {
			delete(s.Tokens, hash)
		}
	}
	s.Users.Delete(target.ID)
	return deleted, nil
}

// PermissionChange is one entry of permissions.update.
type PermissionChange struct {
	ID    string
	Roles []string
}

// updatePermissions replaces the role lists of the named permissions.
func (s *State) updatePermissions(caller *User, changes []PermissionChange, now time.Time) ([]*Permission, error) {
	if !s.can(caller, "access-permissions", nil) {
		return nil, errForbidden
	}
	for _, c := range changes {
		if _, ok := s.Permissions[c.ID]; !ok {
			return nil, plain(http.StatusBadRequest, "error-invalid-permission", "Invalid permission")
		}
		for _, role := range c.Roles {
			if !slices.Contains(KnownRoles, role) {
				return nil, plain(http.StatusBadRequest, "error-invalid-role", "Invalid role")
			}
		}
	}
	out := make([]*Permission, 0, len(changes))
	for _, c := range changes {
		p := s.Permissions[c.ID]
		roles := slices.Clone(c.Roles)
		slices.Sort(roles)
		p.Roles, p.Updated = slices.Compact(roles), now
		out = append(out, p)
	}
	return out, nil
}
