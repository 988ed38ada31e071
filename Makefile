# SwiftSER: the two set-up commands (README.md) and helpers.
#
#   make demo    install missing Debian packages, release build, run the main job end to end
#   make test    install missing Debian packages, build and run the test suite, build and run the example packages
#   make onnx-check  export small models to ONNX and compare ONNX Runtime with SwiftSER (scripts/onnx-check.sh;
#                makes .venv-onnx with scripts/onnx-requirements.txt when missing); part of make test
#   make bench   release build, run `ser-cli bench` (BENCH_ARGS="--json" etc. passes options)
#   make fuzz    build the libFuzzer targets in Fuzz/ and run each for FUZZ_SECONDS (default 60);
#                not part of `make test` or CI (see Fuzz/README.md)
#   make docs    build the DocC catalogs of the five libraries (swift-docc-plugin; archives under .build/plugins)
#
# SWIFT_FLAGS is passed to every swift build/test/run of this package, e.g.
#   make test SWIFT_FLAGS="--scratch-path .build-mine"

SWIFT       ?= swift
SWIFT_FLAGS ?=
# The release build of `make demo` / `make bench` runs on the machine that builds it, so it may use that CPU's
# vector units (AVX2/AVX-512 for SwiftSER's own loops; 6-13% less CPU on an EmoDB fold, same results bit for
# bit; Docs/Performance.md). `make demo RELEASE_FLAGS=` builds for generic x86-64.
RELEASE_FLAGS ?= -Xswiftc -target-cpu -Xswiftc native
TEST_FLAGS  ?=
BENCH_ARGS  ?=
DEMO_ARGS   ?=
FUZZ_SECONDS ?= 60

.PHONY: demo test bench deps release example onnx-check docs clean fuzz

deps:
	@scripts/ensure-deps.sh

release: deps
	$(SWIFT) build -c release --product ser-cli $(RELEASE_FLAGS) $(SWIFT_FLAGS)

demo: release
	"$$($(SWIFT) build -c release --show-bin-path $(RELEASE_FLAGS) $(SWIFT_FLAGS))/ser-cli" demo $(DEMO_ARGS)

bench: release
	"$$($(SWIFT) build -c release --show-bin-path $(RELEASE_FLAGS) $(SWIFT_FLAGS))/ser-cli" bench $(BENCH_ARGS)

# The example package is built first so that the test runner's summary is the last thing printed.
# All tests are XCTest; --disable-swift-testing keeps the empty Swift Testing run from printing a
# "0 tests" summary after XCTest's.
test: deps
	@$(MAKE) --no-print-directory example
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	@SWIFT=$(SWIFT) scripts/onnx-check.sh $(SWIFT_FLAGS)
	$(SWIFT) test --disable-swift-testing $(SWIFT_FLAGS) $(TEST_FLAGS)

# Exported ONNX models against SwiftSER with ONNX Runtime (needs the debug build with tests).
onnx-check:
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	@SWIFT=$(SWIFT) scripts/onnx-check.sh $(SWIFT_FLAGS)

# Separate packages that depend on SwiftSER by path: Examples/TensorOnly imports only SERTensor,
# Examples/ClassifyFile only SERModels (it classifies a generated sound with a committed tiny model).
example:
	@start=$$(date +%s); \
	$(SWIFT) run --package-path Examples/TensorOnly TensorOnly && \
	echo "example package Examples/TensorOnly: built and ran in $$(( $$(date +%s) - start )) s"
	@start=$$(date +%s); \
	$(SWIFT) run --package-path Examples/ClassifyFile ClassifyFile && \
	echo "example package Examples/ClassifyFile: built and ran in $$(( $$(date +%s) - start )) s"

DOC_TARGETS = SERTensor SERAudio SERFeatures SERModels SERTraining

docs:
	$(SWIFT) package $(SWIFT_FLAGS) generate-documentation $(foreach t,$(DOC_TARGETS),--target $(t))
	@echo "DocC archives: $$(ls -d .build/plugins/Swift-DocC/outputs/*.doccarchive | tr '\n' ' ')"

# A separate package (Fuzz/) built with -sanitize=fuzzer,address; it never touches the main build.
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) Fuzz/run.sh

clean:
	$(SWIFT) package clean $(SWIFT_FLAGS)
	rm -rf Examples/TensorOnly/.build Examples/ClassifyFile/.build Fuzz/.build
