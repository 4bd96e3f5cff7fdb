# standin: the Makefile is the CI contract.
GO        ?= go
ADDR      ?= $(or $(STANDIN_ADDR),127.0.0.1:8080)
PKGS      := ./...

.PHONY: run test generate lint fuzz bench conform load npm-check npm-check-rocketchat npm-check-ethora check-generated

## run: serve every mock with its default data set on $(ADDR)
run:
	$(GO) run ./cmd/standin serve --addr $(ADDR)

## test: every test, race detector on
test: lint
	$(GO) test -race -count=1 $(PKGS)

## generate: regenerate gen/ from openapi/
generate:
	$(GO) generate ./gen/...

## lint: vet, formatting, generated code and go.mod up to date
lint: check-generated
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff

check-generated: generate
	@test -z "$$(git status --porcelain -- gen/)" || { git status --short -- gen/; git diff --stat -- gen/; echo "gen/ is out of date: run make generate and commit"; exit 1; }

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./mockserver/rocketchat -run '^$$' -fuzz FuzzRequest -fuzztime $(FUZZTIME)
	$(GO) test ./mockserver/ethora -run '^$$' -fuzz FuzzRequest -fuzztime $(FUZZTIME)
	$(GO) test ./mockserver/ethora -run '^$$' -fuzz FuzzVerify -fuzztime $(FUZZTIME)

## bench: Go benchmarks of the hot paths
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./mockserver/...

## conform: run the conformance suites against a running `make run`
conform:
	$(GO) run ./cmd/standin conform --target http://$(ADDR)/rocketchat --api rocketchat
	$(GO) run ./cmd/standin conform --target http://$(ADDR)/ethora --api ethora

## load: the load test against a running `make run`
load:
	$(GO) run ./cmd/standin load --target http://$(ADDR)/rocketchat --api rocketchat

## npm-check: the official npm clients against a running `make run`
npm-check: npm-check-rocketchat npm-check-ethora

npm-check-rocketchat:
	cd contracts/npm/rocketchat && npm ci --no-audit --no-fund && STANDIN_URL=http://$(ADDR)/rocketchat node check.mjs

npm-check-ethora:
	cd contracts/npm/ethora && npm ci --no-audit --no-fund && ETHORA_CHAT_API_URL=http://$(ADDR)/ethora node check.mjs
