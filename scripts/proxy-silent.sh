#!/usr/bin/env bash
# proxy-silent.sh BIN N — N TCP connections that send nothing (as a client between connect and preface); HeapInuse and RSS per connection.
#
#   scripts/proxy-silent.sh /tmp/cfnrun 5000
set -uo pipefail
BIN=$1; N=$2
W=$(mktemp -d)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
ulimit -n "$(ulimit -Hn)"
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(fp); PP=$(fp)
"$BIN" up --no-watch --access-log=false --no-throttle --addr 127.0.0.1:$PORT --tls-addr "" --max-conns -1 --pprof 127.0.0.1:$PP "$ROOT/scripts/bench.yaml" >"$W/out" 2>&1 & CP=$!
for _ in $(seq 200); do curl -s -o /dev/null --http2-prior-knowledge http://127.0.0.1:$PORT/prod/mock && break; sleep 0.05; done
hi() { curl -s "http://127.0.0.1:$PP/debug/pprof/heap?debug=1&gc=1" | awk '/^# HeapInuse =/ {print $4}'; }
b=$(hi); br=$(awk '/VmRSS/ {print $2}' /proc/$CP/status)
python3 - $PORT $N "$W/ready" <<'PY' &
import socket, sys, time
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
open(ready, "w").write("ok")
time.sleep(3600)
PY
for _ in $(seq 600); do [ -s "$W/ready" ] && break; sleep 0.1; done
sleep 1
a=$(hi); ar=$(awk '/VmRSS/ {print $2}' /proc/$CP/status)
echo "$(basename $BIN) $N silent connections: HeapInuse +$(( (a-b)/N )) B/conn, RSS +$(( (ar-br)/N )) KiB/conn"
