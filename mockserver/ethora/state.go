package ethora

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// State is the Ethora world of one namespace: apps (each a tenant, with its
// secret, app tokens and bot), their users and chats, and the jobs of user
// batches and broadcasts. It is plain data so snapshots round-trip through
// JSON.
type State struct {
	Apps       map[string]*App       `json:"apps"`       // by app id
	Users      map[string]*User      `json:"users"`      // by xmppUsername, {appId}_{uuid}
	Chats      map[string]*Chat      `json:"chats"`      // by name, {appId}_{uuid}
	UserJobs   map[string]*UserJob   `json:"userJobs"`   // by job id
	Broadcasts map[string]*Broadcast `json:"broadcasts"` // by job id
}

// App is a tenant. Apps created through the API are children of the app
// whose token created them.
type App struct {
	ID           string               `json:"_id"`
	Secret       string               `json:"secret"`
	ParentID     string               `json:"parentAppId,omitempty"`
	DisplayName  string               `json:"displayName"`
	DomainName   string               `json:"domainName,omitempty"`
	AppTagline   string               `json:"appTagline,omitempty"`
	LogoImage    string               `json:"logoImage,omitempty"`
	SublogoImage string               `json:"sublogoImage,omitempty"`
	PrimaryColor string               `json:"primaryColor,omitempty"`
	BundleID     string               `json:"bundleId,omitempty"`
	Extra        map[string]any       `json:"extra,omitempty"`
	Tokens       map[string]*AppToken `json:"tokens"`
	Bot          Bot                  `json:"bot"`
	CreatedAt    time.Time            `json:"createdAt"`
	UpdatedAt    time.Time            `json:"updatedAt"`
}

// AppToken is a server token issued by the API instead of minted with the
// app secret: an opaque value, kept only as a hash. Rotating issues a new
// value under the same id, so the old one stops working.
type AppToken struct {
	ID         string     `json:"tokenId"`
	Label      string     `json:"label,omitempty"`
	Hash       string     `json:"hash"`
	Revoked    bool       `json:"revoked,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	RotatedAt  *time.Time `json:"rotatedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
}

// Bot is an app's chatbot configuration.
type Bot struct {
	Status          string     `json:"status"`
	Trigger         string     `json:"trigger,omitempty"`
	Prompt          string     `json:"prompt,omitempty"`
	GreetingMessage string     `json:"greetingMessage,omitempty"`
	ChatID          string     `json:"chatId,omitempty"`
	IsRAG           bool       `json:"isRAG"`
	BotFirstName    string     `json:"botFirstName,omitempty"`
	BotLastName     string     `json:"botLastName,omitempty"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
}

// User is an account of one app. Users of a batch job exist from the
// moment the job is accepted (so uuids stay unique) but are visible only
// from VisibleAt, when the job completes.
type User struct {
	ID           string         `json:"_id"`
	AppID        string         `json:"appId"`
	UUID         string         `json:"uuid"`
	FirstName    string         `json:"firstName"`
	LastName     string         `json:"lastName"`
	Email        string         `json:"email"`
	Username     string         `json:"username,omitempty"`
	ProfileImage string         `json:"profileImage,omitempty"`
	Password     string         `json:"password,omitempty"`
	XMPPPassword string         `json:"xmppPassword"`
	Extra        map[string]any `json:"extra,omitempty"`
	VisibleAt    time.Time      `json:"visibleAt"`
	CreatedAt    time.Time      `json:"createdAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
}

// XMPPUsername is the user's name in chats: {appId}_{uuid}.
func (u *User) XMPPUsername() string { return u.AppID + "_" + u.UUID }

func (u *User) visible(now time.Time) bool { return !now.Before(u.VisibleAt) }

// Chat is a chat room of one app. Members are xmppUsernames in the order
// they were granted access.
type Chat struct {
	ID          string         `json:"_id"`
	Name        string         `json:"name"`
	AppID       string         `json:"appId"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Type        string         `json:"type"`
	Picture     string         `json:"picture,omitempty"`
	CreatedBy   string         `json:"createdBy,omitempty"`
	AppChat     bool           `json:"isAppChat,omitempty"` // created by provisioning
	Extra       map[string]any `json:"extra,omitempty"`
	Members     []string       `json:"members"`
	CreatedAt   time.Time      `json:"createdAt"`
	UpdatedAt   time.Time      `json:"updatedAt"`
}

// Job states.
const (
	JobPending   = "pending"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
)

// UserJob is an asynchronous user batch. Its state follows from the clock:
// pending for the first third of the configured delay, running until
// ReadyAt, completed from then on.
type UserJob struct {
	ID        string       `json:"jobId"`
	AppID     string       `json:"appId"`
	CreatedAt time.Time    `json:"createdAt"`
	ReadyAt   time.Time    `json:"readyAt"`
	Results   []UserResult `json:"results"`
}

// UserResult is the outcome for one user of a batch.
type UserResult struct {
	UUID         string `json:"uuid"`
	Status       string `json:"status"` // created, exists, uuid_exists
	XMPPUsername string `json:"xmppUsername"`
	Error        string `json:"error,omitempty"`
}

// Broadcast is an asynchronous message to some of an app's chats.
type Broadcast struct {
	ID        string            `json:"jobId"`
	AppID     string            `json:"appId"`
	Text      string            `json:"text"`
	DryRun    bool              `json:"dryRun"`
	CreatedAt time.Time         `json:"createdAt"`
	ReadyAt   time.Time         `json:"readyAt"`
	Results   []BroadcastResult `json:"results"`
}

// BroadcastResult is the outcome for one targeted chat.
type BroadcastResult struct {
	ChatName string `json:"chatName"`
	Status   string `json:"status"` // sent, skipped, not-found
}

// jobState is the state of a job created at created and done at ready.
func jobState(created, ready, now time.Time) string {
	switch {
	case !now.Before(ready):
		return JobCompleted
	case now.Before(created.Add(ready.Sub(created) / 3)):
		return JobPending
	default:
		return JobRunning
	}
}

// NewState returns a world with no apps.
func NewState() *State {
	return &State{Apps: map[string]*App{}, Users: map[string]*User{}, Chats: map[string]*Chat{},
		UserJobs: map[string]*UserJob{}, Broadcasts: map[string]*Broadcast{}}
}

// objectID returns a random 24-hex id, the shape of Mongo ObjectIds.
func objectID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// randomSecret returns a new random secret.
func randomSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// localName reduces a chat or member reference to the name within app: it
// drops every leading "{appId}_", so prefixed, unprefixed and
// double-prefixed forms name the same thing.
func localName(appID, ref string) string {
	ref = strings.TrimSpace(ref)
	prefix := appID + "_"
	for strings.HasPrefix(ref, prefix) && len(ref) > len(prefix) {
		ref = ref[len(prefix):]
	}
	return ref
}

// jidLocal is ref without the "@domain" of a full JID.
func jidLocal(ref string) string {
	if at := strings.IndexByte(ref, '@'); at >= 0 {
		return ref[:at]
	}
	return ref
}

// qualified returns ref as {appId}_{local}, never double-prefixed and
// without a JID's domain.
func qualified(appID, ref string) string { return appID + "_" + localName(appID, jidLocal(ref)) }

// lookup finds a record of app by a reference in any form: the name as
// given (a uuid may itself hold an "@"), then as a full JID.
func lookup[T any](m map[string]*T, appID, ref string) *T {
	if v := m[appID+"_"+localName(appID, ref)]; v != nil {
		return v
	}
	return m[qualified(appID, ref)]
}

// appUsers returns the visible users of app, ordered by creation.
func (s *State) appUsers(appID string, now time.Time) []*User {
	var out []*User
	for _, u := range s.Users {
		if u.AppID == appID && u.visible(now) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b *User) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.UUID, b.UUID))
	})
	return out
}

// appChats returns the chats of app, ordered by creation.
func (s *State) appChats(appID string) []*Chat {
	var out []*Chat
	for _, c := range s.Chats {
		if c.AppID == appID {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *Chat) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// user finds a visible user of app by uuid, xmppUsername or JID.
func (s *State) user(appID, ref string, now time.Time) *User {
	u := lookup(s.Users, appID, ref)
	if u == nil || !u.visible(now) {
		return nil
	}
	return u
}

// chat finds a chat of app by name, uuid or JID.
func (s *State) chat(appID, ref string) *Chat {
	return lookup(s.Chats, appID, ref)
}

// hashSecret hashes a password for storage.
func hashSecret(secret string) string {
	if secret == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
