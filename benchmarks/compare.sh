#!/usr/bin/env bash
# Lockbox vs restic vs borg on one chat dataset, all encrypted, all to local repositories.
#
#   benchmarks/compare.sh [--size 1GiB] [--profiles chat,db-heavy] [--keep]   (or LOCKBOX_BENCH_SIZE=200MB)
#
# For each profile, generates one dataset with `lockbox demo generate` (the same seed every time):
#   chat      half SQLite database, half media;
#   db-heavy  90% database, 10% media (the media beyond 10% are removed from a generated chat);
# then for each tool: a first backup, a "next day" backup after `lockbox demo next-day` (about 1% new
# messages, read receipts in every chat, 0.1% of rows edited and reactions across the whole history), a
# full restore of the newest snapshot, and a database-only restore (time to messages: lockbox
# --db-only, restic --include, borg extract of the one file). Prints one table per profile: wall time,
# bytes added, peak RSS, each figure's ratio to restic's, and for Lockbox's full restore the time until
# the database was in place. Installs restic, borgbackup and GNU time from apt when missing. Every
# command runs under a timeout; nothing is left running; the work folder is removed unless --keep.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${LOCKBOX_BENCH_SIZE:-1GiB}
keep=0
profiles=${LOCKBOX_BENCH_PROFILES:-chat,db-heavy}
while [ $# -gt 0 ]; do
  case "$1" in
    --profiles) profiles=${2:?--profiles needs chat, db-heavy or both}; shift 2 ;;
    --profiles=*) profiles=${1#--profiles=}; shift ;;
    --size) size=${2:?--size needs a value such as 200MB}; shift 2 ;;
    --size=*) size=${1#--size=}; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (use --size SIZE, --profiles LIST, --keep)" >&2; exit 2 ;;
  esac
done
limit=${LOCKBOX_BENCH_TIMEOUT:-3600}   # seconds per command

# --- tools ------------------------------------------------------------------------------------
need=()
command -v restic >/dev/null 2>&1 || need+=(restic)
command -v borg >/dev/null 2>&1 || need+=(borgbackup)
[ -x /usr/bin/time ] || need+=(time)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
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

# run_profile NAME: generate the dataset, run every step for every tool, print the table.
run_profile() {
local profile=$1
local pw="$work/$profile"
mkdir -p "$pw"
local data="$pw/data"
echo "compare: generating the $profile dataset ($size)" >&2
if [ "$profile" = db-heavy ]; then
  # 90% database: generate a chat whose database is 90% of SIZE, then keep media up to 10% of SIZE.
  local bytes; bytes=$(numfmt --from=auto "${size%B}")
  timeout "$limit" dotnet "$work/cli/lockbox.dll" demo generate --to "$data" --size "$((bytes * 18 / 10))" >&2
  local budget=$((bytes / 10)) used=0
  while IFS= read -r -d '' f; do
    local fs; fs=$(stat -c %s "$f")
    if [ $((used + fs)) -le "$budget" ]; then used=$((used + fs)); else rm -f "$f"; fi
  done < <(find "$data/Media" -type f -print0 | sort -z)
  find "$data/Media" -mindepth 1 -type d -empty -delete   # Lockbox restores files, not empty folders
else
  timeout "$limit" dotnet "$work/cli/lockbox.dll" demo generate --to "$data" --size "$size" >&2
fi
dataset_bytes=$(du -sb "$data" | cut -f1)

# --- measuring ----------------------------------------------------------------------------------
results="$pw/results.tsv"   # tool, step, seconds, bytes added, peak RSS KiB
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
lockbox init --repo "$pw/repo-lockbox" >/dev/null
restic init --repo "$pw/repo-restic" >/dev/null
borg init --encryption=repokey-blake2 "$pw/repo-borg" >/dev/null 2>&1

# Day 1: every tool backs up the same files.
measure lockbox "first backup" "$pw/repo-lockbox" dotnet "$work/cli/lockbox.dll" backup --repo "$pw/repo-lockbox" --db "$db" --media "$media"
measure restic "first backup" "$pw/repo-restic" restic --repo "$pw/repo-restic" backup "$data"
measure borg "first backup" "$pw/repo-borg" borg create "$pw/repo-borg::day1" "$data"

# Day 2: a day of chatting, then every tool backs up again.
lockbox demo next-day --db "$db" >&2
measure lockbox "next-day backup" "$pw/repo-lockbox" dotnet "$work/cli/lockbox.dll" backup --repo "$pw/repo-lockbox" --db "$db" --media "$media"
measure restic "next-day backup" "$pw/repo-restic" restic --repo "$pw/repo-restic" backup "$data"
measure borg "next-day backup" "$pw/repo-borg" borg create "$pw/repo-borg::day2" "$data"

# Full restore of the newest snapshot.
measure lockbox "restore" "$pw/restore-lockbox" dotnet "$work/cli/lockbox.dll" restore --repo "$pw/repo-lockbox" --to "$pw/restore-lockbox" --json
to_messages=$(grep -o '"secondsToMessages": *[0-9.]*' "$work/out.log" | cut -d: -f2 | tr -d ' ')
measure restic "restore" "$pw/restore-restic" restic --repo "$pw/repo-restic" restore latest --target "$pw/restore-restic"
mkdir -p "$pw/restore-borg"
measure borg "restore" "$pw/restore-borg" sh -c 'cd "$1" && borg extract "$2::day2"' sh "$pw/restore-borg" "$pw/repo-borg"

# The database alone (time to messages).
measure lockbox "restore db only" "$pw/db-lockbox" dotnet "$work/cli/lockbox.dll" restore --repo "$pw/repo-lockbox" --to "$pw/db-lockbox" --db-only
measure restic "restore db only" "$pw/db-restic" restic --repo "$pw/repo-restic" restore latest --target "$pw/db-restic" --include "$db"
mkdir -p "$pw/db-borg"
measure borg "restore db only" "$pw/db-borg" sh -c 'cd "$1" && borg extract "$2::day2" "${3#/}"' sh "$pw/db-borg" "$pw/repo-borg" "$db"

# --- the table ----------------------------------------------------------------------------------
db_bytes=$(stat -c %s "$db")
echo
echo "Profile $profile. Dataset: $(numfmt --to=iec-i --suffix=B "$dataset_bytes") (database $(numfmt --to=iec-i --suffix=B "$db_bytes"), the rest media), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg); ratios are tool / restic (lower is better)."
awk -F'\t' -v dbb="$db_bytes" -v total="$dataset_bytes" -v tomsg="${to_messages:-}" '
  { tool[NR]=$1; step[NR]=$2; sec[NR]=$3; add[NR]=$4; rss[NR]=$5; if ($1 == "restic") { rs[$2]=$3; ra[$2]=$4; rr[$2]=$5 } }
  function ratio(a, b) { return (b > 0) ? sprintf("%.2fx", a / b) : "-" }
  function mib(b) { return sprintf("%.1f MiB", b / 1048576) }
  END {
    printf "%-16s %-8s %9s %10s %14s %12s %9s %9s %9s\n", "step", "tool", "wall s", "MiB/s", "repo added", "peak RSS", "time", "added", "RSS"
    for (i = 1; i <= NR; i++) {
      speed = (step[i] == "next-day backup") ? "-" : sprintf("%.1f", total / 1048576 / sec[i])
      extra = (step[i] == "next-day backup") ? sprintf(" (%.1f%% of db)", 100 * add[i] / dbb) : ""
      restore = (step[i] ~ /^restore/)
      if (step[i] == "restore" && tool[i] == "lockbox" && tomsg != "") extra = sprintf(" (messages in place after %.2f s)", tomsg)
      if (step[i] == "restore db only") speed = sprintf("%.1f", dbb / 1048576 / sec[i])
      printf "%-16s %-8s %9.2f %10s %14s %12s %9s %9s %9s%s\n", step[i], tool[i], sec[i], speed, restore ? "-" : mib(add[i]), mib(rss[i] * 1024),
        ratio(sec[i], rs[step[i]]), restore ? "-" : ratio(add[i], ra[step[i]]), ratio(rss[i], rr[step[i]]), extra
    }
  }' "$results"

# The restores must match what was backed up (restic and borg keep the absolute path).
cmp -s "$db" "$pw/restore-restic$data/msgstore.db" || echo "compare: warning: restic's restored database differs" >&2
diff -rq "$media" "$pw/restore-lockbox/media" >/dev/null || echo "compare: warning: lockbox's restored media differ" >&2
cmp -s <(sqlite3 "$db" .dump) <(sqlite3 "$pw/restore-lockbox/msgstore.db" .dump) || echo "compare: warning: lockbox's restored database differs" >&2
rm -rf "$pw"
}

IFS=',' read -r -a profile_list <<<"$profiles"
for p in "${profile_list[@]}"; do
  case "$p" in chat|db-heavy) run_profile "$p" ;; *) echo "compare.sh: unknown profile $p (chat, db-heavy)" >&2; exit 2 ;; esac
done
