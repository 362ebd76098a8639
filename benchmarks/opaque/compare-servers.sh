#!/usr/bin/env bash
# Lockbox's OPAQUE server next to opaque-ke's (serenity, WASM in Node) and libsodium's bare scalar
# multiplication, back to back on this machine, in CPU time per operation (= ops per second per core,
# meaningful even when other work shares the cores). Needs tests/node/node_modules (./test installs it).
#   benchmarks/opaque/compare-servers.sh [seconds-per-measurement=2]
# Wall-clock BenchmarkDotNet figures: dotnet run -c Release --project benchmarks/Lockbox.Benchmarks -- --filter '*Opaque*' --job short
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
uptime
dotnet run -c Release benchmarks/opaque/server-cpu-time.cs "${1:-2}"
echo
node benchmarks/opaque/serenity-server-bench.js "${1:-2}"
