#!/usr/bin/env bash
# Build everything with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DVMC_SANITIZE=ON) and run the whole ctest suite there, including the
# fuzz seed replays (fuzz_replay_*), the hostile-input tests and the tests
# that drive the real QEMU.  Any sanitizer report fails the test that
# triggered it (ASan aborts, UBSan is built with -fno-sanitize-recover).
#
#   .ci/sanitize.sh            build in build-asan/
#   VMC_ASAN_BUILD_DIR=dir .ci/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${VMC_ASAN_BUILD_DIR:-build-asan}
jobs=$(nproc 2>/dev/null || echo 2)

# -O1: sanitizer builds at -O0 are several times slower for no extra findings.
cmake -S . -B "$build" -DVMC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
cmake --build "$build" -j"$jobs"

# Leak checking stays off: tests keep fixtures alive to the end on purpose.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=0:check_initialization_order=1:strict_string_checks=1:detect_stack_use_after_return=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
ctest --test-dir "$build" --output-on-failure -j"$jobs"
echo "sanitizer build: all tests passed"
