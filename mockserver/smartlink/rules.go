package smartlink

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/standin/standin/mockserver"
)

// The fake's refusals, in SmartLink's {error} shape with standin's code.
var (
	ErrUnauthorized   = mockserver.Refusal(http.StatusUnauthorized, "UNAUTHORIZED", "Not authorized")
	ErrAppNotFound    = mockserver.Refusal(http.StatusNotFound, "APP_NOT_FOUND", "App not found")
	ErrFolderNotFound = mockserver.Refusal(http.StatusNotFound, "FOLDER_NOT_FOUND", "Folder not found")
	ErrUserNotFound   = mockserver.Refusal(http.StatusNotFound, "USER_NOT_FOUND", "User not found")
	ErrSlugTaken      = mockserver.Refusal(http.StatusConflict, "SLUG_TAKEN", "Slug already used")
	ErrEmailTaken     = mockserver.Refusal(http.StatusConflict, "EMAIL_TAKEN", "A membership with this email already exists")
	ErrFolderNotEmpty = mockserver.Refusal(http.StatusConflict, "FOLDER_NOT_EMPTY", "Folder has subfolders")
	ErrOwner          = mockserver.Refusal(http.StatusForbidden, "OWNER_PROTECTED", "The owner's membership cannot be changed here")
)

// Webhook event names (reference §5.1).
const (
	evAppCreated        = "app.created"
	evAppUpdated        = "app.updated"
	evAppDeleted        = "app.deleted"
	evAppOpened         = "app.opened"
	evFolderCreated     = "folder.created"
	evFolderDeleted     = "folder.deleted"
	evMembershipCreated = "membership.created"
	evMembershipUpdated = "membership.updated"
	evMembershipDeleted = "membership.deleted"
	evLog               = "event"
)

// activity names the membership webhook of log event types 1 to 6.
var activity = map[int]string{
	1: "membership.connected", 2: "membership.connected.fail", 3: "membership.connected.denied",
	4: "membership.extension.connected", 5: "membership.extension.connected.fail", 6: "membership.extension.connected.denied",
}

// change is a webhook to send once the transaction that made it
// succeeded: its event name and its data, as the API answers it.
type change struct {
	event string
	data  any
}

// appInput is an app's fields as a request gives them; nil keeps or
// defaults.
type appInput struct {
	Title, URL, IconURL, Slug, Description *string

	clientID string // the seed's fixed id; empty: a new UUID
}

// app returns org's app clientID.
func (s *State) app(org int64, clientID string) (App, error) {
	a, ok := s.Apps.Get(clientID)
	if !ok || a.OrgID != org {
		return App{}, ErrAppNotFound
	}
	return a, nil
}

// createApps creates apps in org, all or none.
func (s *State) createApps(org int64, ins []appInput, now time.Time) ([]App, error) {
	out := make([]App, 0, len(ins))
	slugs := map[string]bool{}
	for i, in := range ins {
		a := App{ClientID: uuid.NewString(), OrgID: org, Type: "SMARTLINK", Title: deref(in.Title), URL: in.URL, IconURL: in.IconURL,
			Description: in.Description, Slug: uuid.NewString(), CreatedAt: now}
		if in.Slug != nil {
			a.Slug = *in.Slug
		}
		if in.clientID != "" {
			a.ClientID = in.clientID
		}
		if _, taken := s.Apps.Lookup(appsBySlug, orgKey(org)+"\x00"+a.Slug); taken || slugs[a.Slug] {
			return nil, ErrSlugTaken.Withf("Slug already used: %q (app %d of the request)", a.Slug, i)
		}
		slugs[a.Slug] = true
		out = append(out, a)
	}
	for i := range out {
		out[i].Seq = s.nextID() // after every check: a refused batch changes nothing
		if err := s.Apps.Insert(out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// updateApp changes the fields given.
func (s *State) updateApp(org int64, clientID string, in appInput) (App, error) {
	a, err := s.app(org, clientID)
	if err != nil {
		return App{}, err
	}
	if in.Slug != nil && *in.Slug != a.Slug {
		if _, taken := s.Apps.Lookup(appsBySlug, orgKey(org)+"\x00"+*in.Slug); taken {
			return App{}, ErrSlugTaken.Withf("Slug already used: %q", *in.Slug)
		}
		a.Slug = *in.Slug
	}
	if in.Title != nil {
		a.Title = *in.Title
	}
	if in.URL != nil {
		a.URL = in.URL
	}
	if in.IconURL != nil {
		a.IconURL = in.IconURL
	}
	if in.Description != nil {
		a.Description = in.Description
	}
	return a, s.Apps.Replace(a)
}

// folder returns org's folder id.
func (s *State) folder(org, id int64) (Folder, error) {
	f, ok := s.Folders.Get(idKey(id))
	if !ok || f.OrgID != org {
		return Folder{}, ErrFolderNotFound
	}
	return f, nil
}

// createFolder makes a folder, under parent if given.
func (s *State) createFolder(org int64, name string, parent *int64) (Folder, error) {
	f := Folder{OrgID: org, Name: name, Path: "/"}
	if parent != nil {
		p, err := s.folder(org, *parent)
		if err != nil {
			return Folder{}, ErrFolderNotFound.Withf("Folder not found: parentId %d", *parent)
		}
		f.ParentID, f.Path = clonePtr(parent), p.Path+p.Name+"/"
	}
	f.ID = s.nextID()
	return f, s.Folders.Insert(f)
}

// deleteFolder deletes a folder without subfolders.
func (s *State) deleteFolder(org, id int64) (Folder, error) {
	f, err := s.folder(org, id)
	if err != nil {
		return Folder{}, err
	}
	if n := s.Folders.Count(childrenOf, idKey(id)); n > 0 {
		return Folder{}, ErrFolderNotEmpty.Withf("Folder has %d subfolders: delete them first", n)
	}
	s.Folders.Delete(idKey(id))
	return f, nil
}

// membershipInput is a membership to create.
type membershipInput struct {
	FirstName, Name, Email string
	Phone                  *string
	SendMail, IsAdmin      bool
}

// member returns org's membership id.
func (s *State) member(org, id int64) (Membership, error) {
	m, ok := s.Memberships.Get(idKey(id))
	if !ok || m.OrgID != org {
		return Membership{}, ErrUserNotFound
	}
	return m, nil
}

// createMemberships creates memberships in org, all or none.
func (s *State) createMemberships(org int64, ins []membershipInput, now time.Time) ([]Membership, error) {
	emails := map[string]bool{}
	for i, in := range ins {
		k := emailKey(org, in.Email)
		if k == "" {
			continue
		}
		if _, taken := s.Memberships.Lookup(membersByEmail, k); taken || emails[k] {
			return nil, ErrEmailTaken.Withf("A membership with this email already exists: %q (membership %d of the request)", in.Email, i)
		}
		emails[k] = true
	}
	out := make([]Membership, 0, len(ins))
	for _, in := range ins {
		m := Membership{ID: s.nextID(), OrgID: org, Role: RoleUser, Status: StatusActive, FirstName: in.FirstName, Name: in.Name,
			Email: in.Email, Phone: in.Phone, Language: "en", MailSent: in.SendMail, CreatedAt: now, UpdatedAt: now}
		if in.IsAdmin {
			m.Role = RoleAdmin
		}
		link := "https://smartlink.invalid/register/" + uuid.NewString()
		m.RegisterLink = &link
		if err := s.Memberships.Insert(m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// membershipPatch is an update's fields; nil keeps the value.
type membershipPatch struct {
	FirstName, Name, Phone, Email, Role, Status, Language *string
}

// updateMembership changes the fields given; the owner is not changed.
func (s *State) updateMembership(org, id int64, p membershipPatch, now time.Time) (Membership, error) {
	m, err := s.member(org, id)
	if err != nil {
		return Membership{}, err
	}
	if m.Role == RoleOwner {
		return Membership{}, ErrOwner
	}
	if p.Email != nil && !strings.EqualFold(*p.Email, m.Email) {
		if other, taken := s.Memberships.Lookup(membersByEmail, emailKey(org, *p.Email)); taken && other.ID != m.ID {
			return Membership{}, ErrEmailTaken.Withf("A membership with this email already exists: %q", *p.Email)
		}
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&m.FirstName, p.FirstName)
	set(&m.Name, p.Name)
	set(&m.Email, p.Email)
	set(&m.Role, p.Role)
	set(&m.Status, p.Status)
	set(&m.Language, p.Language)
	if p.Phone != nil {
		m.Phone = clonePtr(p.Phone)
	}
	m.UpdatedAt = now
	return m, s.Memberships.Replace(m)
}

// deleteMembership deletes a membership other than the owner's.
func (s *State) deleteMembership(org, id int64) (Membership, error) {
	m, err := s.member(org, id)
	if err != nil {
		return Membership{}, err
	}
	if m.Role == RoleOwner {
		return Membership{}, ErrOwner
	}
	s.Memberships.Delete(idKey(id))
	return m, nil
}

// logEvent records an activity; type 0 counts the app's ping.
func (s *State) logEvent(org int64, e LogEvent, now time.Time) (LogEvent, *App, error) {
	if e.MembershipID != nil {
		if _, err := s.member(org, *e.MembershipID); err != nil {
			return LogEvent{}, nil, err
		}
	}
	if e.FolderID != nil {
		if _, err := s.folder(org, *e.FolderID); err != nil {
			return LogEvent{}, nil, err
		}
	}
	var opened *App
	if e.AppClientID != nil {
		a, err := s.app(org, *e.AppClientID)
		if err != nil {
			return LogEvent{}, nil, err
		}
		if e.Type == 0 {
			a.Ping++
			if err := s.Apps.Replace(a); err != nil {
				return LogEvent{}, nil, err
			}
			opened = &a
		}
	} else if e.Type == 0 {
		return LogEvent{}, nil, &mockserver.Error{Status: http.StatusBadRequest, Kind: mockserver.KindInvalid, Field: "body.appClientId",
			Rule: "required", Message: "an app-opened event (type 0) names the app in appClientId"}
	}
	e.ID, e.OrgID, e.CreatedAt = s.nextID(), org, now
	return e, opened, s.Events.Insert(e)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
