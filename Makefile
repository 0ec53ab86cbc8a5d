# sluice — see README.md. Every target works on a fresh Debian machine: `make deps` installs
# what is missing (run as root, or with sudo available).
GO          ?= go
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck
STATICCHECK_VERSION := v0.8.2

.PHONY: all build deps test lint demo bench bench-quick clean fuzz-codec

all: build

build:
	$(GO) build -o bin/sluice ./cmd/sluice

# deps installs Debian's MariaDB server and client (for the test servers), and the peers the
# benchmarks compare against, when they are missing.
deps:
	@bash .ci/install-deps

# test runs every test; tests that need a database start throwaway MariaDB servers themselves.
test: deps
	$(GO) test -count=1 -timeout 45m ./...

lint:
	@test -x $(STATICCHECK) || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

# demo fills a throwaway server with a few hundred MB, dumps it, restores it into another and
# compares checksums. DATASET and THREADS may be overridden: make demo DATASET=sysbench:4x100k
DATASET ?= indexed:4x400000
THREADS ?= 2
demo: deps
	$(GO) run ./cmd/sluice-demo -dataset $(DATASET) -t $(THREADS)

bench: deps build
	$(GO) run ./cmd/sluice-bench -out bench/results

bench-quick: deps build
	$(GO) run ./cmd/sluice-bench -quick -out bench/out

clean:
	rm -rf bin bench/out

# fuzz-codec runs each fuzz target of the SQL and TSV codecs and of the schema-file statement
# encoding for FUZZTIME (CI: 5s each), from the seed corpora in their testdata/fuzz.
FUZZTIME ?= 10s
fuzz-codec:
	$(GO) test -run '^$$' -fuzz '^FuzzTSVRoundTrip$$' -fuzztime $(FUZZTIME) ./internal/sqltext
	$(GO) test -run '^$$' -fuzz '^FuzzInsertRoundTrip$$' -fuzztime $(FUZZTIME) ./internal/sqltext
	$(GO) test -run '^$$' -fuzz '^FuzzAppendInsertAsTSV$$' -fuzztime $(FUZZTIME) ./internal/sqltext
	$(GO) test -run '^$$' -fuzz '^FuzzEncodeBody$$' -fuzztime $(FUZZTIME) ./internal/sqlscript
