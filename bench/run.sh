#!/usr/bin/env bash
# bench/run.sh [DIR]
# Builds parse_bench in Release (build-bench/), runs it over DIR (default: CPython 3.13's standard
# library, or $AST2GRAPH_BENCH_DIR), runs CPython 3.13's ast.parse over the same files in the same
# run, and prints both throughputs, their ratio, the worst file and our peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${AST2GRAPH_BENCH_BUILD:-build-bench}
py=$(bash tests/conformance/with_python.sh --find || true)
dir=${1:-${AST2GRAPH_BENCH_DIR:-}}
if [ -z "$dir" ] && [ -n "$py" ]; then
  dir=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
fi
[ -n "$dir" ] || dir=tests/corpus/ok
export AST2GRAPH_BENCH_DIR=$dir

mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAST2GRAPH_BENCH=ON \
  -DAST2GRAPH_TESTS=OFF >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
ninja -C "$build" parse_bench >/dev/null

echo "== ast2graph (parse_bench, single thread) over $dir"
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -v -o "$build/parse_bench.time")
"${timer[@]}" "$build/bench/parse_bench" --benchmark_out="$build/parse_bench.json" \
  --benchmark_out_format=json --benchmark_counters_tabular=true
if [ -z "$py" ]; then
  echo "no CPython 3.13 found: no comparison"
  exit 0
fi
echo "== CPython $("$py" -c 'import sys; print(sys.version.split()[0])') ast.parse over the same files (best of 3)"
"$py" bench/cpython_parse.py "$dir" >"$build/cpython_parse.json"

"$py" - "$build/parse_bench.json" "$build/cpython_parse.json" "$build/parse_bench.time" <<'PY'
import json, os, sys
ours = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
cpy = json.load(open(sys.argv[2]))
mb = lambda bps: bps / 1e6
def rate(name):
    b = ours.get(name)
    return mb(b["bytes_per_second"]) if b else None
parse = rate("parse/all")
print(f"files: {cpy['files']} ({cpy['bytes'] / 1e6:.1f} MB), rejected by CPython: {cpy['rejected']}")
print(f"ast2graph Parse          {parse:8.1f} MB/s")
if rate("tokenize/all") is not None:
    print(f"ast2graph tokenizer only {rate('tokenize/all'):8.1f} MB/s")
w = ours.get("parse/worst")
if w:
    print(f"ast2graph worst file     {rate('parse/worst'):8.1f} MB/s  {w.get('label', '')}")
print(f"CPython ast.parse        {mb(cpy['bytes_per_second']):8.1f} MB/s")
print(f"ratio                    {parse / mb(cpy['bytes_per_second']):8.2f}x CPython")
if os.path.exists(sys.argv[3]):
    for line in open(sys.argv[3]):
        if "Maximum resident set size" in line:
            kb = int(line.split(":")[1])
            print(f"peak RSS (whole run, all files in memory) {kb / 1024:.1f} MB")
PY
