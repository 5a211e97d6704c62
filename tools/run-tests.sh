#!/bin/sh
# Runs the whole test suite: the unit tests built with ASan and UBSan (tether's
# own code, not the preload), then everything in ./build through CTest (unit
# tests again, case programs under the preload, real programs).
# Expects tools/setup-debian.sh --tests to have run.
set -eu
cd "$(dirname "$0")/.."
jobs="$(nproc)"

echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTETHER_UNIT_ONLY=ON -DTETHER_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" --target tether_unit_tests
ASAN_OPTIONS=detect_leaks=0 build-asan/bin/tether_unit_tests

echo "== the whole suite (CTest)"
ctest --test-dir build --output-on-failure -j "$jobs"
