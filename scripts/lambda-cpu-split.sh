#!/usr/bin/env bash
# lambda-cpu-split.sh — where a Lambda request's CPU goes under load, per
# process, for one or more cfnrun binaries measured in interleaved rounds.
#
#   scripts/lambda-cpu-split.sh ROUNDS SECONDS "LABEL|ENV|BINARY|UP_FLAGS|APP_DIR" ...
#
# e.g. scripts/lambda-cpu-split.sh 6 4 "old||/tmp/old||" "new||/tmp/new||"
#
# For each round and each target: `cfnrun up --no-throttle` on APP_DIR
# (default scripts/lambda-bench: a Node.js handler returning a constant;
# ENV is put in up's environment, UP_FLAGS added to its flags), 2 s of load
# to warm the instances, then `h2load -c16 -m10 -D SECONDS` over h2c; it
# prints req/s, CPU per request of the gateway (up), of its function
# instances together and of h2load itself (user+system, /proc/PID/stat and
# /usr/bin/time), and context switches per request of the gateway and of
# the instances (/proc/PID/task/*/status), with the load average. One server
# runs at a time. On a shared machine read the ratios of the same round,
# not the absolute figures. H2LOAD_ARGS replaces "-c16 -m10" in the
# measured run, e.g. H2LOAD_ARGS="-c16 -m10 --rps=250" for a fixed rate
# (4,000 req/s) at which CPU per request compares without saturation.
set -uo pipefail
[ $# -ge 3 ] || { sed -n 2,20p "$0"; exit 2; }
R=$1; D=$2; shift 2
cd "$(dirname "$0")/.."
for tool in h2load curl python3; do
  command -v "$tool" >/dev/null || { echo "$0 needs $tool" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "$0 needs /usr/bin/time" >&2; exit 1; }
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cs() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt/ {v+=$2} /^nonvoluntary/ {n+=$2} END {print v+n}'; }
UP=
work=
cleanup() { [ -n "$UP" ] && kill "$UP" 2>/dev/null; wait 2>/dev/null; [ -n "$work" ] && rm -rf "$work"; }
trap cleanup EXIT
for r in $(seq "$R"); do
  for cfg in "$@"; do
    IFS="|" read -r label envs bin flags app <<<"$cfg"
    work=$(mktemp -d); cp -r "${app:-scripts/lambda-bench}" "$work/app"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # shellcheck disable=SC2086 # ENV and UP_FLAGS are word lists
    (cd "$work/app" && exec env $envs "$bin" up --no-watch --access-log=false --no-throttle $flags \
      --addr "127.0.0.1:$port" --tls-addr= template.yaml) >"$work/out" 2>&1 &
    UP=$!
    for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/dev/hello" && break; sleep 0.05; done
    h2load -c16 -m10 -D 2 "http://127.0.0.1:$port/dev/hello" >/dev/null 2>&1
    kids=$(pgrep -P "$UP" | tr '\n' ' ')
    g0=$(ticks "$UP"); gc0=$(cs "$UP"); k0=0; kc0=0
    for k in $kids; do k0=$((k0 + $(ticks "$k"))); kc0=$((kc0 + $(cs "$k"))); done
    # shellcheck disable=SC2086 # a word list
    /usr/bin/time -f "%U %S" -o "$work/time" h2load ${H2LOAD_ARGS:--c16 -m10} -D "$D" "http://127.0.0.1:$port/dev/hello" >"$work/h2" 2>&1
    g1=$(ticks "$UP"); gc1=$(cs "$UP"); k1=0; kc1=0
    for k in $kids; do k1=$((k1 + $(ticks "$k"))); kc1=$((kc1 + $(cs "$k"))); done
    n=$(awk '/^status codes/ {print $3}' "$work/h2"); rps=$(awk '/^finished/ {print $4}' "$work/h2")
    if [ -z "$n" ] || [ "$n" -eq 0 ]; then echo "$label r$r: no 2xx answers"; cat "$work/h2" >&2; exit 1; fi
    h=$(awk -v n="$n" '{printf "%d", ($1+$2)*1000000/n}' "$work/time")
    printf "%-10s r%d %8.0f req/s  gw %3dus  fn(%d) %3dus  h2load %2dus  cs/req gw %.2f fn %.2f  load %s\n" \
      "$label" "$r" "$rps" $(( (g1-g0)*1000000/hz/n )) "$(echo $kids | wc -w)" $(( (k1-k0)*1000000/hz/n )) "$h" \
      "$(awk -v a=$((gc1-gc0)) -v n="$n" 'BEGIN{print a/n}')" "$(awk -v a=$((kc1-kc0)) -v n="$n" 'BEGIN{print a/n}')" \
      "$(cut -d' ' -f1 /proc/loadavg)"
    kill "$UP"; wait "$UP" 2>/dev/null; UP=
    rm -rf "$work"; work=
  done
done
