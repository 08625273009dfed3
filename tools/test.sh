#!/usr/bin/env bash
# The whole test suite, as the README's quick start and .ci/run call it:
#  1. a -Wall -Wextra -Werror build, then every ctest label (unit, corpus, conformance, slow);
#  2. an ASan+UBSan build, then the unit and corpus tests once more.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAST2GRAPH_WERROR=ON -DAST2GRAPH_TESTS=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAST2GRAPH_WERROR=ON \
  -DAST2GRAPH_SANITIZE=ON -DAST2GRAPH_TESTS=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -L 'unit|corpus'
