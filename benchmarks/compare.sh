#!/usr/bin/env bash
# Lockbox vs restic vs borg on one chat dataset, all encrypted, on a local folder and on the S3 and Azure emulators.
#
#   benchmarks/compare.sh [--size 1GiB] [--profiles chat,db-heavy] [--stores folder,s3,azure] [--keep]
#   (or LOCKBOX_BENCH_SIZE=200MB, LOCKBOX_BENCH_PROFILES, LOCKBOX_BENCH_STORES, LOCKBOX_BENCH_TIMEOUT seconds)
#
# For each profile, generates one dataset with `lockbox demo generate` (the same seed every time):
#   chat      half SQLite database, half media;
#   db-heavy  90% database, 10% media (the media beyond 10% are removed from a generated chat);
# then on each store, for each tool: a first backup, a "next day" backup after `lockbox demo next-day` (about 1%
# new messages, read receipts in every chat, 0.1% of rows edited and reactions across the whole history), a full
# restore of the newest snapshot, and on the folder a database-only restore (time to messages: lockbox --db-only,
# restic --include, borg extract of the one file). Stores: folder (local repositories), s3 (s3rver; Lockbox and
# restic, both over TLS on loopback: restic's S3 client signs plain-http uploads in a chunked form s3rver stores
# verbatim), azure (Azurite; Lockbox only: restic's Azure backend cannot address an emulator); borg has no cloud
# backend. Prints one table per profile: wall time, bytes added, peak RSS of the client, each figure's ratio to
# restic on the same store, Lockbox's time on a cloud store next to its time on the folder, and for Lockbox's full
# restores the time until the database was in place. Installs restic, borgbackup and GNU time from apt when
# missing. Every command runs under a timeout; Ctrl-C or any failure stops the running command and the emulators
# (started afresh for each profile, on free 127.0.0.1 ports) and removes the work folder unless --keep.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${LOCKBOX_BENCH_SIZE:-1GiB}
keep=0
profiles=${LOCKBOX_BENCH_PROFILES:-chat,db-heavy}
stores=${LOCKBOX_BENCH_STORES:-folder,s3,azure}
while [ $# -gt 0 ]; do
  case "$1" in
    --profiles) profiles=${2:?--profiles needs chat, db-heavy or both}; shift 2 ;;
    --profiles=*) profiles=${1#--profiles=}; shift ;;
    --stores) stores=${2:?--stores needs folder, s3, azure or a list of them}; shift 2 ;;
    --stores=*) stores=${1#--stores=}; shift ;;
    --size) size=${2:?--size needs a value such as 200MB}; shift 2 ;;
    --size=*) size=${1#--size=}; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (use --size SIZE, --profiles LIST, --stores LIST, --keep)" >&2; exit 2 ;;
  esac
done
limit=${LOCKBOX_BENCH_TIMEOUT:-3600}   # seconds per command
bytes=$(numfmt --from=auto "${size%B}" 2>/dev/null) || { echo "compare.sh: --size $size is not a size (200MB, 1GiB, 4GiB)" >&2; exit 2; }
IFS=',' read -r -a profile_list <<<"$profiles"
for p in "${profile_list[@]}"; do
  case "$p" in chat|db-heavy) ;; *) echo "compare.sh: unknown profile $p (chat, db-heavy)" >&2; exit 2 ;; esac
done
IFS=',' read -r -a store_list <<<"$stores"
on_folder=0; on_s3=0; on_azure=0
for s in "${store_list[@]}"; do
  case "$s" in folder) on_folder=1 ;; s3) on_s3=1 ;; azure) on_azure=1 ;; *) echo "compare.sh: unknown store $s (folder, s3, azure)" >&2; exit 2 ;; esac
done

# --- tools ------------------------------------------------------------------------------------
need=()
command -v restic >/dev/null 2>&1 || need+=(restic)
command -v borg >/dev/null 2>&1 || need+=(borgbackup)
[ -x /usr/bin/time ] || need+=(time)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
{ [ $on_s3 = 0 ] || command -v openssl >/dev/null 2>&1; } || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "compare: installing ${need[*]} (apt)" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null \
    || { echo "compare: apt-get install ${need[*]} failed" >&2; exit 1; }
fi
node_modules="$root/tests/node/node_modules"
if [ $((on_s3 + on_azure)) -gt 0 ] && { [ ! -d "$node_modules/s3rver" ] || [ ! -d "$node_modules/azurite" ]; }; then
  echo "compare: installing s3rver and Azurite (npm ci in tests/node)" >&2
  (cd "$root/tests/node" && npm ci --no-audit --no-fund) >/dev/null 2>&1 || { echo "compare: npm ci in tests/node failed" >&2; exit 1; }
fi

# Room for the dataset (1.8x while db-heavy is trimmed), one restore at a time and a repository per tool and store.
repos=$((on_folder * 3 + on_s3 * 2 + on_azure))
tmp=${TMPDIR:-/tmp}
free=$(($(df -Pk "$tmp" | awk 'NR == 2 {print $4}') * 1024))
if [ "$free" -lt $((bytes * (3 + repos))) ]; then
  echo "compare: $tmp has $(numfmt --to=iec-i --suffix=B "$free") free, a $size run needs about $(numfmt --to=iec-i --suffix=B $((bytes * (3 + repos)))) (set TMPDIR, or fewer --stores)" >&2
  exit 1
fi

# --- processes: the one measured command at a time, and the emulators; all stopped on every exit --------------
work=$(mktemp -d "$tmp/lockbox-compare.XXXXXX")
child=''     # the running command's timeout(1), which passes a signal on to the command's whole process group
servers=()
stop_servers() {  # SIGTERM, then SIGKILL for a server still up after 5 s (Azurite can linger on open connections)
  local p
  for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${servers[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  servers=()
}
cleanup() {
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  stop_servers
  if [ "$keep" = 1 ]; then echo "compare: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# run COMMAND...: under the timeout, in the background so that Ctrl-C reaches the trap at once.
run() { timeout "$limit" "$@" & child=$!; local rc=0; wait "$child" || rc=$?; child=''; return $rc; }

# A private build made as ./lockbox makes the shipped one (Release, published ReadyToRun for this machine's runtime,
# framework-dependent), so the Lockbox column measures what users run and edits to the source tree during the run
# change nothing; no build server stays behind.
echo "compare: building lockbox (Release, ReadyToRun, as ./lockbox does)" >&2
run dotnet publish "$root/src/Lockbox.Cli/Lockbox.Cli.csproj" -c Release --use-current-runtime --self-contained false \
  -p:PublishReadyToRun=true -o "$work/cli" -nologo -v q -nodeReuse:false -p:UseSharedCompilation=false >"$work/build.log" 2>&1 \
  || { grep -E 'error' "$work/build.log" | sort -u >&2; echo "compare: build failed" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# With s3, the lockbox command trusts the loopback certificate through OpenSSL's SSL_CERT_FILE (its own, no other's).
lockbox=(dotnet "$work/cli/lockbox.dll")
[ $on_s3 = 0 ] || lockbox=(env SSL_CERT_FILE="$work/tls.crt" dotnet "$work/cli/lockbox.dll")

export LOCKBOX_HOME="$work/lockbox-home"
export RESTIC_PASSWORD=compare-benchmark RESTIC_CACHE_DIR="$work/restic-cache"
export BORG_PASSPHRASE=compare-benchmark BORG_BASE_DIR="$work/borg-base" BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1   # s3rver's fixed account
azure_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='  # Azurite's public dev key
if [ $on_s3 = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1 \
    || { echo "compare: openssl could not make the loopback TLS certificate for s3rver" >&2; exit 1; }
fi

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "compare: $2 did not start, see $3" >&2; exit 1; }
# make_container PORT NAME: create a blob container in Azurite (Shared Key over the dev account).
make_container() {
  AZURE_KEY="$azure_key" node - "$1" "$2" <<'EOF'
const crypto = require("crypto"), http = require("http");
const [port, name] = process.argv.slice(2), account = "devstoreaccount1";
const date = new Date().toUTCString(), version = "2021-08-06";
const toSign = ["PUT", "", "", "", "", "", "", "", "", "", "", "",
  `x-ms-date:${date}`, `x-ms-version:${version}`, `/${account}/${account}/${name}\nrestype:container`].join("\n");
const sig = crypto.createHmac("sha256", Buffer.from(process.env.AZURE_KEY, "base64")).update(toSign, "utf8").digest("base64");
http.request({ host: "127.0.0.1", port, method: "PUT", path: `/${account}/${name}?restype=container`,
  headers: { "x-ms-date": date, "x-ms-version": version, "Content-Length": 0, Authorization: `SharedKey ${account}:${sig}` } },
  res => { res.resume(); if (res.statusCode !== 201) { console.error(`compare: Azurite answered ${res.statusCode} to creating container ${name}`); process.exit(1); } })
  .on("error", e => { console.error(`compare: cannot reach Azurite: ${e.message}`); process.exit(1); }).end();
EOF
}
# start_servers DIR: s3rver (TLS, buckets lockbox and restic) and Azurite, both keeping their data under DIR.
start_servers() {
  local dir=$1
  if [ $on_s3 = 1 ]; then
    local s3_port; s3_port=$(free_port)
    mkdir -p "$dir/s3rver"
    NODE_OPTIONS=--openssl-legacy-provider node "$node_modules/s3rver/bin/s3rver.js" -d "$dir/s3rver" -a 127.0.0.1 -p "$s3_port" \
      --key "$work/tls.key" --cert "$work/tls.crt" --configure-bucket lockbox --configure-bucket restic --silent >"$dir/s3rver.log" 2>&1 &
    servers+=($!)
    wait_port "$s3_port" s3rver "$dir/s3rver.log"
    export AWS_ENDPOINT_URL_S3="https://127.0.0.1:$s3_port"
  fi
  if [ $on_azure = 1 ]; then
    local az_port; az_port=$(free_port)
    mkdir -p "$dir/azurite"
    node "$node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$az_port" --location "$dir/azurite" \
      --skipApiVersionCheck --silent >"$dir/azurite.log" 2>&1 &
    servers+=($!)
    wait_port "$az_port" azurite "$dir/azurite.log"
    make_container "$az_port" lockbox
    export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$azure_key;BlobEndpoint=http://127.0.0.1:$az_port/devstoreaccount1;"
  fi
}

# run_profile NAME: generate the dataset, run every step for every tool on every store, print the table.
run_profile() {
local profile=$1
local pw="$work/$profile"
mkdir -p "$pw"
local data="$pw/data"
echo "compare: generating the $profile dataset ($size)" >&2
local gen_start=$SECONDS load_start; load_start=$(cut -d' ' -f1 /proc/loadavg)
if [ "$profile" = db-heavy ]; then
  # 90% database: generate a chat whose database is 90% of SIZE, then keep media up to 10% of SIZE.
  run dotnet "$work/cli/lockbox.dll" demo generate --no-progress --to "$data" --size "$((bytes * 18 / 10))" >&2
  local budget=$((bytes / 10)) used=0
  while IFS= read -r -d '' f; do
    local fs; fs=$(stat -c %s "$f")
    if [ $((used + fs)) -le "$budget" ]; then used=$((used + fs)); else rm -f "$f"; fi
  done < <(find "$data/Media" -type f -print0 | sort -z)
  find "$data/Media" -mindepth 1 -type d -empty -delete   # Lockbox restores files, not empty folders
else
  run dotnet "$work/cli/lockbox.dll" demo generate --no-progress --to "$data" --size "$size" >&2
fi
local gen_seconds=$((SECONDS - gen_start))
dataset_bytes=$(du -sb "$data" | cut -f1)
start_servers "$pw/servers"

# --- measuring ----------------------------------------------------------------------------------
results="$pw/results.tsv"   # tool, store, step, seconds (or n/a), bytes added, peak RSS KiB, seconds to messages
: >"$results"
# store_bytes STORE TOOL: the bytes a tool's repository holds on a store (object data only, not the emulators' metadata).
store_bytes() {
  local dir
  case "$1" in
    folder) dir="$pw/repo-$2" ;;
    s3) dir="$pw/servers/s3rver/$2"; [ -d "$dir" ] && { find "$dir" -type f -name '*._S3rver_object' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; return; } ;;
    azure) dir="$pw/servers/azurite/__blobstorage__" ;;
  esac
  if [ -d "$dir" ]; then du -sb "$dir" | cut -f1; else echo 0; fi
}
# measure TOOL STORE STEP WHAT COMMAND...: wall time, growth of WHAT (repo: the tool's repository on STORE, else a
# folder), peak RSS.
measure() {
  local tool=$1 store=$2 step=$3 of=$4; shift 4
  local before after start end rss tomsg=''
  sync
  before=$(grown "$of" "$store" "$tool")
  start=$(date +%s.%N)
  if ! run /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.log" 2>&1; then
    echo "compare: $tool $step on $store failed:" >&2; tail -5 "$work/out.log" >&2; exit 1
  fi
  end=$(date +%s.%N)
  sync
  after=$(grown "$of" "$store" "$tool")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  [ "$tool $step" != "lockbox restore" ] || tomsg=$(grep -o '"secondsToMessages": *[0-9.]*' "$work/out.log" | cut -d: -f2 | tr -d ' ')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$store" "$step" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" \
    "$((after - before))" "$rss" "$tomsg" >>"$results"
  echo "compare: $tool $step on $store done" >&2
}
grown() { if [ "$1" = repo ]; then store_bytes "$2" "$3"; elif [ -d "$1" ]; then du -sb "$1" | cut -f1; else echo 0; fi; }
not_available() { printf '%s\t%s\t%s\tn/a\t\t\t\n' "$1" "$2" "$3" >>"$results"; }

db="$data/msgstore.db"
media="$data/Media"
# A restored copy must match what was backed up (restic and borg keep the absolute path); it is removed once checked.
db_dump=''
check_restore() {
  local tool=$1 store=$2 dir=$3 rdb rmedia
  if [ "$tool" = lockbox ]; then
    rdb="$dir/msgstore.db"; rmedia="$dir/$(basename "$media")"; [ -d "$rmedia" ] || rmedia="$dir/media"
  else
    rdb="$dir$db"; rmedia="$dir$media"
  fi
  if ! cmp -s "$db" "$rdb"; then
    # Lockbox restores the database as SQLite's backup API copies it: the same rows, not always the same bytes.
    [ -n "$db_dump" ] || db_dump=$(sqlite3 "$db" .dump | sha256sum)
    [ -f "$rdb" ] && [ "$(sqlite3 "$rdb" .dump | sha256sum)" = "$db_dump" ] || echo "compare: warning: $tool's restored database ($store) differs" >&2
  fi
  diff -rq "$media" "$rmedia" >/dev/null 2>&1 || echo "compare: warning: $tool's restored media ($store) differ" >&2
  rm -rf "$dir"
}

lockbox_repo() { case "$1" in folder) echo "$pw/repo-lockbox" ;; s3) echo "s3://lockbox/$profile" ;; azure) echo "azure://lockbox/$profile" ;; esac; }
restic_repo() { case "$1" in folder) echo "$pw/repo-restic" ;; s3) echo "s3:$AWS_ENDPOINT_URL_S3/restic/$profile" ;; esac; }
restic_tls=()
[ $on_s3 = 0 ] || restic_tls=(--cacert "$work/tls.crt")

for s in "${store_list[@]}"; do
  run "${lockbox[@]}" init --repo "$(lockbox_repo "$s")" >/dev/null
  [ "$s" = azure ] || run restic "${restic_tls[@]}" init --repo "$(restic_repo "$s")" >/dev/null
done
[ $on_folder = 0 ] || run borg init --encryption=repokey-blake2 "$pw/repo-borg" >/dev/null 2>&1

# backup_all STEP ARCHIVE: every tool backs up the same files, on every store.
backup_all() {
  local step=$1 archive=$2 s
  for s in "${store_list[@]}"; do
    measure lockbox "$s" "$step" repo "${lockbox[@]}" backup --no-progress \
      --repo "$(lockbox_repo "$s")" --db "$db" --media "$media"
    if [ "$s" = azure ]; then not_available restic "$s" "$step"; else
      measure restic "$s" "$step" repo restic "${restic_tls[@]}" --repo "$(restic_repo "$s")" backup "$data"
    fi
    if [ "$s" = folder ]; then measure borg "$s" "$step" repo borg create "$pw/repo-borg::$archive" "$data"; else not_available borg "$s" "$step"; fi
  done
}

# Day 1, then a day of chatting and day 2.
backup_all "first backup" day1
run dotnet "$work/cli/lockbox.dll" demo next-day --db "$db" >&2
backup_all "next-day backup" day2

# Full restore of the newest snapshot, from every store.
for s in "${store_list[@]}"; do
  measure lockbox "$s" restore "$pw/restore" "${lockbox[@]}" restore --no-progress \
    --repo "$(lockbox_repo "$s")" --to "$pw/restore" --json
  check_restore lockbox "$s" "$pw/restore"
  if [ "$s" = azure ]; then not_available restic "$s" restore; else
    measure restic "$s" restore "$pw/restore" restic "${restic_tls[@]}" --repo "$(restic_repo "$s")" restore latest --target "$pw/restore"
    check_restore restic "$s" "$pw/restore"
  fi
  if [ "$s" = folder ]; then
    mkdir -p "$pw/restore"
    measure borg "$s" restore "$pw/restore" sh -c 'cd "$1" && borg extract "$2::day2"' sh "$pw/restore" "$pw/repo-borg"
    check_restore borg "$s" "$pw/restore"
  else not_available borg "$s" restore; fi
done

# The database alone (time to messages), from the folder.
if [ $on_folder = 1 ]; then
  measure lockbox folder "restore db only" "$pw/restore" "${lockbox[@]}" restore --no-progress \
    --repo "$pw/repo-lockbox" --to "$pw/restore" --db-only
  rm -rf "$pw/restore"
  measure restic folder "restore db only" "$pw/restore" restic --repo "$pw/repo-restic" restore latest --target "$pw/restore" --include "$db"
  rm -rf "$pw/restore"
  mkdir -p "$pw/restore"
  measure borg folder "restore db only" "$pw/restore" sh -c 'cd "$1" && borg extract "$2::day2" "${3#/}"' sh "$pw/restore" "$pw/repo-borg" "$db"
  rm -rf "$pw/restore"
fi
stop_servers

# --- the table ----------------------------------------------------------------------------------
db_bytes=$(stat -c %s "$db")
echo
echo "Profile $profile. Dataset: $(numfmt --to=iec-i --suffix=B "$dataset_bytes") (database $(numfmt --to=iec-i --suffix=B "$db_bytes"), the rest media; generated in $gen_seconds s), $(nproc) cores, load average $load_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end."
echo "Ratios are tool / restic on the same store (lower is better); 'vs folder' is Lockbox on this store / Lockbox on the folder. s3 = s3rver over TLS, azure = Azurite (http), both on loopback and on this machine's disk; RSS is the client's."
awk -F'\t' -v dbb="$db_bytes" -v total="$dataset_bytes" '
  { n++; tool[n]=$1; store[n]=$2; step[n]=$3; sec[n]=$4; add[n]=$5; rss[n]=$6; tomsg[n]=$7; k=$2 SUBSEP $3
    if ($1 == "restic" && $4 != "n/a") { rs[k]=$4; ra[k]=$5; rr[k]=$6 }
    if ($1 == "lockbox" && $2 == "folder") lf[$3]=$4 }
  function ratio(a, b) { return (b > 0) ? sprintf("%.2fx", a / b) : "-" }
  function mib(b) { return sprintf("%.1f MiB", b / 1048576) }
  END {
    printf "%-16s %-8s %-7s %9s %8s %12s %11s %7s %7s %7s %9s\n", "step", "tool", "store", "wall s", "MiB/s", "repo added", "peak RSS", "time", "added", "RSS", "vs folder"
    for (i = 1; i <= n; i++) {
      if (sec[i] == "n/a") { printf "%-16s %-8s %-7s %9s   (%s)\n", step[i], tool[i], store[i], "n/a", tool[i] == "borg" ? "no cloud backend" : "no backend for an Azure emulator"; continue }
      k = store[i] SUBSEP step[i]
      speed = (step[i] == "next-day backup") ? "-" : sprintf("%.1f", total / 1048576 / sec[i])
      extra = (step[i] == "next-day backup") ? sprintf(" (%.1f%% of db)", 100 * add[i] / dbb) : ""
      restore = (step[i] ~ /^restore/)
      if (tomsg[i] != "") extra = sprintf(" (messages in place after %.2f s)", tomsg[i])
      if (step[i] == "restore db only") speed = sprintf("%.1f", dbb / 1048576 / sec[i])
      vs = (tool[i] == "lockbox" && store[i] != "folder" && (step[i] in lf)) ? ratio(sec[i], lf[step[i]]) : ""
      line = sprintf("%-16s %-8s %-7s %9.2f %8s %12s %11s %7s %7s %7s %9s%s", step[i], tool[i], store[i], sec[i], speed, restore ? "-" : mib(add[i]),
        mib(rss[i] * 1024), ratio(sec[i], rs[k]), restore ? "-" : ratio(add[i], ra[k]), ratio(rss[i], rr[k]), vs, extra)
      sub(/ +$/, "", line); print line
    }
  }' "$results"
rm -rf "$pw"
}

for p in "${profile_list[@]}"; do run_profile "$p"; done
