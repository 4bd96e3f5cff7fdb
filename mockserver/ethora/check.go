package ethora

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/table"
)

// snapshot is a State as JSON holds it: maps keyed by id, each chat with
// its members' list.
type snapshot struct {
	Apps       map[string]*App       `json:"apps"`
	Users      map[string]*User      `json:"users"`
	Chats      map[string]*chatJSON  `json:"chats"`
	UserJobs   map[string]*UserJob   `json:"userJobs"`
	Broadcasts map[string]*Broadcast `json:"broadcasts"`
}

// chatJSON is a chat as snapshots hold it: a Chat's fields, in its order,
// with the members' xmppUsernames, in the order they were granted access,
// between extra and createdAt (where Chat held them before memberships had
// a table of their own).
type chatJSON struct {
	ID          string         `json:"_id"`
	Name        string         `json:"name"`
	AppID       string         `json:"appId"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Type        string         `json:"type"`
	Picture     string         `json:"picture,omitempty"`
	CreatedBy   string         `json:"createdBy,omitempty"`
	AppChat     bool           `json:"isAppChat,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
	Members     []string       `json:"members"`
	CreatedAt   time.Time      `json:"createdAt"`
	UpdatedAt   time.Time      `json:"updatedAt"`
}

func chatToJSON(c Chat, members []string) chatJSON {
	return chatJSON{ID: c.ID, Name: c.Name, AppID: c.AppID, Title: c.Title, Description: c.Description, Type: c.Type,
		Picture: c.Picture, CreatedBy: c.CreatedBy, AppChat: c.AppChat, Extra: c.Extra, Members: members,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (j *chatJSON) chat() Chat {
	return Chat{ID: j.ID, Name: j.Name, AppID: j.AppID, Title: j.Title, Description: j.Description, Type: j.Type,
		Picture: j.Picture, CreatedBy: j.CreatedBy, AppChat: j.AppChat, Extra: j.Extra,
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
}

// MarshalJSON writes the state in the snapshot format (snapshot), byte
// for byte what encoding/json makes of it, a record at a time: each chat
// with its members' list, read from the chat's index.
func (s *State) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"apps":`)
	if err := s.Apps.WriteJSON(&b); err != nil {
		return nil, err
	}
	b.WriteString(`,"users":`)
	if err := s.Users.WriteJSON(&b); err != nil {
		return nil, err
	}
	b.WriteString(`,"chats":{`)
	// One encoder for every key and chat; Encode ends each with a
	// newline, which is cut.
	enc := json.NewEncoder(&b)
	first := true
	for name, c := range s.Chats.All() {
		if !first {
			b.WriteByte(',')
		}
		first = false
		if err := enc.Encode(name); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1)
		b.WriteByte(':')
		members := make([]string, 0, s.memberCount(name))
		if err := enc.Encode(chatToJSON(c, slices.AppendSeq(members, s.members(name)))); err != nil {
			return nil, fmt.Errorf("chat %q: %w", name, err)
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteString(`},"userJobs":`)
	if err := s.UserJobs.WriteJSON(&b); err != nil {
		return nil, err
	}
	b.WriteString(`,"broadcasts":`)
	if err := s.Broadcasts.WriteJSON(&b); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a state from a snapshot: it checks the whole of it
// (see check), then builds the tables, rebuilding every index (a chat's
// members' list becomes its memberships, in the list's order), and the
// index of app tokens. A refused snapshot leaves s as it was.
func (s *State) UnmarshalJSON(raw []byte) error {
	var w snapshot
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	if err := w.check(); err != nil {
		return err
	}
	st := NewState()
	for _, id := range slices.Sorted(maps.Keys(w.Apps)) {
		a := w.Apps[id]
		if err := insert(&st.Apps, *a); err != nil {
			return err
		}
		for _, tid := range slices.Sorted(maps.Keys(a.Tokens)) {
			t := a.Tokens[tid]
			if t.Revoked {
				continue
			}
			if other, ok := st.tokens[t.Hash]; ok {
				return mockserver.Invalid(mockserver.Pointer("apps", id, "tokens", tid, "hash"), "is the hash of an active token of app %q too", other.App)
			}
			st.tokens[t.Hash] = tokenRef{App: id, Token: tid}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(w.Users)) {
		if err := insert(&st.Users, *w.Users[key]); err != nil {
			return err
		}
	}
	for _, key := range slices.Sorted(maps.Keys(w.Chats)) {
		c := w.Chats[key].chat()
		if err := insert(&st.Chats, c); err != nil {
			return err
		}
		for i, m := range w.Chats[key].Members {
			must(st.Members.Insert(Member{Chat: c.Name, User: m, Seq: i, ChatCreated: c.CreatedAt}))
		}
	}
	for _, key := range slices.Sorted(maps.Keys(w.UserJobs)) {
		if err := insert(&st.UserJobs, *w.UserJobs[key]); err != nil {
			return err
		}
	}
	for _, key := range slices.Sorted(maps.Keys(w.Broadcasts)) {
		if err := insert(&st.Broadcasts, *w.Broadcasts[key]); err != nil {
			return err
		}
	}
	*s = *st
	return nil
}

// insert adds a checked record of a snapshot to t; a unique key another
// record holds is refused at the later record's key.
func insert[V any](t *table.Table[V], v V) error {
	err := t.Insert(v)
	if dup, ok := errors.AsType[*table.DuplicateError](err); ok {
		return mockserver.Invalid(mockserver.Pointer(dup.Table, dup.ID, dup.Index), "is taken by %q", dup.Other)
	}
	return err
}

// check refuses a snapshot that would break the rules: it fills the maps a
// snapshot may leave out and refuses null entries, keys that differ from
// what they index, references to apps and users that do not exist, and
// apps that are their own ancestors, and chat members who are no user of
// the chat's app or are listed twice. It names the first problem by its
// JSON pointer.
func (s *snapshot) check() error {
	mockserver.FillMap(&s.Apps)
	mockserver.FillMap(&s.Users)
	mockserver.FillMap(&s.Chats)
	mockserver.FillMap(&s.UserJobs)
	mockserver.FillMap(&s.Broadcasts)
	for _, id := range slices.Sorted(maps.Keys(s.Apps)) {
		a := s.Apps[id]
		at := mockserver.Pointer("apps", id)
		switch {
		case a == nil:
			return mockserver.Invalid(at, "an app must be an object, not null")
		case a.ID != id:
			return mockserver.Invalid(at+"/_id", "is %q, but the app is filed under %q", a.ID, id)
		case a.ParentID != "" && s.Apps[a.ParentID] == nil:
			return mockserver.Invalid(at+"/parentAppId", "names app %q, which does not exist", a.ParentID)
		}
		mockserver.FillMap(&a.Tokens)
		for _, tid := range slices.Sorted(maps.Keys(a.Tokens)) {
			t := a.Tokens[tid]
			switch {
			case t == nil:
				return mockserver.Invalid(at+mockserver.Pointer("tokens", tid), "a token must be an object, not null")
			case t.ID != tid:
				return mockserver.Invalid(at+mockserver.Pointer("tokens", tid, "tokenId"), "is %q, but the token is filed under %q", t.ID, tid)
			}
		}
	}
	// Every chain of parents ends at a root: deleting an app walks its
	// descendants, which must not loop. A loop is named where it closes,
	// at an app that is its own ancestor.
	for _, id := range slices.Sorted(maps.Keys(s.Apps)) {
		seen := map[string]bool{}
		for cur := id; cur != ""; cur = s.Apps[cur].ParentID {
			if seen[cur] {
				return mockserver.Invalid(mockserver.Pointer("apps", cur, "parentAppId"), "app %q is its own ancestor", cur)
			}
			seen[cur] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(s.Users)) {
		u := s.Users[key]
		at := mockserver.Pointer("users", key)
		switch {
		case u == nil:
			return mockserver.Invalid(at, "a user must be an object, not null")
		case s.Apps[u.AppID] == nil:
			return mockserver.Invalid(at+"/appId", "names app %q, which does not exist", u.AppID)
		case u.XMPPUsername() != key:
			return mockserver.Invalid(at, "is filed under %q, but its xmppUsername is %q", key, u.XMPPUsername())
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Chats)) {
		c := s.Chats[name]
		at := mockserver.Pointer("chats", name)
		switch {
		case c == nil:
			return mockserver.Invalid(at, "a chat must be an object, not null")
		case c.Name != name:
			return mockserver.Invalid(at+"/name", "is %q, but the chat is filed under %q", c.Name, name)
		case s.Apps[c.AppID] == nil:
			return mockserver.Invalid(at+"/appId", "names app %q, which does not exist", c.AppID)
		}
		if c.Members == nil {
			c.Members = []string{}
		}
		listed := make(map[string]int, len(c.Members))
		for i, m := range c.Members {
			mat := at + mockserver.Pointer("members", strconv.Itoa(i))
			if u := s.Users[m]; u == nil || u.AppID != c.AppID {
				return mockserver.Invalid(mat, "names %q, who is not a user of app %q", m, c.AppID)
			}
			if j, ok := listed[m]; ok {
				return mockserver.Invalid(mat, "names %q, who is listed at members/%d already", m, j)
			}
			listed[m] = i
		}
	}
	for _, id := range slices.Sorted(maps.Keys(s.UserJobs)) {
		j := s.UserJobs[id]
		at := mockserver.Pointer("userJobs", id)
		switch {
		case j == nil:
			return mockserver.Invalid(at, "a job must be an object, not null")
		case j.ID != id:
			return mockserver.Invalid(at+"/jobId", "is %q, but the job is filed under %q", j.ID, id)
		case s.Apps[j.AppID] == nil:
			return mockserver.Invalid(at+"/appId", "names app %q, which does not exist", j.AppID)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(s.Broadcasts)) {
		b := s.Broadcasts[id]
		at := mockserver.Pointer("broadcasts", id)
		switch {
		case b == nil:
			return mockserver.Invalid(at, "a broadcast must be an object, not null")
		case b.ID != id:
			return mockserver.Invalid(at+"/jobId", "is %q, but the broadcast is filed under %q", b.ID, id)
		case s.Apps[b.AppID] == nil:
			return mockserver.Invalid(at+"/appId", "names app %q, which does not exist", b.AppID)
		}
	}
	return nil
}
