#!/usr/bin/env bash
# bench/pipeline.sh [DIR]
# The whole `ast2graph parse` pipeline (read, parse, analyse, build, write) against CPython 3.13
# doing only ast.parse over the same files (bench/cpython_parse.py, one thread, best of 3).
# Builds the Release binary (build-pipe-rel/, or $AST2GRAPH_PIPE_BUILD), then over DIR (default
# CPython 3.13's standard library, site-packages included as cpython_parse.py reads it) times
#   ast2graph parse DIR --format csv   -o TMP/csv
#   ast2graph parse DIR --format jsonl -o TMP/out.jsonl
# with the default --jobs (all cores) under /usr/bin/time -v, and prints wall and CPU times, the
# ratios CPython time / our time (goal >= 2x) and our peak RSS (goal < 200 MB). Then DIR hard-linked 10
# times under different roots in a temporary directory, parsed to jsonl (written to /dev/null: 10x
# the stdlib is over 20 GB of jsonl), to show that peak RSS does not grow with the corpus. The
# temporary directory is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${AST2GRAPH_PIPE_BUILD:-build-pipe-rel}
py=$(bash tests/conformance/with_python.sh --find || true)
dir=${1:-}
if [ -z "$dir" ] && [ -n "$py" ]; then
  dir=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
fi
if [ -z "$dir" ]; then
  echo "bench/pipeline.sh: no CPython 3.13 found and no DIR given" >&2
  exit 1
fi
[ -x /usr/bin/time ] || { echo "bench/pipeline.sh: needs /usr/bin/time (GNU time)" >&2; exit 1; }

# Release is -O3, where g++ 12 gives false -Wrestrict warnings inside libstdc++ (see run.sh).
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAST2GRAPH_TESTS=OFF \
  -DAST2GRAPH_WERROR=OFF >/dev/null || { echo "configure failed" >&2; exit 1; }
ninja -C "$build" -j "${AST2GRAPH_BUILD_JOBS:-2}" ast2graph >"$build/pipeline-build.log" 2>&1 ||
  { tail -30 "$build/pipeline-build.log"; exit 1; }
bin=$(realpath "$build/ast2graph")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=$(find "$dir" -name '*.py' -type f | wc -l)
echo "== corpus: $dir ($files .py files), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"

# timed NAME ARGS...: runs `ast2graph parse ARGS` under /usr/bin/time; sets WALL and RSS_MB.
timed() {
  local name=$1
  shift
  /usr/bin/time -v -o "$tmp/$name.time" "$bin" parse "$@" --progress never \
    --metrics "$tmp/$name.metrics" 2>"$tmp/$name.stderr" ||
    { echo "ast2graph parse $* failed:"; tail -5 "$tmp/$name.stderr"; exit 1; }
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
           for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$tmp/$name.time")
  RSS_MB=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$tmp/$name.time")
  CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tmp/$name.time")
}

if [ -n "$py" ]; then
  echo "== CPython $("$py" -c 'import sys; print(sys.version.split()[0])'): ast.parse only, one thread, best of 3"
  "$py" bench/cpython_parse.py "$dir" >"$tmp/cpython.json"
  read -r cpy cpy_cpu < <("$py" -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["seconds"], d["cpu_seconds"])' "$tmp/cpython.json")
  printf '%-44s %8.2f s wall %8.2f s CPU\n' "CPython ast.parse (sum of per-file times)" "$cpy" "$cpy_cpu"
fi

# Wall time is what a user waits for (we use every core, CPython's ast.parse one); CPU time says
# what the work costs, and is the fairer figure when the machine is shared.
report() {  # report TITLE [CORPUS_COPIES]
  local ratio="" k=${2:-1}
  [ -n "${cpy:-}" ] && ratio=$(awk -v c="$cpy" -v w="$WALL" -v cc="$cpy_cpu" -v u="$CPU" -v k="$k" \
    'BEGIN {printf "wall %.2fx CPython, CPU %.2fx", k * c / w, k * cc / u}')
  printf '%-44s %8.2f s wall %8.2f s CPU  %s  peak RSS %7.1f MB\n' "$1" "$WALL" "$CPU" "$ratio" \
    "$RSS_MB"
}
timed csv "$dir" --format csv -o "$tmp/csv"
report "ast2graph parse --format csv -o DIR"
rm -rf "$tmp/csv"
timed jsonl "$dir" --format jsonl -o "$tmp/out.jsonl"
report "ast2graph parse --format jsonl -o FILE"
echo "   jsonl: $(du -m "$tmp/out.jsonl" | cut -f1) MB; stage CPU seconds: $(sed 's/.*"cpu_seconds":{\([^}]*\)}.*/\1/' "$tmp/jsonl.metrics")"
rm -f "$tmp/out.jsonl"
timed jsonl_null "$dir" --format jsonl -o /dev/null
report "ast2graph parse --format jsonl -o /dev/null"
one_rss=$RSS_MB

mkdir -p "$tmp/x10"
for i in $(seq 0 9); do cp -al "$dir" "$tmp/x10/root$i"; done
timed x10 "$tmp/x10" --format jsonl -o /dev/null
report "10 x corpus (${files}0 files), jsonl -o /dev/null" 10
awk -v a="$one_rss" -v b="$RSS_MB" 'BEGIN {printf "peak RSS 10x corpus / 1x corpus: %.2f\n", b / a}'
# The same without NEXT and DEPENDS_ON: the cross-file tables (every module's top-level names and
# every unresolved reference, kept until all files are read) are what grows with the corpus.
timed x10_nosem "$tmp/x10" --format jsonl -o /dev/null --no-semantics
report "10 x corpus, --no-semantics (CHILD only)" 10
echo "goals: >= 2x CPython's ast.parse time, peak RSS < 200 MB; load now $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
