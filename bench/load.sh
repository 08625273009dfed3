#!/usr/bin/env bash
# bench/load.sh [DIR]
# `ast2graph load` into the Bolt test server (tests/bolt_server, Node) with 1, 2 and 4
# connections, next to `ast2graph parse --format csv` of the same files in the same run.
# DIR defaults to CPython 3.13's standard library (site-packages excluded); only the files of
# shard $AST2GRAPH_LOAD_SHARD (default 0/4: a quarter of the library) are loaded, because the
# test server, a single-threaded Cypher interpreter in Node, applies rows far more slowly than
# Neo4j. Each load goes into a fresh server. Printed per run: rows, wall time, rows/s, and our own
# CPU time per 1,000 rows (the writer must never be the bottleneck: the server's time is not ours).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${AST2GRAPH_BENCH_BUILD:-build-bench}
shard=${AST2GRAPH_LOAD_SHARD:-0/4}
py=$(bash tests/conformance/with_python.sh --find || true)
dir=${1:-}
if [ -z "$dir" ] && [ -n "$py" ]; then
  dir=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
fi
[ -n "$dir" ] || { echo "bench/load.sh: no CPython 3.13 found and no DIR given" >&2; exit 1; }
command -v node >/dev/null || { echo "bench/load.sh: needs node (tools/install-deps.sh)" >&2; exit 1; }

# The same configuration as bench/run.sh, so both share one build.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAST2GRAPH_BENCH=ON \
  -DAST2GRAPH_TESTS=OFF -DAST2GRAPH_WERROR=OFF >/dev/null || { echo "configure failed" >&2; exit 1; }
ninja -C "$build" ast2graph >"$build/load-build.log" 2>&1 || { tail -30 "$build/load-build.log"; exit 1; }
bin=$(realpath "$build/ast2graph")

tmp=$(mktemp -d)
server_pid=
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
args=("$dir" --exclude '**/site-packages/**' --shard "$shard" --progress never)
echo "== $dir, shard $shard, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"

# metric FILE KEY: a number from a --metrics file.
metric() { sed -n "s/.*\"$2\":\([0-9.e+-]*\).*/\1/p" "$1"; }

# records FILE: nodes + relationships of a --metrics file.
records() {
  local nodes edges
  nodes=$(grep -o '"nodes":{"total":[0-9]*' "$1" | grep -o '[0-9]*$')
  edges=$(grep -o '"edges":{[^}]*}' "$1" | grep -o ':[0-9]*' | tr -d : | awk '{s += $1} END {print s}')
  echo $((nodes + edges))
}

start=$(date +%s%N)
"$bin" parse "${args[@]}" --format csv -o "$tmp/csv" --metrics "$tmp/csv.metrics" 2>/dev/null
csv_wall=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN {print (b - a) / 1e9}')
csv_rows=$(records "$tmp/csv.metrics")
printf '%-26s %10s %9s %12s\n' "" "rows" "wall s" "rows/s"
printf '%-26s %10d %9.2f %12.0f\n' "parse --format csv" "$csv_rows" "$csv_wall" \
  "$(awk -v r="$csv_rows" -v w="$csv_wall" 'BEGIN {print r / w}')"

for connections in 1 2 4; do
  rm -f "$tmp/ctl" && mkfifo "$tmp/ctl"
  node tests/bolt_server/server.js --log /dev/null --auth neo4j:bench <"$tmp/ctl" >"$tmp/server.out" 2>&1 &
  server_pid=$!
  exec 3>"$tmp/ctl"
  for _ in $(seq 100); do grep -q listening "$tmp/server.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/^listening \([0-9]*\).*/\1/p' "$tmp/server.out")
  [ -n "$port" ] || { echo "the test server did not start: $(cat "$tmp/server.out")"; exit 1; }
  NEO4J_PASSWORD=bench "$bin" load "${args[@]}" --uri "bolt://127.0.0.1:$port" \
    --connections "$connections" --metrics "$tmp/load.metrics" 2>"$tmp/load.stderr" ||
    { echo "load failed:"; tail -5 "$tmp/load.stderr"; exit 1; }
  exec 3>&-
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  printf '%-26s %10.0f %9.2f %12.0f   our CPU %.2f ms / 1,000 rows\n' \
    "load, $connections connection(s)" "$(metric "$tmp/load.metrics" rows)" \
    "$(metric "$tmp/load.metrics" wall_seconds)" "$(metric "$tmp/load.metrics" rows_per_second)" \
    "$(metric "$tmp/load.metrics" writer_cpu_ms_per_1000_rows)"
done
echo "(rows/s is bound by the single-threaded Node test server; the CPU column is ours alone)"
