# Sourced by the scripts of tests/pipeline. Picks the corpus of the slow pipeline tests:
#   pick_corpus TMPDIR [--no-tests]
#                       sets CORPUS (a directory), CORPUS_ARGS (what follows `parse .`: the
#                       --exclude options), CORPUS_SKIP (the directory names left out) and
#                       CORPUS_KIND: CPython 3.13's standard library (site-packages left out: it
#                       differs between machines; with --no-tests also the `test` directories,
#                       two thirds of its bytes, to keep the test suite fast) when
#                       with_python.sh finds CPython 3.13, else a fixture built under TMPDIR by
#                       make_fixture.
#   make_fixture DIR    the tests/corpus files (ok, err and the cross-file package flow_pkg)
#                       copied under 24 package directories, so that there are hundreds of files,
#                       failures among them, and cross-file imports both resolved and external.
#   shuffled_copy SRC DST  copies the *.py files of SRC (less CORPUS_SKIP) to DST creating
#                       directories and files in a random order.
pipeline_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pipeline_top=$(cd "$pipeline_here/../.." && pwd)

make_fixture() {
  local dir=$1 i
  mkdir -p "$dir"
  cp -R "$pipeline_top/tests/corpus/flow_pkg/." "$dir/"
  for i in $(seq -w 0 23); do
    mkdir -p "$dir/pkg$i/ok" "$dir/pkg$i/err" "$dir/pkg$i/flow"
    : >"$dir/pkg$i/__init__.py"
    cp "$pipeline_top"/tests/corpus/ok/*.py "$dir/pkg$i/ok/"
    cp "$pipeline_top"/tests/corpus/err/*.py "$dir/pkg$i/err/"
    cp -R "$pipeline_top/tests/corpus/flow_pkg/." "$dir/pkg$i/flow/"
  done
}

pick_corpus() {
  local tmp=$1 py skip
  if py=$(bash "$pipeline_top/tests/conformance/with_python.sh" --find); then
    CORPUS=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
    CORPUS_SKIP=(site-packages)
    [ "${2:-}" = --no-tests ] && CORPUS_SKIP+=(test)
    CORPUS_KIND="CPython $("$py" -c 'import sys; print(sys.version.split()[0])') standard library"
    CORPUS_KIND+=" without ${CORPUS_SKIP[*]}"
    PYTHON313=$py
  else
    make_fixture "$tmp/fixture"
    CORPUS=$tmp/fixture
    CORPUS_SKIP=()
    CORPUS_KIND="fixture (no CPython 3.13 found: tests/corpus copied 24 times)"
    PYTHON313=""
  fi
  CORPUS_ARGS=()
  for skip in "${CORPUS_SKIP[@]}"; do CORPUS_ARGS+=(--exclude "$skip"); done
}

shuffled_copy() {
  local src=$1 dst=$2 rel
  mkdir -p "$dst"
  local prune=() skip
  for skip in "${CORPUS_SKIP[@]}"; do prune+=(-name "$skip" -prune -o); done
  (cd "$src" && find . "${prune[@]}" -name '*.py' -type f -print) | shuf |
    while IFS= read -r rel; do
      mkdir -p "$dst/$(dirname "$rel")"
      cp "$src/$rel" "$dst/$rel"
    done
}
