package main

import (
	"strings"
	"testing"
)

func TestParseAPIs(t *testing.T) {
	out := `rocketchat  Rocket.Chat  /rocketchat  username=admin password=admin
ucsrooms    UCS rooms    /ucs         jwtSecret=s aliceToken=a.b.c bobToken=d.e.f
smartlink   SmartLink    /smartlink   apiKey=k1 apiKey2=k2
`
	apis := parseAPIs(out)
	if got := apis["ucsrooms"]; got.Prefix != "/ucs" || got.Creds["aliceToken"] != "a.b.c" {
		t.Errorf("ucsrooms = %+v", got)
	}
	if got := apis["smartlink"]; got.Prefix != "/smartlink" || got.Creds["apiKey"] != "k1" {
		t.Errorf("smartlink = %+v", got)
	}
	if got := apis["rocketchat"]; got.Creds["password"] != "admin" {
		t.Errorf("rocketchat = %+v", got)
	}
}

func TestParseMemory(t *testing.T) {
	status := "Name:\tstandin\nVmPeak:\t  900000 kB\nVmRSS:\t   57216 kB\nRssAnon:\t   40000 kB\nRssFile:\t   17216 kB\nRssShmem:\t       0 kB\n"
	got, err := parseMemory(status)
	if want := (memory{rss: 57216 << 10, anon: 40000 << 10, file: 17216 << 10}); err != nil || got != want {
		t.Errorf("parseMemory = %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"Name:\tx\n", "VmRSS:\t 1 kB\nRssAnon:\t 1 kB\n", "VmRSS:\t 1 MB\nRssAnon:\t 1 kB\nRssFile:\t 0 kB\n"} {
		if _, err := parseMemory(bad); err == nil {
			t.Errorf("parseMemory(%q): no error", bad)
		}
	}
}

func TestRocketOnlyConfig(t *testing.T) {
	got := rocketOnlyConfig([]string{"rocketchat", "ethora", "chatkitty"}, "127.0.0.1:4000")
	want := "apis:\n  rocketchat:\n    rootAddr: \"127.0.0.1:4000\"\n  ethora:\n    enabled: false\n  chatkitty:\n    enabled: false\n"
	if got != want {
		t.Errorf("config =\n%s\nwant\n%s", got, want)
	}
}

func TestReadBanner(t *testing.T) {
	out := "loading...\nstandin serving on http://127.0.0.1:4321\n  rocketchat ...\n"
	if got := readBanner(strings.NewReader(out), standinBanner); got != "http://127.0.0.1:4321" {
		t.Errorf("readBanner = %q", got)
	}
	if got := readBanner(strings.NewReader("error: port in use\n"), standinBanner); got != "" {
		t.Errorf("readBanner without a banner = %q", got)
	}
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions([]string{"-duration", "3s", "-rounds", "1", "-generator", "go"})
	if err != nil {
		t.Fatal(err)
	}
	if o.duration.Seconds() != 3 || o.rounds != 1 || o.generator != "go" || o.conns != 32 || o.standin != "bin/standin" {
		t.Errorf("options = %+v", o)
	}
	for _, args := range [][]string{
		{"-duration", "500ms"},
		{"-rounds", "0"},
		{"-generator", "ab"},
		{"extra"},
	} {
		if _, err := parseOptions(args); err == nil {
			t.Errorf("parseOptions(%q) accepted it", args)
		}
	}
}
