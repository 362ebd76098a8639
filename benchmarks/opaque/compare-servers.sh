#!/usr/bin/env bash
# Lockbox's OPAQUE server next to opaque-ke's (serenity, WASM in Node) and libsodium's bare scalar
# multiplication, in one run on this machine. Needs tests/node/node_modules (./test installs it).
#   benchmarks/opaque/compare-servers.sh [seconds-per-node-measurement=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
echo "== Lockbox (BenchmarkDotNet, one core per operation) =="
dotnet run -c Release --project benchmarks/Lockbox.Benchmarks -- --filter '*OpaqueServerBenchmarks*' --job short --inProcess \
  | grep -E '^\| (Method|Login|GenerateKE2|CreateRegistration|ScalarMult)'
echo
echo "== opaque-ke via @serenity-kit/opaque (Node $(node --version)) =="
node benchmarks/opaque/serenity-server-bench.js "${1:-3}"
