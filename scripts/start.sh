#!/usr/bin/env bash
# The README's start command: installs what is missing, builds, starts a local
# nats-server -js (data under .data/), every service and the gateway on localhost,
# prints the URL and an API key, runs the sample reel pipeline and shows its progress.
# Ctrl-C stops everything.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_tools

DATA="$PWD/.data"
mkdir -p "$DATA/logs" "$DATA/nats" "$DATA/published"
NATS_PORT="${REELAY_NATS_PORT:-4222}"
GATEWAY_PORT="${PORT:-8080}"

port_busy() { node -e "const s=require('net').connect($1,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1))"; }
port_busy "$NATS_PORT" && die "port $NATS_PORT is taken (another nats-server?). Stop it or set REELAY_NATS_PORT."
port_busy "$GATEWAY_PORT" && die "port $GATEWAY_PORT is taken. Stop what uses it or set PORT."

say "installing dependencies"
pnpm install --frozen-lockfile --prefer-offline >/dev/null || die "pnpm install failed"
say "building"
pnpm build >"$DATA/logs/build.log" 2>&1 || { tail -30 "$DATA/logs/build.log"; die "build failed (log: .data/logs/build.log)"; }

# A stable local key, kept in .data so a restart keeps working with the same one.
KEYS="$DATA/api-keys.json"
if [ ! -f "$KEYS" ]; then
  KEY="rly_local_$(node -e "process.stdout.write(require('crypto').randomBytes(18).toString('base64url'))")"
  printf '[{"name":"local","key":"%s","scopes":["jobs:write","jobs:read","admin"],"projects":["*"]}]\n' "$KEY" >"$KEYS"
fi
KEY="$(node -p "require('$KEYS')[0].key")"

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping…"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  say "stopped"
}
trap cleanup INT TERM EXIT

nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$DATA/nats" >"$DATA/logs/nats.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do port_busy "$NATS_PORT" && break; sleep 0.1; done
port_busy "$NATS_PORT" || die "nats-server did not start (log: .data/logs/nats.log)"

export NATS_URL="nats://127.0.0.1:$NATS_PORT"
export LOG_LEVEL="${LOG_LEVEL:-info}"
start_service() { # name, extra env...
  # The supervisor of the local start: a process that exits 0 on its own (a worker recycling
  # after WORKER_MAX_JOBS or WORKER_MAX_RSS_MB, or shut down over the API) is started again;
  # any other exit ends it. SIGTERM (Ctrl-C, cleanup) is passed on to the running process.
  local name="$1"; shift
  : >"$DATA/logs/$name.log"
  (
    child=
    trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
    while :; do
      env "$@" node "services/$name/dist/main.js" >>"$DATA/logs/$name.log" 2>&1 &
      child=$!
      wait "$child"
      code=$?
      [ "$code" -eq 0 ] || exit "$code"
      echo "start.sh: $name exited 0 (recycled); starting a fresh one" >>"$DATA/logs/$name.log"
    done
  ) &
  PIDS+=($!)
}
start_service scheduler
start_service ai
start_service render-gpu
start_service publisher PUBLISH_FOLDER_ROOTS="$DATA/published"
start_service books # generation, validation and export workers (BOOKS_ROLES)
# The job store in a SQLite file: lists and counts survive a restart without a replay.
start_service gateway PORT="$GATEWAY_PORT" REELAY_API_KEYS_FILE="$KEYS" JOB_STORE_URL="sqlite:$DATA/jobs.sqlite"

URL="http://127.0.0.1:$GATEWAY_PORT"
for _ in $(seq 150); do curl_ok=$(node -e "fetch('$URL/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" && echo yes); [ "$curl_ok" = yes ] && break; sleep 0.2; done
[ "${curl_ok:-}" = yes ] || die "the gateway did not become ready (logs: .data/logs/)"

cat <<TXT

  Reelay is running.
    gateway    $URL            (OpenAPI: $URL/docs, dashboard: $URL/)
    API key    $KEY
    NATS       $NATS_URL   (data: .data/nats)
    logs       .data/logs/<service>.log

  Try:  REELAY_URL=$URL REELAY_API_KEY=$KEY node packages/sdk/dist/cli/main.js queues

TXT

node scripts/run-sample.mjs "$DATA/published" "$URL" "$KEY" || say "the sample did not finish; see .data/logs/"

say "everything keeps running; Ctrl-C stops it"
wait "${PIDS[0]}"
