package ucsrooms

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// signer makes and checks the signed URLs of uploads and downloads.
type signer struct {
	secret []byte
	ttl    time.Duration
}

// grant is what a signed URL allows: method on file of room, as user, in
// namespace, until expires (Unix seconds).
type grant struct {
	Method, Namespace, Room, File, User string
	Expires                             int64
}

func (s signer) signature(g grant) string {
	mac := hmac.New(sha256.New, s.secret)
	for _, part := range []string{g.Method, g.Namespace, g.Room, g.File, g.User, strconv.FormatInt(g.Expires, 10)} {
		mac.Write([]byte(part))
		mac.Write([]byte{'\n'})
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// url returns the signed URL of g under base, the API's own URL.
func (s signer) url(base string, g grant) string {
	q := url.Values{}
	q.Set("room_id", g.Room)
	q.Set("user_id", g.User)
	q.Set("namespace", g.Namespace)
	q.Set("expires", strconv.FormatInt(g.Expires, 10))
	q.Set("signature", s.signature(g))
	return base + "/files/" + url.PathEscape(g.File) + "?" + q.Encode()
}

// issue returns a grant of method on file for user, from now for the TTL.
func (s signer) issue(method, ns, room, file, user string, now time.Time) grant {
	return grant{Method: method, Namespace: ns, Room: room, File: file, User: user, Expires: now.Add(s.ttl).Unix()}
}

// check refuses a grant whose signature does not match (tampered with, or
// signed for the other method) or that has expired.
func (s signer) check(g grant, signature string, now time.Time) error {
	want := s.signature(g)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		if g.Method == http.MethodPut {
			return ErrSignature.With("the signature does not match this upload URL: it was changed, or is a download URL's")
		}
		return ErrSignature.With("the signature does not match this download URL: it was changed, or is an upload URL's")
	}
	if now.Unix() > g.Expires {
		return ErrURLExpired.Withf("the URL expired at %s: get a new one", time.Unix(g.Expires, 0).UTC().Format(time.RFC3339))
	}
	return nil
}
