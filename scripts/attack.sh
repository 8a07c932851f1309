#!/usr/bin/env bash
# attack.sh — hostile clients against cfnrun and HAProxy, on loopback (`make attack`).
#
#   scripts/attack.sh                      # every scenario, both targets
#   ONLY=rapid-reset,ping-flood scripts/attack.sh
#   DURATION=5s SLOW_DURATION=40s IDLE=10000 TARGETS="cfnrun haproxy" scripts/attack.sh
#
# Starts the bench backend (HTTP/1.1 + h2c; /stream is an endless body),
# cfnrun serving scripts/attack.yaml, and HAProxy 2.6 (nbthread 2, h2c
# front, h2 to the same backend), then runs runtime/internal/attack against
# each: every scenario while a normal h2c client measures its latency. The
# slow-client scenarios last SLOW_DURATION, past both targets' 30 s stall /
# client timeouts and 10 s header timeouts. The report columns: peak RSS of
# the target, the normal client's p50/p99 and failed requests, attacking
# connections the target closed, whether a new connection is answered after.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

DURATION=${DURATION:-5s}
SLOW_DURATION=${SLOW_DURATION:-40s}
IDLE=${IDLE:-10000}
TARGETS=${TARGETS:-cfnrun haproxy}
ONLY=${ONLY:-}
SKIP=${SKIP:-}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/cfnrun" ./cmd/cfnrun
go build -o "$work/backend" ./runtime/internal/benchbackend
go build -o "$work/attack" ./runtime/internal/attack

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_200() {
  for _ in $(seq 200); do
    if curl -s -o /dev/null -w '%{http_code}' --http2-prior-knowledge "$1" 2>/dev/null | grep -q 200; then return 0; fi
    sleep 0.05
  done
  echo "no 200 from $1" >&2; cat "$work"/*.out >&2 || true; exit 1
}

"$work/backend" >"$work/backend.addr" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$work/backend.addr")

echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), descriptors $(ulimit -n); scenarios ${DURATION}, slow ones ${SLOW_DURATION}, ${IDLE} idle connections; a fresh target per scenario"
args=(-duration "$DURATION" -slow-duration "$SLOW_DURATION" -idle "$IDLE" -header=false)
"$work/attack" -list >/dev/null
"$work/attack" -h2 127.0.0.1:1 -only none | head -1 # the column header

in_list() { [ -z "$1" ] || [[ ",$1," == *",$2,"* ]]; }

start_cfnrun() {
  PORT=$(free_port)
  "$work/cfnrun" up --no-watch --access-log=false --addr "127.0.0.1:$PORT" --tls-addr "" \
    --map "backend.bench=$BACKEND" scripts/attack.yaml >>"$work/cfnrun.out" 2>&1 &
  PID=$!
  pids+=($PID)
  H2="127.0.0.1:$PORT"
  H1=$H2
}

start_haproxy() {
  local p2 p1
  p2=$(free_port)
  p1=$(free_port)
  cat >"$work/haproxy.cfg" <<CFG
global
    nbthread 2
    maxconn 9000
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
frontend h2c
    bind 127.0.0.1:$p2 proto h2
    default_backend be
frontend h1
    bind 127.0.0.1:$p1
    default_backend be
backend be
    server s1 $BACKEND proto h2
CFG
  haproxy -db -f "$work/haproxy.cfg" >>"$work/haproxy.out" 2>&1 &
  PID=$!
  pids+=($PID)
  H2="127.0.0.1:$p2"
  H1="127.0.0.1:$p1"
}

for target in $TARGETS; do
  if [ "$target" = haproxy ] && ! command -v haproxy >/dev/null; then
    echo "haproxy not installed (apt-get install haproxy); skipped"
    continue
  fi
  for sc in $("$work/attack" -list); do
    in_list "$ONLY" "$sc" || continue
    [ -n "$SKIP" ] && in_list "$SKIP" "$sc" && continue
    "start_$target"
    wait_200 "http://$H2/prod/proxy"
    "$work/attack" -name "$target" -h2 "$H2" -h1 "$H1" -pid "$PID" -normal /prod/proxy -stream /prod/stream -only "$sc" "${args[@]}"
    kill "$PID"
    wait "$PID" 2>/dev/null || true
  done
done
if [ -s "$work/cfnrun.out" ]; then
  echo
  echo "cfnrun's warnings (counted):"
  grep -E 'level=(WARN|ERROR)' "$work/cfnrun.out" | sed -E 's/^time=[^ ]+ //; s/ remote=[^ ]+//; s/ after=[^ ]+//; s/ (usefulFrames|resets|refused|controlFrames|oversizeHeaders|stalls|idleClosed|waits|failures)=[0-9]+//g' |
    sort | uniq -c | sort -rn | head -20
fi
