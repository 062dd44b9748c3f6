# Skyguard: `make run` starts the demo box, `make test` runs every test
# (installing the test tools it needs first), `make firmware` cross-builds.
SHELL := /bin/bash
GO ?= go
PKG := skyguard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# The build date is the commit's date, so two builds of one commit are identical.
DATE ?= $(shell git log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)
LDFLAGS := -s -w -buildid= -X $(PKG)/firmware/version.Version=$(VERSION) -X $(PKG)/firmware/version.Commit=$(COMMIT) -X $(PKG)/firmware/version.Date=$(DATE)
BUILD := CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'
TEST_TIMEOUT ?= 15m

.PHONY: all build run test test-deps livetest-deps lint unit fuzz bench firmware clean
.PHONY: image bench-arm

all: build

build:
	$(BUILD) -o bin/skyguard ./firmware/cmd/skyguard

run: build
	./bin/skyguard demo

test-deps:
	bash tools/testdeps/install.sh
	$(MAKE) livetest-deps

# playwright-core for the Chromium live view tests (webui/live).
livetest-deps:
	cd tools/livetest && npm ci --no-audit --no-fund

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

unit:
	CGO_ENABLED=0 $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

# Each fuzz target runs briefly: enough to catch a regression on its seeds
# and a little beyond, not a fuzzing campaign. Minimising a new input is
# capped, or it eats the whole budget.
FUZZTIME ?= 10s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRecord$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 100x ./recorder/ring
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 100x ./firmware/config

test: test-deps lint unit fuzz

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./recorder/... ./webui/live/
	$(GO) run ./tools/bench

firmware:
	mkdir -p out
	GOOS=linux GOARCH=arm64 $(BUILD) -o out/skyguard-linux-arm64 ./firmware/cmd/skyguard
	GOOS=linux GOARCH=arm GOARM=7 $(BUILD) -o out/skyguard-linux-armv7 ./firmware/cmd/skyguard
	cd out && sha256sum skyguard-linux-arm64 skyguard-linux-armv7 > SHA256SUMS

# A firmware image through Buildroot (buildroot/README.md): BUILDROOT_DIR is
# a Buildroot checkout, BR_DEFCONFIG the board, BR_OUT its output folder.
BR_DEFCONFIG ?= skyguard_rpi4_defconfig
BR_OUT ?= $(CURDIR)/out/br-$(BR_DEFCONFIG:skyguard_%_defconfig=%)
image:
	$(GO) mod vendor
	@if [ -z "$(BUILDROOT_DIR)" ]; then \
		echo "vendor/ is ready. To build the image, point BUILDROOT_DIR at a Buildroot checkout (2025.02.x):"; \
		echo "  git clone https://gitlab.com/buildroot.org/buildroot.git -b 2025.02.x ~/buildroot"; \
		echo "  make image BUILDROOT_DIR=~/buildroot [BR_DEFCONFIG=skyguard_qemu_arm64_virt_defconfig]"; \
		echo "images land in $(BR_OUT)/images (see buildroot/README.md)"; \
	else \
		$(MAKE) -C "$(BUILDROOT_DIR)" O="$(BR_OUT)" BR2_EXTERNAL=$(CURDIR)/buildroot $(BR_DEFCONFIG) && \
		$(MAKE) -C "$(BUILDROOT_DIR)" O="$(BR_OUT)" SKYGUARD_STAMP_VERSION=$(VERSION); \
	fi

# arm64 under qemu-user against amd64 in one run: size, RSS idle and with
# 8 cameras, start-up to the first recorded frame.
bench-arm:
	$(GO) run ./tools/armbench

clean:
	rm -rf bin out
