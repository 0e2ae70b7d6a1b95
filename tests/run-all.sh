#!/usr/bin/env bash
# Build and run every test: the normal build, then the same suite built with
# AddressSanitizer + UndefinedBehaviorSanitizer.  Tests that drive the real
# QEMU binary run here too (qemu-system-x86 must be installed).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ -x .ci/sanitize.sh ]; then
    .ci/sanitize.sh
fi
echo "all tests passed"
