package main

import (
	"fmt"
	"io"
	"os"
	"regexp"

	pprof "github.com/google/pprof/profile"
)

// A stage is one part of what standin does for a request, recognised in a
// CPU profile by a function on the sample's stack. A sample belongs to the
// stage of the innermost such function, so that nested stages (the answer
// encoded inside the generated handler, inside the core's pipeline) each
// keep their own time.
type stage struct {
	name  string
	frame *regexp.Regexp
}

// stages are matched in this order against each frame, from the leaf
// of the stack up; a sample with no match is the runtime's (the collector,
// the scheduler).
//
// What net/http does for any handler counts as net/http's even where a
// stage of standin calls it: writing the answer through the
// ResponseWriter (its header, the Date, the buffered write) and reading
// the body, which the bare server pays too. The read and write deadlines
// net/http sets, eight times a request, are a stage of their own: with
// standin's timeouts most of them start or move a timer, where the bare
// server's are all zero and cheap, so this stage is mostly what the
// limits cost (the bare server with standin's limits pays it too).
var stages = []stage{
	{"encode the answer (generated Visit, encoding/json)", regexp.MustCompile(`\.Visit\w+Response$`)},
	{"validate (kin-openapi)", regexp.MustCompile(`/mockserver\.validateRequest$`)},
	{"authenticate (the API's token check)", regexp.MustCompile(`/mockserver\.\(\*mounted\)\.authenticate$`)},
	{"route (kin-openapi router, Mux)", regexp.MustCompile(`/openapi\.FindRoute$|/mockserver\.\(\*Mux\)\.find$|/mockserver\.routeError$`)},
	{"read the body", regexp.MustCompile(`/mockserver\.\(\*Server\)\.readBody$`)},
	{"journal and log", regexp.MustCompile(`/mockserver\.\(\*Server\)\.finish$`)},
	{"the API's rule on its state", regexp.MustCompile(`\.\(\*strictHandler\)\.\w+\.func\d+$`)},
	{"generated handlers (parameters, dispatch)", regexp.MustCompile(`\.\(\*strictHandler\)\.\w+$|\.\(\*ServerInterfaceWrapper\)\.`)},
	{"core, the rest (namespace, CORS, faults, recorder)", regexp.MustCompile(`/mockserver\.\(\*Server\)\.common`)},
	{"deadlines (net/http's; timers under the limits)", regexp.MustCompile(`^net\.\(\*conn\)\.Set\w*Deadline$`)},
	{"net/http and the kernel (read, parse, write)", regexp.MustCompile(`^net/http\.\(\*conn\)\.serve$|^net/http\.\(\*response\)\.Write(Header)?$|^net/http\.\(\*body\)\.Read$`)},
}

const runtimeStage = "Go runtime (collector, scheduler)"

// stageShare is one stage's part of a profiled run.
type stageShare struct {
	Stage string  `json:"stage"`
	Share float64 `json:"share"`  // of the profile's CPU samples
	Micro float64 `json:"micros"` // CPU µs per request
}

// breakdown is where standin's time goes for one request kind.
type breakdown struct {
	Kind string `json:"kind"`
	// StandinMicros is CPU µs per request of the profiled standin --quiet
	// run (pinned to one CPU, which it keeps busy: 1/throughput);
	// BareMicros the same for the bare server's median.
	StandinMicros float64      `json:"standinMicros"`
	BareMicros    float64      `json:"bareMicros"`
	Stages        []stageShare `json:"stages"`
}

// stageShares reads a CPU profile and returns each stage's share of its
// samples' CPU time, in the order of stages, the runtime's last.
func stageShares(file string) ([]stageShare, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := pprof.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return sharesOf(p)
}

func sharesOf(p *pprof.Profile) ([]stageShare, error) {
	value := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			value = i
		}
	}
	if value < 0 {
		return nil, fmt.Errorf("not a CPU profile (sample types %v)", p.SampleType)
	}
	byStage := make([]int64, len(stages)+1) // the last is the runtime's
	var total int64
	for _, s := range p.Sample {
		v := s.Value[value]
		total += v
		byStage[stageOf(s)] += v
	}
	if total == 0 {
		return nil, fmt.Errorf("the profile holds no samples")
	}
	out := make([]stageShare, 0, len(byStage))
	for i, v := range byStage {
		name := runtimeStage
		if i < len(stages) {
			name = stages[i].name
		}
		out = append(out, stageShare{Stage: name, Share: float64(v) / float64(total)})
	}
	return out, nil
}

// stageOf returns the index in stages of the innermost stage on s's
// stack, or len(stages) for none. Locations run from the leaf up, and
// the lines of one location from the innermost inlined call out.
func stageOf(s *pprof.Sample) int {
	for _, loc := range s.Location {
		for _, line := range loc.Line {
			if line.Function == nil {
				continue
			}
			for i, st := range stages {
				if st.frame.MatchString(line.Function.Name) {
					return i
				}
			}
		}
	}
	return len(stages)
}

// print writes b as a table of CPU µs per request.
func (b breakdown) print(w io.Writer) {
	fmt.Fprintf(w, "  %s: standin %.1f µs of CPU a request, bare %.1f µs; the gap is %.1f µs\n",
		kindTitle[b.Kind], b.StandinMicros, b.BareMicros, b.StandinMicros-b.BareMicros)
	for _, s := range b.Stages {
		fmt.Fprintf(w, "    %-52s %6.1f µs  %4.1f %%\n", s.Stage, s.Micro, s.Share*100)
	}
}
