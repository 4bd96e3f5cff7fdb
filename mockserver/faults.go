package mockserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/standin/standin/openapi"
)

// Bounds of the fault rules, so that they cannot make the server hold much
// memory or a request for long: at most MaxFaultRules rules, delays of at
// most MaxFaultDelay (a log-normal draw is cut there). The server's write
// timeout (server.writeTimeout) still ends a response that takes longer.
const (
	MaxFaultRules = 100
	MaxFaultDelay = 5 * time.Minute

	maxFaultBytesPerSecond = 1 << 30
	maxFaultSigma          = 4
	maxFaultFor            = maxClockOffset
	maxFaultText           = 1024 // bytes of an error message
	maxFaultWord           = 128  // bytes of an API name, a code, an operation id
	maxFaultOperation      = 2048 // bytes of "METHOD /path"
	maxFaultHits           = 16   // fault hits kept in one journal entry
)

// FaultOptions configure the latency and fault rules of a Server (see
// Faults).
type FaultOptions struct {
	// Seed makes the rules' random draws (delays, error and drop rates)
	// repeatable: the same seed, rules and order of requests give the same
	// faults. A rule may carry a seed of its own (FaultRule.Seed).
	Seed uint64
	// Now is the clock that ends time-limited rules; nil means time.Now.
	Now func() time.Time
}

// FaultRule is a latency or fault rule: which requests it applies to
// (api, namespace, operation; an empty one means any), what it does to them
// (delay, error, drop, slowBody; at least one) and for how long (times,
// until or for). It is the JSON of the admin API (/__standin/faults) and
// the YAML of the configuration file (faults.rules).
//
// Operation is an operationId ("listPets") or a method and a path
// ("GET /api/v1/channels.info"): the spec's path template, relative to the
// API's root ("/v1/users/{id}"). A request path ("/v1/users/42") and a path
// with the API's mount prefix ("/rocketchat/api/v1/channels.info") are
// accepted too and stored as the template they route to; the prefix names
// the API.
//
// Every rule that matches a request applies, in the order they were added:
// delays add up, then a drop or an error that fires ends the request (a
// drop before an error), and the first slow body sets the pace. Times
// counts the requests a rule matched, whether or not its rates made it act.
type FaultRule struct {
	// ID is assigned when the rule is added: "f1", "f2", ... Read-only.
	ID        string `json:"id,omitempty" yaml:"-"`
	API       string `json:"api,omitempty" yaml:"api"`
	Namespace string `json:"namespace,omitempty" yaml:"namespace"`
	Operation string `json:"operation,omitempty" yaml:"operation"`

	Delay    *FaultDelay    `json:"delay,omitempty" yaml:"delay"`
	Error    *FaultReply    `json:"error,omitempty" yaml:"error"`
	Drop     *FaultDrop     `json:"drop,omitempty" yaml:"drop"`
	SlowBody *FaultSlowBody `json:"slowBody,omitempty" yaml:"slowBody"`

	// Times, if positive, retires the rule after it matched that many
	// requests.
	Times int64 `json:"times,omitempty" yaml:"times"`
	// Until (RFC 3339) retires the rule at that time; For ("10m") at that
	// long after it was added. A rule has at most one of them; once added,
	// it shows Until.
	Until string `json:"until,omitempty" yaml:"until"`
	For   string `json:"for,omitempty" yaml:"for"`
	// Seed of the rule's random draws; when left out, one derived from
	// the server's seed and the rule's number. Shown once added.
	Seed *uint64 `json:"seed,omitempty" yaml:"seed"`

	// Read-only: requests the rule matched, requests it acted on (a
	// delay always acts; an error or a drop when its rate fires), and
	// whether it still applies (not past Times or Until).
	Matched uint64 `json:"matched" yaml:"-"`
	Applied uint64 `json:"applied" yaml:"-"`
	Active  bool   `json:"active" yaml:"-"`
}

// FaultDelay delays the request before the API sees it, by exactly one
// of: a fixed duration ("300ms"), a uniform draw between Min and Max, or a
// log-normal draw of the given median and sigma (the standard deviation
// of its logarithm; 0.5 puts about two draws in three between 0.6 and 1.65
// times the median). Durations are Go durations: "250ms", "1.5s", "2m".
type FaultDelay struct {
	Fixed     string          `json:"fixed,omitempty" yaml:"fixed"`
	Uniform   *FaultUniform   `json:"uniform,omitempty" yaml:"uniform"`
	LogNormal *FaultLogNormal `json:"logNormal,omitempty" yaml:"logNormal"`
}

// FaultUniform is a delay drawn uniformly between Min and Max.
type FaultUniform struct {
	Min string `json:"min" yaml:"min"`
	Max string `json:"max" yaml:"max"`
}

// FaultLogNormal is a delay drawn from a log-normal distribution.
type FaultLogNormal struct {
	Median string  `json:"median" yaml:"median"`
	Sigma  float64 `json:"sigma" yaml:"sigma"`
}

// FaultReply answers the request with an error of Status (400 to 599) in
// the API's own error envelope, at Rate (0 to 1; 1 when left out), instead
// of letting the API see it. Code is the API's error code in the body; when
// left out, the API's own code for 401, 403, 404 and 500, else the status
// in upper snake case ("SERVICE_UNAVAILABLE"). Message defaults to the
// status text and the rule's id.
type FaultReply struct {
	Status  int      `json:"status" yaml:"status"`
	Rate    *float64 `json:"rate,omitempty" yaml:"rate"`
	Code    string   `json:"code,omitempty" yaml:"code"`
	Message string   `json:"message,omitempty" yaml:"message"`
}

// FaultDrop closes the connection without an answer, at Rate (0 to 1; 1
// when left out): the client sees the connection closed (EOF, "connection
// reset", "socket hang up"). Over HTTP/2 the stream is reset.
type FaultDrop struct {
	Rate *float64 `json:"rate,omitempty" yaml:"rate"`
}

// FaultSlowBody sends the response body at BytesPerSecond, in pieces of
// a tenth of that (at least one byte), each after its share of the wait,
// so that a body of n bytes takes at least n/BytesPerSecond seconds. The
// headers go first; the server's write timeout ends a body that would
// take longer.
type FaultSlowBody struct {
	BytesPerSecond int64 `json:"bytesPerSecond" yaml:"bytesPerSecond"`
}

// FaultHit is what one fault rule did to a request, as its journal entry
// shows it: Action "delay" (Detail the delay, "312ms"), "error" (the
// status, "503"), "drop" or "slowBody" (the pace, "1024 B/s").
type FaultHit struct {
	Rule   string `json:"rule"`
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
}

// FaultRuleError is a fault rule refused for one of its fields, named as
// in its JSON and YAML ("delay.uniform.max").
type FaultRuleError struct {
	Field   string
	Message string
}

func (e *FaultRuleError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// ErrTooManyFaultRules refuses a rule beyond MaxFaultRules.
var ErrTooManyFaultRules = fmt.Errorf("mockserver: at most %d fault rules; remove some first", MaxFaultRules)

// Faults holds a server's latency and fault rules (Server.Faults). They
// are configuration, not state: a reset or a snapshot import keeps them.
// It is safe for concurrent use; requests read the rules without locking.
type Faults struct {
	srv  *Server
	seed uint64
	now  func() time.Time

	mu    sync.Mutex // serialises changes
	next  uint64     // number of the last rule added
	rules atomic.Pointer[[]*faultRule]
}

func newFaults(srv *Server, o FaultOptions) *Faults {
	f := &Faults{srv: srv, seed: o.Seed, now: o.Now}
	if f.now == nil {
		f.now = time.Now
	}
	f.rules.Store(&[]*faultRule{})
	return f
}

// Faults returns the server's latency and fault rules.
func (s *Server) Faults() *Faults { return s.faults }

// Seed returns the seed the rules' draws derive from.
func (f *Faults) Seed() uint64 { return f.seed }

// Rules returns the rules in the order they apply, with their counters.
func (f *Faults) Rules() []FaultRule {
	rules := *f.rules.Load()
	now := f.now()
	out := make([]FaultRule, len(rules))
	for i, r := range rules {
		out[i] = r.view(now)
	}
	return out
}

// Rule returns the rule called id.
func (f *Faults) Rule(id string) (FaultRule, bool) {
	for _, r := range *f.rules.Load() {
		if r.spec.ID == id {
			return r.view(f.now()), true
		}
	}
	return FaultRule{}, false
}

// Add checks rule against the mounted APIs (mount them first) and adds it
// after the others, returning it as it is kept: its id, seed and Until
// set, its operation as a spec operation. A refused rule's error is a
// *FaultRuleError naming the field, or ErrTooManyFaultRules.
func (f *Faults) Add(rule FaultRule) (FaultRule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := *f.rules.Load()
	if len(old) >= MaxFaultRules {
		return FaultRule{}, ErrTooManyFaultRules
	}
	now := f.now()
	c, err := compileFault(rule, now)
	if err != nil {
		return FaultRule{}, err
	}
	if err := c.resolve(f.srv.apis); err != nil {
		return FaultRule{}, err
	}
	if !c.until.IsZero() && !now.Before(c.until) {
		return FaultRule{}, &FaultRuleError{"until", fmt.Sprintf("%s is not in the future", c.spec.Until)}
	}
	f.next++
	c.spec.ID = "f" + strconv.FormatUint(f.next, 10)
	seed := deriveSeed(f.seed, f.next)
	if c.spec.Seed != nil {
		seed = *c.spec.Seed
	}
	c.spec.Seed = &seed
	c.rng = rand.New(rand.NewPCG(seed, 0x5eed_fa17))
	rules := append(slices.Clip(old), c)
	f.rules.Store(&rules)
	return c.view(now), nil
}

// Remove removes the rule called id, reporting whether there was one.
func (f *Faults) Remove(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := *f.rules.Load()
	i := slices.IndexFunc(old, func(r *faultRule) bool { return r.spec.ID == id })
	if i < 0 {
		return false
	}
	rules := slices.Delete(slices.Clone(old), i, i+1)
	f.rules.Store(&rules)
	return true
}

// Clear removes every rule and numbers the next ones from f1 again, so
// that a run that starts with Clear gets the same ids and draws each time.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules.Store(&[]*faultRule{})
	f.next = 0
}

// CheckFaultRule checks the form of a rule, without the mounted APIs
// (Faults.Add checks those too): the first problem, as a *FaultRuleError.
func CheckFaultRule(rule FaultRule) error {
	_, err := compileFault(rule, time.Now())
	return err
}

// deriveSeed mixes the server's seed and a rule's number (SplitMix64) into
// the rule's seed, kept below 2^53 so that JavaScript reads it exactly.
func deriveSeed(seed, n uint64) uint64 {
	z := seed + n*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return z & (1<<53 - 1)
}

// faultRule is a rule ready to apply.
type faultRule struct {
	spec FaultRule // as shown, without counters

	opID string    // operationId to match, or ""
	ops  []faultOp // method and template to match, per API; nil: any

	delay    delayKind
	fixed    time.Duration // or the uniform minimum, or the median
	max      time.Duration
	sigma    float64
	errRate  float64 // -1: no error
	status   int
	kind     Kind
	code     string
	message  string
	dropRate float64 // -1: no drop
	bps      int64   // 0: no slow body
	times    uint64  // 0: no limit
	until    time.Time

	mu  sync.Mutex // guards rng
	rng *rand.Rand

	matched, applied atomic.Uint64
}

type faultOp struct{ api, method, path string }

type delayKind int

const (
	noDelay delayKind = iota
	fixedDelay
	uniformDelay
	logNormalDelay
)

// compileFault checks the form of rule and returns it ready to apply,
// but for its operation (resolve) and its id and random source.
func compileFault(rule FaultRule, now time.Time) (*faultRule, error) {
	bad := func(field, format string, args ...any) (*faultRule, error) {
		return nil, &FaultRuleError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	spec := rule
	spec.ID, spec.Matched, spec.Applied, spec.Active = "", 0, 0, false
	c := &faultRule{errRate: -1, dropRate: -1}

	spec.API = strings.TrimSpace(spec.API)
	if len(spec.API) > maxFaultWord {
		return bad("api", "is longer than %d bytes", maxFaultWord)
	}
	if spec.Namespace != "" && !ValidNamespace(spec.Namespace) {
		return bad("namespace", "%q must be 1 to 64 letters, digits, dots, dashes or underscores", clipText(spec.Namespace, 100))
	}
	spec.Operation = strings.Join(strings.Fields(spec.Operation), " ")
	if op := spec.Operation; op != "" {
		if len(op) > maxFaultOperation {
			return bad("operation", "is longer than %d bytes", maxFaultOperation)
		}
		method, path, ok := strings.Cut(op, " ")
		switch {
		case !ok && strings.HasPrefix(op, "/"):
			return bad("operation", "%q needs a method: e.g. \"GET %s\"", clipText(op, 100), clipText(op, 100))
		case !ok:
			if len(op) > maxFaultWord {
				return bad("operation", "an operationId is at most %d bytes", maxFaultWord)
			}
			c.opID = op
		case strings.Contains(path, " ") || !strings.HasPrefix(path, "/"):
			return bad("operation", "must be an operationId or a method and a path such as \"GET /api/v1/channels.info\", got %q", clipText(op, 100))
		default:
			method = strings.ToUpper(method)
			if !slices.Contains(faultMethods, method) {
				return bad("operation", "unknown method %q (known: %s)", clipText(method, 20), strings.Join(faultMethods, ", "))
			}
			path, _, _ = strings.Cut(path, "?")
			spec.Operation = method + " " + path
		}
	}
	if spec.Delay == nil && spec.Error == nil && spec.Drop == nil && spec.SlowBody == nil {
		return bad("", "a fault rule needs at least one of delay, error, drop, slowBody")
	}
	if d := spec.Delay; d != nil {
		d = &FaultDelay{Fixed: d.Fixed, Uniform: d.Uniform, LogNormal: d.LogNormal}
		spec.Delay = d
		n := 0
		if d.Fixed != "" {
			n++
		}
		if d.Uniform != nil {
			n++
		}
		if d.LogNormal != nil {
			n++
		}
		if n != 1 {
			return bad("delay", `give exactly one of fixed ("300ms"), uniform ({"min": "100ms", "max": "400ms"}) or logNormal ({"median": "200ms", "sigma": 0.5})`)
		}
		var err error
		switch {
		case d.Fixed != "":
			c.delay = fixedDelay
			if c.fixed, err = faultDuration(d.Fixed); err != nil {
				return bad("delay.fixed", "%v", err)
			}
			d.Fixed = c.fixed.String()
		case d.Uniform != nil:
			c.delay = uniformDelay
			if c.fixed, err = faultDuration(d.Uniform.Min); err != nil {
				return bad("delay.uniform.min", "%v", err)
			}
			if c.max, err = faultDuration(d.Uniform.Max); err != nil {
				return bad("delay.uniform.max", "%v", err)
			}
			if c.max < c.fixed {
				return bad("delay.uniform.max", "%s is less than min (%s)", c.max, c.fixed)
			}
			d.Uniform = &FaultUniform{Min: c.fixed.String(), Max: c.max.String()}
		default:
			c.delay = logNormalDelay
			if c.fixed, err = faultDuration(d.LogNormal.Median); err != nil {
				return bad("delay.logNormal.median", "%v", err)
			}
			if c.fixed == 0 {
				return bad("delay.logNormal.median", "must be positive")
			}
			c.sigma = d.LogNormal.Sigma
			if !(c.sigma >= 0 && c.sigma <= maxFaultSigma) {
				return bad("delay.logNormal.sigma", "must be between 0 and %d, got %v", maxFaultSigma, c.sigma)
			}
			d.LogNormal = &FaultLogNormal{Median: c.fixed.String(), Sigma: c.sigma}
		}
	}
	if e := spec.Error; e != nil {
		e = &FaultReply{Status: e.Status, Rate: e.Rate, Code: strings.TrimSpace(e.Code), Message: e.Message}
		spec.Error = e
		if e.Status < 400 || e.Status > 599 {
			return bad("error.status", "must be an error status from 400 to 599, got %d", e.Status)
		}
		rate, err := faultRate(e.Rate)
		if err != nil {
			return bad("error.rate", "%v", err)
		}
		e.Rate = &rate
		if len(e.Code) > maxFaultWord {
			return bad("error.code", "is longer than %d bytes", maxFaultWord)
		}
		if len(e.Message) > maxFaultText {
			return bad("error.message", "is longer than %d bytes", maxFaultText)
		}
		c.errRate, c.status, c.code, c.message = rate, e.Status, e.Code, e.Message
		c.kind = faultKinds[e.Status]
		if c.kind == "" {
			c.kind = KindRule
		}
	}
	if d := spec.Drop; d != nil {
		rate, err := faultRate(d.Rate)
		if err != nil {
			return bad("drop.rate", "%v", err)
		}
		spec.Drop = &FaultDrop{Rate: &rate}
		c.dropRate = rate
	}
	if s := spec.SlowBody; s != nil {
		if s.BytesPerSecond < 1 || s.BytesPerSecond > maxFaultBytesPerSecond {
			return bad("slowBody.bytesPerSecond", "must be from 1 to %d, got %d", maxFaultBytesPerSecond, s.BytesPerSecond)
		}
		spec.SlowBody = &FaultSlowBody{BytesPerSecond: s.BytesPerSecond}
		c.bps = s.BytesPerSecond
	}
	if spec.Times < 0 {
		return bad("times", "must be positive (or 0, left out, for no limit), got %d", spec.Times)
	}
	c.times = uint64(spec.Times)
	switch {
	case spec.Until != "" && spec.For != "":
		return bad("for", "give until or for, not both")
	case spec.Until != "":
		t, err := time.Parse(time.RFC3339, spec.Until)
		if err != nil {
			return bad("until", "must be a time such as 2026-01-02T15:04:05Z (RFC 3339), got %q", clipText(spec.Until, 100))
		}
		c.until = t
	case spec.For != "":
		d, err := time.ParseDuration(spec.For)
		if err != nil || d <= 0 || d > maxFaultFor {
			return bad("for", "must be a positive duration such as \"10m\" or \"2h\", got %q", clipText(spec.For, 100))
		}
		c.until = now.Add(d)
	}
	if !c.until.IsZero() {
		spec.Until, spec.For = c.until.UTC().Format(time.RFC3339Nano), ""
	}
	if spec.Seed != nil {
		seed := *spec.Seed
		spec.Seed = &seed
	}
	c.spec = spec
	return c, nil
}

// faultMethods are the methods an operation may name.
var faultMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodTrace}

// faultKinds are the core's kinds whose rendering an error status takes:
// each API answers them in its own form and with its own code (a
// Rocket.Chat 401 says "You must be logged in to do this.", a ChatKitty
// one is an OAuth error). Other statuses are KindRule.
var faultKinds = map[int]Kind{
	http.StatusUnauthorized:        KindUnauthorized,
	http.StatusForbidden:           KindForbidden,
	http.StatusNotFound:            KindNotFound,
	http.StatusInternalServerError: KindInternal,
}

func faultDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New(`is required: a duration such as "300ms"`)
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		return 0, fmt.Errorf(`must be a duration such as "300ms" or "1.5s", got %q`, clipText(s, 100))
	case d < 0:
		return 0, fmt.Errorf("must not be negative, got %s", d)
	case d > MaxFaultDelay:
		return 0, fmt.Errorf("%s is longer than the %s a fault may delay", d, MaxFaultDelay)
	}
	return d, nil
}

func faultRate(r *float64) (float64, error) {
	if r == nil {
		return 1, nil
	}
	if !(*r >= 0 && *r <= 1) {
		return 0, fmt.Errorf("must be from 0 to 1, got %v", *r)
	}
	return *r, nil
}

// resolve checks the rule's API and operation against the mounted APIs
// and turns a method and path into the spec operations they name.
func (c *faultRule) resolve(apis []*mounted) error {
	names := make([]string, len(apis))
	for i, m := range apis {
		names[i] = m.api.Name
	}
	cands := apis
	if c.spec.API != "" {
		i := slices.Index(names, c.spec.API)
		if i < 0 {
			return &FaultRuleError{"api", fmt.Sprintf("%q is not a mounted API (mounted: %s)", clipText(c.spec.API, 100), strings.Join(names, ", "))}
		}
		cands = apis[i : i+1]
	}
	in := strings.Join(names, ", ")
	if c.spec.API != "" {
		in = c.spec.API
	}
	switch {
	case c.opID != "":
		for _, m := range cands {
			parts, err := m.load()
			if err != nil {
				return err
			}
			for _, op := range openapi.Operations(parts.spec) {
				if op.Op != nil && op.Op.OperationID == c.opID {
					return nil
				}
			}
		}
		return &FaultRuleError{"operation", fmt.Sprintf("no operation has the operationId %q in %s", clipText(c.opID, 100), in)}
	case c.spec.Operation != "":
		method, path, _ := strings.Cut(c.spec.Operation, " ")
		// A spec path first, then a request path; relative to the API's
		// root first, then under its prefix, which names the API.
		for _, routed := range []bool{false, true} {
			for _, m := range cands {
				if t, ok := findTemplate(m, method, path, routed); ok {
					c.ops = append(c.ops, faultOp{m.api.Name, method, t})
				}
			}
			if len(c.ops) > 0 {
				break
			}
			for _, m := range cands {
				if rest, ok := strings.CutPrefix(path, m.prefix); ok && strings.HasPrefix(rest, "/") {
					if t, ok := findTemplate(m, method, rest, routed); ok {
						c.ops = append(c.ops, faultOp{m.api.Name, method, t})
						c.spec.API = m.api.Name
						break
					}
				}
			}
			if len(c.ops) > 0 {
				break
			}
		}
		if len(c.ops) == 0 {
			return &FaultRuleError{"operation", fmt.Sprintf("no operation %s %s in %s: give the spec's path (e.g. /v1/users/{id}) or a request path, relative to the API's root or under its prefix", method, clipText(path, 200), in)}
		}
		if !slices.ContainsFunc(c.ops, func(o faultOp) bool { return o.path != c.ops[0].path }) {
			c.spec.Operation = method + " " + c.ops[0].path
		}
	}
	return nil
}

// findTemplate returns the path template of m's spec that the operation
// method path names: the template itself, or when routed a request path
// routed to it.
func findTemplate(m *mounted, method, path string, routed bool) (string, bool) {
	parts, err := m.load()
	if err != nil {
		return "", false
	}
	if !routed {
		item := parts.spec.Paths.Value(path)
		return path, item != nil && item.GetOperation(method) != nil
	}
	probe := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}, Host: "localhost"}
	route, _, err := openapi.FindRoute(parts.router, probe)
	if err != nil {
		return "", false
	}
	return route.Path, true
}

// view returns the rule as the admin API shows it.
func (c *faultRule) view(now time.Time) FaultRule {
	v := c.spec
	v.Matched, v.Applied = c.matched.Load(), c.applied.Load()
	v.Active = c.live(now) && (c.times == 0 || v.Matched < c.times)
	return v
}

// live reports whether the rule's time has not run out.
func (c *faultRule) live(now time.Time) bool { return c.until.IsZero() || now.Before(c.until) }

// matches reports whether the rule is for a request to route of api in
// namespace ns.
func (c *faultRule) matches(api, ns string, route *routers.Route) bool {
	if (c.spec.API != "" && c.spec.API != api) || (c.spec.Namespace != "" && c.spec.Namespace != ns) {
		return false
	}
	if c.opID != "" {
		return route.Operation != nil && route.Operation.OperationID == c.opID
	}
	if c.ops == nil {
		return true
	}
	for _, o := range c.ops {
		if o.api == api && o.method == route.Method && o.path == route.Path {
			return true
		}
	}
	return false
}

// take counts a match, unless the rule already matched Times requests.
func (c *faultRule) take() bool {
	for {
		n := c.matched.Load()
		if c.times > 0 && n >= c.times {
			return false
		}
		if c.matched.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// draw makes the rule's random decisions for one request, in a fixed
// order: the delay, then the drop, then the error.
func (c *faultRule) draw() (delay time.Duration, drop, fail bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.delay {
	case fixedDelay:
		delay = c.fixed
	case uniformDelay:
		delay = c.fixed + time.Duration(c.rng.Int64N(int64(c.max-c.fixed)+1))
	case logNormalDelay:
		f := float64(c.fixed) * math.Exp(c.sigma*c.rng.NormFloat64())
		delay = time.Duration(min(f, float64(MaxFaultDelay)))
	}
	if c.dropRate >= 0 {
		drop = c.rng.Float64() < c.dropRate
	}
	if c.errRate >= 0 {
		fail = c.rng.Float64() < c.errRate
	}
	return delay, drop, fail
}

// refusal is the rule's error, completed for env with the status kept.
func (c *faultRule) refusal(env Envelope) *Error {
	msg := c.message
	if msg == "" {
		msg = fmt.Sprintf("%s (standin fault rule %s)", http.StatusText(c.status), c.spec.ID)
	}
	e := &Error{Status: c.status, Kind: c.kind, Code: c.code, Message: msg}
	if e.Code == "" && e.Kind == KindRule {
		e.Code = upperSnake(http.StatusText(c.status))
	}
	e = env.Complete(e)
	e.Status = c.status
	return e
}

// upperSnake spells a status text as a code: "Service Unavailable" is
// "SERVICE_UNAVAILABLE".
func upperSnake(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return cmp.Or(strings.TrimSuffix(b.String(), "_"), "ERROR")
}

// apply runs the rules that match a request to route of m: it waits out
// their delays, then drops the request or answers it with an error, or
// returns the writer the API should answer through (a slow body's).
// done reports that the request was answered (or its client left).
func (f *Faults) apply(w http.ResponseWriter, r *http.Request, m *mounted, route *routers.Route) (_ http.ResponseWriter, done bool) {
	rules := *f.rules.Load()
	if len(rules) == 0 {
		return w, false
	}
	api, ns := m.api.Name, Namespace(r.Context())
	rec, _ := w.(*recorder)
	hit := func(rule *faultRule, action, detail string) {
		if rec != nil && len(rec.faults) < maxFaultHits {
			rec.faults = append(rec.faults, FaultHit{Rule: rule.spec.ID, Action: action, Detail: detail})
		}
	}
	var now time.Time
	slowed := false
	for _, rule := range rules {
		if !rule.matches(api, ns, route) {
			continue
		}
		if !rule.until.IsZero() {
			if now.IsZero() {
				now = f.now()
			}
			if !rule.live(now) {
				continue
			}
		}
		if !rule.take() {
			continue
		}
		delay, drop, fail := rule.draw()
		applied := rule.delay != noDelay || drop || fail || (rule.bps > 0 && !slowed)
		if applied {
			rule.applied.Add(1)
		}
		if rule.delay != noDelay {
			hit(rule, "delay", delay.String())
			if !sleep(r.Context(), delay) {
				noAnswer(rec) // the client left
				return w, true
			}
		}
		if drop {
			hit(rule, "drop", "")
			noAnswer(rec)
			panic(http.ErrAbortHandler)
		}
		if rule.bps > 0 && !slowed {
			slowed = true
			hit(rule, "slowBody", strconv.FormatInt(rule.bps, 10)+" B/s")
			w = newSlowWriter(r.Context(), w, rule.bps)
		}
		if fail {
			hit(rule, "error", strconv.Itoa(rule.status))
			m.api.Envelope.Write(w, r, rule.refusal(m.api.Envelope))
			return w, true
		}
	}
	return w, false
}

// noAnswer marks the request's journal entry as answered with nothing.
func noAnswer(rec *recorder) {
	if rec != nil {
		rec.status = 0
	}
}

// sleep waits d, or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// slowWriter writes a body at a set pace: pieces of a tenth of a second's
// bytes, each after its share of the wait, flushed one by one.
type slowWriter struct {
	http.ResponseWriter
	ctx   context.Context
	bps   int64
	chunk int
	err   error // once a write failed, or the client left, every write fails
}

func newSlowWriter(ctx context.Context, w http.ResponseWriter, bps int64) *slowWriter {
	return &slowWriter{ResponseWriter: w, ctx: ctx, bps: bps, chunk: int(max(1, min(bps/10, 64<<10)))}
}

// WriteHeader sends the status and headers at once: only the body is slow.
func (s *slowWriter) WriteHeader(code int) {
	s.ResponseWriter.WriteHeader(code)
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

func (s *slowWriter) Write(p []byte) (int, error) {
	n := 0
	rc := http.NewResponseController(s.ResponseWriter)
	for len(p) > 0 && s.err == nil {
		k := min(len(p), s.chunk)
		if !sleep(s.ctx, time.Duration(k)*time.Second/time.Duration(s.bps)) {
			s.err = s.ctx.Err()
			break
		}
		m, err := s.ResponseWriter.Write(p[:k])
		n += m
		p = p[m:]
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			s.err = err
		}
	}
	return n, s.err
}

func (s *slowWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
