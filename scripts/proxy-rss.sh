#!/usr/bin/env bash
# proxy-rss.sh BIN... — resident memory of cfnrun binaries under many busy connections at a fixed
# request rate, so that a faster binary is not charged for answering more (docs/performance.md,
# "seventh pass").
#
#   scripts/proxy-rss.sh /tmp/cfnrun-old /tmp/cfnrun-new /tmp/cfnrun-old /tmp/cfnrun-new
#
# For each binary in turn (name one several times to interleave): a fresh `cfnrun up` of
# scripts/bench.yaml on the benchmark backend, then for each step of STEPS ("CONNS:RPS", default
# "100:40 1000:3") h2load -c CONNS -m 1 -t 2 --rps RPS -D 3 on the HTTP_PROXY route; it prints
# req/s and RSS after each step, the peak RSS (VmHWM) and the load average.
set -uo pipefail
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ $# -ge 1 ] || { sed -n 2,12p "$0"; exit 2; }
STEPS=${STEPS:-100:40 1000:3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
(cd "$ROOT" && go build -o "$W/backend" ./runtime/internal/benchbackend)
"$W/backend" >"$W/backend.addr" 2>"$W/backend.err" &
for _ in $(seq 100); do [ -s "$W/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$W/backend.addr")
for bin in "$@"; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" up --no-watch --access-log=false --no-throttle --addr "127.0.0.1:$port" --tls-addr= --max-conns -1 \
    --map "backend.bench=$BACKEND" "$ROOT/scripts/bench.yaml" >"$W/out" 2>&1 &
  P=$!
  for _ in $(seq 200); do curl -s -o /dev/null --http2-prior-knowledge "http://127.0.0.1:$port/prod/proxy" && break; sleep 0.05; done
  line="$(basename "$bin"):"
  for step in $STEPS; do
    c=${step%:*} rps=${step#*:}
    timeout 60 h2load -c "$c" -m 1 -t 2 -D 3 --rps="$rps" --warm-up-time 1 "http://127.0.0.1:$port/prod/proxy" >"$W/h" 2>&1
    line="$line  c$c $(awk '/^finished in/ {printf "%.0f", $4}' "$W/h") req/s RSS $(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$P/status") MB"
  done
  echo "$line  peak $(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$P/status") MB  load $(cut -d' ' -f1 /proc/loadavg)"
  kill "$P"; wait "$P" 2>/dev/null
done
[ -s "$W/backend.err" ] && echo "backend logged $(wc -l <"$W/backend.err") lines"
exit 0
