# sluice — see README.md. Every target works on a fresh Debian machine: `make deps` installs
# what is missing (run as root, or with sudo available).
GO          ?= go
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck
STATICCHECK_VERSION := v0.8.2

.PHONY: all build deps test test-race fuzz lint demo docs bench bench-quick clean

all: build

build:
	$(GO) build -o bin/sluice ./cmd/sluice

# deps installs Debian's MariaDB server and client (for the test servers), and the peers the
# benchmarks compare against, when they are missing.
deps:
	@bash .ci/install-deps

# test runs every test (tests that need a database start throwaway MariaDB servers themselves),
# then the race detector over the packages with concurrency and each fuzz target briefly.
test: deps
	$(GO) test -count=1 -timeout 45m ./...
	$(MAKE) test-race fuzz

# test-race runs the tests of the packages with concurrency under the race detector: the
# scheduler, the loader (with its servers), the socket reader (internal/wire), and of the dumper its unit tests and two small
# dumps through Run's goroutines (its large server tests run without -race in test).
RACE_DUMPER_TESTS ?= TestSyncer|TestIntRange|TestWholeTables|TestFindKey|TestDumpSyncsDirectory|TestWhereOnNullKeyTable
test-race:
	$(GO) test -race -count=1 -timeout 20m ./scheduler/ ./loader/ ./internal/wire/
	$(GO) test -race -count=1 -timeout 10m -run '$(RACE_DUMPER_TESTS)' ./dumper/

# fuzz runs each fuzz target for FUZZTIME executions (seed corpora in each package's
# testdata/fuzz). A count, not a duration: with a duration go1.26's fuzz coordinator can report
# a bare "context deadline exceeded" failure at the deadline on a loaded machine
# (go.dev/issue/75804, fixed in Go 1.27); a count has no deadline to race.
FUZZTIME ?= 50000x
FUZZ_TARGETS := FuzzReadMetadata:./internal/dumpdir FuzzSplitCreateTable:./schema \
	FuzzSplit:./internal/sqlscript FuzzSplitRow:./internal/wire \
	FuzzEncodeBody:./internal/sqlscript FuzzTSVRoundTrip:./internal/sqltext \
	FuzzInsertRoundTrip:./internal/sqltext FuzzAppendInsertAsTSV:./internal/sqltext \
	FuzzInsertValues:./internal/sqltext \
	FuzzLiteralAsTSV:./internal/sqltext
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t%%:*} $${t#*:} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) "$${t#*:}" || exit 1; \
	done

lint:
	@test -x $(STATICCHECK) || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

# demo fills a throwaway server with a few hundred MB, dumps it, restores it into another with
# the sluice binary (its progress bar and summary on stderr) and compares checksums. DATASET and
# THREADS may be overridden: make demo DATASET=sysbench:4x100k
DATASET ?= indexed:4x400000
THREADS ?= 2
demo: deps build
	$(GO) run ./cmd/sluice-demo -dataset $(DATASET) -t $(THREADS) -sluice bin/sluice

# docs regenerates docs/COMMAND.md from real runs of the sluice binary against two throwaway
# servers (cmd/sluice-docs), so the pages show what sluice prints today.
docs: deps build
	$(GO) run ./cmd/sluice-docs -sluice bin/sluice -out docs

bench: deps build
	$(GO) run ./cmd/sluice-bench -out bench/results

bench-quick: deps build
	$(GO) run ./cmd/sluice-bench -quick -out bench/out

clean:
	rm -rf bin bench/out
