#!/usr/bin/env bash
# Full vault logins over HTTP on loopback (login/start + login/finish, real OPAQUE messages), with the
# software HSM and with SoftHSM2 over PKCS#11, and a replicated vault of 3 nodes (software HSM each, Raft
# over TCP on 127.0.0.1, in the benchmark's process): throughput, p50/p99 latency of the two round trips,
# the share of server time spent in the HSM, and the 3-node group's failover (leader stopped -> first
# successful login). Prints one Markdown table and the failover times.
#
#   benchmarks/vault-login.sh [logins] [concurrency] [software,pkcs11,cluster3]     (default: 2000 8 software,pkcs11,cluster3)
#
# Needs softhsm2 (installed with apt if missing, as ./test does). Everything runs in a temp dir that
# is removed at the end; each HSM gets its own token made for the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v softhsm2-util >/dev/null 2>&1; then
  echo "vault-login: installing softhsm2 (apt)" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softhsm2) >/dev/null 2>&1 \
    || { echo "vault-login: apt-get install softhsm2 failed" >&2; exit 1; }
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/lockbox-vault-bench-build.XXXXXX")
trap 'rm -rf "$out"' EXIT
dotnet build -c Release "$root/benchmarks/Lockbox.Benchmarks" -o "$out" -nologo -v q >"$out/build.log" 2>&1 \
  || { grep -E 'error' "$out/build.log" | sort -u | head -20; exit 1; }
dotnet "$out/Lockbox.Benchmarks.dll" vault-login "${1:-2000}" "${2:-8}" "${3:-software,pkcs11,cluster3}"
