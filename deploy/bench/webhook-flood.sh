#!/usr/bin/env bash
# How a flood of unauthenticated webhook calls is answered, and whether it slows the genuine ones.
#
# Brings the local system up (deploy/local/run.sh --keep-running) unless it is running, then with wrk:
#   1. genuine webhooks alone (valid token, a completed job's uuid: answered "already-finished" after a
#      database read under the job's lock), 4 connections;
#   2. the same genuine webhooks while 64 connections send bad-token calls with 16 KiB bodies;
# and prints requests/s and latency of each. Stops what it started.
#
# Usage: deploy/bench/webhook-flood.sh [seconds per run, default 20]
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$BENCH_DIR/../local/lib.sh"

DURATION="${1:-20}"
URL="http://127.0.0.1:8080/webhooks/gempix2"
OUT="$WORK_DIR/bench"
started_here=0

cleanup() {
    if ((started_here)); then
        bash "$LOCAL_DIR/stop.sh" >/dev/null || true
    fi
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
    step "Installing wrk (Debian package)"
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

if [[ -z "$(component_pid service)" ]]; then
    step "Starting the local system"
    mkdir -p "$WORK_DIR"
    bash "$LOCAL_DIR/run.sh" --keep-running >"$WORK_DIR/flood-run.log" 2>&1 || die "deploy/local/run.sh failed: see $WORK_DIR/flood-run.log"
    started_here=1
fi
token="$(<"$WORK_DIR/webhook-token")"
uuid="$(psql -h 127.0.0.1 -U postgres -d gempix2_local -tAc \
    "select uuid from job where status = 'COMPLETED' order by finished_at desc limit 1")"
[[ -n "$uuid" ]] || die "no completed job in gempix2_local to send webhooks for"

mkdir -p "$OUT"
cat >"$OUT/genuine.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"event": "images.completed", "uuid": "$uuid", "imageUrl": "http://127.0.0.1:8090/files/$uuid.png"}'
LUA
cat >"$OUT/flood.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"event": "images.failed", "uuid": "$uuid", "padding": "' .. string.rep("x", 16384) .. '"}'
LUA

# Latency lines of wrk --latency: "50%  1.23ms".
summary() {
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {non2xx=$5}
        END {printf "%10s req/s   p50 %8s   p99 %8s\n", rps, p50, p99}' "$1"
}

step "Genuine webhooks alone (${DURATION}s, 4 connections)"
wrk -t1 -c4 -d"${DURATION}s" --latency -s "$OUT/genuine.lua" "$URL?token=$token" >"$OUT/genuine-alone.txt"
info "genuine: $(summary "$OUT/genuine-alone.txt")"

step "Genuine webhooks during a flood of bad-token calls (${DURATION}s, 64 flood connections)"
wrk -t1 -c64 -d"$((DURATION + 4))s" --latency -s "$OUT/flood.lua" "$URL?token=wrong-$RANDOM" >"$OUT/flood.txt" &
flood_pid=$!
sleep 2
wrk -t1 -c4 -d"${DURATION}s" --latency -s "$OUT/genuine.lua" "$URL?token=$token" >"$OUT/genuine-flooded.txt"
wait "$flood_pid"
info "flood:   $(summary "$OUT/flood.txt") (all answered 401)"
info "genuine: $(summary "$OUT/genuine-flooded.txt")"
grep -q "Non-2xx" "$OUT/genuine-flooded.txt" && warn "some genuine webhooks were not answered 2xx: see $OUT"
step "Raw wrk output in ${OUT#"$REPO_ROOT"/}"
