#!/usr/bin/env bash
# fuzz/run.sh [SECONDS]   (default 600)
# Builds the libFuzzer targets with clang, ASan and UBSan in build-fuzz/, then runs each of them
# for SECONDS at the same time (the three share the cores), starting from fuzz/corpus plus the
# snapshot corpus (tests/corpus/ok, err) with fuzz/python.dict. New inputs go to
# build-fuzz/corpus/TARGET, findings to build-fuzz/artifacts/DATE/, logs to build-fuzz/TARGET.log.
# Exit 1 if any target found something.
set -euo pipefail
secs=${1:-600}
cd "$(dirname "$0")/.."
build=${AST2GRAPH_FUZZ_BUILD:-build-fuzz}

mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAST2GRAPH_FUZZ=ON -DAST2GRAPH_SANITIZE=ON -DAST2GRAPH_TESTS=OFF -DAST2GRAPH_WERROR=OFF \
  >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
targets=()
for t in fuzz_parse fuzz_tokenizer fuzz_semantic; do
  if ninja -C "$build" -t targets all 2>/dev/null | grep -q "^$t:"; then targets+=("$t"); fi
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz/run.sh: no fuzz targets (is the parser in src/parse yet?)"
  exit 1
fi
ninja -C "$build" "${targets[@]}"

artifacts="$build/artifacts/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pids=()
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  echo "fuzzing $t for ${secs}s (log: $build/$t.log)"
  "$build/fuzz/$t" "$build/corpus/$t" fuzz/corpus tests/corpus/ok tests/corpus/err \
    -dict=fuzz/python.dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
    >"$build/$t.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  if wait "${pids[$i]}"; then rc=0; else rc=$?; fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$t.log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$build/$t.log" | tail -1)
  found=$(ls "$artifacts" | grep -c "^$t-" || true)
  echo "$t: exit $rc, ${runs:-?} inputs, ${cov:-cov: ?}, corpus $(ls "$build/corpus/$t" | wc -l) files, $found finding(s)"
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    status=1
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$build/$t.log" | head -20 || true
  fi
done
exit $status
