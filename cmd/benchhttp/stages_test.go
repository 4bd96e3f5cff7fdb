package main

import (
	"debug/elf"
	"debug/gosym"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	pprof "github.com/google/pprof/profile"

	"github.com/standin/standin/mockserver"
)

// Each sample counts for the innermost stage on its stack, inlined calls
// included; stacks of no stage are the runtime's.
func TestSharesCountTheInnermostStage(t *testing.T) {
	const (
		std = "github.com/standin/standin/"
		gen = std + "gen/rocketchat."
	)
	funcs := map[string]*pprof.Function{}
	fn := func(name string) *pprof.Function {
		if funcs[name] == nil {
			funcs[name] = &pprof.Function{ID: uint64(len(funcs) + 1), Name: name}
		}
		return funcs[name]
	}
	// stack gives one location per frame, the leaf first; a frame of
	// several names separated by "|" is inlined calls, innermost first.
	stack := func(frames ...[]string) []*pprof.Location {
		var locs []*pprof.Location
		for i, f := range frames {
			loc := &pprof.Location{ID: uint64(i + 1)}
			for _, name := range f {
				loc.Line = append(loc.Line, pprof.Line{Function: fn(name)})
			}
			locs = append(locs, loc)
		}
		return locs
	}
	one := func(names ...string) [][]string {
		var out [][]string
		for _, n := range names {
			out = append(out, []string{n})
		}
		return out
	}
	pipeline := []string{std + "mockserver.(*Server).common.func2", "net/http.serverHandler.ServeHTTP", "net/http.(*conn).serve"}
	with := func(names ...string) [][]string { return one(append(names, pipeline...)...) }
	p := &pprof.Profile{
		SampleType: []*pprof.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		Sample: []*pprof.Sample{
			{Value: []int64{1, 10}, Location: stack(with("runtime.mallocgc", "encoding/json.(*Encoder).Encode",
				gen+"ChannelsInfo200JSONResponse.VisitChannelsInfoResponse", gen+"(*strictHandler).ChannelsInfo")...)},
			{Value: []int64{1, 20}, Location: stack(with(std+"mockserver/rocketchat.(*State).room",
				std+"mockserver/rocketchat.(*Server).ChannelsInfo", gen+"(*strictHandler).ChannelsInfo.func1", gen+"(*strictHandler).ChannelsInfo")...)},
			{Value: []int64{1, 30}, Location: stack(one("syscall.write", "net/http.(*response).finishRequest", "net/http.(*conn).serve")...)},
			{Value: []int64{1, 40}, Location: stack(one("runtime.gcDrain", "runtime.gcBgMarkWorker")...)},
			{Value: []int64{1, 50}, Location: stack(append([][]string{{"github.com/getkin/kin-openapi/openapi3.(*Schema).visitJSON", std + "mockserver.validateRequest"}},
				with(std+"mockserver.(*Server).apiHandler.func3")...)...)},
			{Value: []int64{1, 50}, Location: stack(with("net/http.(*Request).WithContext", std+"mockserver.(*Server).apiHandler.func3")...)},
			{Value: []int64{1, 60}, Location: stack(with("net/http.(*chunkWriter).writeHeader", "net/http.(*response).WriteHeader",
				std+"mockserver.(*recorder).WriteHeader", gen+"ChannelsInfo200JSONResponse.VisitChannelsInfoResponse", gen+"(*strictHandler).ChannelsInfo")...)},
			{Value: []int64{1, 70}, Location: stack(one("internal/poll.setDeadlineImpl", "net.(*conn).SetReadDeadline", "net/http.(*conn).readRequest", "net/http.(*conn).serve")...)},
		},
	}
	shares, err := sharesOf(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		stages[0].name:  10.0 / 330, // encode
		stages[1].name:  50.0 / 330, // validate, inlined
		stages[6].name:  20.0 / 330, // the rule
		stages[8].name:  50.0 / 330, // the core's rest
		stages[9].name:  70.0 / 330, // the deadlines
		stages[10].name: 90.0 / 330, // net/http, writing the answer the handler encoded included
		runtimeStage:    40.0 / 330,
	}
	if len(shares) != len(stages)+1 {
		t.Fatalf("%d shares, want one per stage and the runtime's", len(shares))
	}
	for _, s := range shares {
		if math.Abs(s.Share-want[s.Stage]) > 1e-9 {
			t.Errorf("%s: share %.3f, want %.3f", s.Stage, s.Share, want[s.Stage])
		}
	}
	if _, err := sharesOf(&pprof.Profile{SampleType: []*pprof.ValueType{{Type: "alloc_space"}}}); err == nil {
		t.Errorf("a profile without CPU samples should be refused")
	}
}

// The stages that name functions of standin's core or of net/http find
// them in the code as it is: a renamed function would leave its stage
// empty and move its time to another. The test binary links those
// functions (the generated handlers it cannot: they are per API).
func TestStagesNameFunctionsThatExist(t *testing.T) {
	linked := linkedFuncs(t)
	t.Logf("%d functions linked, with the pipeline reached from %d entry points of the core", len(linked), len(coreEntries))
	for _, st := range stages {
		src := st.frame.String()
		if !strings.Contains(src, "mockserver") && !strings.Contains(src, "openapi") && !strings.Contains(src, "net/http") && !strings.Contains(src, `net\.`) {
			continue
		}
		for _, alt := range strings.Split(src, "|") {
			re := regexp.MustCompile(alt)
			if !slices.ContainsFunc(linked, re.MatchString) {
				t.Errorf("stage %q: no function matches %s", st.name, alt)
			}
		}
	}
}

// coreEntries are the core's entry points, referenced from the test so
// that the linker keeps the pipeline they reach in the test binary.
var coreEntries = []any{mockserver.New, (*mockserver.Server).Mount, (*mockserver.Server).Handler,
	(*mockserver.Server).RootHandler, mockserver.NewMux, (*mockserver.Mux).ServeHTTP}

// linkedFuncs lists the functions of the running test binary.
func linkedFuncs(t *testing.T) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Skipf("not an ELF binary: %v", err)
	}
	defer f.Close()
	pcln, text := f.Section(".gopclntab"), f.Section(".text")
	if pcln == nil || text == nil {
		t.Skip("the binary has no Go function table")
	}
	data, err := pcln.Data()
	if err != nil {
		t.Fatal(err)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(tab.Funcs))
	for _, fn := range tab.Funcs {
		names = append(names, fn.Name)
	}
	return names
}
