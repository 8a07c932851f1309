#!/usr/bin/env bash
# cg-up.sh BIN N [ROUTE] [CONNS] [STREAMS] — instructions per request of the gateway process itself:
# callgrind on `BIN up scripts/bench.yaml` while h2load drives it (the benchmark backend runs
# natively, so its work is not counted, as it is in the Go benchmarks of the served path).
#
#   scripts/cg-up.sh /tmp/cfnrun-old 8000 proxy
#   scripts/cg-up.sh /tmp/cfnrun-new 8000 mock
#   KEEP=/tmp/new.cg scripts/cg-up.sh BIN 8000   # keep the profile (callgrind_annotate; needs a build with symbols)
#
# Runs with GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 (GOGC and GMP override): it sends N/4
# requests (h2load -c CONNS -m STREAMS, 16 and 10), zeroes the counters (callgrind_control -z), sends N,
# dumps them (callgrind_control -d: a signal to end the process trips callgrind's signal handling)
# and prints the total over N. Runs of one binary agree within about 0.5%; interleave A and B.
set -uo pipefail
BIN=$1; N=$2; ROUTE=${3:-proxy}; C=${4:-16}; M=${5:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
CP=
trap 'kill $(jobs -p) 2>/dev/null; [ -n "$CP" ] && kill -9 "$CP" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
(cd "$ROOT" && go build -o "$W/backend" ./runtime/internal/benchbackend)
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
"$W/backend" >"$W/backend.addr" 2>/dev/null &
for _ in $(seq 100); do [ -s "$W/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$W/backend.addr")
PORT=$(fp)
GOGC=${GOGC:-off} GOMAXPROCS=${GMP:-1} GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind \
  --callgrind-out-file="$W/cg.out" "$BIN" up --no-watch --access-log=false --no-throttle --addr "127.0.0.1:$PORT" \
  --tls-addr "" --max-conns -1 --map "backend.bench=$BACKEND" "$ROOT/scripts/bench.yaml" >"$W/cfn.out" 2>&1 &
CP=$!
URL=http://127.0.0.1:$PORT/prod/$ROUTE
for _ in $(seq 600); do curl -s -o /dev/null --http2-prior-knowledge "$URL" && break; sleep 0.1; done
h2load -n $((N / 4)) -c "$C" -m "$M" "$URL" >"$W/h0.out" 2>&1
sleep 0.5
callgrind_control -z "$CP" >/dev/null 2>&1
h2load -n "$N" -c "$C" -m "$M" "$URL" >"$W/h.out" 2>&1
callgrind_control -d "$CP" >/dev/null 2>&1
sleep 0.5
f=$(ls "$W"/cg.out.* 2>/dev/null | tail -1)
tot=$(grep -E '^(summary|totals):' "$f" | head -1 | awk '{print $2}')
ok=$(awk '/^requests:/ {print $8}' "$W/h.out")
echo "$(basename "$BIN") $ROUTE n=$N succeeded=$ok instructions=$tot per_request=$((tot / N))"
[ -n "${KEEP:-}" ] && cp "$f" "$KEEP"
exit 0
