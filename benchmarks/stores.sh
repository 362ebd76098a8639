#!/usr/bin/env bash
# Backup and restore throughput of the Lockbox engine to each store on loopback, side by side:
# the folder store, S3 (s3rver) and Azure Blob (Azurite), on the same generated chat data.
#
#   benchmarks/stores.sh [MiB] [folder,s3,azure]        (default: 200 MiB, every store)
#
# Starts s3rver and Azurite on 127.0.0.1 (installing the npm peers if needed, as ./test does),
# builds the benchmarks in Release into a private folder, prints one Markdown table, and stops
# the servers it started, by PID.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mib=${1:-200}
stores=${2:-folder,s3,azure}
work=$(mktemp -d "${TMPDIR:-/tmp}/lockbox-stores.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -d "$root/tests/node/node_modules/s3rver" ] || [ ! -d "$root/tests/node/node_modules/azurite" ]; then
  echo "stores: installing s3rver and Azurite (npm ci in tests/node)" >&2
  (cd "$root/tests/node" && npm ci --no-audit --no-fund) >"$work/npm.log" 2>&1 \
    || { echo "stores: npm ci failed, see $work/npm.log" >&2; exit 1; }
fi

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "stores: $2 did not start" >&2; exit 1; }

s3_port=$(free_port)
mkdir -p "$work/s3rver"
NODE_OPTIONS=--openssl-legacy-provider node "$root/tests/node/node_modules/s3rver/bin/s3rver.js" \
  -d "$work/s3rver" -a 127.0.0.1 -p "$s3_port" --silent >"$work/s3rver.log" 2>&1 &
pids+=($!)
az_port=$(free_port)
node "$root/tests/node/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$az_port" \
  --inMemoryPersistence --skipApiVersionCheck --silent >"$work/azurite.log" 2>&1 &
pids+=($!)
wait_port "$s3_port" s3rver
wait_port "$az_port" azurite

export LOCKBOX_BENCH_S3_ENDPOINT="http://127.0.0.1:$s3_port"
export LOCKBOX_BENCH_AZURE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$az_port/devstoreaccount1;"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "stores: building the benchmarks (Release)" >&2
dotnet build "$root/benchmarks/Lockbox.Benchmarks/Lockbox.Benchmarks.csproj" -c Release -o "$work/bin" -nologo -v q >"$work/build.log" 2>&1 \
  || { grep -E 'error' "$work/build.log" | sort -u >&2; echo "stores: build failed" >&2; exit 1; }
TMPDIR="$work" dotnet "$work/bin/Lockbox.Benchmarks.dll" stores-throughput "$mib" "$stores"
