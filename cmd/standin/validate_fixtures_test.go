package main

import (
	"encoding/json"
	"errors"
	"flag"
	"regexp"
	"strings"
	"testing"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/openapi"
)

var okLine = regexp.MustCompile(`(?m)^ok   rocketchat: [1-9][0-9]* operations, [1-9][0-9]* schemas, examples valid$`)

func TestValidate(t *testing.T) {
	for _, args := range [][]string{{"validate"}, {"validate", "--api", "rocketchat"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			stdout, stderr, err := runCmd(t, args...)
			if err != nil {
				t.Fatalf("run(%q) = %v\nstdout: %s\nstderr: %s", args, err, stdout, stderr)
			}
			if !okLine.MatchString(stdout) {
				t.Errorf("stdout = %q, want an \"ok   rocketchat: N operations, N schemas, examples valid\" line", stdout)
			}
			if strings.Contains(stdout, "FAIL") {
				t.Errorf("stdout reports a failure: %q", stdout)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
		})
	}
}

// Without --api every embedded spec is checked, one line each.
func TestValidateEverySpec(t *testing.T) {
	stdout, _, err := runCmd(t, "validate")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	names := openapi.Names()
	if len(lines) != len(names) {
		t.Fatalf("validate printed %d lines for %d specs:\n%s", len(lines), len(names), stdout)
	}
	for i, name := range names {
		if !strings.HasPrefix(lines[i], "ok   "+name+": ") {
			t.Errorf("line %d = %q, want ok for %s", i, lines[i], name)
		}
	}
}

func TestValidateUnknownAPI(t *testing.T) {
	for _, api := range []string{"nope", "rocketchat.yaml", "ROCKETCHAT"} {
		stdout, stderr, err := runCmd(t, "validate", "--api", api)
		wantExit(t, err, 2)
		if !strings.Contains(stderr, `"`+api+`"`) || !strings.Contains(stderr, "rocketchat") {
			t.Errorf("--api %s: stderr = %q, want it to name the API and the known ones", api, stderr)
		}
		if stdout != "" {
			t.Errorf("--api %s: stdout = %q, want nothing", api, stdout)
		}
	}
}

func TestFixturesList(t *testing.T) {
	stdout, stderr, err := runCmd(t, "fixtures", "--list")
	if err != nil {
		t.Fatalf("fixtures --list = %v (%s)", err, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if got := strings.Fields(lines[0]); len(got) != 4 || got[0] != "NAME" || got[1] != "USERS" || got[2] != "ROOMS" || got[3] != "DESCRIPTION" {
		t.Errorf("header = %q, want NAME USERS ROOMS DESCRIPTION", lines[0])
	}
	var names []string
	for _, l := range lines[1:] {
		names = append(names, strings.Fields(l)[0])
	}
	if strings.Join(names, ",") != "default,empty,large" {
		t.Errorf("data sets listed = %v, want default, empty, large", names)
	}
	for i, ds := range fixtures.DataSets() {
		f := strings.Fields(lines[i+1])
		if len(f) < 4 || f[0] != ds.Name || f[1] != itoa(ds.Users) || f[2] != itoa(ds.Rooms) || !strings.Contains(lines[i+1], ds.Description) {
			t.Errorf("line %q, want %s %d %d %s", lines[i+1], ds.Name, ds.Users, ds.Rooms, ds.Description)
		}
	}
	// The columns line up.
	col := strings.Index(lines[0], "USERS")
	for _, l := range lines[1:] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("line %q is not aligned with the USERS column at %d", l, col)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestFixturesDeterministic(t *testing.T) {
	first, stderr, err := runCmd(t, "fixtures", "--data-set", "default", "--seed", "1")
	if err != nil {
		t.Fatalf("fixtures = %v (%s)", err, stderr)
	}
	var tenant fixtures.Tenant
	if err := json.Unmarshal([]byte(first), &tenant); err != nil {
		t.Fatalf("fixtures printed no JSON tenant: %v\n%s", err, first)
	}
	if len(tenant.Users) == 0 || tenant.Users[0].Username != "admin" || !tenant.Users[0].Admin || tenant.Users[0].Password != "admin" {
		t.Fatalf("first user = %+v, want the admin admin/admin", tenant.Users[:min(1, len(tenant.Users))])
	}
	if tenant.Seed != 1 {
		t.Errorf("seed = %d, want 1", tenant.Seed)
	}
	if len(tenant.Users) != 7 || len(tenant.Rooms) != 4 {
		t.Errorf("default data set has %d users and %d rooms, want 7 (admin included) and 4", len(tenant.Users), len(tenant.Rooms))
	}

	second, _, err := runCmd(t, "fixtures", "--data-set", "default", "--seed", "1")
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Errorf("two runs with the same seed differ:\n%s\n---\n%s", first, second)
	}

	// The flags' defaults are the default data set and seed 1.
	bare, _, err := runCmd(t, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	if bare != first {
		t.Errorf("fixtures without flags differs from --data-set default --seed 1")
	}

	other, _, err := runCmd(t, "fixtures", "--data-set", "default", "--seed", "2")
	if err != nil {
		t.Fatal(err)
	}
	if other == first {
		t.Errorf("seeds 1 and 2 print the same tenant")
	}
}

func TestFixturesDataSets(t *testing.T) {
	for _, ds := range fixtures.DataSets() {
		t.Run(ds.Name, func(t *testing.T) {
			stdout, _, err := runCmd(t, "fixtures", "--data-set", ds.Name, "--seed", "3")
			if err != nil {
				t.Fatal(err)
			}
			var tenant fixtures.Tenant
			if err := json.Unmarshal([]byte(stdout), &tenant); err != nil {
				t.Fatal(err)
			}
			if len(tenant.Users) != ds.Users+1 || len(tenant.Rooms) != ds.Rooms {
				t.Errorf("%d users, %d rooms; want %d (admin included), %d", len(tenant.Users), len(tenant.Rooms), ds.Users+1, ds.Rooms)
			}
		})
	}
}

func TestFixturesUnknownDataSet(t *testing.T) {
	stdout, _, err := runCmd(t, "fixtures", "--data-set", "nope")
	if !errors.Is(err, fixtures.ErrUnknownDataSet) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("fixtures --data-set nope = %v, want an unknown data set error naming it", err)
	}
	var code exitCode
	if errors.As(err, &code) || errors.Is(err, flag.ErrHelp) {
		t.Errorf("error %v is not an ordinary failure", err)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
}

func TestFixturesSchema(t *testing.T) {
	args := []string{"fixtures", "--api", "rocketchat", "--schema", "Room", "--count", "3", "--seed", "4"}
	stdout, stderr, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("fixtures --schema Room = %v (%s)", err, stderr)
	}
	schema := openapi.MustLoad("rocketchat").Components.Schemas["Room"].Value
	dec := json.NewDecoder(strings.NewReader(stdout))
	n := 0
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("value %d is not JSON: %v\n%s", n, err, stdout)
		}
		if err := schema.VisitJSON(v); err != nil {
			t.Errorf("value %d does not match the Room schema: %v", n, err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("--count 3 printed %d values", n)
	}
	again, _, err := runCmd(t, args...)
	if err != nil || again != stdout {
		t.Errorf("a second run with the same seed differs (err %v)", err)
	}
}

func TestFixturesSchemaErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown schema", []string{"--api", "rocketchat", "--schema", "Nope"}, []string{`"Nope"`, "rocketchat"}},
		{"unknown api", []string{"--api", "nope", "--schema", "Room"}, []string{`"nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A name that is not there is a usage error: exit status 2,
			// the message on stderr.
			stdout, stderr, err := runCmd(t, append([]string{"fixtures"}, tt.args...)...)
			wantExit(t, err, 2)
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("fixtures %q: stderr %q, want it to mention %q", tt.args, stderr, w)
				}
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestFixturesSchemaUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--schema", "Room"},
		{"--api", "rocketchat", "--schema", "Room", "--count", "0"},
	} {
		stdout, stderr, err := runCmd(t, append([]string{"fixtures"}, args...)...)
		wantExit(t, err, 2)
		if stdout != "" || !strings.Contains(stderr, "--schema needs --api") {
			t.Errorf("fixtures %q: stdout %q, stderr %q", args, stdout, stderr)
		}
	}
}
