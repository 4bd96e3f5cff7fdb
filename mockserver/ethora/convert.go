package ethora

import (
	"cmp"
	"slices"
	"strings"
	"time"

	gen "github.com/standin/standin/gen/ethora"
	"github.com/standin/standin/mockserver"
)

// Conversions from state to the generated wire types.

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func trimmed(p *string) string { return strings.TrimSpace(deref(p)) }

// wire renders a user; xmppPassword only where the spec shows it
// (creation results and the client-token exchange).
func (u User) wire(withXMPPPassword bool) gen.User {
	out := gen.User{ID: u.ID, AppId: u.AppID, Uuid: u.UUID, XmppUsername: u.XMPPUsername(),
		FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Username: mockserver.NonZero(u.Username),
		ProfileImage: mockserver.NonZero(u.ProfileImage), Roles: &[]string{"user"}, Tags: &[]string{},
		CreatedAt: new(u.CreatedAt), UpdatedAt: new(u.UpdatedAt), AdditionalProperties: u.Extra}
	if withXMPPPassword {
		out.XmppPassword = new(u.XMPPPassword)
	}
	return out
}

func (u User) member() gen.ChatMember {
	return gen.ChatMember{XmppUsername: u.XMPPUsername(), Uuid: new(u.UUID), FirstName: new(u.FirstName),
		LastName: new(u.LastName), ProfileImage: mockserver.NonZero(u.ProfileImage)}
}

// wireChat renders a chat, with its members' public records if asked.
func (s *State) wireChat(c Chat, withMembers bool, now time.Time) gen.Chat {
	out := gen.Chat{ID: c.ID, Name: c.Name, AppId: c.AppID, Title: c.Title, Type: gen.ChatType(c.Type),
		Description: mockserver.NonZero(c.Description), Picture: mockserver.NonZero(c.Picture), CreatedBy: mockserver.NonZero(c.CreatedBy),
		MembersCount: new(s.memberCount(c.Name)), IsAppChat: new(c.AppChat), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		AdditionalProperties: c.Extra}
	if withMembers {
		members := make([]gen.ChatMember, 0, s.memberCount(c.Name))
		for m := range s.members(c.Name) {
			if u, ok := s.Users.Get(m); ok && u.visible(now) {
				members = append(members, u.member())
			}
		}
		out.Members = &members
	}
	return out
}

func (s *State) wireChats(chats []Chat, withMembers bool, now time.Time) []gen.Chat {
	out := make([]gen.Chat, len(chats))
	for i, c := range chats {
		out[i] = s.wireChat(c, withMembers, now)
	}
	return out
}

func (s *State) wireApp(a App, now time.Time) gen.App {
	out := gen.App{ID: a.ID, DisplayName: a.DisplayName, DomainName: mockserver.NonZero(a.DomainName), AppTagline: mockserver.NonZero(a.AppTagline),
		LogoImage: mockserver.NonZero(a.LogoImage), SublogoImage: mockserver.NonZero(a.SublogoImage), PrimaryColor: mockserver.NonZero(a.PrimaryColor),
		BundleId: mockserver.NonZero(a.BundleID), ParentAppId: mockserver.NonZero(a.ParentID), CreatorId: mockserver.NonZero(a.ParentID),
		IsBaseApp: new(a.ParentID == ""), CreatedAt: a.CreatedAt, UpdatedAt: new(a.UpdatedAt),
		Stats:                &gen.AppStats{Users: new(s.visibleCount(a.ID, now)), Chats: new(s.Chats.Count(chatsByCreated, a.ID))},
		AdditionalProperties: a.Extra}
	return out
}

func (t *AppToken) wire() gen.AppToken {
	status := gen.AppTokenStatus("active")
	if t.Revoked {
		status = "revoked"
	}
	return gen.AppToken{TokenId: t.ID, Label: mockserver.NonZero(t.Label), Status: status, CreatedAt: t.CreatedAt,
		RotatedAt: t.RotatedAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
}

func (b Bot) wire() gen.Bot {
	return gen.Bot{Status: gen.BotStatus(cmp.Or(b.Status, "off")), Trigger: mockserver.NonZero(b.Trigger), Prompt: mockserver.NonZero(b.Prompt),
		GreetingMessage: mockserver.NonZero(b.GreetingMessage), ChatId: mockserver.NonZero(b.ChatID), IsRAG: new(b.IsRAG),
		BotFirstName: mockserver.NonZero(b.BotFirstName), BotLastName: mockserver.NonZero(b.BotLastName), UpdatedAt: b.UpdatedAt}
}

// wireJob renders a user batch job as its state is now; per-user records
// appear once the job has completed.
func (s *State) wireJob(j UserJob, now time.Time) gen.UsersBatchJob {
	state := jobState(j.CreatedAt, j.ReadyAt, now)
	out := gen.UsersBatchJob{JobId: j.ID, AppId: j.AppID, State: gen.JobState(state), Total: len(j.Results),
		CreatedAt: j.CreatedAt, UpdatedAt: new(earlier(now, j.ReadyAt))}
	if state != JobCompleted {
		return out
	}
	items := make([]gen.UsersBatchJobItem, len(j.Results))
	for i, r := range j.Results {
		items[i] = gen.UsersBatchJobItem{Uuid: new(r.UUID), XmppUsername: new(r.XMPPUsername),
			Status: gen.UserBatchStatus(r.Status), Error: mockserver.NonZero(r.Error)}
		if u, ok := s.Users.Get(r.XMPPUsername); ok && r.Status == "created" {
			items[i].User = new(u.wire(true))
		}
	}
	out.Result = &gen.UsersBatchJobResult{Results: items}
	return out
}

func (b Broadcast) wire(now time.Time) gen.BroadcastJob {
	state := jobState(b.CreatedAt, b.ReadyAt, now)
	out := gen.BroadcastJob{JobId: b.ID, AppId: b.AppID, State: gen.JobState(state), DryRun: new(b.DryRun),
		Text: new(b.Text), CreatedAt: b.CreatedAt, UpdatedAt: new(earlier(now, b.ReadyAt))}
	if state != JobCompleted {
		return out
	}
	res := gen.BroadcastJobResult{Targets: len(b.Results), Results: make([]gen.BroadcastJobItem, len(b.Results))}
	for i, r := range b.Results {
		res.Results[i] = gen.BroadcastJobItem{ChatName: r.ChatName, Status: gen.BroadcastTargetStatus(r.Status)}
		if r.Status == "sent" {
			res.Sent++
		}
	}
	out.Result = &res
	return out
}

// page cuts items to one page.
func page[T any](items []T, limit, offset int) []T {
	lo := min(max(offset, 0), len(items))
	hi := lo + min(max(limit, 0), len(items)-lo) // lo+limit would overflow for a huge limit
	out := items[lo:hi]
	if out == nil {
		out = []T{}
	}
	return slices.Clip(out)
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
