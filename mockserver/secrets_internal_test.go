package mockserver

import (
	"testing"
)

func TestSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"password": true, "authToken": true, "xmppPassword": true, "app_secret": true,
		"X-Api-Key": true, "resume": true, "pwd": true, "client.secret": true,
		"token_type": false, "tokenId": false, "username": false, "passport": false, "name": false,
	} {
		if got := SecretKey(key); got != want {
			t.Errorf("SecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestSecretHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "X-Auth-Token": true, "Set-Cookie": true, "X-Api-Key": true,
		"X-Standin-Admin-Token": true, "X-User-Id": false, "Content-Type": false,
	} {
		if got := SecretHeader(name); got != want {
			t.Errorf("SecretHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestMentionsSecret(t *testing.T) {
	for body, want := range map[string]bool{
		`{"user":"a","pass":"b"}`: true, `{"authToken":"x"}`: true, `{"a\u0070i":1}`: true,
		`{"user":"a","count":2}`: false,
	} {
		if got := mentionsSecret([]byte(body)); got != want {
			t.Errorf("mentionsSecret(%s) = %v, want %v", body, got, want)
		}
	}
}
