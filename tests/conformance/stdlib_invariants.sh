#!/usr/bin/env bash
# stdlib_invariants.sh CORPUS_INVARIANTS [DIR]: the tree invariants of tests/corpus/invariants.cc
# on every .py file under DIR (default: CPython 3.13's standard library, found as
# with_python.sh finds CPython; without it this says so and passes). Files our parser rejects are
# counted, not judged: compare_ast.sh judges rejections.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
checker=$1
dir=${2:-}
if [ -z "$dir" ]; then
  if ! py=$(bash "$here/with_python.sh" --find); then
    echo "no CPython 3.13 found: no standard library to check, skipped"
    exit 0
  fi
  dir=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
fi
# One checker process per 200 files, 2 at a time; any failing batch fails the test.
find "$dir" -name '*.py' -type f -print0 | sort -z |
  xargs -0 -n 200 -P "$(nproc)" "$checker" --allow-rejected
