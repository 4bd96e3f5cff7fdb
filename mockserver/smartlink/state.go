package smartlink

import (
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/mockserver"
	"github.com/standin/standin/mockserver/table"
)

// State is the SmartLink world of one namespace: organisations and, per
// organisation, apps, folders, memberships and log events, each an indexed
// table split by organisation so that one organisation's size never slows
// another's calls.
type State struct {
	Orgs        table.Table[Org]        `json:"organizations"` // by id
	Apps        table.Table[App]        `json:"apps"`          // by clientId
	Folders     table.Table[Folder]     `json:"folders"`       // by id
	Memberships table.Table[Membership] `json:"memberships"`   // by id
	Events      table.Table[LogEvent]   `json:"events"`        // by id
	// NextID is the next id of a folder, membership or log event.
	NextID int64 `json:"nextId"`
}

// Org is an organisation and the API key that reaches it.
type Org struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	APIKey string `json:"apiKey"`
}

// App is an app of an organisation.
type App struct {
	ClientID    string    `json:"clientId"`
	OrgID       int64     `json:"organizationId"`
	Type        string    `json:"type"`
	Title       string    `json:"title"`
	URL         *string   `json:"url"`
	IconURL     *string   `json:"iconUrl"`
	Description *string   `json:"description"`
	Slug        string    `json:"slug"`
	Ping        int       `json:"ping"`
	Seq         int64     `json:"seq"` // creation order
	CreatedAt   time.Time `json:"createdAt"`
}

// Folder is a folder of an organisation; Path is the path of the folder
// that contains it, with a trailing slash.
type Folder struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"organizationId"`
	Name        string `json:"name"`
	ParentID    *int64 `json:"parentId"`
	Path        string `json:"path"`
	ForAllUsers bool   `json:"forAllUsers"`
}

// Membership is a person's place in an organisation.
type Membership struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"organizationId"`
	UserID       *int64    `json:"userId"`
	Role         string    `json:"role"`
	Status       string    `json:"status"`
	FirstName    string    `json:"firstName"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Phone        *string   `json:"phone"`
	Language     string    `json:"language"`
	RegisterLink *string   `json:"registerLink"`
	MailSent     bool      `json:"mailSent,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// LogEvent is a logged activity of an organisation.
type LogEvent struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"organizationId"`
	Type         int       `json:"type"`
	Message      string    `json:"message,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	MembershipID *int64    `json:"membershipId"`
	FolderID     *int64    `json:"folderId"`
	UserID       *int64    `json:"userId"`
	DeviceID     *int64    `json:"deviceId"`
	AppClientID  *string   `json:"appClientId"`
}

// The roles and statuses of memberships.
const (
	RoleOwner      = "OWNER"
	RoleAdmin      = "ADMIN"
	RoleUser       = "USER"
	StatusActive   = "ACTIVE"
	StatusInactive = "INACTIVE"
)

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

func orgKey(id int64) string { return idKey(id) }

// Indexes.
var (
	orgsByKey = table.UniqueKey("apiKey", func(o Org) string { return o.APIKey })

	appsOf      = table.ByKey("org", func(a App) int64 { return a.Seq }).PartitionBy(func(a App) string { return orgKey(a.OrgID) })
	appsBySlug  = table.UniqueKey("slug", func(a App) string { return orgKey(a.OrgID) + "\x00" + a.Slug })
	foldersOf   = table.ByKey("org", func(f Folder) int64 { return f.ID }).PartitionBy(func(f Folder) string { return orgKey(f.OrgID) })
	childrenOf  = table.ByKey("parent", func(f Folder) int64 { return f.ID }).PartitionBy(parentKey)
	membersOf   = table.ByKey("org", func(m Membership) int64 { return m.ID }).PartitionBy(func(m Membership) string { return orgKey(m.OrgID) })
	membersByRl = table.ByKey("role", func(m Membership) int64 { return m.ID }).PartitionBy(func(m Membership) string {
		return orgKey(m.OrgID) + "/" + m.Role
	})
	membersByEmail = table.UniqueKey("email", func(m Membership) string { return emailKey(m.OrgID, m.Email) })
	eventsOf       = table.ByCompare("org", func(e LogEvent) eventKey { return eventKey{e.CreatedAt.Round(0), e.ID} }, compareEventKeys).
			PartitionBy(func(e LogEvent) string { return orgKey(e.OrgID) })
)

// parentKey is a folder's partition in childrenOf: its parent, or none
// for a root folder.
func parentKey(f Folder) string {
	if f.ParentID == nil {
		return ""
	}
	return idKey(*f.ParentID)
}

func emailKey(org int64, email string) string {
	if email == "" {
		return ""
	}
	return orgKey(org) + "\x00" + strings.ToLower(email)
}

type eventKey struct {
	at time.Time
	id int64
}

func compareEventKeys(a, b eventKey) int {
	if c := a.at.Compare(b.at); c != 0 {
		return c
	}
	switch {
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}

// TableSpec declares the organisations table.
func (Org) TableSpec() table.Spec[Org] {
	return table.Spec[Org]{Name: "organizations", ID: func(o Org) string { return idKey(o.ID) }, Unique: []*table.Unique[Org]{orgsByKey}}
}

// TableSpec declares the apps table.
func (App) TableSpec() table.Spec[App] {
	return table.Spec[App]{Name: "apps", ID: func(a App) string { return a.ClientID },
		Unique: []*table.Unique[App]{appsBySlug}, Ordered: []*table.Order[App]{appsOf},
		Clone: func(a App) App {
			a.URL, a.IconURL, a.Description = clonePtr(a.URL), clonePtr(a.IconURL), clonePtr(a.Description)
			return a
		}}
}

// TableSpec declares the folders table.
func (Folder) TableSpec() table.Spec[Folder] {
	return table.Spec[Folder]{Name: "folders", ID: func(f Folder) string { return idKey(f.ID) },
		Ordered: []*table.Order[Folder]{foldersOf, childrenOf},
		Clone:   func(f Folder) Folder { f.ParentID = clonePtr(f.ParentID); return f }}
}

// TableSpec declares the memberships table.
func (Membership) TableSpec() table.Spec[Membership] {
	return table.Spec[Membership]{Name: "memberships", ID: func(m Membership) string { return idKey(m.ID) },
		Unique: []*table.Unique[Membership]{membersByEmail}, Ordered: []*table.Order[Membership]{membersOf, membersByRl},
		Clone: func(m Membership) Membership {
			m.UserID, m.Phone, m.RegisterLink = clonePtr(m.UserID), clonePtr(m.Phone), clonePtr(m.RegisterLink)
			return m
		}}
}

// TableSpec declares the log events table.
func (LogEvent) TableSpec() table.Spec[LogEvent] {
	return table.Spec[LogEvent]{Name: "events", ID: func(e LogEvent) string { return idKey(e.ID) },
		Ordered: []*table.Order[LogEvent]{eventsOf},
		Clone: func(e LogEvent) LogEvent {
			e.MembershipID, e.FolderID, e.UserID, e.DeviceID = clonePtr(e.MembershipID), clonePtr(e.FolderID), clonePtr(e.UserID), clonePtr(e.DeviceID)
			e.AppClientID = clonePtr(e.AppClientID)
			return e
		}}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// CopyState returns a copy-on-write copy of s (mockserver.Copier).
func (s *State) CopyState() any {
	return &State{Orgs: s.Orgs.Copy(), Apps: s.Apps.Copy(), Folders: s.Folders.Copy(), Memberships: s.Memberships.Copy(),
		Events: s.Events.Copy(), NextID: s.NextID}
}

// nextID hands out the next id.
func (s *State) nextID() int64 {
	s.NextID++
	return s.NextID
}

// check refuses a snapshot that breaks the API's rules: records of an
// organisation that does not exist, a folder whose parent is missing or of
// another organisation or whose path disagrees with it, an organisation
// without exactly one owner, an id at or above nextId.
func check(s *State) error {
	maxID := int64(0)
	seen := func(id int64) {
		maxID = max(maxID, id)
	}
	orgExists := func(id int64) bool { _, ok := s.Orgs.Get(idKey(id)); return ok }
	for id, o := range s.Orgs.All() {
		if o.APIKey == "" {
			return mockserver.Invalid(mockserver.Pointer("organizations", id, "apiKey"), "must not be empty")
		}
		if n := s.Memberships.Count(membersByRl, orgKey(o.ID)+"/"+RoleOwner); n != 1 {
			return mockserver.Invalid(mockserver.Pointer("organizations", id), "has %d owners, want exactly one", n)
		}
	}
	for id, a := range s.Apps.All() {
		if !orgExists(a.OrgID) {
			return mockserver.Invalid(mockserver.Pointer("apps", id, "organizationId"), "names organization %d, which does not exist", a.OrgID)
		}
	}
	for id, f := range s.Folders.All() {
		at := mockserver.Pointer("folders", id)
		seen(f.ID)
		if !orgExists(f.OrgID) {
			return mockserver.Invalid(at+"/organizationId", "names organization %d, which does not exist", f.OrgID)
		}
		want := "/"
		if f.ParentID != nil {
			p, ok := s.Folders.Get(idKey(*f.ParentID))
			if !ok || p.OrgID != f.OrgID {
				return mockserver.Invalid(at+"/parentId", "names folder %d, which is not a folder of its organization", *f.ParentID)
			}
			want = p.Path + p.Name + "/"
		}
		if f.Path != want {
			return mockserver.Invalid(at+"/path", "is %q, but its parents make it %q", f.Path, want)
		}
	}
	for id, m := range s.Memberships.All() {
		seen(m.ID)
		if !orgExists(m.OrgID) {
			return mockserver.Invalid(mockserver.Pointer("memberships", id, "organizationId"), "names organization %d, which does not exist", m.OrgID)
		}
	}
	for id, e := range s.Events.All() {
		seen(e.ID)
		if !orgExists(e.OrgID) {
			return mockserver.Invalid(mockserver.Pointer("events", id, "organizationId"), "names organization %d, which does not exist", e.OrgID)
		}
	}
	if maxID > s.NextID {
		return mockserver.Invalid("/nextId", "is %d, below the id %d in use", s.NextID, maxID)
	}
	return nil
}
