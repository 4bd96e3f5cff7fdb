package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// standinBanner starts the line standin serve prints once it listens.
const standinBanner = "standin serving on "

// The three measured requests, by kind.
const (
	kindGet     = "get"
	kindValid   = "post-valid"
	kindInvalid = "post-invalid"
)

var kinds = []string{kindGet, kindValid, kindInvalid}

var kindTitle = map[string]string{
	kindGet:     "GET channels.info",
	kindValid:   "POST invite valid",
	kindInvalid: "POST invalid",
}

// apiNames lists the APIs the binary serves (standin apis).
func apiNames(bin string) ([]string, error) {
	out, err := exec.Command(bin, "apis").Output()
	if err != nil {
		return nil, fmt.Errorf("%s apis: %w", bin, err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			names = append(names, f[0])
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s apis listed no API", bin)
	}
	return names, nil
}

// rocketOnlyConfig is the configuration that serves Rocket.Chat alone,
// also at the root of rootAddr, every other setting at its default.
func rocketOnlyConfig(apis []string, rootAddr string) string {
	var b strings.Builder
	b.WriteString("apis:\n")
	for _, name := range apis {
		if name == "rocketchat" {
			fmt.Fprintf(&b, "  rocketchat:\n    rootAddr: %q\n", rootAddr)
		} else {
			fmt.Fprintf(&b, "  %s:\n    enabled: false\n", name)
		}
	}
	return b.String()
}

// standinServer is a running standin serve with Rocket.Chat at the root
// of a port, logged in as the admin.
type standinServer struct {
	*process
	root   string // http://rootAddr
	header map[string]string
}

// startStandin starts bin serve with Rocket.Chat alone at the root of a
// free port, quiet or logging every request, behind prefix, and logs in.
func startStandin(name, bin string, prefix []string, apis []string, quiet bool, env []string, dir string) (*standinServer, error) {
	rootAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(cfg, []byte(rocketOnlyConfig(apis, rootAddr)), 0o600); err != nil {
		return nil, err
	}
	args := append(append([]string(nil), prefix...), bin, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	if quiet {
		args = append(args, "--quiet")
	}
	p, err := startProcess(name, args, env, standinBanner, filepath.Join(dir, name+".stderr"))
	if err != nil {
		return nil, err
	}
	s := &standinServer{process: p, root: "http://" + rootAddr}
	if err := s.login(); err != nil {
		p.stop()
		return nil, err
	}
	return s, nil
}

var client = &http.Client{Timeout: 10 * time.Second}

// login logs in as the admin at the root, retrying for a few seconds
// while the root listener comes up, and keeps the token headers.
func (s *standinServer) login() error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var ans struct {
			Data struct {
				AuthToken string `json:"authToken"`
				UserID    string `json:"userId"`
			} `json:"data"`
		}
		status, body, err := do(s.root, request{Method: "POST", Target: "/api/v1/login",
			Header: map[string]string{"Content-Type": "application/json"},
			Body:   `{"user":"admin","password":"admin"}`}, &ans)
		if err == nil && status == http.StatusOK && ans.Data.AuthToken != "" {
			s.header = map[string]string{"X-Auth-Token": ans.Data.AuthToken, "X-User-Id": ans.Data.UserID}
			return nil
		}
		if err == nil {
			return fmt.Errorf("%s: POST /api/v1/login: %d %s", s.name, status, body)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: POST /api/v1/login: %w", s.name, err)
		}
		if err := s.alive(); err != nil {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// do sends req to base and returns the status and body; with into, a 200
// body is decoded into it.
func do(base string, req request, into any) (int, []byte, error) {
	hr, err := http.NewRequest(req.Method, base+req.Target, strings.NewReader(req.Body))
	if err != nil {
		return 0, nil, err
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	resp, err := client.Do(hr)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if into != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, into); err != nil {
			return resp.StatusCode, body, fmt.Errorf("%s %s: %w", req.Method, req.Target, err)
		}
	}
	return resp.StatusCode, body, nil
}

// subjects are the seeded channel and user the requests name.
type subjects struct {
	ChannelName string `json:"channelName"`
	ChannelID   string `json:"channelId"`
	UserID      string `json:"userId"` // a member of the channel, not the admin
	Username    string `json:"username"`
}

// lookUp finds a seeded public channel (general if there is one) and a
// member of it other than the admin, through the API.
func (s *standinServer) lookUp() (subjects, error) {
	var list struct {
		Channels []struct {
			ID   string `json:"_id"`
			Name string `json:"name"`
			T    string `json:"t"`
		} `json:"channels"`
	}
	req := request{Method: "GET", Target: "/api/v1/channels.list?count=100", Header: s.header}
	if status, body, err := do(s.root, req, &list); err != nil || status != http.StatusOK {
		return subjects{}, fmt.Errorf("GET %s: %d %v %s", req.Target, status, err, body)
	}
	var sub subjects
	for _, c := range list.Channels {
		if c.T == "c" && (sub.ChannelID == "" || c.Name == "general") {
			sub.ChannelName, sub.ChannelID = c.Name, c.ID
		}
	}
	if sub.ChannelID == "" {
		return subjects{}, fmt.Errorf("GET %s: no public channel", req.Target)
	}
	var members struct {
		Members []struct {
			ID       string `json:"_id"`
			Username string `json:"username"`
		} `json:"members"`
	}
	req.Target = "/api/v1/channels.members?roomId=" + url.QueryEscape(sub.ChannelID)
	if status, body, err := do(s.root, req, &members); err != nil || status != http.StatusOK {
		return subjects{}, fmt.Errorf("GET %s: %d %v %s", req.Target, status, err, body)
	}
	for _, m := range members.Members {
		if m.ID != s.header["X-User-Id"] {
			sub.UserID, sub.Username = m.ID, m.Username
			break
		}
	}
	if sub.UserID == "" {
		return subjects{}, fmt.Errorf("channel %s has no member but the admin", sub.ChannelName)
	}
	return sub, nil
}

// requests are the three measured requests about sub, with the server's
// token headers.
func (s *standinServer) requests(sub subjects) map[string]request {
	post := map[string]string{"Content-Type": "application/json"}
	for k, v := range s.header {
		post[k] = v
	}
	valid, _ := json.Marshal(map[string]string{"roomId": sub.ChannelID, "userId": sub.UserID})
	return map[string]request{
		kindGet: {Kind: kindGet, Method: "GET", Target: "/api/v1/channels.info?roomName=" + url.QueryEscape(sub.ChannelName),
			Header: s.header, Want: http.StatusOK},
		kindValid: {Kind: kindValid, Method: "POST", Target: "/api/v1/channels.invite",
			Header: post, Body: string(valid), Want: http.StatusOK},
		kindInvalid: {Kind: kindInvalid, Method: "POST", Target: "/api/v1/channels.invite",
			Header: post, Body: `{"roomId": 5}`, Want: http.StatusBadRequest},
	}
}

// check sends each request twice (the second invite finds the user a
// member already) and fails unless every answer has the wanted status; it
// returns the second answers.
func check(name, base string, reqs map[string]request) (map[string]captured, error) {
	got := make(map[string]captured, len(reqs))
	for _, kind := range kinds {
		req := reqs[kind]
		for range 2 {
			hr, err := http.NewRequest(req.Method, base+req.Target, strings.NewReader(req.Body))
			if err != nil {
				return nil, err
			}
			for k, v := range req.Header {
				hr.Header.Set(k, v)
			}
			resp, err := client.Do(hr)
			if err != nil {
				return nil, fmt.Errorf("%s: %s %s: %w", name, req.Method, req.Target, err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %s %s: %w", name, req.Method, req.Target, err)
			}
			if resp.StatusCode != req.Want {
				return nil, fmt.Errorf("%s: %s %s %s answered %d, want %d: %s", name, req.Method, req.Target,
					req.Body, resp.StatusCode, req.Want, bytes.TrimSpace(body))
			}
			got[kind] = captured{Method: req.Method, Target: req.Target, Body: req.Body,
				Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Response: body}
		}
	}
	return got, nil
}
