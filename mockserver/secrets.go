package mockserver

// Which names carry secrets: the JSON keys, query parameters and headers
// whose values the request journal and the fidelity recordings
// (contracts.Redactor) replace before they keep a request. One rule for
// both, so that what the journal hides a recording hides too.

import (
	"bytes"
	"slices"
	"strings"
)

// words make a key secret when its normalised name contains one of them;
// names when it is one of them; plain names mention a secret without
// holding one (a token's kind, a token's id).
var (
	secretWords = []string{"password", "passwd", "secret", "token", "apikey", "privatekey", "accesskey", "credential", "authorization", "cookie", "signature"}
	secretNames = []string{"pwd", "pass", "resume", "jwt"}
	plainNames  = []string{"tokentype", "tokenid"}
)

// SecretKey reports whether a JSON key or query parameter holds a secret:
// "password", "authToken", "xmppPassword", "app_secret", "X-Api-Key",
// "resume" (Rocket.Chat's login token), ... Names are compared lower-cased
// and without '-', '_' and '.'; "token_type" and "tokenId" are not secret.
func SecretKey(key string) bool {
	k := strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '.':
			return -1
		}
		return r
	}, strings.ToLower(key))
	if slices.Contains(secretNames, k) {
		return true
	}
	if slices.Contains(plainNames, k) {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// SecretHeader reports whether a header's value is a secret: Authorization,
// Cookie, Set-Cookie, X-Auth-Token, X-Standin-Admin-Token, and any header
// whose name contains token, secret, key or password.
func SecretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"authorization", "cookie", "token", "secret", "key", "password"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// mentionsSecret reports whether a JSON body may hold a secret key: a quick test
// that spares most bodies a redaction's parse. A \u escape counts, as a
// key may be written with escapes.
func mentionsSecret(body []byte) bool {
	lower := bytes.ToLower(body)
	if bytes.Contains(lower, []byte(`\u`)) {
		return true
	}
	for _, w := range slices.Concat(secretWords, secretNames) {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}
