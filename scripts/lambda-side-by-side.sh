#!/usr/bin/env bash
# lambda-side-by-side.sh — two cfnrun binaries serving scripts/lambda-bench
# side by side, measured in interleaved rounds: on a shared, loaded machine
# the ratio of two servers run in the same minutes says more than either
# figure alone (docs/performance.md, Lambda).
#
#   scripts/lambda-side-by-side.sh OLD_BINARY NEW_BINARY [ROUNDS] [SECONDS]
#
# Each round runs h2load -c16 -m10 over h2c for SECONDS against A, then B,
# and prints req/s and the CPU time per request of cfnrun itself and of its
# children (the Node instances), from /proc; then, ROUNDS times alternated,
# the p50 of 2,000 requests one at a time over h2c and over HTTP/1.1.
# Build the binaries as bench-lambda.sh does:
#   CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /tmp/new ./cmd/cfnrun
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY [ROUNDS] [SECONDS]" >&2; exit 2; }
A=$1 B=$2 R=${3:-4} D=${4:-4}
cd "$(dirname "$0")/.."
for tool in h2load node curl; do
  command -v "$tool" >/dev/null || { echo "$0 needs $tool" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cp -r scripts/lambda-bench "$work/app"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { # BINARY PORT
  (cd "$work/app" && exec "$1" up --no-watch --access-log=false --addr "127.0.0.1:$2" --tls-addr= template.yaml) \
    >"$work/$2.out" 2>&1 &
  pids+=($!)
}
PA=$(free_port); start "$A" "$PA"; CA=${pids[-1]}
PB=$(free_port); start "$B" "$PB"; CB=${pids[-1]}
for p in $PA $PB; do
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$p/dev/hello" && break; sleep 0.05; done
  h2load -c16 -m10 -D 3 "http://127.0.0.1:$p/dev/hello" >/dev/null 2>&1 # warm: instances start
done
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
cpu() { # PID: "cfnrun-ticks children-ticks"
  local t=0 p
  for p in $(pgrep -P "$1" || true); do t=$((t + $(ticks "$p"))); done
  echo "$(ticks "$1") $t"
}
hz=$(getconf CLK_TCK)
for r in $(seq "$R"); do
  for x in "A $PA $CA" "B $PB $CB"; do
    set -- $x
    read -r s0 c0 < <(cpu "$3")
    out=$(h2load -c16 -m10 -D "$D" "http://127.0.0.1:$2/dev/hello" 2>&1)
    read -r s1 c1 < <(cpu "$3")
    n=$(awk '/^status codes/ {print $3}' <<<"$out")
    rps=$(awk '/^finished/ {print $4}' <<<"$out")
    echo "$1 round $r: $rps req/s  cfnrun $(( (s1-s0)*1000000/hz/n )) us/req  instances $(( (c1-c0)*1000000/hz/n )) us/req ($(pgrep -P "$3" | wc -l))"
  done
done
p50() { awk '{print $3}' "$1" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]/1000}'; }
for r in $(seq "$R"); do
  for x in "A $PA" "B $PB"; do
    set -- $x
    h2load -c1 -m1 -n 2000 --log-file="$work/h2.log" "http://127.0.0.1:$2/dev/hello" >/dev/null 2>&1
    h2load --h1 -c1 -n 2000 --log-file="$work/h1.log" "http://127.0.0.1:$2/dev/hello" >/dev/null 2>&1
    echo "$1 round $r: p50 one at a time: h2c $(p50 "$work/h2.log") ms, HTTP/1.1 $(p50 "$work/h1.log") ms"
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
