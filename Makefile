# supaudit — make help lists the targets.
GO      ?= go
BIN     ?= bin/supaudit
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
SAMPLE  ?= fixtures/snapshots/native-remote-and-internet-sup.json
SAMPLE_BUNDLE ?= fixtures/bundles/compliant
BENCH_SIZES ?= 1000 10000

.PHONY: help build test run lint bench fuzz verify golden checklist clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build bin/supaudit
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/supaudit

test: ## run every test: Go, Rego (through OPA's tester), golden files, fixtures
	$(GO) test ./...

run: build ## judge the sample snapshot, then the sample evidence bundle end to end (collect + check)
	@$(BIN) check $(SAMPLE) --fail-on fail
	@$(BIN) scan --bundle $(SAMPLE_BUNDLE) --fail-on fail

verify: build ## judge every fixture against its expected results
	$(BIN) verify fixtures

lint: ## gofmt, go vet, strict policy compile
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) test -run 'TestEmbeddedPoliciesCompileStrict|TestRego' ./policies/

bench: ## Go benchmarks (log parsing: MB/s on a 200 MB WCM.log), the history store (check --history, report over 365 runs x 1000 sites), then supaudit vs conftest vs the floor
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 20x ./policies/
	$(GO) test -run '^$$' -bench BenchmarkHTMLHistory -benchmem ./report/
	$(GO) test -run '^$$' -bench 'BenchmarkRecord/sqlite' -benchmem -benchtime 5x ./history/
	scripts/bench-history.sh
	$(GO) test -run '^$$' -bench BenchmarkProbeFleet -benchmem -benchtime 3x ./collectors/probe/
	$(GO) test -run '^$$' -bench BenchmarkWCMLog200MB -benchmem -benchtime 3x ./collectors/evidence/extract/
	scripts/bench.sh $(BENCH_SIZES)

fuzz: ## run each fuzz target for FUZZTIME (default 30s; evidence targets minimize new inputs for at most 5s)
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s} ./facts/
	$(GO) test -run '^$$' -fuzz FuzzCollectZip -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/bundle/
	$(GO) test -run '^$$' -fuzz FuzzParseLog -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/evidence/cmlog/
	$(GO) test -run '^$$' -fuzz FuzzParseReg -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/evidence/regfile/
	$(GO) test -run '^$$' -fuzz FuzzParseIISConfig -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/evidence/iisconfig/
	$(GO) test -run '^$$' -fuzz FuzzParseCert -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/evidence/certs/
	$(GO) test -run '^$$' -fuzz FuzzParseSiteControl -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/evidence/sitectrl/
	$(GO) test -run '^$$' -fuzz FuzzParseParts -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/winrm/
	$(GO) test -run '^$$' -fuzz FuzzParseInventory -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/probe/
	$(GO) test -run '^$$' -fuzz FuzzParseTarget -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/probe/
	$(GO) test -run '^$$' -fuzz FuzzReceiveResponse -fuzztime $${FUZZTIME:-30s} -fuzzminimizetime 5s ./collectors/winrm/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-30s} ./waivers/
	$(GO) test -run '^$$' -fuzz FuzzDiff -fuzztime $${FUZZTIME:-30s} ./snapdiff/
	$(GO) test -run '^$$' -fuzz FuzzParseReport -fuzztime $${FUZZTIME:-30s} ./report/
	$(GO) test -run '^$$' -fuzz FuzzReadRun -fuzztime $${FUZZTIME:-30s} ./history/

golden: checklist ## rewrite golden files after an intended output change (review the diff)
	$(GO) test ./cmd/supaudit/ -update
	$(GO) test ./report/ -update

checklist: ## regenerate docs/checklist.md from the policies and opa-fmt the Rego modules
	$(GO) test ./policies/ -run 'TestChecklistDoc|TestRegoFormatted' -update

clean: ## remove build output
	rm -rf bin
