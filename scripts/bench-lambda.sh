#!/usr/bin/env bash
# bench-lambda.sh — cfnrun up against serverless-offline, serving the same
# trivial Node.js handler behind API Gateway, under h2load.
#
#   scripts/bench-lambda.sh            # or: make bench-lambda
#   DURATION=10 ROUNDS=5 scripts/bench-lambda.sh
#   CONCURRENCY=4 scripts/bench-lambda.sh   # cfnrun up --lambda-concurrency 4
#
# serverless (3.40.0, the last version that runs without a login) and
# serverless-offline (13.9.0, its last major for serverless 3) are installed
# from npm into ~/.cache/cfnrun-tools on first use. serverless-offline runs in
# its fastest mode: --useInProcess (the handler runs in serverless-offline's
# own process, no worker thread or child process), handlers not reloaded per
# request (the default). It serves HTTP/1.1 only.
#
# Both serve scripts/lambda-bench/ (handler.js; template.yaml for cfnrun,
# serverless.yml for serverless-offline): GET /dev/hello answers a constant
# proxy response. Both log every invocation as they do by default
# (serverless-offline its request and duration lines, cfnrun the function's
# START/END/REPORT lines); cfnrun's access log is off.
#
# Then, after WARMUP seconds of load on each (not counted), ROUNDS times
# interleaved:
#   sls-h1      h2load --h1 -c CONNS          serverless-offline (HTTP/1.1)
#   cfnrun-h1   h2load --h1 -c CONNS          cfnrun up, like for like
#   cfnrun-h2c  h2load -c CONNS -m STREAMS    cfnrun up over h2c
#   cfnrun-nt-h2c     h2c, the same Node.js function on a second cfnrun up
#                     started with --no-throttle (template-go.yaml)
#   cfnrun-nt-go-h2c  h2c, a Go function (provided.al2023, built by cfnrun
#                     from lambda-bench/go with aws-lambda-go) returning the
#                     same constant, on that second server
# (the first three against API Gateway's defaults, which up applies as AWS
# does: the account throttle of 10,000 requests/s answers 429 past it; the
# last two without it, to show what the gateway and the Runtime API serve,
# with Node.js's own cost and without it)
# and prints median req/s and p99 per target, the ratios; then the latency
# cfnrun adds at p50 with one request at a time (LATENCY_N requests each,
# interleaved: the handler called directly behind Node's own HTTP server,
# lambda-bench/direct.js, against cfnrun over h2c and HTTP/1.1); and for each
# server STARTS times: exec to the first 200 (which includes the function's
# cold start) and the latency of the first request once the server answers
# (the cold start a user sees), and the resident memory after the load.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
STREAMS=${STREAMS:-10}
STARTS=${STARTS:-3}
WARMUP=${WARMUP:-15}
CONCURRENCY=${CONCURRENCY:-}
LATENCY_N=${LATENCY_N:-2000}
SLS_VERSION=3.40.0
OFFLINE_VERSION=13.9.0
TOOLS=${CFNRUN_TOOLS:-$HOME/.cache/cfnrun-tools}
SLS_DIR="$TOOLS/serverless$SLS_VERSION-offline$OFFLINE_VERSION"

for tool in h2load node npm curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench-lambda.sh needs $tool (h2load: apt-get install nghttp2-client; node and npm: Node.js 18+)" >&2
    exit 1
  fi
done

if [ ! -x "$SLS_DIR/node_modules/.bin/serverless" ]; then
  echo "installing serverless@$SLS_VERSION and serverless-offline@$OFFLINE_VERSION into $SLS_DIR"
  mkdir -p "$SLS_DIR"
  echo '{"name":"cfnrun-bench-serverless","private":true}' >"$SLS_DIR/package.json"
  (cd "$SLS_DIR" && npm install --no-audit --no-fund --loglevel=error \
    "serverless@$SLS_VERSION" "serverless-offline@$OFFLINE_VERSION" >/dev/null)
fi
SLS="$SLS_DIR/node_modules/.bin/serverless"
# No telemetry, update checks or notifications: nothing leaves the machine.
export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_DEPRECATION_DISABLE='*'

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# As `make build` and the Dockerfile build it: static and stripped (it starts faster).
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/cfnrun" ./cmd/cfnrun
go build -o "$work/startup" ./runtime/internal/benchbackend
cp -r scripts/lambda-bench "$work/app"
# serverless needs its plugin next to serverless.yml.
ln -s "$SLS_DIR/node_modules" "$work/app/node_modules"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

CONC_FLAG=()
if [ -n "$CONCURRENCY" ]; then CONC_FLAG=(--lambda-concurrency "$CONCURRENCY"); fi

# cfnrun_cmd PORT, sls_cmd PORT: the two servers' command lines.
cfnrun_cmd() {
  echo "$work/cfnrun" up --no-watch --access-log=false "${CONC_FLAG[@]}" \
    --addr "127.0.0.1:$1" --tls-addr= "$work/app/template.yaml"
}
# The second cfnrun: no throttle, the Node.js and the Go function. It reads
# template-go.yaml in place: the Go source builds inside this module.
cfnrun_nt_cmd() {
  echo "$work/cfnrun" up --no-watch --access-log=false --no-throttle "${CONC_FLAG[@]}" \
    --addr "127.0.0.1:$1" --tls-addr= scripts/lambda-bench/template-go.yaml
}
sls_cmd() {
  echo "$SLS" offline start --useInProcess --noSponsor --host 127.0.0.1 \
    --httpPort "$1" --lambdaPort "$(free_port)" --websocketPort "$(free_port)"
}

# Start-up and cold start, before the load (each start is a fresh process).
# The middle value; with an even count, the mean of the two middle ones.
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
declare -A START COLD
for name in cfnrun sls; do
  : >"$work/$name.start"
  for _ in $(seq "$STARTS"); do
    port=$(free_port)
    # shellcheck disable=SC2046
    (cd "$work/app" && "$work/startup" -startup-timeout 180s -startup "http://127.0.0.1:$port/dev/hello" \
      -- $(${name}_cmd "$port") 2>/dev/null | tail -1) >>"$work/$name.start"
    port=$(free_port)
    # shellcheck disable=SC2046
    (cd "$work/app" && "$work/startup" -startup-timeout 180s -ready "http://127.0.0.1:$port/dev/none" \
      -startup "http://127.0.0.1:$port/dev/hello" -- $(${name}_cmd "$port") 2>/dev/null | tail -1 | awk '{print $2}') >>"$work/$name.cold"
  done
  START[$name]=$(median <"$work/$name.start")
  COLD[$name]=$(median <"$work/$name.cold")
done

CFN_PORT=$(free_port)
# shellcheck disable=SC2046
$(cfnrun_cmd "$CFN_PORT") >"$work/cfnrun.out" 2>&1 &
CFN_PID=$!
pids+=($CFN_PID)
SLS_PORT=$(free_port)
# shellcheck disable=SC2046
(cd "$work/app" && exec $(sls_cmd "$SLS_PORT")) >"$work/sls.out" 2>&1 &
SLS_PID=$!
pids+=($SLS_PID)

wait_200() {
  for _ in $(seq 3600); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.05
  done
  echo "no 200 from $1" >&2; cat "$work"/*.out >&2; exit 1
}
NT_PORT=$(free_port)
# shellcheck disable=SC2046
$(cfnrun_nt_cmd "$NT_PORT") >"$work/cfnrun-nt.out" 2>&1 &
NT_PID=$!
pids+=($NT_PID)
DIRECT_PORT=$(free_port)
(cd "$work/app" && exec node direct.js "$DIRECT_PORT") >"$work/direct.out" 2>&1 &
pids+=($!)
wait_200 "http://127.0.0.1:$CFN_PORT/dev/hello"
wait_200 "http://127.0.0.1:$SLS_PORT/dev/hello"
wait_200 "http://127.0.0.1:$DIRECT_PORT/dev/hello"
wait_200 "http://127.0.0.1:$NT_PORT/dev/hello"
wait_200 "http://127.0.0.1:$NT_PORT/dev/go" # builds the Go function first

declare -A URL ARGS
URL=([sls-h1]="http://127.0.0.1:$SLS_PORT/dev/hello"
  [cfnrun-h1]="http://127.0.0.1:$CFN_PORT/dev/hello"
  [cfnrun-h2c]="http://127.0.0.1:$CFN_PORT/dev/hello"
  [cfnrun-nt-h2c]="http://127.0.0.1:$NT_PORT/dev/hello"
  [cfnrun-nt-go-h2c]="http://127.0.0.1:$NT_PORT/dev/go")
ARGS=([sls-h1]="--h1 -c $CONNS" [cfnrun-h1]="--h1 -c $CONNS" [cfnrun-h2c]="-c $CONNS -m $STREAMS"
  [cfnrun-nt-h2c]="-c $CONNS -m $STREAMS" [cfnrun-nt-go-h2c]="-c $CONNS -m $STREAMS")
ORDER=(sls-h1 cfnrun-h1 cfnrun-h2c cfnrun-nt-h2c cfnrun-nt-go-h2c)

# run NAME ROUND: one h2load run; appends "2xx/s p99ms 2xx" to $work/NAME.res
run() {
  local name=$1 log="$work/$1.$2.log" out rps ok p99
  # shellcheck disable=SC2086
  out=$(h2load ${ARGS[$name]} -D "$DURATION" --warm-up-time 1 --log-file="$log" "${URL[$name]}" 2>&1)
  # req/s counts 2xx answers only: h2load's own figure counts every answer,
  # and fast non-2xx answers (past API Gateway's account throttle of 10,000
  # requests/s, which up applies as AWS does, a 429) would inflate it.
  ok=$(awk '/^status codes:/ {print $3}' <<<"$out")
  rps=$(awk -v ok="$ok" -v d="$DURATION" 'BEGIN {printf "%.2f", ok / d}')
  other=$(awk '/^status codes:/ {print $5 + $7 + $9}' <<<"$out")
  p99=$(awk '{print $3}' "$log" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.2f", a[i]/1000}')
  echo "$rps $p99 $ok" >>"$work/$name.res"
  printf '  round %d  %-16s %10s req/s  p99 %7s ms  (%s 2xx, %s other)\n' "$2" "$name" "$rps" "$p99" "$ok" "$other"
}

# Warm-up: serverless-offline's request path needs V8 to optimise it, and
# cfnrun starts its instances; neither run is counted.
for n in "${ORDER[@]}"; do
  # shellcheck disable=SC2086
  h2load ${ARGS[$n]} -D "$WARMUP" "${URL[$n]}" >/dev/null 2>&1 || true
done

echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); h2load -D $DURATION, $ROUNDS interleaved rounds"
for r in $(seq "$ROUNDS"); do
  for n in "${ORDER[@]}"; do run "$n" "$r"; done
done

# p50 with one request at a time: the direct call, cfnrun over h2c and over
# HTTP/1.1, interleaved.
declare -A LURL LARGS
LURL=([direct]="http://127.0.0.1:$DIRECT_PORT/dev/hello" [cfnrun-h2c]="http://127.0.0.1:$CFN_PORT/dev/hello"
  [cfnrun-h1]="http://127.0.0.1:$CFN_PORT/dev/hello" [cfnrun-go-h2c]="http://127.0.0.1:$NT_PORT/dev/go")
LARGS=([direct]="--h1 -c 1" [cfnrun-h2c]="-c 1 -m 1" [cfnrun-h1]="--h1 -c 1" [cfnrun-go-h2c]="-c 1 -m 1")
LORDER=(direct cfnrun-h2c cfnrun-h1 cfnrun-go-h2c)
for r in $(seq "$ROUNDS"); do
  for n in "${LORDER[@]}"; do
    : >"$work/lat.$n.$r.log"
    # shellcheck disable=SC2086
    h2load ${LARGS[$n]} -n "$LATENCY_N" --log-file="$work/lat.$n.$r.log" "${LURL[$n]}" >/dev/null 2>&1 || true
    awk '{print $3}' "$work/lat.$n.$r.log" | sort -n | awk '{a[NR]=$1} END {printf "%.3f\n", a[int((NR+1)/2)]/1000}' >>"$work/lat.$n"
  done
done
declare -A P50
for n in "${LORDER[@]}"; do P50[$n]=$(median <"$work/lat.$n"); done

declare -A RPS P99
for n in "${ORDER[@]}"; do
  RPS[$n]=$(awk '{print $1}' "$work/$n.res" | median)
  P99[$n]=$(awk '{print $2}' "$work/$n.res" | median)
done
rss_mb() { # the process and its children (cfnrun's function instances)
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo $((total / 1024))
}
instances=$(pgrep -P "$CFN_PID" | wc -l)
nt_instances=$(pgrep -P "$NT_PID" | wc -l)

echo
echo "median of $ROUNDS rounds (load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
printf '  %-16s %10s %9s\n' target "req/s" "p99 ms"
for n in "${ORDER[@]}"; do printf '  %-16s %10.0f %9s\n' "$n" "${RPS[$n]}" "${P99[$n]}"; done
echo
awk -v a="${RPS[cfnrun-h2c]}" -v b="${RPS[sls-h1]}" -v c="${RPS[cfnrun-h1]}" 'BEGIN {
  printf "cfnrun h2c / serverless-offline h1:  %.2fx req/s (goal 2x)\n", a/b
  printf "cfnrun h1  / serverless-offline h1:  %.2fx req/s (like for like)\n", c/b }'
awk -v d="${P50[direct]}" -v a="${P50[cfnrun-h2c]}" -v b="${P50[cfnrun-h1]}" 'BEGIN {
  printf "p50, one request at a time:           direct %.3f ms, cfnrun h2c %.3f ms, cfnrun h1 %.3f ms\n", d, a, b
  printf "added by cfnrun at p50:               %.3f ms over h2c, %.3f ms over HTTP/1.1 (goal < 1 ms)\n", a-d, b-d }'
awk -v n="${RPS[cfnrun-nt-h2c]}" -v g="${RPS[cfnrun-nt-go-h2c]}" 'BEGIN {
  printf "without the account throttle (up --no-throttle): Node.js %.0f req/s, Go (provided.al2023) %.0f req/s\n", n, g }'
printf 'p50, one request at a time, Go:       cfnrun h2c %s ms (the handler included)\n' "${P50[cfnrun-go-h2c]}"
printf 'exec to first 200 (median of %s):     cfnrun %s ms, serverless-offline %s ms\n' "$STARTS" "${START[cfnrun]}" "${START[sls]}"
printf 'first request, cold function:         cfnrun %s ms, serverless-offline %s ms (goal < 300 ms)\n' "${COLD[cfnrun]}" "${COLD[sls]}"
printf 'resident memory after the load:       cfnrun %s MB with %s Node instance(s), serverless-offline %s MB\n' \
  "$(rss_mb "$CFN_PID")" "$instances" "$(rss_mb "$SLS_PID")"
printf '                                      cfnrun --no-throttle %s MB with %s Node and Go instance(s)\n' \
  "$(rss_mb "$NT_PID")" "$nt_instances"
