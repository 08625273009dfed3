#!/usr/bin/env bash
# stdlib_properties.sh FLOW_CHECK: the flow properties (flow_properties.h) on every .py file of
# CPython 3.13's standard library. CPython is found as tests/conformance/with_python.sh finds it;
# without it this says so and passes (the flow corpus covers the same constructs).
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
if ! py=$(bash "$here/../conformance/with_python.sh" --find); then
  echo "no CPython 3.13 found: skipped, the flow corpus (tests/corpus/flow) covers the constructs"
  exit 0
fi
stdlib=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
echo "stdlib: $stdlib"
exec "$bin" properties "$stdlib"
