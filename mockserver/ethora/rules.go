package ethora

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The business rules, written against State alone. Each makes its checks
// before its first change, so a refused call leaves the state as it was.

// scope checks that caller may act on app id: it is the caller's own app or
// one of its children.
func (s *State) scope(caller, id string) (*App, error) {
	app, ok := s.Apps.Get(id)
	if !ok {
		return nil, notFound("app %q not found", id)
	}
	if id != caller && app.ParentID != caller {
		return nil, ErrForbidden.Withf("Forbidden: app %q is neither the token's app nor one of its children", id)
	}
	return &app, nil
}

// UserInput is one entry of a user batch.
type UserInput struct {
	UUID, Email, FirstName, LastName, Password, ProfileImage string
	Extra                                                    map[string]any
}

// checkBatchSize applies the bound of the v2 user batches, 1 to 100
// users (Dappros' MCP server; the v1 Swagger sets none for v1).
func checkBatchSize(n int) error {
	if n == 0 || n > 100 {
		return invalid("usersList must hold 1 to 100 users, got %d", n)
	}
	return nil
}

// batchUsers adds the users of a batch to app. Conflicts are per user
// (status exists or uuid_exists), never a failure of the whole batch. The
// users become visible at ready. Entries are upstream's UserDataB2B:
// optional strings without length or format rules (see UserInput in the
// spec).
func (s *State) batchUsers(appID string, in []UserInput, now, ready time.Time) ([]UserResult, error) {
	results := make([]UserResult, 0, len(in))
	for _, u := range in {
		uuid := localName(appID, u.UUID)
		if uuid == "" {
			uuid = objectID()
		}
		r := UserResult{UUID: uuid, XMPPUsername: appID + "_" + uuid, Status: "created"}
		_, taken := s.Users.Get(r.XMPPUsername)
		switch {
		case taken:
			r.Status, r.Error = "uuid_exists", fmt.Sprintf("user with uuid %q already exists", uuid)
		case s.emailTaken(appID, u.Email):
			r.Status, r.Error = "exists", fmt.Sprintf("user with email %q already exists", u.Email)
		default:
			err := s.Users.Insert(User{
				ID: objectID(), AppID: appID, UUID: uuid, FirstName: strings.TrimSpace(u.FirstName),
				LastName: strings.TrimSpace(u.LastName), Email: strings.ToLower(u.Email), ProfileImage: u.ProfileImage,
				Username: appID + "_" + uuid, Password: hashSecret(u.Password), XMPPPassword: randomSecret()[:20],
				Extra: u.Extra, VisibleAt: ready, CreatedAt: now, UpdatedAt: now,
			})
			if err != nil { // checked above: a broken index
				return nil, err
			}
		}
		results = append(results, r)
	}
	return results, nil
}

// emailTaken reports whether a user of app has the e-mail address email,
// in any case.
func (s *State) emailTaken(appID, email string) bool {
	_, ok := s.Users.Lookup(usersByEmail, emailKey(appID, email))
	return ok
}

// deleteUsers removes users of app by uuid, and their chat memberships.
// Every uuid must name a visible user; otherwise nothing is deleted. An
// empty list deletes nobody, which is no error.
func (s *State) deleteUsers(appID string, uuids []string, now time.Time, missing func(string) error) (int, error) {
	var gone []string
	for _, id := range uuids {
		u, ok := s.user(appID, id, now)
		if !ok {
			return 0, missing(id)
		}
		if !slices.Contains(gone, u.XMPPUsername()) {
			gone = append(gone, u.XMPPUsername())
		}
	}
	// Each user's memberships are found by the index of its chats.
	for _, name := range gone {
		s.deleteUserRecord(name)
	}
	return len(gone), nil
}

// ChatInput is what chat creation accepts.
type ChatInput struct {
	UUID, Title, Type, Description, Picture string
	Members                                 []string
	Extra                                   map[string]any
}

// createChat adds a chat named {appId}_{uuid} to app. Members that name no
// user of the app are left out.
func (s *State) createChat(appID, createdBy string, in ChatInput, now time.Time) (Chat, error) {
	uuid := localName(appID, jidLocal(in.UUID)) // a chat may be given as its full JID
	if uuid == "" {
		uuid = objectID()
	}
	name := appID + "_" + uuid
	if _, ok := s.Chats.Get(name); ok {
		return Chat{}, exists("Chat %q already exists", name)
	}
	c := Chat{ID: objectID(), Name: name, AppID: appID, Title: cmp.Or(in.Title, "Chat Room "+uuid), Type: cmp.Or(in.Type, "group"),
		Description: in.Description, Picture: in.Picture, CreatedBy: createdBy, Extra: in.Extra,
		CreatedAt: now, UpdatedAt: now}
	if err := s.Chats.Insert(c); err != nil {
		return Chat{}, err
	}
	for _, m := range in.Members {
		if u, ok := s.user(appID, m, now); ok {
			s.addMember(c, u.XMPPUsername())
		}
	}
	return c, nil
}

// deleteChat removes a chat of app by name, uuid or JID.
func (s *State) deleteChat(appID, ref string, missing func(string) error) error {
	c, ok := s.chat(appID, ref)
	if !ok {
		return missing(qualified(appID, ref))
	}
	s.deleteChatRecord(c.Name)
	return nil
}

// Access statuses, per member.
const (
	AccessGranted       = "granted"
	AccessAlreadyMember = "already-member"
	AccessRemoved       = "removed"
	AccessNotMember     = "not-member"
	AccessNotFound      = "not-found"
)

// AccessDetail is the outcome of a grant or removal for one member.
type AccessDetail struct{ XMPPUsername, Status string }

// access grants (or, with grant false, removes) members' access to a chat.
// It is idempotent: members already in (or already out) are reported, not
// refused; an empty list changes nothing.
func (s *State) access(appID, chatRef string, members []string, grant bool, now time.Time) (Chat, []AccessDetail, error) {
	c, ok := s.chat(appID, chatRef)
	if !ok {
		return Chat{}, nil, notFound("Chat %q not found", qualified(appID, chatRef))
	}
	details := make([]AccessDetail, 0, len(members))
	changed := false
	for _, m := range members {
		u, found := s.user(appID, m, now)
		name := qualified(appID, m)
		if found {
			name = u.XMPPUsername()
		}
		d := AccessDetail{XMPPUsername: name}
		switch {
		case !found:
			d.Status = AccessNotFound
		case grant && s.addMember(c, name):
			d.Status = AccessGranted
		case grant:
			d.Status = AccessAlreadyMember
		case s.removeMember(c.Name, name):
			d.Status = AccessRemoved
		default:
			d.Status = AccessNotMember
		}
		changed = changed || d.Status == AccessGranted || d.Status == AccessRemoved
		details = append(details, d)
	}
	if changed {
		c.UpdatedAt = now
		if err := s.Chats.Replace(c); err != nil {
			return Chat{}, nil, err
		}
	}
	return c, details, nil
}

// UserUpdate is one entry of PATCH .../chats/users.
type UserUpdate struct {
	XMPPUsername, UUID, FirstName, LastName, Username, ProfileImage string
}

// UpdateResult is the outcome of one UserUpdate.
type UpdateResult struct {
	Status       string // updated, not-found, skipped
	XMPPUsername string
	User         *User
}

// updateUsers changes names and pictures of users of app.
func (s *State) updateUsers(appID string, updates []UserUpdate, now time.Time) ([]UpdateResult, error) {
	if len(updates) == 0 || len(updates) > 100 {
		return nil, invalid("users must hold 1 to 100 entries, got %d", len(updates))
	}
	out := make([]UpdateResult, 0, len(updates))
	for _, up := range updates {
		ref := cmp.Or(up.XMPPUsername, up.UUID)
		if ref == "" {
			out = append(out, UpdateResult{Status: "skipped"})
			continue
		}
		r := UpdateResult{XMPPUsername: qualified(appID, ref)}
		u, found := s.user(appID, ref, now)
		if found {
			r.XMPPUsername = u.XMPPUsername()
		}
		switch {
		case !found:
			r.Status = "not-found"
		case up.FirstName == "" && up.LastName == "" && up.Username == "" && up.ProfileImage == "":
			r.Status, r.User = "skipped", &u
		default:
			for _, f := range []struct {
				dst *string
				v   string
			}{{&u.FirstName, up.FirstName}, {&u.LastName, up.LastName}, {&u.Username, up.Username}, {&u.ProfileImage, up.ProfileImage}} {
				if f.v != "" {
					*f.dst = f.v
				}
			}
			u.UpdatedAt = now
			if err := s.Users.Replace(u); err != nil {
				return nil, err
			}
			r.Status, r.User = "updated", &u
		}
		out = append(out, r)
	}
	return out, nil
}

// userChats returns at most limit of the chats of app that the user uuid
// is a member of, from position offset on, ordered as the app's chats
// (by creation, equal times by name), and how many there are. They come
// from the index of the user's memberships: O(log n + page).
func (s *State) userChats(appID, uuid string, now time.Time, offset, limit int) ([]Chat, int, error) {
	u, ok := s.user(appID, uuid, now)
	if !ok {
		return nil, 0, notFound("user %q not found in app %q", uuid, appID)
	}
	rows, total := s.Members.Page(chatsOf, u.XMPPUsername(), max(offset, 0), max(limit, 0), false)
	out := make([]Chat, 0, len(rows))
	for _, m := range rows {
		c, ok := s.Chats.Get(m.Chat)
		if !ok { // a membership outlives no chat: a broken rule
			return nil, 0, fmt.Errorf("ethora: %q is a member of chat %q, which does not exist", m.User, m.Chat)
		}
		out = append(out, c)
	}
	return out, total, nil
}

// deleteApp removes app, its children and everything they hold.
func (s *State) deleteApp(id string) {
	children, _ := s.Apps.Page(appsByCreated, id, 0, -1, false)
	for _, child := range children {
		s.deleteApp(child.ID)
	}
	// The app's chats hold every membership of its users.
	chats, _ := s.Chats.Page(chatsByCreated, id, 0, -1, false)
	for _, c := range chats {
		s.deleteChatRecord(c.Name)
	}
	users, _ := s.Users.Page(usersByCreated, id, 0, -1, false)
	for _, u := range users {
		s.Users.Delete(u.XMPPUsername())
	}
	jobs, _ := s.UserJobs.Page(jobsByApp, id, 0, -1, false)
	for _, j := range jobs {
		s.UserJobs.Delete(j.ID)
	}
	broadcasts, _ := s.Broadcasts.Page(broadcastsByApp, id, 0, -1, false)
	for _, b := range broadcasts {
		s.Broadcasts.Delete(b.ID)
	}
	if a, ok := s.Apps.Delete(id); ok {
		for _, t := range a.Tokens {
			s.setToken(t.Hash, tokenRef{App: id, Token: t.ID}, false)
		}
	}
}

// BroadcastInput selects the chats of a broadcast: exactly one of the three.
type BroadcastInput struct {
	Text      string
	AllRooms  bool
	ChatNames []string
	ChatIDs   []string
	DryRun    bool
}

// broadcast resolves a broadcast's targets into per-chat results.
func (s *State) broadcast(appID string, in BroadcastInput) ([]BroadcastResult, error) {
	selectors := 0
	for _, set := range []bool{in.AllRooms, len(in.ChatNames) > 0, len(in.ChatIDs) > 0} {
		if set {
			selectors++
		}
	}
	if selectors != 1 {
		return nil, ErrBadTarget.Withf("give exactly one of allRooms, chatNames and chatIds")
	}
	status := "sent"
	if in.DryRun {
		status = "skipped"
	}
	var out []BroadcastResult
	switch {
	case in.AllRooms:
		for c := range s.Chats.Range(chatsByCreated, appID, 0, false) {
			out = append(out, BroadcastResult{ChatName: c.Name, Status: status})
		}
	default:
		// chatIds are the uuids given at creation: they name chats as
		// chatNames do.
		for _, n := range append(slices.Clone(in.ChatNames), in.ChatIDs...) {
			r := BroadcastResult{ChatName: qualified(appID, n), Status: status}
			if _, ok := s.chat(appID, n); !ok {
				r.Status = "not-found"
			}
			out = append(out, r)
		}
	}
	return out, nil
}
