package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// apiInfo is one line of "standin apis -v": an API's name, mount path and
// default credentials (key=value).
type apiInfo struct {
	Name   string
	Prefix string
	Creds  map[string]string
}

// parseAPIs reads the output of "standin apis -v": the name, a title that
// may hold spaces, the mount path (the first field starting with /) and
// key=value credentials.
func parseAPIs(out string) map[string]apiInfo {
	apis := map[string]apiInfo{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		info := apiInfo{Name: f[0], Creds: map[string]string{}}
		for _, field := range f[1:] {
			if info.Prefix == "" && strings.HasPrefix(field, "/") {
				info.Prefix = field
			} else if k, v, ok := strings.Cut(field, "="); ok && info.Prefix != "" {
				info.Creds[k] = v
			}
		}
		apis[info.Name] = info
	}
	return apis
}

// apiCall is a real call to one API: it returns nil once it got a 2xx.
type apiCall struct {
	api  string
	desc string
	call callFunc
}

// startupCalls are one cheap call per API with the default credentials,
// Rocket.Chat's first; tokens an API expects the client to mint come from
// "standin token".
func startupCalls(bin string) ([]apiCall, error) {
	out, err := exec.Command(bin, "apis", "-v").Output()
	if err != nil {
		return nil, fmt.Errorf("%s apis -v: %w", bin, err)
	}
	apis := parseAPIs(string(out))
	need := func(api string, keys ...string) (apiInfo, error) {
		info, ok := apis[api]
		if !ok {
			return info, fmt.Errorf("%s apis -v lists no %s", bin, api)
		}
		for _, k := range keys {
			if info.Creds[k] == "" {
				return info, fmt.Errorf("%s apis -v gives %s no %s", bin, api, k)
			}
		}
		return info, nil
	}
	rc, err := need("rocketchat")
	if err != nil {
		return nil, err
	}
	sl, err := need("smartlink", "apiKey")
	if err != nil {
		return nil, err
	}
	et, err := need("ethora", "appId")
	if err != nil {
		return nil, err
	}
	ethoraToken, err := exec.Command(bin, "token", "ethora").Output()
	if err != nil {
		return nil, fmt.Errorf("%s token ethora: %w", bin, err)
	}
	uc, err := need("ucsrooms", "aliceToken")
	if err != nil {
		return nil, err
	}
	ck, err := need("chatkitty", "clientId", "clientSecret")
	if err != nil {
		return nil, err
	}
	bearer := func(tok string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + strings.TrimSpace(tok)}
	}
	return []apiCall{
		{"rocketchat", "GET " + rc.Prefix + "/api/info", getCall(rc.Prefix+"/api/info", nil)},
		{"smartlink", "GET " + sl.Prefix + "/api/workflow/apps", getCall(sl.Prefix+"/api/workflow/apps",
			map[string]string{"x-api-key": sl.Creds["apiKey"]})},
		{"ethora", "GET " + et.Prefix + "/v2/apps/" + et.Creds["appId"], getCall(et.Prefix+"/v2/apps/"+url.PathEscape(et.Creds["appId"]),
			bearer(string(ethoraToken)))},
		{"ucsrooms", "GET " + uc.Prefix + "/participant/room", getCall(uc.Prefix+"/participant/room", bearer(uc.Creds["aliceToken"]))},
		{"chatkitty", "POST " + ck.Prefix + "/oauth/token, GET " + ck.Prefix + "/v1/application",
			chatKittyCall(ck.Prefix, ck.Creds["clientId"], ck.Creds["clientSecret"])},
	}, nil
}

func getCall(target string, header map[string]string) callFunc {
	return func(c *http.Client, base string) error {
		req, err := http.NewRequest(http.MethodGet, base+target, nil)
		if err != nil {
			return err
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		_, err = send(c, req)
		return err
	}
}

// chatKittyCall gets a token with the client credentials, then reads the
// application with it: ChatKitty has no call without a token the server
// issued.
func chatKittyCall(prefix, id, secret string) callFunc {
	return func(c *http.Client, base string) error {
		req, err := http.NewRequest(http.MethodPost, base+prefix+"/oauth/token",
			strings.NewReader("grant_type=client_credentials"))
		if err != nil {
			return err
		}
		req.SetBasicAuth(id, secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		body, err := send(c, req)
		if err != nil {
			return err
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			return fmt.Errorf("token endpoint answered %s", body)
		}
		return getCall(prefix+"/v1/application", map[string]string{"Authorization": "Bearer " + tok.AccessToken})(c, base)
	}
}

// send sends req and returns the body of a 2xx answer, or an error.
func send(c *http.Client, req *http.Request) ([]byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return body, nil
}

// startupRun is what one start-up measured.
type startupRun struct {
	Health   time.Duration `json:"health"`   // exec to the first 2xx of /__standin/health
	FirstAPI time.Duration `json:"firstApi"` // exec to the first 2xx of the Rocket.Chat call
	AllAPIs  time.Duration `json:"allApis"`  // exec to the 2xx of the last of the five calls
	RSSIdle  int64         `json:"rssIdle"`  // bytes, 2 s after the calls; 0 if not read
	RSSAnon  int64         `json:"rssAnon"`  // of which anonymous memory: heap, stacks
	RSSFile  int64         `json:"rssFile"`  // of which mapped file pages: the binary's own
}

// pollGap is the pause between two polls of a server coming up.
const pollGap = 200 * time.Microsecond

// measureStartup runs "bin serve --addr 127.0.0.1:0 --quiet" with extra
// environment env, times it to the first 2xx of the health check and of
// each call, reads its idle RSS when rss is set, and stops it with SIGINT.
func measureStartup(bin string, calls []apiCall, env []string, rss bool, dir string) (startupRun, error) {
	var run startupRun
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	stderr, err := os.CreateTemp(dir, "startup-*.stderr")
	if err != nil {
		return run, err
	}
	defer stderr.Close()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--quiet")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return run, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return run, err
	}
	p := &process{name: "standin (start-up)", cmd: cmd, stderr: stderr.Name(), done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		urls <- readBanner(br, standinBanner)
		io.Copy(io.Discard, br)
		p.err = cmd.Wait()
		close(p.done)
	}()
	defer p.stop()
	var base string
	select {
	case base = <-urls:
	case <-time.After(30 * time.Second):
	}
	if base == "" {
		return run, fmt.Errorf("standin printed no %q line: %s", standinBanner, p.tail())
	}
	poll := func(what string, call func() error) (time.Duration, error) {
		deadline := time.Now().Add(10 * time.Second)
		for {
			err := call()
			if err == nil {
				return time.Since(start), nil
			}
			if time.Now().After(deadline) {
				return 0, fmt.Errorf("%s: no 2xx within 10s: %w", what, err)
			}
			if err := p.alive(); err != nil {
				return 0, err
			}
			time.Sleep(pollGap)
		}
	}
	if run.Health, err = poll("GET /__standin/health", getCall("/__standin/health", nil).bind(c, base)); err != nil {
		return run, err
	}
	for i, call := range calls {
		d, err := poll(call.desc, call.call.bind(c, base))
		if err != nil {
			return run, err
		}
		if i == 0 {
			run.FirstAPI = d
		}
		run.AllAPIs = d
	}
	if rss {
		time.Sleep(2 * time.Second)
		m, err := memoryOf(cmd.Process.Pid)
		if err != nil {
			return run, err
		}
		run.RSSIdle, run.RSSAnon, run.RSSFile = m.rss, m.anon, m.file
	}
	return run, p.stop()
}

// callFunc is a call to a server at base; nil once it answered 2xx.
type callFunc func(c *http.Client, base string) error

func (f callFunc) bind(c *http.Client, base string) func() error {
	return func() error { return f(c, base) }
}

// memory is a process's resident set, in bytes: the whole (VmRSS), its
// anonymous memory (RssAnon: heap, stacks) and its mapped file pages
// (RssFile: mostly the pages of the binary it has run or read, which
// the kernel maps in runs around each one touched; how many depends on
// the page cache, so that the same binary shows a few MiB more or less).
type memory struct{ rss, anon, file int64 }

// memoryOf reads the resident set of process pid.
func memoryOf(pid int) (memory, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return memory{}, err
	}
	return parseMemory(string(data))
}

// parseMemory reads the VmRSS, RssAnon and RssFile lines of a
// /proc/PID/status.
func parseMemory(status string) (memory, error) {
	var m memory
	fields := map[string]*int64{"VmRSS:": &m.rss, "RssAnon:": &m.anon, "RssFile:": &m.file}
	found := 0
	for _, line := range strings.Split(status, "\n") {
		key, rest, _ := strings.Cut(line, "\t")
		dst, ok := fields[key]
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return memory{}, fmt.Errorf("%s line %q", key, line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("%s line %q: %w", key, line, err)
		}
		*dst = kb << 10
		found++
	}
	if found != len(fields) {
		return memory{}, fmt.Errorf("status has %d of the lines VmRSS, RssAnon and RssFile", found)
	}
	return m, nil
}
