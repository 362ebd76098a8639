#!/usr/bin/env bash
# Coverage-guided fuzzing of Lockbox's parsers (docs/FUZZING.md).
#
#   fuzz/run.sh TARGET|all EXECS      e.g. fuzz/run.sh all 1000000
#
# Installs what it needs (apt afl++, the SharpFuzz dotnet tool from .config/dotnet-tools.json), publishes
# fuzz/Lockbox.Fuzz, instruments the Lockbox assemblies, and runs afl-fuzz in SharpFuzz's persistent mode for
# about EXECS executions per target, one target after another. Prints one table; crashing and hanging inputs
# stay under fuzz/findings/<target>/ (git-ignored) and are listed with the command that reproduces them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh TARGET|all EXECS" >&2; exit 2
fi
want=$1 execs=$2
build="$root/fuzz/.build"
findings="$root/fuzz/findings"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# --- what the fuzzer needs ------------------------------------------------------------------
if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz: installing afl++ (apt)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++) >/tmp/lockbox-fuzz-apt.log 2>&1 \
    || { echo "fuzz: apt-get install afl++ failed, see /tmp/lockbox-fuzz-apt.log"; exit 1; }
fi
dotnet tool restore >/dev/null || { echo "fuzz: dotnet tool restore (SharpFuzz.CommandLine) failed"; exit 1; }

# --- build: an uninstrumented copy for repro, an instrumented one for afl-fuzz ---------------
rm -rf "$build"; mkdir -p "$build"
dotnet build fuzz/Lockbox.Fuzz -c Release -nologo -v q >"$build/build.log" 2>&1 \
  || { grep -E 'error' "$build/build.log" | sort -u | head -20; exit 1; }
dotnet publish fuzz/Lockbox.Fuzz -c Release --no-build -o "$build/bin" -nologo -v q >>"$build/build.log" 2>&1 \
  || { echo "fuzz: publish failed, see $build/build.log"; exit 1; }
# Instrument Lockbox's own assemblies only: the harness itself, the runtime and third-party packages stay as they are.
for dll in "$build"/bin/Lockbox.*.dll; do
  [ "$(basename "$dll")" = Lockbox.Fuzz.dll ] && continue
  dotnet sharpfuzz "$dll" >>"$build/instrument.log" 2>&1 || { echo "fuzz: instrumenting $dll failed, see $build/instrument.log"; exit 1; }
done
repro="dotnet fuzz/Lockbox.Fuzz/bin/Release/net10.0/Lockbox.Fuzz.dll --run"

mapfile -t all < <(dotnet "$build/bin/Lockbox.Fuzz.dll" --list | cut -f1)
if [ "$want" = all ]; then targets=("${all[@]}")
elif printf '%s\n' "${all[@]}" | grep -qx -- "$want"; then targets=("$want")
else echo "fuzz: unknown target '$want'; targets: ${all[*]}" >&2; exit 2
fi

# --- run, one target at a time --------------------------------------------------------------
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
stat() { grep -E "^$2 *:" "$1" | head -1 | sed 's/.*: *//'; }
rows=() found=0
for t in "${targets[@]}"; do
  out="$findings/$t"
  rm -rf "$out"; mkdir -p "$out"
  echo "fuzz: $t: $execs executions ($(date -u +%H:%M:%S) UTC)"
  start=$(date +%s)
  afl-fuzz -i "fuzz/corpus/$t" -o "$out" -E "$execs" -t 2000 -m none -- \
    dotnet "$build/bin/Lockbox.Fuzz.dll" "$t" >"$out/afl.log" 2>&1 || echo "fuzz: afl-fuzz exited with $? for $t, see $out/afl.log"
  seconds=$(( $(date +%s) - start ))
  # afl-fuzz ends the harness with SIGKILL, so vault-files cannot remove its scratch folder: do it for dead ones.
  for d in /dev/shm/lockbox-fuzz-vault-* "${TMPDIR:-/tmp}"/lockbox-fuzz-vault-*; do
    [ -d "$d" ] && ! kill -0 "${d##*-}" 2>/dev/null && rm -rf "$d"
  done
  s="$out/default/fuzzer_stats"
  if [ -f "$s" ]; then
    ex=$(stat "$s" execs_done); cr=$(stat "$s" saved_crashes); hg=$(stat "$s" saved_hangs); pa=$(stat "$s" corpus_count)
  else
    ex=0 cr=? hg=? pa=?
  fi
  rows+=("$(printf '%-20s %12s %8s %6s %6s %8s' "$t" "$ex" "$cr" "$hg" "$pa" "$seconds")")
  for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
    [ -e "$f" ] || continue
    found=1
    echo "fuzz: $t: finding $f"
    echo "      repro: $repro $t '$f'"
  done
done

echo
printf '%-20s %12s %8s %6s %6s %8s\n' target executions crashes hangs paths seconds
for r in "${rows[@]}"; do echo "$r"; done
exit $found
