#!/usr/bin/env bash
# bench.sh — cfnrun against HAProxy and Caddy, configured the same way, under h2load.
#
#   scripts/bench.sh            # or: make bench
#   DURATION=10 ROUNDS=5 scripts/bench.sh
#   STOCK=1 scripts/bench.sh    # also cfnrun --stock-http2 (x/net's server and transport)
#   TLS=0 CURVE=0 SIZES=0 scripts/bench.sh   # skip the TLS leg, the connection curve, the template sizes
#   REDIS=0 scripts/bench.sh   # skip the --state redis:// leg (on by default when redis-server is installed)
#   IDLE=10000 ACTIVE=1000 TOP=10000 scripts/bench.sh   # the curve's idle + active step and its top step (these
#                                             # defaults, fewer when the descriptor limit cannot hold them)
#   STARTS=20 MEASURE=11 scripts/bench.sh    # up start-ups timed (alternating default and 2,000 template); runs
#                                             # per template size (these defaults)
#
# Starts a small Go backend (HTTP/1.1 + h2c), cfnrun serving scripts/bench.yaml
# (an HTTP_PROXY route with ConnectionType HTTP2, and a MOCK route with a
# response template and a response header), HAProxy (h2 front, `proto h2`
# back, nbthread 2; `http-request return` for the mock) and Caddy with the
# equivalent config (reverse_proxy to an h2c:// upstream; respond with the same
# body and header). Then it runs `h2load -c 16 -m 10` against each, h2c
# (prior knowledge) and h2 over TLS (ALPN, one ECDSA P-256 certificate for
# all three), interleaved, ROUNDS times, and prints the median req/s, p99
# latency, the ratios, cfnrun's resident memory and its exec-to-first-200
# time (when both proxies answer at 80% or more of the backend alone's req/s,
# the HTTP_PROXY lines say so: the req/s ratio is then the backend's, and CPU
# per request and p99 decide); then req/s, peak RSS and RSS per connection as client connections grow
# (10,000 idle + 1,000 active; 100 / 1,000 / 10,000 active; cfnrun and HAProxy, a fresh process for
# each step), and validate / diff whole-process time and peak memory
# over generated templates of growing size. Access logs are off everywhere.
#
# Access control: a second cfnrun, throttles on (the account throttle raised
# past what h2load sends), serves /prod/kproxy and /prod/kmock — the same
# routes with an API key, a usage plan throttle and MONTH quota and a stage
# method throttle — in the same interleaved rounds, and the ratios to the
# plain routes are printed (issue 11: at least 0.9x). With redis-server
# installed, a third one keeps those limits in a loopback Redis (--state).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
STREAMS=${STREAMS:-10}

TLS=${TLS:-1}
REDIS=${REDIS:-1}
command -v redis-server >/dev/null || REDIS=0
KEY=bench-key-0123456789abcdef
CURVE=${CURVE:-1}
SIZES=${SIZES:-1}

need=()
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v caddy >/dev/null || need+=(caddy)
command -v haproxy >/dev/null || need+=(haproxy)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null)
  else
    echo "bench.sh needs: ${need[*]} (apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

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
go build -o "$work/backend" ./runtime/internal/benchbackend
go build -o "$work/gentool" ./internal/gen/gentool
# Many connections need descriptors: take the hard limit. HAProxy sizes its
# maxconn from it (without a global maxconn), as cfnrun sizes --max-conns.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# One certificate type for every TLS listener.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" >"$work/haproxy.pem"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$work/backend" >"$work/backend.addr" &
BACKEND_PID=$!
pids+=($!)
for _ in $(seq 100); do [ -s "$work/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$work/backend.addr")

CFN_PORT=$(free_port)
CFN_TLS=$(free_port)
# --no-throttle: h2load goes past the account limit (10,000 req/s) that up enforces by default.
"$work/cfnrun" up --no-watch --access-log=false --no-throttle --addr "127.0.0.1:$CFN_PORT" --tls-addr "127.0.0.1:$CFN_TLS" \
  --cert "$work/cert.pem" --key "$work/key.pem" --max-conns -1 \
  --map "backend.bench=$BACKEND" scripts/bench.yaml >"$work/cfnrun.out" 2>&1 &
CFN_PID=$!
pids+=($CFN_PID)

# The same template with throttles on: the keyed routes take every limit.
KEY_PORT=$(free_port)
"$work/cfnrun" up --no-watch --access-log=false --account-throttle 1000000000/100000000 --addr "127.0.0.1:$KEY_PORT" --tls-addr "" \
  --max-conns -1 --map "backend.bench=$BACKEND" scripts/bench.yaml >"$work/keyed.out" 2>&1 &
KEY_PID=$!
pids+=($!)

ORDER_EXTRA=()
if [ "$REDIS" = 1 ]; then
  # And with those limits in Redis on loopback: one script call a request
  # takes the plan throttle, stage throttle, account throttle and quota.
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
  RKEY_PORT=$(free_port)
  "$work/cfnrun" up --no-watch --access-log=false --account-throttle 1000000000/100000000 --addr "127.0.0.1:$RKEY_PORT" --tls-addr "" \
    --max-conns -1 --state "redis://127.0.0.1:$REDIS_PORT" --map "backend.bench=$BACKEND" scripts/bench.yaml >"$work/redis-keyed.out" 2>&1 &
  RKEY_PID=$!
  pids+=($!)
  ORDER_EXTRA+=(cfnrun-proxy-redis cfnrun-mock-redis)
fi
if [ "${STOCK:-0}" = 1 ]; then
  # The same gateway with golang.org/x/net/http2 on both legs, to show
  # what cfnrun's own HTTP/2 engine buys.
  STOCK_PORT=$(free_port)
  "$work/cfnrun" up --no-watch --access-log=false --no-throttle --stock-http2 --addr "127.0.0.1:$STOCK_PORT" --tls-addr "" \
    --map "backend.bench=$BACKEND" scripts/bench.yaml >"$work/stock.out" 2>&1 &
  STOCK_PID=$!
  pids+=($!)
  ORDER_EXTRA+=(stock-proxy stock-mock)
fi

CADDY_PROXY=$(free_port)
CADDY_MOCK=$(free_port)
cat >"$work/Caddyfile" <<EOF
{
	admin off
	auto_https off
	servers {
		protocols h1 h2c
	}
}
http://127.0.0.1:$CADDY_PROXY {
	reverse_proxy h2c://$BACKEND
}
http://127.0.0.1:$CADDY_MOCK {
	header Access-Control-Allow-Origin *
	header Content-Type application/json
	respond \`{"message":"hello from the mock"}\` 200
}
EOF
caddy run --adapter caddyfile --config "$work/Caddyfile" >"$work/caddy.log" 2>&1 &
CADDY_PID=$!
pids+=($!)

HAP_PROXY=$(free_port)
HAP_MOCK=$(free_port)
HAP_PROXY_TLS=$(free_port)
HAP_MOCK_TLS=$(free_port)
cat >"$work/haproxy.cfg" <<EOF
global
	nbthread 2
defaults
	mode http
	timeout connect 5s
	timeout client 60s
	timeout server 60s
	maxconn 40000
frontend proxy
	bind 127.0.0.1:$HAP_PROXY proto h2
	bind 127.0.0.1:$HAP_PROXY_TLS ssl crt $work/haproxy.pem alpn h2,http/1.1
	default_backend be
backend be
	http-reuse always
	server s1 $BACKEND proto h2
frontend mock
	bind 127.0.0.1:$HAP_MOCK proto h2
	bind 127.0.0.1:$HAP_MOCK_TLS ssl crt $work/haproxy.pem alpn h2,http/1.1
	http-request return status 200 content-type application/json string '{"message":"hello from the mock"}' hdr Access-Control-Allow-Origin "*"
EOF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
HAP_PID=$!
pids+=($HAP_PID)

CADDY_TLS=$(free_port)
CADDY_MOCK_TLS=$(free_port)
if [ "$TLS" = 1 ]; then
  cat >"$work/Caddyfile.tls" <<EOF
{
	admin off
	auto_https off
}
https://127.0.0.1:$CADDY_TLS {
	tls $work/cert.pem $work/key.pem
	reverse_proxy h2c://$BACKEND
}
https://127.0.0.1:$CADDY_MOCK_TLS {
	tls $work/cert.pem $work/key.pem
	header Access-Control-Allow-Origin *
	header Content-Type application/json
	respond \`{"message":"hello from the mock"}\` 200
}
EOF
  caddy run --adapter caddyfile --config "$work/Caddyfile.tls" >"$work/caddy-tls.log" 2>&1 &
  CADDY_TLS_PID=$!
  pids+=($!)
fi

wait_200() { # wait_200 URL [HEADER]
  local how=--http2-prior-knowledge
  case $1 in https://*) how="--http2 -k" ;; esac
  for _ in $(seq 200); do
    # shellcheck disable=SC2086
    if curl -s -o /dev/null -w '%{http_code}' $how -H "${2:-X-Bench: 1}" "$1" 2>/dev/null | grep -q 200; then return 0; fi
    sleep 0.05
  done
  echo "no 200 from $1" >&2; cat "$work"/*.out "$work/caddy.log" >&2; exit 1
}
wait_200 "http://127.0.0.1:$CFN_PORT/prod/proxy"
wait_200 "http://127.0.0.1:$CFN_PORT/prod/mock"
wait_200 "http://127.0.0.1:$KEY_PORT/prod/kproxy" "x-api-key: $KEY"
wait_200 "http://127.0.0.1:$KEY_PORT/prod/kmock" "x-api-key: $KEY"
if [ "$REDIS" = 1 ]; then
  wait_200 "http://127.0.0.1:$RKEY_PORT/prod/kmock" "x-api-key: $KEY"
fi
if [ "${STOCK:-0}" = 1 ]; then
  wait_200 "http://127.0.0.1:$STOCK_PORT/prod/proxy"
fi
wait_200 "http://127.0.0.1:$CADDY_PROXY/hello"
wait_200 "http://127.0.0.1:$CADDY_MOCK/mock"
wait_200 "http://127.0.0.1:$HAP_PROXY/hello"
wait_200 "http://127.0.0.1:$HAP_MOCK/mock"
if [ "$TLS" = 1 ]; then
  wait_200 "https://127.0.0.1:$CFN_TLS/prod/proxy"
  wait_200 "https://127.0.0.1:$HAP_PROXY_TLS/hello"
  wait_200 "https://127.0.0.1:$CADDY_TLS/hello"
  wait_200 "https://127.0.0.1:$CADDY_MOCK_TLS/mock"
fi

declare -A URL
URL=(
  [backend]="http://$BACKEND/hello"
  [cfnrun-proxy]="http://127.0.0.1:$CFN_PORT/prod/proxy"
  [caddy-proxy]="http://127.0.0.1:$CADDY_PROXY/hello"
  [haproxy-proxy]="http://127.0.0.1:$HAP_PROXY/hello"
  [cfnrun-mock]="http://127.0.0.1:$CFN_PORT/prod/mock"
  [cfnrun-proxy-key]="http://127.0.0.1:$KEY_PORT/prod/kproxy"
  [cfnrun-mock-key]="http://127.0.0.1:$KEY_PORT/prod/kmock"
  [haproxy-return]="http://127.0.0.1:$HAP_MOCK/mock"
  [caddy-respond]="http://127.0.0.1:$CADDY_MOCK/mock"
  [cfnrun-proxy-tls]="https://127.0.0.1:$CFN_TLS/prod/proxy"
  [haproxy-proxy-tls]="https://127.0.0.1:$HAP_PROXY_TLS/hello"
  [caddy-proxy-tls]="https://127.0.0.1:$CADDY_TLS/hello"
  [cfnrun-mock-tls]="https://127.0.0.1:$CFN_TLS/prod/mock"
  [haproxy-return-tls]="https://127.0.0.1:$HAP_MOCK_TLS/mock"
  [caddy-respond-tls]="https://127.0.0.1:$CADDY_MOCK_TLS/mock"
)
declare -A HDR
HDR=([cfnrun-proxy-key]="x-api-key: $KEY" [cfnrun-mock-key]="x-api-key: $KEY")
if [ "$REDIS" = 1 ]; then
  URL[cfnrun-proxy-redis]="http://127.0.0.1:$RKEY_PORT/prod/kproxy"
  URL[cfnrun-mock-redis]="http://127.0.0.1:$RKEY_PORT/prod/kmock"
  HDR[cfnrun-proxy-redis]="x-api-key: $KEY"
  HDR[cfnrun-mock-redis]="x-api-key: $KEY"
fi
if [ "${STOCK:-0}" = 1 ]; then
  URL[stock-proxy]="http://127.0.0.1:$STOCK_PORT/prod/proxy"
  URL[stock-mock]="http://127.0.0.1:$STOCK_PORT/prod/mock"
fi
ORDER=(backend cfnrun-proxy cfnrun-proxy-key haproxy-proxy caddy-proxy cfnrun-mock cfnrun-mock-key haproxy-return caddy-respond)
if [ "$TLS" = 1 ]; then
  ORDER+=(cfnrun-proxy-tls haproxy-proxy-tls caddy-proxy-tls cfnrun-mock-tls haproxy-return-tls caddy-respond-tls)
fi
ORDER+=("${ORDER_EXTRA[@]}")

# pid_of NAME: the process serving target NAME.
pid_of() {
  case $1 in
  backend) echo "$BACKEND_PID" ;;
  curve) echo "$CURVE_PID" ;;
  cfnrun-*-key) echo "$KEY_PID" ;;
  cfnrun-*-redis) echo "${RKEY_PID:-}" ;;
  stock-*) echo "${STOCK_PID:-}" ;;
  cfnrun-*) echo "$CFN_PID" ;;
  haproxy-*) echo "$HAP_PID" ;;
  caddy-*-tls) echo "${CADDY_TLS_PID:-}" ;;
  caddy-*) echo "$CADDY_PID" ;;
  esac
}
# cpu_ticks PID: user + system CPU time of PID so far, in clock ticks.
# idle_ticks: the machine's idle + iowait time so far and its total, in ticks (/proc/stat).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
idle_ticks() { awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat; }

# run NAME ROUND [CONNS STREAMS THREADS WARMUP]: one h2load run, measuring after WARMUP s (1 by default);
# appends "req/s p99ms 2xx cpu-µs/req" to $work/NAME.res. CPU per request is the target process's CPU
# time over h2load's measured period (after its warm-up) divided by the requests answered in it: it
# moves much less with the machine's load than req/s does.
run() {
  local name=$1 log="$work/$1.$2.log"
  local out hdr=()
  if [ -n "${HDR[$name]:-}" ]; then hdr=(-H "${HDR[$name]}"); fi
  local pid c0 c1 b0 b1 i0 i1 warm=${6:-1}
  pid=$(pid_of "$name")
  # Bounded: at thousands of connections opened at once a target can
  # stall on the accept backlog (or its connection limit) for minutes.
  timeout "$((DURATION + warm + 60))" h2load -c "${3:-$CONNS}" -m "${4:-$STREAMS}" -t "${5:-1}" -D "$DURATION" --warm-up-time "$warm" --log-file="$log" "${hdr[@]}" "${URL[$name]}" >"$work/h2load.out" 2>&1 &
  local hp=$!
  sleep "$warm"
  c0=$(cpu_ticks "$pid"); b0=$(cpu_ticks "$BACKEND_PID"); i0=$(idle_ticks)
  wait "$hp" || true
  c1=$(cpu_ticks "$pid"); b1=$(cpu_ticks "$BACKEND_PID"); i1=$(idle_ticks)
  out=$(cat "$work/h2load.out")
  local rps ok
  rps=$(awk '/^finished in/ {print $4}' <<<"$out")
  ok=$(awk '/^status codes:/ {print $3}' <<<"$out")
  rps=${rps:-0} ok=${ok:-0}
  local p99
  p99=$(awk '{print $3}' "$log" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.2f", a[i]/1000}')
  local cpu
  cpu=$(awk -v d="$((c1 - c0))" -v t="$(getconf CLK_TCK)" -v n="${ok:-0}" 'BEGIN {if (n > 0) printf "%.1f", d / t * 1e6 / n; else print 0}')
  # The backend's CPU per request in the same period: how a proxy frames
  # its requests changes what the backend spends, and on two cores the
  # backend's share is most of what a proxied request costs the machine.
  local bcpu
  bcpu=$(awk -v d="$((b1 - b0))" -v t="$(getconf CLK_TCK)" -v n="${ok:-0}" 'BEGIN {if (n > 0) printf "%.1f", d / t * 1e6 / n; else print 0}')
  # The machine's idle share over the same period: on a quiet machine,
  # a target whose chain (h2load, it, the backend) leaves CPU idle is
  # held back by waiting (one connection, one goroutine, batching), not
  # by what it computes.
  local idle
  idle=$(echo "$i0 $i1" | awk '{if ($4 > $2) printf "%.0f", 100 * ($3 - $1) / ($4 - $2); else print 0}')
  echo "$rps $p99 $ok $cpu $bcpu" >>"$work/$name.res"
  printf '  round %s  %-14s %10s req/s  p99 %6s ms  %6s µs CPU/req  backend %6s µs/req  idle %3s%%  (%s 2xx, load %s)\n' "$2" "$name" "$rps" "$p99" "$cpu" "$bcpu" "$idle" "$ok" "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "h2load -c $CONNS -m $STREAMS -D $DURATION (h2c; -tls: h2 over TLS), $ROUNDS interleaved rounds, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  for n in "${ORDER[@]}"; do run "$n" "$r"; done
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A RPS P99 CPU BCPU
for n in "${ORDER[@]}"; do
  RPS[$n]=$(awk '{print $1}' "$work/$n.res" | median)
  P99[$n]=$(awk '{print $2}' "$work/$n.res" | median)
  CPU[$n]=$(awk '{print $4}' "$work/$n.res" | median)
  BCPU[$n]=$(awk '{print $5}' "$work/$n.res" | median)
done
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$CFN_PID/status)

echo
echo "median of $ROUNDS rounds:"
printf '  %-18s %12s %10s %16s\n' target "req/s" "p99 ms" "µs CPU/req"
for n in "${ORDER[@]}"; do printf '  %-18s %12.0f %10s %16s\n' "$n" "${RPS[$n]}" "${P99[$n]}" "${CPU[$n]}"; done
echo
ratio() { # ratio LABEL A B GOAL: A's req/s over B's, with both p99s
  awk -v l="$1" -v a="${RPS[$2]}" -v b="${RPS[$3]}" -v pa="${P99[$2]}" -v pb="${P99[$3]}" -v g="$4" \
    'BEGIN {printf "%-34s %5.2fx req/s (goal %s), p99 %s vs %s ms\n", l, a/b, g, pa, pb}'
}
# cpu_ratio LABEL A B: CPU per request of A's process over B's.
cpu_ratio() {
  awk -v l="$1" -v a="${CPU[$2]}" -v b="${CPU[$3]}" 'BEGIN {if (b > 0) printf "%-34s %5.2fx (%s vs %s µs/req)\n", l, a/b, a, b}'
}
ratio "HTTP_PROXY h2c, cfnrun/haproxy:" cfnrun-proxy haproxy-proxy "1x"
cpu_ratio "  CPU per request, cfnrun/haproxy:" cfnrun-proxy haproxy-proxy
# per_round LABEL A B: A's req/s over B's in each round (the median hides a bad round).
per_round() {
  paste -d' ' "$work/$2.res" "$work/$3.res" | head -n "$ROUNDS" |
    awk -v l="$1" '{r = r sprintf(" %.2f", ($6 > 0) ? $1 / $6 : 0); p = p sprintf(" %s/%s", $2, $7)} END {printf "%-34s%s (p99 ms%s)\n", l, r, p}'
}
per_round "  per round, cfnrun/haproxy:" cfnrun-proxy haproxy-proxy
# paced LABEL A B: when both proxies answer at the backend's own pace (each at 80% or more of what the
# backend alone answers in the same rounds), their req/s ratio is the backend's noise, not theirs: say
# so, and give the figures that decide then, CPU per request and p99.
paced() {
  awk -v l="$1" -v a="${RPS[$2]}" -v b="${RPS[$3]}" -v be="${RPS[backend]}" -v ca="${CPU[$2]}" -v cb="${CPU[$3]}" \
    -v pa="${P99[$2]}" -v pb="${P99[$3]}" 'BEGIN {
      if (be <= 0 || b <= 0) exit
      fa = a / be; fb = b / be
      if (fa >= 0.8 && fb >= 0.8)
        printf "%-34s backend-bound (%.0f%% and %.0f%% of the backend alone): req/s decides nothing here; deciding: CPU/req %.2fx, p99 %.2fx (%s vs %s ms)\n", l, 100 * fa, 100 * fb, (cb > 0 ? ca / cb : 0), (pb > 0 ? pa / pb : 0), pa, pb
      else
        printf "%-34s %.0f%% and %.0f%% of the backend alone: not backend-bound, req/s decides\n", l, 100 * fa, 100 * fb
    }'
}
paced "  at the backend's pace?" cfnrun-proxy haproxy-proxy
awk -v a="${BCPU[cfnrun-proxy]}" -v b="${BCPU[haproxy-proxy]}" 'BEGIN {if (b > 0) printf "  backend CPU per request behind each: %.2fx (%s vs %s µs/req)\n", a/b, a, b}'
ratio "HTTP_PROXY h2c, cfnrun/caddy:" cfnrun-proxy caddy-proxy "1.5x"
ratio "MOCK h2c, cfnrun/haproxy return:" cfnrun-mock haproxy-return "0.5x"
cpu_ratio "  CPU per request, cfnrun/haproxy:" cfnrun-mock haproxy-return
ratio "MOCK h2c, cfnrun/caddy respond:" cfnrun-mock caddy-respond "2x"
ratio "HTTP_PROXY h2c, key+throttle/plain:" cfnrun-proxy-key cfnrun-proxy "0.9x"
ratio "MOCK h2c, key+throttle/plain:" cfnrun-mock-key cfnrun-mock "0.9x"
if [ "$REDIS" = 1 ]; then
  ratio "HTTP_PROXY h2c, limits in Redis/plain:" cfnrun-proxy-redis cfnrun-proxy "-"
  ratio "MOCK h2c, limits in Redis/plain:" cfnrun-mock-redis cfnrun-mock "-"
  qkey=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'cfnrun:q:*' | head -1)
  echo "quota counter in Redis after the run: $(redis-cli -p "$REDIS_PORT" get "$qkey") (the requests the Redis-backed replica admitted)"
fi
if [ "$TLS" = 1 ]; then
  ratio "HTTP_PROXY TLS, cfnrun/haproxy:" cfnrun-proxy-tls haproxy-proxy-tls "1x"
  cpu_ratio "  CPU per request, cfnrun/haproxy:" cfnrun-proxy-tls haproxy-proxy-tls
  per_round "  per round, cfnrun/haproxy:" cfnrun-proxy-tls haproxy-proxy-tls
  paced "  at the backend's pace?" cfnrun-proxy-tls haproxy-proxy-tls
  ratio "HTTP_PROXY TLS, cfnrun/caddy:" cfnrun-proxy-tls caddy-proxy-tls "1.5x"
  ratio "MOCK TLS, cfnrun/haproxy return:" cfnrun-mock-tls haproxy-return-tls "0.5x"
  cpu_ratio "  CPU per request, cfnrun/haproxy:" cfnrun-mock-tls haproxy-return-tls
  ratio "MOCK TLS, cfnrun/caddy respond:" cfnrun-mock-tls caddy-respond-tls "2x"
fi
if [ "${STOCK:-0}" = 1 ]; then
  awk -v a="${RPS[cfnrun-proxy]}" -v b="${RPS[stock-proxy]}" -v c="${RPS[cfnrun-mock]}" -v d="${RPS[stock-mock]}" \
    'BEGIN {printf "own HTTP/2 engine vs --stock-http2: proxy %.2fx, mock %.2fx\n", a/b, c/d}'
fi
echo "cfnrun peak RSS (VmHWM) under load: $((rss_kb / 1024)) MB (goal < 64 MB)"

# up's start-ups: STARTS of each (20 by default) — the embedded default and,
# with SIZES, the 2,000-resource template — alternating, as
# scripts/startup-ab.sh does. A single start on this 2-core machine reads
# anything from 5 to 40 ms with what else runs at that instant, and a median
# of 5 moved with it; the median of 20 interleaved starts, with the CPU time
# and page faults at the answer (which the load barely moves), does not.
STARTUP_PORT=$(free_port)
STARTS=${STARTS:-20}
if [ "$SIZES" = 1 ]; then "$work/gentool" cfn-yaml 2000 >"$work/big.yaml"; fi
: >"$work/st-seed" ; : >"$work/st-big"
sleep 2 # the last h2load round's connections close
st_load0=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$STARTS"); do
  "$work/backend" -startup "http://127.0.0.1:$STARTUP_PORT/prod/myresource" -usage -- \
    "$work/cfnrun" up --no-watch --addr "127.0.0.1:$STARTUP_PORT" --tls-addr "" 2>/dev/null | tail -1 >>"$work/st-seed"
  if [ "$SIZES" = 1 ]; then
    # POST /prod/p0 is an HTTP_PROXY route the demo backend answers 200:
    # a route served, not a 403 for a path the gateway lacks.
    "$work/backend" -startup "http://127.0.0.1:$STARTUP_PORT/prod/p0" -method POST -header X-Id:7 -usage -- \
      "$work/cfnrun" up --no-watch --addr "127.0.0.1:$STARTUP_PORT" --tls-addr "" --demo-backend "$work/big.yaml" 2>/dev/null | tail -1 >>"$work/st-big"
  fi
done
# startup_line FILE WHAT: the median wall ms, CPU ms and faults of FILE's lines ("wall cpu faults"),
# and how many of its starts answered in under 20 ms.
startup_line() {
  local wall cpu faults under
  wall=$(awk '{print $1}' "$1" | median); cpu=$(awk '{print $2}' "$1" | median); faults=$(awk '{print $3}' "$1" | median)
  under=$(awk '$1 < 20 {n++} END {print n + 0}' "$1")
  echo "cfnrun up ($2) exec to first 200: $wall ms median of $(wc -l <"$1") starts (goal < 20 ms; $under under 20 ms), CPU $cpu ms, $faults page faults"
}
startup_line "$work/st-seed" "embedded default"
if [ "$SIZES" = 1 ]; then startup_line "$work/st-big" "2,000-resource template"; fi
echo "  (start-ups alternating, load $st_load0 -> $(cut -d' ' -f1-3 /proc/loadavg); scripts/startup-ab.sh times two binaries the same way)"

if [ "$CURVE" = 1 ]; then
  # Connections: IDLE idle h2c connections (preface and SETTINGS sent, then
  # silence) held while ACTIVE h2load connections proxy, then h2load alone
  # at 100 / 1,000 / TOP connections (-m 1 each), cfnrun against HAProxy.
  # Each step runs on a fresh process of each (the same flags and HAProxy
  # configuration as above, the proxy route only), so that its memory is
  # its own: neither process gives back at once what a bigger step took.
  # RSS per connection is (peak RSS of the step, VmHWM - RSS after the
  # first 200) / connections.
  #
  # Descriptors: each process has its own limit (the hard limit; 20,000 in
  # the container of docs/performance.md, which cannot raise it). A target
  # holds one per client connection plus its few backend connections (both
  # multiplex HTTP/2 streams to the backend: HAProxy with http-reuse
  # always). HAProxy counts two per connection (maxsock = 2 x maxconn + 17),
  # derives a global maxconn of 9,991 from 20,000 and refuses to start with
  # a larger one unless told "no strict-limits": its curve configuration
  # sets maxconn to what the steps hold and "no strict-limits" (it says it
  # cannot raise the limit to 2 x maxconn and runs with 20,000). A step
  # past the limit (less the margin for backend connections and h2load's
  # own) is lowered to fit, and the output says so.
  ACTIVE=${ACTIVE:-1000}
  IDLE=${IDLE:-10000}
  TOP=${TOP:-10000}
  cap=$(($(ulimit -n) - 500))
  if [ $((IDLE + ACTIVE)) -gt "$cap" ]; then
    IDLE=$((cap - ACTIVE))
    echo "note: $(ulimit -n) descriptors per process: the idle step holds $IDLE idle connections, not 10,000"
  fi
  if [ "$TOP" -gt "$cap" ]; then
    TOP=$cap
    echo "note: $(ulimit -n) descriptors per process: the top step is $TOP connections, not 10,000"
  fi
  hold=$((IDLE + ACTIVE > TOP ? IDLE + ACTIVE : TOP))
  cat >"$work/haproxy-curve.cfg.in" <<EOF2
global
	nbthread 2
	maxconn $((hold + 100))
	no strict-limits
defaults
	mode http
	timeout connect 5s
	timeout client 60s
	timeout server 60s
	maxconn 40000
frontend proxy
	bind 127.0.0.1:@PORT@ proto h2
	default_backend be
backend be
	http-reuse always
	server s1 $BACKEND proto h2
EOF2
  # start_curve cfnrun|haproxy: a fresh process for one step, answering 200; sets CURVE_PID, URL[curve], BASE_KB.
  start_curve() {
    local port
    port=$(free_port)
    if [ "$1" = cfnrun ]; then
      "$work/cfnrun" up --no-watch --access-log=false --no-throttle --addr "127.0.0.1:$port" --tls-addr "" --max-conns -1 \
        --map "backend.bench=$BACKEND" scripts/bench.yaml >"$work/curve-cfnrun.out" 2>&1 &
      CURVE_PID=$!
      URL[curve]="http://127.0.0.1:$port/prod/proxy"
    else
      sed "s/@PORT@/$port/" "$work/haproxy-curve.cfg.in" >"$work/haproxy-curve.cfg"
      haproxy -f "$work/haproxy-curve.cfg" -db >"$work/haproxy-curve.log" 2>&1 &
      CURVE_PID=$!
      URL[curve]="http://127.0.0.1:$port/hello"
    fi
    pids+=("$CURVE_PID")
    wait_200 "${URL[curve]}"
    BASE_KB=$(kb_of "$CURVE_PID" VmRSS)
  }
  stop_curve() { kill "$CURVE_PID" 2>/dev/null || true; wait "$CURVE_PID" 2>/dev/null || true; }
  # kb_of PID FIELD: a /proc/PID/status memory field in KiB.
  kb_of() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
  declare -A CR CM CK

  echo
  echo "$IDLE idle h2c connections + $ACTIVE active (h2load -c $ACTIVE -m 1, HTTP_PROXY, $DURATION s), a fresh process each: RSS and req/s"
  printf '  %-8s %12s %12s %14s %14s %12s %14s\n' target "RSS at start" "RSS idle" "peak idle+load" "KiB/idle conn" "KiB/conn" "active req/s"
  for t in cfnrun haproxy; do
    start_curve "$t"
    rm -f "$work/idle.ready"
    python3 - "${URL[curve]#http://127.0.0.1:}" "$IDLE" "$work/idle.ready" <<'PY' &
import socket, sys, time
port, n, ready = int(sys.argv[1].split("/")[0]), int(sys.argv[2]), sys.argv[3]
hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
held = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(hello)
    held.append(s)
open(ready, "w").write("%d\n" % len(held))
time.sleep(3600)
PY
    idle_pid=$!
    for _ in $(seq 1200); do [ -s "$work/idle.ready" ] && break; sleep 0.1; done
    sleep 0.5 # the last connections' prefaces read
    idle=$(kb_of "$CURVE_PID" VmRSS)
    run curve "idle-$t" "$ACTIVE" 1 2 >/dev/null
    peak=$(kb_of "$CURVE_PID" VmHWM)
    kill "$idle_pid" 2>/dev/null; wait "$idle_pid" 2>/dev/null || true
    stop_curve
    rps=$(tail -1 "$work/curve.res" | awk '{print $1}')
    CK[$t-idle]=$(awk -v b="$BASE_KB" -v i="$idle" -v n="$IDLE" 'BEGIN {printf "%.1f", (i-b)/n}')
    CK[$t-all]=$(awk -v b="$BASE_KB" -v a="$peak" -v n="$((IDLE + ACTIVE))" 'BEGIN {printf "%.1f", (a-b)/n}')
    awk -v t="$t" -v b="$BASE_KB" -v i="$idle" -v a="$peak" -v ki="${CK[$t-idle]}" -v k="${CK[$t-all]}" -v r="$rps" \
      'BEGIN {printf "  %-8s %9.0f MB %9.0f MB %11.0f MB %14s %12s %14.0f\n", t, b/1024, i/1024, a/1024, ki, k, r}'
  done
  awk -v a="${CK[cfnrun-idle]}" -v b="${CK[haproxy-idle]}" -v c="${CK[cfnrun-all]}" -v d="${CK[haproxy-all]}" \
    'BEGIN {if (b > 0 && d > 0) printf "  RSS per connection, cfnrun/haproxy: idle %.2fx, idle+active %.2fx\n", a/b, c/d}'

  echo
  echo "connections (h2c HTTP_PROXY, h2load -m 1 per connection, $DURATION s), a fresh process each step: req/s, peak RSS, RSS per connection"
  printf '  %-7s %13s %8s %9s   %13s %8s %9s   %8s %9s\n' conns "cfnrun req/s" "peak MB" "KiB/conn" "haproxy req/s" "peak MB" "KiB/conn" "req/s" "KiB/conn"
  for c in 100 1000 "$TOP"; do
    for t in cfnrun haproxy; do
      start_curve "$t"
      # Opened at once, 10,000 connections overflow the kernel's accept
      # backlog (somaxconn 4096 here) and wait for SYN retries: a longer
      # warm-up lets them in before h2load measures.
      run curve "c$c-$t" "$c" 1 2 "$((1 + c / 2000))" >/dev/null
      peak=$(kb_of "$CURVE_PID" VmHWM)
      stop_curve
      CR[$t]=$(tail -1 "$work/curve.res" | awk '{print $1}')
      CM[$t]=$((peak / 1024))
      CK[$t]=$(awk -v b="$BASE_KB" -v a="$peak" -v n="$c" 'BEGIN {printf "%.1f", (a-b)/n}')
    done
    awk -v c="$c" -v cr="${CR[cfnrun]}" -v cm="${CM[cfnrun]}" -v ck="${CK[cfnrun]}" -v hr="${CR[haproxy]}" -v hm="${CM[haproxy]}" -v hk="${CK[haproxy]}" \
      'BEGIN {printf "  %-7s %13.0f %8s %9s   %13.0f %8s %9s   %7.2fx %8.2fx\n", c, cr, cm, ck, hr, hm, hk, (hr > 0 ? cr/hr : 0), (hk > 0 ? ck/hk : 0)}'
  done
  echo "  (the last two columns: cfnrun/haproxy)"
fi

if [ "$SIZES" = 1 ]; then
  echo
  # Eleven runs each (five did): one run in five on this shared machine
  # can read 2-3x, and a median of five then moved with two of them.
  MEASURE=${MEASURE:-11}
  echo "whole process on generated templates: median wall ms, median CPU ms, peak RSS MB of $MEASURE runs"
  # Right after the connection curve the kernel is still tearing down its
  # 10,000 sockets and the 370 MB of a process that just exited: the first
  # templates timed then read 3-5x (YAML 500: 28.9 ms, YAML 2,000: 31.4 ms,
  # where they take 5-11 ms). Wait for the machine to settle first.
  if [ "$CURVE" = 1 ]; then sleep 5; fi
  for n in 500 2000 8000 16000; do
    "$work/gentool" cfn-yaml "$n" >"$work/t$n.yaml"
    "$work/gentool" cfn-json "$n" >"$work/t$n.json"
    printf '  validate %6d resources   yaml %-20s  json %s\n' "$n" \
      "$("$work/gentool" measure -n "$MEASURE" -- "$work/cfnrun" validate "$work/t$n.yaml")" \
      "$("$work/gentool" measure -n "$MEASURE" -- "$work/cfnrun" validate "$work/t$n.json")"
  done
  for n in 50 200 1000; do
    mkdir -p "$work/tf$n"
    "$work/gentool" tf "$n" >"$work/tf$n/main.tf"
    printf '  validate terraform %5d routes   %s\n' "$n" "$("$work/gentool" measure -n "$MEASURE" -- "$work/cfnrun" validate "$work/tf$n")"
  done
  "$work/gentool" cfn-yaml 2000 1 >"$work/t2000b.yaml"
  "$work/gentool" cfn-json 2000 1 >"$work/t2000b.json"
  printf '  diff 2,000 vs 2,000 (40 routes changed)   yaml %-20s  json %s\n' \
    "$("$work/gentool" measure -n "$MEASURE" -- "$work/cfnrun" diff "$work/t2000.yaml" "$work/t2000b.yaml")" \
    "$("$work/gentool" measure -n "$MEASURE" -- "$work/cfnrun" diff "$work/t2000.json" "$work/t2000b.json")"
  echo "  goals: validate 2,000 resources < 20 ms, terraform 200 routes < 15 ms, diff 2,000 < 30 ms"
fi
