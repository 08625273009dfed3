#!/usr/bin/env bash
# Installs, from Debian 12's archive and npm only, exactly what is missing to build and test
# ast2graph. Idempotent: a second run installs nothing. This is the one place dependencies are named.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build toolchain and libraries (CMake finds each with find_package / pkg-config).
debs=(
  g++ cmake ninja-build pkg-config git
  libtbb-dev        # oneTBB: the parallel pipeline
  libcli11-dev      # CLI11: command-line options
  libfmt-dev        # fmt: formatting
  libxxhash-dev     # xxHash: XXH3-128 content ids
  libutf8proc-dev   # utf8proc: NFKC identifiers, Unicode categories
  libssl-dev        # OpenSSL: bolt+s / neo4j+s
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev   # libFuzzer and sanitizer runtimes
  libxml2-utils     # xmllint: GraphML schema checks in tests
  graphviz          # dot: the dot exporter's output is rendered in tests
  python3-networkx  # networkx: the graphml exporter's output is loaded in tests
  openssl           # throw-away certificates for the Bolt TLS tests
)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  debs+=(nodejs npm)
fi

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian (e.g. a preinstalled Node 20): then they are not missing.
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

# npm packages of the Bolt test server (pinned in package-lock.json).
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
fi
