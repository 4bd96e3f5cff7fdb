package smartlink

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/standin/standin/fixtures"
)

// Seed returns the state every namespace starts from: the organisations,
// and in the first the data set's people as memberships (its first user
// the owner, the data set's admins ADMIN, every third person registered),
// a folder per room under "Teams" and an app per room; the others get an
// owner, a folder and an app of their own, for isolation tests. A few log
// events record app opens.
func Seed(orgs []OrgConfig, tenant *fixtures.Tenant, epoch time.Time) *State {
	epoch = epoch.Truncate(time.Second)
	st := &State{}
	for i, oc := range orgs {
		_ = st.Orgs.Insert(Org{ID: oc.ID, Name: oc.Name, APIKey: oc.APIKey})
		made := epoch.Add(-30 * 24 * time.Hour)
		if i > 0 || tenant == nil {
			owner := Membership{ID: st.nextID(), OrgID: oc.ID, Role: RoleOwner, Status: StatusActive, FirstName: "Owner",
				Name: oc.Name, Email: fmt.Sprintf("owner@org%d.example", oc.ID), Language: "en", CreatedAt: made, UpdatedAt: made}
			uid := 1000 + owner.ID
			owner.UserID = &uid
			_ = st.Memberships.Insert(owner)
			f, _ := st.createFolder(oc.ID, oc.Name+" folder", nil)
			_, _ = st.createApps(oc.ID, []appInput{{Title: ptr(oc.Name + " portal"), Slug: ptr(fmt.Sprintf("org%d-portal", oc.ID)),
				clientID: seedID(oc.ID, "portal")}}, made)
			_ = f
			continue
		}
		for j, u := range tenant.Users {
			first, last, _ := strings.Cut(u.Name, " ")
			m := Membership{ID: st.nextID(), OrgID: oc.ID, Role: RoleUser, Status: StatusActive, FirstName: first, Name: last,
				Email: u.Email, Language: "en", CreatedAt: made.Add(time.Duration(j) * time.Minute)}
			m.UpdatedAt = m.CreatedAt
			switch {
			case j == 0:
				m.Role = RoleOwner
			case u.Admin:
				m.Role = RoleAdmin
			}
			if j%3 == 0 {
				uid := 1000 + m.ID
				m.UserID = &uid
			} else {
				link := fmt.Sprintf("https://smartlink.invalid/register/seed-%d", m.ID)
				m.RegisterLink = &link
			}
			phone := fmt.Sprintf("+33 6 %02d %02d %02d %02d", j/1000000%100, j/10000%100, j/100%100, j%100)
			m.Phone = &phone
			_ = st.Memberships.Insert(m)
		}
		teams, _ := st.createFolder(oc.ID, "Teams", nil)
		for _, r := range tenant.Rooms {
			_, _ = st.createFolder(oc.ID, r.Name, &teams.ID)
			apps, err := st.createApps(oc.ID, []appInput{{Title: ptr(strings.ToUpper(r.Name[:1]) + r.Name[1:] + " board"),
				URL: ptr("https://" + r.Name + ".example/"), Slug: ptr(r.Name), clientID: seedID(oc.ID, r.Name)}}, made)
			if err == nil && len(apps) > 0 {
				for k := range 2 {
					_, _, _ = st.logEvent(oc.ID, LogEvent{Type: 0, AppClientID: &apps[0].ClientID, Message: "App opened"}, made.Add(time.Duration(k+1)*time.Hour))
				}
			}
		}
	}
	return st
}

func ptr[T any](v T) *T { return &v }

// seedSpace names the seeded apps' client ids.
var seedSpace = uuid.MustParse("0f3b6c2e-5a1d-4e8f-9b7a-51a2f0e0c0de")

// seedID is the client id of a seeded app: the same in every run.
func seedID(org int64, name string) string {
	return uuid.NewSHA1(seedSpace, []byte(fmt.Sprintf("%d/%s", org, name))).String()
}
