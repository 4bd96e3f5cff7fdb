package rocketchat

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/rocketchat"
	"github.com/standin/standin/mockserver/table"
)

// The history and message listings: channels/groups/im .history
// (getChannelHistory, a time window newest first) and .messages (a page
// of every message, with the filters the server honours). Both read a
// room's time index: a page costs O(log n + page) at any offset.

// historyQuery is what *.history take.
type historyQuery struct {
	latest, oldest     *time.Time
	inclusive, unreads bool
	threads            bool
	pg                 page
}

// historyParams parses the query strings of *.history as the server's
// routes do: booleans are the text "true"; dates as new Date() reads ISO
// text. count/offset page as getPaginationItems does.
func historyParams(latest, oldest, inclusive, unreads, threads *string, count, offset *int) (historyQuery, error) {
	q := historyQuery{inclusive: deref(inclusive) == "true", unreads: deref(unreads) == "true",
		threads: deref(threads) == "true", pg: paging(count, offset)}
	for _, p := range []struct {
		name string
		raw  *string
		to   **time.Time
	}{{"latest", latest, &q.latest}, {"oldest", oldest, &q.oldest}} {
		if deref(p.raw) == "" {
			continue
		}
		t, ok := parseJSDate(*p.raw)
		if !ok {
			return q, fail("error-invalid-date", fmt.Sprintf("Invalid date in %q: %q", p.name, *p.raw)).WithDetail("method", "getChannelHistory")
		}
		*p.to = &t
	}
	return q, nil
}

// history is getChannelHistory on room r: the messages in the window,
// newest first, and with unreads the count of messages between oldest
// and the page's oldest message, and the first of them.
func (s *State) history(r *Room, q historyQuery, now time.Time) ([]Message, *int, *Message) {
	idx := shownIn
	if q.threads {
		idx = messagesOf
	}
	// Without latest the server reads up to the moment of the request,
	// which comes after any message it holds: up to now, inclusive.
	latest, inclusiveLatest := now, true
	if q.latest != nil {
		latest, inclusiveLatest = *q.latest, q.inclusive
	}
	// [lo, hi) are the positions of the window in the room's ascending order.
	hi := s.Messages.Search(idx, r.ID, func(m Message) bool {
		if inclusiveLatest {
			return m.At.After(latest)
		}
		return !m.At.Before(latest)
	})
	lo := 0
	if q.oldest != nil {
		lo = s.after(idx, r.ID, *q.oldest, q.inclusive)
	}
	out := []Message{}
	if n := hi - lo; n > q.pg.offset {
		take := n - q.pg.offset
		if q.pg.count > 0 {
			take = min(take, q.pg.count)
		}
		total := s.Messages.Count(idx, r.ID)
		for m := range s.Messages.Range(idx, r.ID, total-hi+q.pg.offset, true) {
			if len(out) == take {
				break
			}
			out = append(out, m)
		}
	}
	if !q.unreads {
		return out, nil, nil
	}
	notLoaded := 0
	var first *Message
	if q.oldest != nil && len(out) > 0 && out[len(out)-1].At.After(*q.oldest) {
		from := s.after(idx, r.ID, *q.oldest, false)
		to := s.Messages.Search(idx, r.ID, func(m Message) bool { return !m.At.Before(out[len(out)-1].At) })
		if to > from {
			notLoaded = to - from
			for m := range s.Messages.Range(idx, r.ID, from, false) {
				first = &m
				break
			}
		}
	}
	return out, &notLoaded, first
}

// after is the first position in the room's ascending order of a message
// after t (at or after it, with inclusive).
func (s *State) after(idx *table.Order[Message], room string, t time.Time, inclusive bool) int {
	return s.Messages.Search(idx, room, func(m Message) bool {
		if inclusive {
			return !m.At.Before(t)
		}
		return m.At.After(t)
	})
}

// historyOf answers a *.history call for the room find resolves, which
// also decides who may read it.
func (s *Server) historyOf(ctx context.Context, q historyQuery, find func(st *State, me *User) (*Room, error)) (gen.HistoryResponse, error) {
	var out gen.HistoryResponse
	now := s.clockNow()
	err := s.view(ctx, func(st *State, me *User) error {
		r, err := find(st, me)
		if err != nil {
			return err
		}
		if !st.canAccess(me, r) {
			return errForbiddenHelper
		}
		msgs, notLoaded, first := st.history(r, q, now)
		out = gen.HistoryResponse{Messages: wireMessages(msgs), UnreadNotLoaded: notLoaded, Success: true}
		if first != nil {
			w := first.wire()
			out.FirstUnread = &w
		}
		return nil
	})
	return out, err
}

// messagesQuery is what *.messages take.
type messagesQuery struct {
	mentionIDs, starredIDs []string
	pinned                 bool
	desc                   bool
	pg                     page
}

func splitIDs(raw *string) []string {
	var out []string
	for _, id := range strings.Split(deref(raw), ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// messagesParams parses *.messages' query: sort only by ts; the Mongo
// documents query and fields are refused, naming them, rather than
// ignored (but for the empty document, which filters nothing).
func messagesParams(mentionIDs, starredIDs, pinned, sort, query, fields *string, count, offset *int) (messagesQuery, error) {
	for _, p := range []struct {
		name string
		raw  *string
	}{{"query", query}, {"fields", fields}} {
		if raw := strings.TrimSpace(deref(p.raw)); raw != "" && !emptyDocument(raw) {
			return messagesQuery{}, fail("error-invalid-query", fmt.Sprintf("The %q parameter is not supported by this mock: it does not evaluate Mongo documents, and ignoring it would return unfiltered data", p.name))
		}
	}
	q := messagesQuery{mentionIDs: splitIDs(mentionIDs), starredIDs: splitIDs(starredIDs),
		pinned: strings.EqualFold(deref(pinned), "true"), desc: true, pg: paging(count, offset)}
	if deref(sort) != "" {
		_, desc, err := sortSpec(sort, "ts")
		if err != nil {
			return q, err
		}
		q.desc = desc
	}
	return q, nil
}

// messagesPage is a page of room r's messages. Without filters it reads
// the room's time index, O(log n + page); mentionIds scans the room's
// messages. Nothing is starred or pinned in the mock, so starredIds and
// pinned=true match nothing.
func (s *State) messagesPage(r *Room, q messagesQuery) ([]Message, int) {
	if len(q.starredIDs) > 0 || q.pinned {
		return []Message{}, 0
	}
	if len(q.mentionIDs) == 0 {
		return s.Messages.Page(messagesOf, r.ID, q.pg.offset, q.pg.limit(), q.desc)
	}
	out := []Message{}
	total := 0
	for m := range s.Messages.Range(messagesOf, r.ID, 0, q.desc) {
		if !mentionsAny(m, q.mentionIDs) {
			continue
		}
		if q.pg.takes(total, len(out)) {
			out = append(out, m)
		}
		total++
	}
	return out, total
}

func mentionsAny(m Message, ids []string) bool {
	for _, a := range m.Mentions {
		for _, id := range ids {
			if a.ID == id {
				return true
			}
		}
	}
	return false
}

func (s *Server) messagesOf(ctx context.Context, q messagesQuery, find func(st *State, me *User) (*Room, error)) (gen.MessagesPage, error) {
	var out gen.MessagesPage
	err := s.view(ctx, func(st *State, me *User) error {
		r, err := find(st, me)
		if err != nil {
			return err
		}
		var msgs []Message
		total := 0
		if r != nil {
			msgs, total = st.messagesPage(r, q)
		}
		out = gen.MessagesPage{Messages: wireMessages(msgs), Count: len(msgs), Offset: q.pg.offset, Total: total, Success: true}
		return nil
	})
	return out, err
}

// ChannelsHistory implements GET /api/v1/channels.history.
func (s *Server) ChannelsHistory(ctx context.Context, req gen.ChannelsHistoryRequestObject) (gen.ChannelsHistoryResponseObject, error) {
	p := req.Params
	q, err := historyParams(p.Latest, p.Oldest, p.Inclusive, p.Unreads, p.ShowThreadMessages, p.Count, p.Offset)
	if err != nil {
		return nil, err
	}
	out, err := s.historyOf(ctx, q, func(st *State, me *User) (*Room, error) {
		return st.findRoom(me, roomRef(p.RoomId, p.RoomName), TypeChannel)
	})
	return gen.ChannelsHistory200JSONResponse(out), err
}

// GroupsHistory implements GET /api/v1/groups.history.
func (s *Server) GroupsHistory(ctx context.Context, req gen.GroupsHistoryRequestObject) (gen.GroupsHistoryResponseObject, error) {
	p := req.Params
	q, err := historyParams(p.Latest, p.Oldest, p.Inclusive, p.Unreads, p.ShowThreadMessages, p.Count, p.Offset)
	if err != nil {
		return nil, err
	}
	out, err := s.historyOf(ctx, q, func(st *State, me *User) (*Room, error) {
		return st.findRoom(me, roomRef(p.RoomId, p.RoomName), TypeGroup)
	})
	return gen.GroupsHistory200JSONResponse(out), err
}

// findDirect is findDirectMessageRoom for a room id: a direct room.
func (s *State) findDirect(id string) (*Room, error) {
	if id == "" {
		return nil, fail("error-room-param-not-provided", "Query param \"roomId\" is required")
	}
	r := s.room(id)
	if r == nil || r.Type != TypeDirect {
		return nil, fail("error-room-not-found", "The required \"roomId\" param provided does not match any direct message")
	}
	return r, nil
}

// ImHistory implements GET /api/v1/im.history.
func (s *Server) ImHistory(ctx context.Context, req gen.ImHistoryRequestObject) (gen.ImHistoryResponseObject, error) {
	p := req.Params
	q, err := historyParams(p.Latest, p.Oldest, p.Inclusive, p.Unreads, p.ShowThreadMessages, p.Count, p.Offset)
	if err != nil {
		return nil, err
	}
	out, err := s.historyOf(ctx, q, func(st *State, _ *User) (*Room, error) { return st.findDirect(deref(p.RoomId)) })
	return gen.ImHistory200JSONResponse(out), err
}

// ChannelsMessages implements GET /api/v1/channels.messages.
func (s *Server) ChannelsMessages(ctx context.Context, req gen.ChannelsMessagesRequestObject) (gen.ChannelsMessagesResponseObject, error) {
	p := req.Params
	q, err := messagesParams(p.MentionIds, p.StarredIds, p.Pinned, p.Sort, p.Query, p.Fields, p.Count, p.Offset)
	if err != nil {
		return nil, err
	}
	out, err := s.messagesOf(ctx, q, func(st *State, me *User) (*Room, error) {
		if !st.can(me, "view-c-room", nil) {
			return nil, errForbidden
		}
		// The server reads roomId only.
		r, err := st.findRoom(me, RoomRef{ID: deref(p.RoomId), Name: "\x00"}, TypeChannel)
		if err != nil {
			return nil, err
		}
		if st.can(me, "view-joined-room", nil) && !st.isMember(r.ID, me.ID) {
			return nil, errForbiddenHelper
		}
		return r, nil
	})
	return gen.ChannelsMessages200JSONResponse(out), err
}

// GroupsMessages implements GET /api/v1/groups.messages.
func (s *Server) GroupsMessages(ctx context.Context, req gen.GroupsMessagesRequestObject) (gen.GroupsMessagesResponseObject, error) {
	p := req.Params
	q, err := messagesParams(p.MentionIds, p.StarredIds, p.Pinned, p.Sort, p.Query, p.Fields, p.Count, p.Offset)
	if err != nil {
		return nil, err
	}
	out, err := s.messagesOf(ctx, q, func(st *State, me *User) (*Room, error) {
		return st.findRoom(me, roomRef(p.RoomId, p.RoomName), TypeGroup)
	})
	return gen.GroupsMessages200JSONResponse(out), err
}

// ImMessages implements GET /api/v1/im.messages.
func (s *Server) ImMessages(ctx context.Context, req gen.ImMessagesRequestObject) (gen.ImMessagesResponseObject, error) {
	p := req.Params
	q, err := messagesParams(p.MentionIds, p.StarredIds, p.Pinned, p.Sort, p.Query, p.Fields, p.Count, p.Offset)
	if err != nil {
		return nil, err
	}
	out, err := s.messagesOf(ctx, q, func(st *State, me *User) (*Room, error) {
		var r *Room
		if id := deref(p.RoomId); id != "" || deref(p.Username) == "" {
			var err error
			if r, err = st.findDirect(id); err != nil {
				return nil, err
			}
		} else {
			other := st.userByName(deref(p.Username))
			if other == nil {
				return nil, errInvalidChannel
			}
			if r = st.directRoom([]string{me.ID, other.ID}); r == nil {
				// The server would make the room; a read makes nothing
				// here, and the page of a new room is empty.
				return nil, nil
			}
		}
		if !st.canAccess(me, r) {
			return nil, errForbiddenHelper
		}
		return r, nil
	})
	return gen.ImMessages200JSONResponse(out), err
}

// emptyDocument reports whether raw is the JSON document {}.
func emptyDocument(raw string) bool {
	var doc map[string]any
	return json.Unmarshal([]byte(raw), &doc) == nil && doc != nil && len(doc) == 0
}
