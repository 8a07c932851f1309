#!/usr/bin/env bash
# bench.sh — cfnrun against Caddy, configured the same way, under h2load.
#
#   scripts/bench.sh            # or: make bench
#   DURATION=10 ROUNDS=5 scripts/bench.sh
#   STOCK=1 scripts/bench.sh   # also cfnrun --stock-http2 (x/net's server and transport)
#
# Starts a small Go backend (HTTP/1.1 + h2c), cfnrun serving scripts/bench.yaml
# (an HTTP_PROXY route with ConnectionType HTTP2, and a MOCK route with a
# response template and a response header), and Caddy with the equivalent
# config (reverse_proxy to an h2c:// upstream; respond with the same body and
# header). Then it runs `h2load -c 16 -m 10` (h2c, prior knowledge) against
# each, interleaved, ROUNDS times, and prints the median req/s, p99 latency,
# the ratios, cfnrun's resident memory and its exec-to-first-200 time.
# Access logs are off on both sides (Caddy logs nothing by default).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
STREAMS=${STREAMS:-10}

need=()
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v caddy >/dev/null || need+=(caddy)
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

go build -o "$work/cfnrun" ./cmd/cfnrun
go build -o "$work/backend" ./runtime/internal/benchbackend

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$work/backend" >"$work/backend.addr" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$work/backend.addr")

CFN_PORT=$(free_port)
"$work/cfnrun" up --no-watch --access-log=false --addr "127.0.0.1:$CFN_PORT" --tls-addr "" \
  --map "backend.bench=$BACKEND" scripts/bench.yaml >"$work/cfnrun.out" 2>&1 &
CFN_PID=$!
pids+=($CFN_PID)

ORDER_EXTRA=()
if [ "${STOCK:-0}" = 1 ]; then
  # The same gateway with golang.org/x/net/http2 on both legs, to show
  # what cfnrun's own HTTP/2 engine buys.
  STOCK_PORT=$(free_port)
  "$work/cfnrun" up --no-watch --access-log=false --stock-http2 --addr "127.0.0.1:$STOCK_PORT" --tls-addr "" \
    --map "backend.bench=$BACKEND" scripts/bench.yaml >"$work/stock.out" 2>&1 &
  pids+=($!)
  ORDER_EXTRA=(stock-proxy stock-mock)
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
pids+=($!)

wait_200() {
  for _ in $(seq 200); do
    if curl -s -o /dev/null -w '%{http_code}' --http2-prior-knowledge "$1" 2>/dev/null | grep -q 200; then return 0; fi
    sleep 0.05
  done
  echo "no 200 from $1" >&2; cat "$work"/*.out "$work/caddy.log" >&2; exit 1
}
wait_200 "http://127.0.0.1:$CFN_PORT/prod/proxy"
wait_200 "http://127.0.0.1:$CFN_PORT/prod/mock"
if [ "${STOCK:-0}" = 1 ]; then
  wait_200 "http://127.0.0.1:$STOCK_PORT/prod/proxy"
fi
wait_200 "http://127.0.0.1:$CADDY_PROXY/hello"
wait_200 "http://127.0.0.1:$CADDY_MOCK/mock"

declare -A URL
URL=(
  [backend]="http://$BACKEND/hello"
  [cfnrun-proxy]="http://127.0.0.1:$CFN_PORT/prod/proxy"
  [caddy-proxy]="http://127.0.0.1:$CADDY_PROXY/hello"
  [cfnrun-mock]="http://127.0.0.1:$CFN_PORT/prod/mock"
  [caddy-respond]="http://127.0.0.1:$CADDY_MOCK/mock"
)
if [ "${STOCK:-0}" = 1 ]; then
  URL[stock-proxy]="http://127.0.0.1:$STOCK_PORT/prod/proxy"
  URL[stock-mock]="http://127.0.0.1:$STOCK_PORT/prod/mock"
fi
ORDER=(backend cfnrun-proxy caddy-proxy cfnrun-mock caddy-respond "${ORDER_EXTRA[@]}")

# run NAME ROUND: one h2load run; appends "req/s p99ms" to $work/NAME.res
run() {
  local name=$1 log="$work/$1.$2.log"
  local out
  out=$(h2load -c "$CONNS" -m "$STREAMS" -D "$DURATION" --warm-up-time 1 --log-file="$log" "${URL[$name]}" 2>&1)
  local rps ok
  rps=$(awk '/^finished in/ {print $4}' <<<"$out")
  ok=$(awk '/^status codes:/ {print $3}' <<<"$out")
  local p99
  p99=$(awk '{print $3}' "$log" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.2f", a[i]/1000}')
  echo "$rps $p99 $ok" >>"$work/$name.res"
  printf '  round %d  %-14s %10s req/s  p99 %6s ms  (%s 2xx)\n' "$2" "$name" "$rps" "$p99" "$ok"
}

echo "h2load -c $CONNS -m $STREAMS -D $DURATION (h2c), $ROUNDS interleaved rounds, $(nproc) CPUs"
for r in $(seq "$ROUNDS"); do
  for n in "${ORDER[@]}"; do run "$n" "$r"; done
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A RPS P99
for n in "${ORDER[@]}"; do
  RPS[$n]=$(awk '{print $1}' "$work/$n.res" | median)
  P99[$n]=$(awk '{print $2}' "$work/$n.res" | median)
done
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$CFN_PID/status)

echo
echo "median of $ROUNDS rounds:"
printf '  %-14s %12s %10s\n' target "req/s" "p99 ms"
for n in "${ORDER[@]}"; do printf '  %-14s %12.0f %10s\n' "$n" "${RPS[$n]}" "${P99[$n]}"; done
echo
awk -v a="${RPS[cfnrun-proxy]}" -v b="${RPS[caddy-proxy]}" -v pa="${P99[cfnrun-proxy]}" -v pb="${P99[caddy-proxy]}" \
  'BEGIN {printf "HTTP_PROXY h2c both legs: cfnrun/caddy = %.2fx req/s (goal 1.5x), p99 %s vs %s ms (goal: no worse)\n", a/b, pa, pb}'
awk -v a="${RPS[cfnrun-mock]}" -v b="${RPS[caddy-respond]}" \
  'BEGIN {printf "MOCK vs caddy respond:     cfnrun/caddy = %.2fx req/s (goal 2x)\n", a/b}'
if [ "${STOCK:-0}" = 1 ]; then
  awk -v a="${RPS[cfnrun-proxy]}" -v b="${RPS[stock-proxy]}" -v c="${RPS[cfnrun-mock]}" -v d="${RPS[stock-mock]}" \
    'BEGIN {printf "own HTTP/2 engine vs --stock-http2: proxy %.2fx, mock %.2fx\n", a/b, c/d}'
fi
echo "cfnrun peak RSS (VmHWM) under load: $((rss_kb / 1024)) MB (goal < 64 MB)"

STARTUP_PORT=$(free_port)
st=()
for _ in 1 2 3 4 5; do
  st+=("$("$work/backend" -startup "http://127.0.0.1:$STARTUP_PORT/prod/myresource" -- \
    "$work/cfnrun" up --no-watch --addr "127.0.0.1:$STARTUP_PORT" --tls-addr "" 2>/dev/null | tail -1)")
done
echo "cfnrun up (embedded default) exec to first 200: $(printf '%s\n' "${st[@]}" | median) ms median of 5 (goal < 100 ms)"
