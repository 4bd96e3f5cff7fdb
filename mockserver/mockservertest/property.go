package mockservertest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// propertyRequests is how many spec-valid requests each operation gets;
// they alternate between all optional parts included and left out.
const propertyRequests = 12

// share counts the answers one operation got in the property test.
type share struct {
	operation            string
	sent, ok, rules, bad int
}

// property sends each operation spec-valid requests drawn by the fixtures
// generator, with the names the API knows (TestHooks.Known) filled with
// things that exist in the seeded state, authenticated (TestHooks.Login),
// each in a fresh copy of the seeded state. A spec-valid request must
// succeed: a 4xx is a finding unless the API declares it, by operation
// and error code, as one of its business rules (TestHooks.BusinessRules).
// It logs the share of 2xx answers per operation.
func (k *kit) property(t *testing.T) {
	rules := map[[2]string]bool{}
	for _, r := range k.mock.Test.BusinessRules {
		rules[[2]string{r.Operation, r.Code}] = true
	}
	var mu sync.Mutex
	var shares []share
	used := map[[2]string]bool{}
	t.Run("operations", func(t *testing.T) {
		for i, op := range k.ops {
			t.Run(op.Op.OperationID, func(t *testing.T) {
				t.Parallel()
				sh := share{operation: op.Op.OperationID}
				defer func() {
					mu.Lock()
					shares = append(shares, sh)
					mu.Unlock()
				}()
				for n := range propertyRequests {
					seed := uint64(1000*i + n)
					c, err := k.generate(op, seed, n%2 == 0)
					if err != nil {
						t.Fatalf("generate a request: %v", err)
					}
					ns := k.fork(t)
					req := k.request(op.Method, c.target(), c.encoded(), c.contentType, ns, k.authFor(op))
					r := k.send(t, req, ns)
					_ = k.store.Reset(t.Context(), ns)
					sh.sent++
					switch {
					case r.Status < 400:
						sh.ok++
					case r.Status < 500:
						code := ""
						if m, ok := r.Body.(map[string]any); ok && k.codeKey != "" {
							code, _ = m[k.codeKey].(string)
						}
						key := [2]string{op.Op.OperationID, code}
						if rules[key] {
							sh.rules++
							mu.Lock()
							used[key] = true
							mu.Unlock()
							continue
						}
						sh.bad++
						t.Errorf("finding: a spec-valid request was refused with %d (code %q, not a declared business rule of %s): %s %s %s: %.300s",
							r.Status, code, op.Op.OperationID, req.Method, clipText(req.URL.RequestURI(), 200), clipText(string(c.encoded()), 300), r.Raw)
					default:
						sh.bad++
					}
				}
			})
		}
	})
	slices.SortFunc(shares, func(a, b share) int { return strings.Compare(a.operation, b.operation) })
	var b strings.Builder
	var total share
	fmt.Fprintf(&b, "share of 2xx answers to spec-valid requests (%s):\n%-32s %5s %5s %6s %8s\n", k.mock.Name, "operation", "sent", "2xx", "rules", "findings")
	for _, sh := range shares {
		fmt.Fprintf(&b, "%-32s %5d %5d %6d %8d\n", sh.operation, sh.sent, sh.ok, sh.rules, sh.bad)
		total.sent += sh.sent
		total.ok += sh.ok
		total.rules += sh.rules
		total.bad += sh.bad
	}
	fmt.Fprintf(&b, "%-32s %5d %5d %6d %8d", "total", total.sent, total.ok, total.rules, total.bad)
	t.Log(b.String())
	for _, r := range k.mock.Test.BusinessRules {
		if !used[[2]string{r.Operation, r.Code}] {
			t.Logf("business rule not met in this run: %s %s (%s)", r.Operation, r.Code, r.Reason)
		}
	}
}
