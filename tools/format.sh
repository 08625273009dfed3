#!/usr/bin/env bash
# Formats every C++ source of the tree with .clang-format (clang-format 14). `--check` only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(-i)
[ "${1:-}" = "--check" ] && mode=(--dry-run -Werror)
git ls-files '*.h' '*.cc' | grep -v '\.inc$' | xargs -r clang-format "${mode[@]}"
