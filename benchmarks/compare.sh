#!/usr/bin/env bash
# Lockbox vs restic vs borg on one chat dataset, all encrypted, all to local repositories.
#
#   benchmarks/compare.sh [--size 1GiB] [--keep]        (or LOCKBOX_BENCH_SIZE=200MB)
#
# Generates one dataset with `lockbox demo generate` (half SQLite database, half media; the same
# seed every time), then for each tool: a first backup, a "next day" backup after `lockbox demo
# next-day` (about 1% new messages and 300 scattered row edits), and a full restore of the newest
# snapshot. Prints one table: wall time, bytes added to the repository, peak RSS, and each figure's
# ratio to restic's. Installs restic, borgbackup and GNU time from apt when missing. Every command
# runs under a timeout; nothing is left running; the work folder is removed unless --keep.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${LOCKBOX_BENCH_SIZE:-1GiB}
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs a value such as 200MB}; shift 2 ;;
    --size=*) size=${1#--size=}; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (use --size SIZE, --keep)" >&2; exit 2 ;;
  esac
done
limit=${LOCKBOX_BENCH_TIMEOUT:-3600}   # seconds per command

# --- tools ------------------------------------------------------------------------------------
need=()
command -v restic >/dev/null 2>&1 || need+=(restic)
command -v borg >/dev/null 2>&1 || need+=(borgbackup)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "compare: installing ${need[*]} (apt)" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null \
    || { echo "compare: apt-get install ${need[*]} failed" >&2; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lockbox-compare.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "compare: kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private Release build, so edits to the source tree during the run change nothing.
echo "compare: building lockbox (Release)" >&2
dotnet build "$root/src/Lockbox.Cli/Lockbox.Cli.csproj" -c Release -o "$work/cli" -nologo -v q >"$work/build.log" 2>&1 \
  || { grep -E 'error' "$work/build.log" | sort -u >&2; echo "compare: build failed" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
lockbox() { dotnet "$work/cli/lockbox.dll" "$@"; }

export LOCKBOX_HOME="$work/lockbox-home"
export RESTIC_PASSWORD=compare-benchmark RESTIC_CACHE_DIR="$work/restic-cache"
export BORG_PASSPHRASE=compare-benchmark BORG_BASE_DIR="$work/borg-base" BORG_RELOCATED_REPO_ACCESS_IS_OK=yes

data="$work/data"
echo "compare: generating the dataset ($size)" >&2
timeout "$limit" dotnet "$work/cli/lockbox.dll" demo generate --to "$data" --size "$size" >&2
dataset_bytes=$(du -sb "$data" | cut -f1)

# --- measuring ----------------------------------------------------------------------------------
results="$work/results.tsv"   # tool, step, seconds, bytes added, peak RSS KiB
: >"$results"
repo_bytes() { if [ -d "$1" ]; then du -sb "$1" | cut -f1; else echo 0; fi; }

# measure TOOL STEP REPO COMMAND...: wall time, growth of REPO, peak RSS (GNU time -v).
measure() {
  local tool=$1 step=$2 repo=$3; shift 3
  local before after start end rss
  sync
  before=$(repo_bytes "$repo")
  start=$(date +%s.%N)
  if ! timeout "$limit" /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.log" 2>&1; then
    echo "compare: $tool $step failed:" >&2; tail -5 "$work/out.log" >&2; exit 1
  fi
  end=$(date +%s.%N)
  sync
  after=$(repo_bytes "$repo")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$step" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" "$((after - before))" "$rss" >>"$results"
  echo "compare: $tool $step done" >&2
}

db="$data/msgstore.db"
media="$data/Media"
lockbox init --repo "$work/repo-lockbox" >/dev/null
restic init --repo "$work/repo-restic" >/dev/null
borg init --encryption=repokey-blake2 "$work/repo-borg" >/dev/null 2>&1

# Day 1: every tool backs up the same files.
measure lockbox "first backup" "$work/repo-lockbox" dotnet "$work/cli/lockbox.dll" backup --repo "$work/repo-lockbox" --db "$db" --media "$media"
measure restic "first backup" "$work/repo-restic" restic --repo "$work/repo-restic" backup "$data"
measure borg "first backup" "$work/repo-borg" borg create "$work/repo-borg::day1" "$data"

# Day 2: a day of chatting, then every tool backs up again.
lockbox demo next-day --db "$db" >&2
measure lockbox "next-day backup" "$work/repo-lockbox" dotnet "$work/cli/lockbox.dll" backup --repo "$work/repo-lockbox" --db "$db" --media "$media"
measure restic "next-day backup" "$work/repo-restic" restic --repo "$work/repo-restic" backup "$data"
measure borg "next-day backup" "$work/repo-borg" borg create "$work/repo-borg::day2" "$data"

# Full restore of the newest snapshot.
measure lockbox "restore" "$work/restore-lockbox" dotnet "$work/cli/lockbox.dll" restore --repo "$work/repo-lockbox" --to "$work/restore-lockbox"
measure restic "restore" "$work/restore-restic" restic --repo "$work/repo-restic" restore latest --target "$work/restore-restic"
mkdir -p "$work/restore-borg"
measure borg "restore" "$work/restore-borg" sh -c 'cd "$1" && borg extract "$2::day2"' sh "$work/restore-borg" "$work/repo-borg"

# --- the table ----------------------------------------------------------------------------------
db_bytes=$(stat -c %s "$db")
echo
echo "Dataset: $(numfmt --to=iec-i --suffix=B "$dataset_bytes") (database $(numfmt --to=iec-i --suffix=B "$db_bytes"), the rest media), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg); ratios are tool / restic (lower is better)."
awk -F'\t' -v dbb="$db_bytes" -v total="$dataset_bytes" '
  { tool[NR]=$1; step[NR]=$2; sec[NR]=$3; add[NR]=$4; rss[NR]=$5; if ($1 == "restic") { rs[$2]=$3; ra[$2]=$4; rr[$2]=$5 } }
  function ratio(a, b) { return (b > 0) ? sprintf("%.2fx", a / b) : "-" }
  function mib(b) { return sprintf("%.1f MiB", b / 1048576) }
  END {
    printf "%-16s %-8s %9s %10s %14s %12s %9s %9s %9s\n", "step", "tool", "wall s", "MiB/s", "repo added", "peak RSS", "time", "added", "RSS"
    for (i = 1; i <= NR; i++) {
      speed = (step[i] == "next-day backup") ? "-" : sprintf("%.1f", total / 1048576 / sec[i])
      extra = (step[i] == "next-day backup") ? sprintf(" (%.1f%% of db)", 100 * add[i] / dbb) : ""
      restore = (step[i] == "restore")
      printf "%-16s %-8s %9.2f %10s %14s %12s %9s %9s %9s%s\n", step[i], tool[i], sec[i], speed, restore ? "-" : mib(add[i]), mib(rss[i] * 1024),
        ratio(sec[i], rs[step[i]]), restore ? "-" : ratio(add[i], ra[step[i]]), ratio(rss[i], rr[step[i]]), extra
    }
  }' "$results"

# The restores must match what was backed up (restic and borg keep the absolute path).
cmp -s "$db" "$work/restore-restic$data/msgstore.db" || echo "compare: warning: restic's restored database differs" >&2
diff -rq "$media" "$work/restore-lockbox/media" >/dev/null || echo "compare: warning: lockbox's restored media differ" >&2
