# standin: the Makefile is the CI contract.
GO        ?= go
ADDR      ?= $(or $(STANDIN_ADDR),127.0.0.1:8080)
PKGS      := ./...
# The APIs this build serves, from the one list in cmd/standin/apis.go,
# each name followed by its mount path on the shared port.
APIS       = $(shell $(GO) run ./cmd/standin apis -prefix)

BENCHTIME ?= 1s

# make bench-http knobs: length of each load run, rounds, start-ups, and
# extra flags of cmd/benchhttp (e.g. BENCH_FLAGS="-profile prof -json bench.json").
BENCH_DURATION     ?= 5s
BENCH_ROUNDS       ?= 6
BENCH_STARTUP_RUNS ?= 10
BENCH_FLAGS        ?=

.PHONY: run build test generate lint fuzz bench bench-http bench-scale conform load npm-check fidelity-check fidelity-record fetch-check webhook-check check-generated crash-test inspector-check

## run: serve every mock with its default data set on $(ADDR); builds
## bin/standin first (the first build takes a minute or two, later ones
## seconds), then runs it, so that Ctrl-C stops it cleanly
run: build
	@exec ./bin/standin serve --addr $(ADDR)

## build: the standin binary, as bin/standin, without its symbol table and
## debug information (-s -w: 50 MB instead of 64; stack traces keep their
## function names and lines), and without cgo: a static binary, which
## starts without the dynamic loader and maps no libc (Go's own DNS
## resolver serves webhook URLs)
build:
	@echo "building bin/standin (the first build takes a minute or two; later ones seconds)..."
	@CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o bin/standin ./cmd/standin

## test: every test, race detector on (go vet ran in lint: -vet=off skips
## go test's own, smaller vet pass)
test: lint
	$(GO) test -race -vet=off -count=1 $(PKGS)

## generate: regenerate gen/, the specs' JSON renderings (openapi/json/)
## and the Go code that builds their lean documents
## (openapi/internal/compiled/) from openapi/*.yaml
generate:
	$(GO) generate ./openapi/ ./gen/...

## lint: vet, formatting, generated code and go.mod up to date. vet builds
## with -race, as make test does, so that the tests reuse its compiled
## packages (no file of ours depends on the race build tag): a cold build
## cache takes 223 s instead of 377 s to vet and build every test
lint: check-generated
	$(GO) vet -race $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff

# What make generate writes.
GENERATED := gen/ openapi/json/ openapi/internal/compiled/

check-generated: generate
	@test -z "$$(git status --porcelain -- $(GENERATED))" || { git status --short -- $(GENERATED); git diff --stat -- $(GENERATED); echo "$(GENERATED): out of date, run make generate and commit"; exit 1; }

## fuzz: run every fuzz target of the mocks and of the JSON codecs beside
## kin-openapi and encoding/json (openapi/) for FUZZTIME each (default 30s)
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./mockserver/... ./openapi/...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test $$pkg -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) || exit 1; \
	  done; \
	done

## bench: Go benchmarks of the hot paths
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./mockserver/... ./openapi/...

## bench-http: the HTTP hot path and start-up of bin/standin against their
## targets (cmd/benchhttp): Rocket.Chat alone at the root of a port, server
## on CPU 0 and wrk -c32 on CPU 1 (the built-in Go generator without wrk),
## GET channels.info, a valid and an invalid POST channels.invite, each
## paired with a bare net/http server answering the same bytes (and one
## with standin's connection limits, not a target), with --quiet and with
## request logging; then exec to first 2xx with all five APIs and idle
## RSS; where the time goes, by pipeline stage, when a request target is
## missed. BENCH_DURATION per run (default 5s), BENCH_ROUNDS (6, the
## servers' order reversed every other round), BENCH_STARTUP_RUNS (10),
## BENCH_FLAGS (-profile DIR, -json FILE, -check to fail on a missed
## target)
bench-http: build
	$(GO) run ./cmd/benchhttp -standin bin/standin -duration $(BENCH_DURATION) -rounds $(BENCH_ROUNDS) \
	  -startup-runs $(BENCH_STARTUP_RUNS) $(BENCH_FLAGS)

## crash-test: kill -9 `standin serve --state-dir` at random moments CRASH_TRIALS times
## (default 200) while it creates channels; every restart must come up with
## every state file whole and every change older than the loss window kept.
## CRASH_INTERVAL sets state.interval (default 2s), CRASH_DATASET the data set.
CRASH_TRIALS   ?= 200
CRASH_INTERVAL ?= 2s
CRASH_DATASET  ?= default
crash-test:
	STANDIN_CRASH_TRIALS=$(CRASH_TRIALS) STANDIN_CRASH_INTERVAL=$(CRASH_INTERVAL) STANDIN_CRASH_DATASET=$(CRASH_DATASET) \
	  $(GO) test -run '^TestCrashLoop$$' -count=1 -v -timeout 120m ./cmd/standin

## bench-scale: the scale benchmarks at 1k and 100k users (and 1M with
## STANDIN_BENCH_1M=1, which takes a few minutes), one table per API: size,
## operation, then Go's figures. Rocket.Chat: listings' first and last
## pages, lookups, create, login, invite, export, with heap and RSS.
## Ethora (BenchmarkScale* in mockserver/ethora): users' and chats' first
## and last pages, lookup, batch create, token checks, app stats, grant
## plus remove in a 10k-member chat, a user's chats, a small app beside the
## big one, export. UCS rooms: token check, my rooms, a 10k-participant
## room's first and last pages, invite plus remove there, chat, create.
## ChatKitty: token check, users' first and last pages (by id and by
## name), existence check, the 10k-member channel's first and last member
## pages, public channels, add plus remove there, send, a message page,
## create.
SCALE_TABLE = awk '/^BenchmarkScale/ { n = split($$1, p, "/"); sub(/-[0-9]+$$/, "", p[n]); \
	  if (p[1] == "BenchmarkScale") { size = p[2]; op = p[3] } \
	  else { size = p[n]; op = substr(p[1], 15); for (i = 2; i < n; i++) op = op "/" p[i] } \
	  line = sprintf("%-14s %-24s", size, op); \
	  for (i = 3; i < NF; i += 2) line = line sprintf(" %14s %-9s", $$i, $$(i+1)); print line; next } \
	  /^(ok|FAIL|---)/ { print }'
bench-scale:
	@echo "== rocketchat"
	@$(GO) test -run '^$$' -bench '^BenchmarkScale$$' -benchtime $(BENCHTIME) -timeout 60m ./mockserver/rocketchat/ | $(SCALE_TABLE)
	@echo "== ethora"
	@$(GO) test -run '^$$' -bench '^BenchmarkScale' -benchtime $(BENCHTIME) -timeout 60m ./mockserver/ethora/ | $(SCALE_TABLE)
	@echo "== ucsrooms"
	@$(GO) test -run '^$$' -bench '^BenchmarkScale$$' -benchtime $(BENCHTIME) -timeout 60m ./mockserver/ucsrooms/ | $(SCALE_TABLE)
	@echo "== chatkitty"
	@$(GO) test -run '^$$' -bench '^BenchmarkScale$$' -benchtime $(BENCHTIME) -timeout 60m ./mockserver/chatkitty/ | $(SCALE_TABLE)

## conform: every API's conformance suite against a running `make run`
conform:
	@set -- $(APIS); while [ $$# -gt 1 ]; do api=$$1 prefix=$$2; shift 2; \
	  $(GO) run ./cmd/standin conform --target http://$(ADDR)$$prefix --api $$api || exit 1; \
	done

## load: every API's load test against a running `make run`
load:
	@set -- $(APIS); while [ $$# -gt 1 ]; do api=$$1 prefix=$$2; shift 2; \
	  $(GO) run ./cmd/standin load --target http://$(ADDR)$$prefix --api $$api || exit 1; \
	done

## npm-check: the official npm clients (contracts/npm/<api>) against a running `make run`
npm-check:
	@for dir in contracts/npm/*/; do \
	  api=$$(basename $$dir); \
	  (cd $$dir && npm ci --no-audit --no-fund && STANDIN_URL=http://$(ADDR)/$$api node check.mjs) || exit 1; \
	done

## fidelity-check: each official npm client's check (contracts/npm/<api>)
## through `standin proxy`, which checks every request and response against
## openapi/<api>.yaml, in front of a fresh `standin serve` on a free port;
## fails on any violation and prints the counts. PRISM=0 skips the
## cross-check through Stoplight Prism's validating proxy.
fidelity-check:
	@GO="$(GO)" sh contracts/npm/fidelity.sh

## fidelity-record: fidelity-check, keeping the exchanges (secrets redacted)
## in contracts/testdata/fidelity/<api>.jsonl, which `make test` replays
## against the in-process mocks; commit them after the clients' checks change
fidelity-record:
	@GO="$(GO)" RECORD_DIR=contracts/testdata/fidelity PRISM=0 sh contracts/npm/fidelity.sh

## webhook-check: the Node webhook receiver (contracts/smartlink/webhook-receiver,
## the SDK's Webhook.verify rule) registered with a running `make run`, during
## the SmartLink conformance suite; fails if a delivery is rejected or none came
webhook-check:
	@ADDR=$(ADDR) GO="$(GO)" sh contracts/smartlink/webhook-receiver/check.sh

## fetch-check: the plain fetch() scripts (contracts/<api>/fetch/*.mjs, no SDK,
## as a frontend would call the API) against a running `make run`
fetch-check:
	@set -- $(APIS); while [ $$# -gt 1 ]; do api=$$1 prefix=$$2; shift 2; \
	  for script in contracts/$$api/fetch/*.mjs; do \
	    [ -e "$$script" ] || continue; \
	    echo "== $$script"; STANDIN_URL=http://$(ADDR)$$prefix node $$script || exit 1; \
	  done; \
	done

## inspector-check: the inspector (/__standin/ui) in headless Chromium
## (/usr/bin/chromium, or STANDIN_CHROMIUM=PATH; apt-get install chromium)
## against a fresh `standin serve`: requests appear in the journal without
## a reload, a request opens with its bodies (secrets redacted, markup shown
## as text), filters, credentials, a namespace's state tree, the reset
## button, and the admin token asked for and used. Full-page screenshots go
## to cmd/standin/testdata/screenshots (not committed); fails without Chromium
inspector-check:
	STANDIN_REQUIRE_BROWSER=1 STANDIN_SCREENSHOTS=$(CURDIR)/cmd/standin/testdata/screenshots \
	  $(GO) test -race -count=1 -v -run '^TestInspector.*InBrowser$$' ./cmd/standin
