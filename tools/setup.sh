#!/usr/bin/env bash
# Quick start, step 1: install what is missing (Debian 12 packages, npm ci), build, and run the
# main job on the bundled example (examples/shapes -> out/shapes.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAST2GRAPH_WERROR=ON \
  -DAST2GRAPH_TESTS=ON >/dev/null
cmake --build build -j "$(nproc)"
mkdir -p out
./build/ast2graph parse examples/shapes -o out/shapes.jsonl --metrics out/shapes-metrics.json
echo "setup: wrote out/shapes.jsonl ($(wc -l < out/shapes.jsonl) records); the binary is build/ast2graph"
