#!/usr/bin/env bash
# startup-ab.sh OLD NEW [ROUNDS] — `cfnrun up` with a generated 2,000-resource template, exec to the
# first 200, two binaries alternating (OLD, NEW, then NEW, OLD, ...): what docs/performance.md's
# start-up figures come from.
#
#   scripts/startup-ab.sh /tmp/cfnrun-old /tmp/cfnrun-new 12
#   SIZE=8000 FORMAT=json scripts/startup-ab.sh OLD NEW
#   ARGS="--tls-addr 127.0.0.1:0" scripts/startup-ab.sh OLD NEW    # with the TLS listener
#   SIZE=seed scripts/startup-ab.sh OLD NEW    # the embedded default, as bench.sh's first start-up figure
#
# The template is `gentool cfn-yaml SIZE` (FORMAT json: cfn-json); the request is POST /prod/p0 with
# X-Id: 7, an HTTP_PROXY route that --demo-backend answers 200 (a 403 or 404 would come before the
# routes are served); SIZE=seed starts `cfnrun up` with no template (the embedded default and its demo
# backend) and waits for GET /prod/myresource's 200, what bench.sh's "embedded default" line times.
# benchbackend -startup polls every 0.5 ms and reads, at the answer, the CPU time
# of all the process's threads (/proc/PID/task/*/schedstat) and its minor page faults. Each binary's
# medians of wall ms, CPU ms and faults, NEW/OLD, and the load average before and after. At high
# load read the CPU and the faults, not the wall time. Without ARGS, up runs with --no-watch and no
# TLS listener (as bench.sh's start-up figure).
#
# EXIT=1 also times the way out: 200 ms after the answer, SIGINT, and the wall and CPU ms from the
# signal to the exit (the drain, and whatever runs on the way: a collection there was 10-15 ms).
#
# On a loaded machine, CHRT=10 runs the measured starts (not the builds) under `chrt -f 10`: the
# process then preempts the load, close to what a quiet machine sees. Do not run the whole script
# under chrt: its `go build`, when the build cache is cold, spun at real-time priority for 10
# minutes without finishing (the linker's threads starve one another).
set -euo pipefail
OLD=$1; NEW=$2; ROUNDS=${3:-10}; SIZE=${SIZE:-2000}; FORMAT=${FORMAT:-yaml}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
(cd "$ROOT" && go build -o "$W/backend" ./runtime/internal/benchbackend && go build -o "$W/gentool" ./internal/gen/gentool)
if [ "$SIZE" = seed ]; then
  probe=(-startup "http://127.0.0.1:PORT/prod/myresource"); template=()
else
  "$W/gentool" "cfn-$FORMAT" "$SIZE" >"$W/t.$FORMAT"
  probe=(-startup "http://127.0.0.1:PORT/prod/p0" -method POST -header X-Id:7); template=(--demo-backend "$W/t.$FORMAT")
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
read -r -a extra <<<"${ARGS:---tls-addr=}"
probe=("${probe[@]/PORT/$PORT}")
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq "$ROUNDS"); do
  order="old new"; [ $((i % 2)) = 0 ] && order="new old"
  for v in $order; do
    bin=$OLD; [ "$v" = new ] && bin=$NEW
    ${CHRT:+chrt -f "$CHRT"} "$W/backend" "${probe[@]}" -usage ${EXIT:+-exit} -- \
      "$bin" up --no-watch --addr "127.0.0.1:$PORT" "${extra[@]}" "${template[@]}" >>"$W/$v" 2>/dev/null
  done
done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for v in old new; do
  for k in 1 2 3 4 5; do cut -d' ' -f$k "$W/$v" | med >"$W/$v.$k"; done
done
if [ -n "${EXIT:-}" ]; then
  printf '%-4s %9s %9s %7s %12s %11s\n' "" "wall ms" "CPU ms" faults "exit wall ms" "exit CPU ms"
  for v in old new; do printf '%-4s %9s %9s %7s %12s %11s\n' "$v" "$(cat "$W/$v.1")" "$(cat "$W/$v.2")" "$(cat "$W/$v.3")" "$(cat "$W/$v.4")" "$(cat "$W/$v.5")"; done
else
  printf '%-4s %9s %9s %7s\n' "" "wall ms" "CPU ms" faults
  for v in old new; do printf '%-4s %9s %9s %7s\n' "$v" "$(cat "$W/$v.1")" "$(cat "$W/$v.2")" "$(cat "$W/$v.3")"; done
fi
awk -v a="$(cat "$W/old.1")" -v b="$(cat "$W/new.1")" -v c="$(cat "$W/old.2")" -v d="$(cat "$W/new.2")" \
  'BEGIN {printf "new/old: wall %.2fx, CPU %.2fx\n", b/a, d/c}'
what="$SIZE resources ($FORMAT)"; [ "$SIZE" = seed ] && what="the embedded default"
echo "$ROUNDS rounds, $what, load $load0 -> $(cut -d' ' -f1-3 /proc/loadavg)"
