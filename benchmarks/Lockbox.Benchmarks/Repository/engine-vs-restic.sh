#!/usr/bin/env bash
# The backup engine alone (no CLI) against restic on the same generated chat data, step by step, each step
# its own process under /usr/bin/time -v: first backup, next-day backup (~1% new messages, ~300 scattered
# edits), full restore. Usage: engine-vs-restic.sh [MiB=200] [work dir=/tmp/lockbox-vs-restic]
# Needs restic (apt-get install restic). benchmarks/compare.sh is the full CLI comparison with borg too.
# The engine runs with DOTNET_TC_QuickJitForLoops=0, the setting the lockbox CLI is built with
# (<TieredCompilationQuickJitForLoops>false</TieredCompilationQuickJitForLoops>): without it, tier-0 loops
# in zstd, AES-GCM and the pipeline cost ~1 s of CPU per 200 MiB. Override it from the environment to compare.
set -euo pipefail
mib=${1:-200}; work=${2:-/tmp/lockbox-vs-restic}
here=$(cd "$(dirname "$0")/.." && pwd)
env -u DOTNET_TieredCompilation dotnet build -c Release "$here" -nologo -v q >/dev/null
bench=(env "DOTNET_TC_QuickJitForLoops=${DOTNET_TC_QuickJitForLoops:-0}" dotnet "$here/bin/Release/net10.0/Lockbox.Benchmarks.dll" repository-throughput)
export RESTIC_PASSWORD=benchmark RESTIC_REPOSITORY="$work/restic"
measure() { /usr/bin/time -f "$1: wall %e s, peak RSS %M KiB, user %U s, sys %S s" "${@:2}"; }

"${bench[@]}" generate "$mib" "$work"
restic init -q
measure "lockbox first backup" "${bench[@]}" backup "$work"
measure "restic first backup" restic backup -q "$work/source"
r1=$(du -sb "$work/restic" | cut -f1)
measure "lockbox next-day backup" "${bench[@]}" next-day "$work"
measure "restic next-day backup" restic backup -q "$work/source"
r2=$(du -sb "$work/restic" | cut -f1)
echo "restic: first backup stored $((r1 / 1048576)) MiB, next day added $(((r2 - r1) / 1024)) KiB"
measure "lockbox restore" "${bench[@]}" restore "$work"
measure "restic restore" restic restore -q latest --target "$work/restic-restored"
rm -rf "$work"
