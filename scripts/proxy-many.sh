#!/usr/bin/env bash
# proxy-many.sh BIN N [SECS] [ROUTE] — N h2load connections (-m 1) on the HTTP_PROXY (or mock) route of BIN and of HAProxy
# (nbthread 2), one after the other. Mid-run: RSS, goroutines, heap/stack in use (pprof), top heap sites.
#
#   scripts/proxy-many.sh /tmp/cfnrun 1000 4      # pprof of BIN needs symbols (no -ldflags "-s -w")
set -uo pipefail
BIN=$1; N=$2; SECS=${3:-4}; ROUTE=${4:-proxy}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
(cd "$ROOT" && go build -o "$W/backend" ./runtime/internal/benchbackend)
"$W/backend" >"$W/backend.addr" 2>"$W/backend.err" &
for _ in $(seq 100); do [ -s "$W/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$W/backend.addr")
PORT=$(fp); PP=$(fp); HP=$(fp); HM=$(fp)
"$BIN" up --no-watch --access-log=false --no-throttle --addr 127.0.0.1:$PORT --tls-addr "" --max-conns -1 --pprof 127.0.0.1:$PP --map "backend.bench=$BACKEND" "$ROOT/scripts/bench.yaml" >"$W/cfn.out" 2>&1 & CP=$!
cat >"$W/haproxy.cfg" <<EOC
global
	nbthread 2
defaults
	mode http
	timeout connect 5s
	timeout client 60s
	timeout server 60s
	maxconn 40000
frontend proxy
	bind 127.0.0.1:$HP proto h2
	default_backend be
backend be
	http-reuse always
	server s1 $BACKEND proto h2
frontend mock
	bind 127.0.0.1:$HM proto h2
	http-request return status 200 content-type application/json string '{"message":"hello from the mock"}' hdr Access-Control-Allow-Origin "*"
EOC
haproxy -f "$W/haproxy.cfg" -db >"$W/haproxy.log" 2>&1 & HPID=$!
URL=http://127.0.0.1:$PORT/prod/$ROUTE; HURL=http://127.0.0.1:$HP/hello
[ "$ROUTE" = mock ] && HURL=http://127.0.0.1:$HM/mock
for u in $URL $HURL; do for _ in $(seq 200); do curl -s -o /dev/null --http2-prior-knowledge $u && break; sleep 0.05; done; done
rss() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
for t in cfnrun haproxy; do
  pid=$CP; u=$URL; [ $t = haproxy ] && pid=$HPID u=$HURL
  b=$(rss $pid)
  h2load -c $N -m 1 -t 2 -D $SECS --warm-up-time 1 $u >"$W/h.$t" 2>&1 &
  hp=$!
  sleep $((SECS / 2 + 1))
  mid=$(rss $pid)
  if [ $t = cfnrun ]; then
    curl -s "http://127.0.0.1:$PP/debug/pprof/heap" -o "$W/heap"
    g=$(curl -s "http://127.0.0.1:$PP/debug/pprof/goroutine?debug=1" | head -1)
    ms=$(curl -s "http://127.0.0.1:$PP/debug/pprof/heap?debug=1" | grep -E "^# (HeapInuse|Stack|StackInuse|HeapAlloc) =" | tr '\n' ' ')
  fi
  wait $hp
  a=$(rss $pid)
  echo "$t c$N: $(awk '/^finished in/ {printf "%.0f", $4}' "$W/h.$t") req/s, $(grep -o 'succeeded, [0-9]* errored' "$W/h.$t"); RSS before $((b/1024)) MB, mid $((mid/1024)) MB, after $((a/1024)) MB; per conn mid $(( (mid-b)/N )) KiB; load $(cut -d' ' -f1 /proc/loadavg)"
  grep -E "^requests:|time for connect|time to 1st|req/s  " "$W/h.$t" | sed "s/^/    /"
  [ $t = cfnrun ] && echo "  $g; $ms" && go tool pprof -sample_index=inuse_space -top -nodecount=14 "$BIN" "$W/heap" 2>/dev/null | sed -n 5,20p
done
[ -s "$W/backend.err" ] && echo "backend logged $(wc -l <"$W/backend.err") lines"
exit 0
