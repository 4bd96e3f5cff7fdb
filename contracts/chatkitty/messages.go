package chatkitty

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gavv/httpexpect/v2"

	"github.com/standin/standin/contracts"
)

// Messages is the messages scenario.
func Messages(s *contracts.S) {
	mine := &records{app: firstApp(s)}
	defer cleanup(s, mine)
	tag := s.Unique("msgs")
	var tok string
	var alice, bob, carol user
	var channel int64
	var sent []int64 // in the order sent, oldest first

	s.Step("a PRIVATE channel of two members is created", func(e *httpexpect.Expect) {
		tok = token(e, mine.app)
		as := bearer(e, tok)
		alice, _ = createUser(as, mine, tag+"-alice", false, nil)
		bob, _ = createUser(as, mine, tag+"-bob", false, nil)
		carol, _ = createUser(as, mine, tag+"-carol", false, nil)
		channel = idOf(createChannel(as, mine, map[string]any{"type": "PRIVATE", "name": tag, "creator": alice.byID(), "members": []any{bob.byID()}}))
	})
	s.Step("seven text messages from both members and a file message are sent", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		for i := range 7 {
			from := []user{alice, bob}[i%2]
			body := fmt.Sprintf("%s #%d", tag, i)
			m := ok(as.POST(channelPath(channel) + "/messages").WithJSON(map[string]any{"type": "TEXT", "body": body, "user": from.byName()}).Expect())
			m.HasValue("type", "TEXT").HasValue("body", body).HasValue("channelId", channel)
			m.Value("user").Object().HasValue("id", from.id).HasValue("name", from.name)
			sent = append(sent, idOf(m))
		}
		file := map[string]any{"url": "https://files.example.com/" + tag + "/report.pdf", "name": "report.pdf", "contentType": "application/pdf", "size": 12345}
		m := ok(as.POST(channelPath(channel) + "/messages").WithJSON(map[string]any{"type": "FILE", "file": file, "user": alice.byID()}).Expect())
		m.HasValue("type", "FILE").HasValue("channelId", channel)
		m.Value("file").Object().HasValue("url", file["url"]).HasValue("name", "report.pdf").HasValue("contentType", "application/pdf")
		m.Value("user").Object().HasValue("id", alice.id)
		sent = append(sent, idOf(m))
		for i, id := range sent {
			if slices.Contains(sent[:i], id) {
				s.Fail("two messages have id %d: %v", id, sent)
			}
		}
	})
	s.Step("a user who is not a member cannot post to the private channel (400 NOT_A_CHANNEL_MEMBER)", func(e *httpexpect.Expect) {
		refused(bearer(e, tok).POST(channelPath(channel)+"/messages").WithJSON(map[string]any{"type": "TEXT", "body": "let me in", "user": carol.byName()}).Expect(),
			http.StatusBadRequest, "NOT_A_CHANNEL_MEMBER")
	})
	s.Step("cursor pages of 2 followed through _links.next hold every message once, newest first", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		path := channelPath(channel) + "/messages"
		pages, last := walkCursor(s, as, as.GET(path).WithQuery("size", 2), path, "next", 2)
		got := slices.Concat(pages...)
		want := slices.Clone(sent)
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			s.Fail("following _links.next from the newest page lists %v, want every message newest first %v", got, want)
		}
		// And back: from the oldest page, _links.prev leads to the newest.
		back, _ := walkCursor(s, as, follow(s, as, last), path, "prev", 2)
		slices.Reverse(back)
		if got := slices.Concat(back...); !slices.Equal(got, want) {
			s.Fail("following _links.prev from the oldest page lists pages %v (newest page first), want %v", got, want)
		}
	})
	s.Step("a reply in a message's thread is read back through /v1/threads/{id}/messages", func(e *httpexpect.Expect) {
		as := bearer(e, tok)
		parent := sent[2]
		thread := "/v1/threads/" + strconv.FormatInt(parent, 10)
		ok(as.GET(thread).Expect()).HasValue("id", parent).HasValue("type", "MESSAGE")
		reply := ok(as.POST(thread + "/messages").WithJSON(map[string]any{"type": "TEXT", "body": tag + " reply", "user": bob.byID()}).Expect())
		reply.HasValue("type", "TEXT").HasValue("body", tag+" reply")
		rid := idOf(reply)
		pages, _ := walkCursor(s, as, as.GET(thread+"/messages").WithQuery("size", 2), thread+"/messages", "next", 2)
		if got := slices.Concat(pages...); !slices.Equal(got, []int64{rid}) {
			s.Fail("the thread of message %d lists %v, want its one reply [%d]", parent, got, rid)
		}
		main, _ := walkCursor(s, as, as.GET(channelPath(channel)+"/messages").WithQuery("size", 25), channelPath(channel)+"/messages", "next", 25)
		if got := slices.Concat(main...); slices.Contains(got, rid) || len(got) != len(sent) {
			s.Fail("the channel's main thread lists %v after the reply %d, want only the %d messages sent to it", got, rid, len(sent))
		}
	})
}

// walkCursor reads the cursor pages of messages from the page first asks
// for, following _links.rel (next: older, prev: newer) until a page has
// none, and returns the message ids of each page and the href of the last
// page's self link. It fails the step unless every page holds at most
// size messages, exactly size when it links further, and no message is on
// two pages; the callers check the order.
func walkCursor(s *contracts.S, e *httpexpect.Expect, first *httpexpect.Request, path, rel string, size int) ([][]int64, string) {
	var pages [][]int64
	on := map[int64]int{}
	req := first
	for n := 0; ; n++ {
		if n == maxPages {
			s.Fail("GET %s: still a %s link after %d pages", path, rel, maxPages)
		}
		obj := ok(req.Expect())
		obj.Value("page").Object().Value("size").Number()
		items := ids(embedded(obj, "messages"))
		link, more := href(obj, rel)
		switch {
		case len(items) > size:
			s.Fail("page %d of GET %s (following %s) holds %d messages, more than the size %d", n, path, rel, len(items), size)
		case more && len(items) != size:
			s.Fail("page %d of GET %s (following %s) holds %d messages and links further: only the last page may hold fewer than %d", n, path, rel, len(items), size)
		}
		for _, id := range items {
			if p, dup := on[id]; dup {
				s.Fail("page %d of GET %s (following %s) repeats message %d, already on page %d", n, path, rel, id, p)
			}
			on[id] = n
		}
		pages = append(pages, items)
		if !more {
			self, found := href(obj, "self")
			if !found {
				s.Fail("page %d of GET %s (following %s) has no _links.self", n, path, rel)
			}
			return pages, self
		}
		req = follow(s, e, link)
	}
}
