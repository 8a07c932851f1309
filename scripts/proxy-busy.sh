#!/usr/bin/env bash
# proxy-busy.sh BIN [N] — memory of N busy h2c connections: each has sent one HTTP_PROXY request
# that waits on an h2c backend which never answers (a connection between its request and its
# response). Prints the goroutine count, heap and stack in use (from --pprof), RSS per connection,
# and the largest heap sites (needs BIN built with symbols for the last).
#
#   scripts/proxy-busy.sh /tmp/cfnrun 2000
set -uo pipefail
BIN=$1; N=${2:-2000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(fp); PP=$(fp); BP=$(fp)
python3 - $BP <<'PY' &
import socket, sys, threading, time
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); ls.bind(("127.0.0.1", int(sys.argv[1]))); ls.listen(1024)
held = []
while True:
    c, _ = ls.accept(); held.append(c)
    # An h2c server that never answers: its SETTINGS and an ack of the client's.
    c.sendall(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00" + b"\x00\x00\x00\x04\x01\x00\x00\x00\x00")
PY
"$BIN" up --no-watch --access-log=false --no-throttle --addr 127.0.0.1:$PORT --tls-addr "" --max-conns -1 --pprof 127.0.0.1:$PP --map "backend.bench=127.0.0.1:$BP" "$ROOT/scripts/bench.yaml" >"$W/cfn.out" 2>&1 & CP=$!
for _ in $(seq 200); do curl -s -o /dev/null --http2-prior-knowledge http://127.0.0.1:$PORT/prod/mock && break; sleep 0.05; done
curl -s "http://127.0.0.1:$PP/debug/pprof/heap?gc=1" -o /dev/null
before=$(awk '/VmRSS/ {print $2}' /proc/$CP/status)
python3 - "$PORT" "$N" "$W/ready" <<'PY' &
import socket, sys, time
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def lit(idx, v): return bytes([idx]) + bytes([len(v)]) + v
blk = b"\x82\x86" + lit(4, b"/prod/proxy") + lit(1, b"localhost")
hdr = len(blk).to_bytes(3, "big") + b"\x01\x05" + (1).to_bytes(4, "big") + blk
hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00" + hdr
held = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(hello)
    held.append(s)
open(ready, "w").write("%d\n" % len(held))
time.sleep(3600)
PY
for _ in $(seq 1200); do [ -s "$W/ready" ] && break; sleep 0.1; done
sleep 3
curl -s "http://127.0.0.1:$PP/debug/pprof/heap?gc=1" -o "$W/heap"
sleep 1
after=$(awk '/VmRSS/ {print $2}' /proc/$CP/status)
curl -s "http://127.0.0.1:$PP/debug/pprof/goroutine?debug=1" | head -1; curl -s "http://127.0.0.1:$PP/debug/pprof/heap?debug=1" | grep -E "^# (HeapAlloc|HeapInuse|Stack) " || true
echo "RSS before ${before} KiB after ${after} KiB per conn $(python3 -c "print(round(($after-$before)/$N,2))") KiB"
go tool pprof -sample_index=inuse_space -top -nodecount=12 "$BIN" "$W/heap" 2>/dev/null | sed -n 6,18p
