#!/usr/bin/env bash
# proxy-position.sh BIN [ROUNDS] — does a proxy's round read differently by where it falls? Two copies
# of one cfnrun behind one benchmark backend; each round runs h2load -c 16 -m 10 -D 3 straight at the
# backend, then at one copy, then at the other (which copy comes right after the backend's round
# alternates), and prints req/s and each copy's CPU per request (docs/performance.md, sixth pass).
#
#   scripts/proxy-position.sh /tmp/cfnrun 6
set -uo pipefail
BIN=$1; R=${2:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
(cd "$ROOT" && go build -o "$W/backend" ./runtime/internal/benchbackend)
"$W/backend" >"$W/backend.addr" &
BPID=$!
for _ in $(seq 100); do [ -s "$W/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$W/backend.addr")
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A P PID
for v in a b; do P[$v]=$(fp); "$BIN" up --no-watch --access-log=false --no-throttle --addr "127.0.0.1:${P[$v]}" --tls-addr "" --max-conns -1 --map "backend.bench=$BACKEND" "$ROOT/scripts/bench.yaml" >/dev/null 2>&1 & PID[$v]=$!; done
for v in a b; do for _ in $(seq 200); do curl -s -o /dev/null --http2-prior-knowledge "http://127.0.0.1:${P[$v]}/prod/proxy" && break; sleep 0.05; done; done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
one() { # one LABEL URL PID
  h2load -c 16 -m 10 -D 3 --warm-up-time 1 "$2" >"$W/h.out" 2>&1 &
  hp=$!; sleep 1; c0=$(ticks $3); wait $hp; c1=$(ticks $3)
  n=$(awk '/^requests:/ {print $8}' "$W/h.out"); rps=$(awk '/finished in/ {print $4}' "$W/h.out")
  echo "  $1 req/s $rps cpu_us/req $(awk -v d=$((c1-c0)) -v n=$n -v t=$(getconf CLK_TCK) 'BEGIN {printf "%.1f", d/t*1e6/n}') load $(cut -d' ' -f1 /proc/loadavg)"
}
for r in $(seq $R); do
  x=a; y=b; [ $((r % 2)) = 0 ] && { x=b; y=a; }
  echo "round $r"
  one backend "http://$BACKEND/hello" $BPID
  one "$x(after-backend)" "http://127.0.0.1:${P[$x]}/prod/proxy" ${PID[$x]}
  one "$y(second)" "http://127.0.0.1:${P[$y]}/prod/proxy" ${PID[$y]}
done
