#!/usr/bin/env bash
# proxy-ab.sh OLD NEW [ROUTE] [ROUNDS] [SECS] [CONNS] [STREAMS] — two cfnrun binaries and HAProxy
# side by side on one backend, h2load alternating between them (what docs/performance.md's A/B
# figures come from; at high load read the CPU per request, not the req/s).
#
#   scripts/proxy-ab.sh /tmp/cfnrun-old /tmp/cfnrun-new proxy-tls 3 3
#   STAT=1 scripts/proxy-ab.sh OLD NEW proxy    # plus perf stat counts per request
#
# ROUTE: proxy | mock | proxy-tls | mock-tls. Each run is h2load -c CONNS -m STREAMS -D SECS
# --warm-up-time 1 (16, 10, 3); it prints req/s, the p99 latency (ms), the server's CPU per request (utime + stime from
# /proc over the measured period, divided by the requests), the backend's CPU per request in the same
# period (the proxy's framing changes what the backend spends), h2load's own CPU per request, the
# machine's idle share over the period (on a quiet machine: CPU the chain left unused), and at the end
# each one's peak RSS.
# STAT=1 also prints, per request: task-clock (µs), context switches and system calls (perf stat).
# At the end: each target's medians over the rounds.
set -euo pipefail
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
OLD=$1; NEW=$2; ROUTE=${3:-proxy}; ROUNDS=${4:-3}; SECS=${5:-3}; C=${6:-16}; M=${7:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
(cd "$ROOT" && go build -o "$W/backend" ./runtime/internal/benchbackend)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
cat "$W/cert.pem" "$W/key.pem" >"$W/haproxy.pem"
"$W/backend" >"$W/backend.addr" &
BPID=$!
for _ in $(seq 100); do [ -s "$W/backend.addr" ] && break; sleep 0.05; done
BACKEND=$(head -1 "$W/backend.addr")
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A PORT TPORT PID URL
for v in old new; do
  PORT[$v]=$(fp); TPORT[$v]=$(fp)
  bin=$OLD; [ "$v" = new ] && bin=$NEW
  "$bin" up --no-watch --access-log=false --no-throttle --addr "127.0.0.1:${PORT[$v]}" --tls-addr "127.0.0.1:${TPORT[$v]}" \
    --cert "$W/cert.pem" --key "$W/key.pem" --max-conns -1 --map "backend.bench=$BACKEND" "$ROOT/scripts/bench.yaml" >"$W/$v.out" 2>&1 &
  PID[$v]=$!
done
HP=$(fp); HM=$(fp); HPT=$(fp); HMT=$(fp)
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
	bind 127.0.0.1:$HPT ssl crt $W/haproxy.pem alpn h2,http/1.1
	default_backend be
backend be
	http-reuse always
	server s1 $BACKEND proto h2
frontend mock
	bind 127.0.0.1:$HM proto h2
	bind 127.0.0.1:$HMT ssl crt $W/haproxy.pem alpn h2,http/1.1
	http-request return status 200 content-type application/json string '{"message":"hello from the mock"}' hdr Access-Control-Allow-Origin "*"
EOC
haproxy -f "$W/haproxy.cfg" -db >"$W/haproxy.log" 2>&1 &
PID[hap]=$!
case $ROUTE in
  proxy) for v in old new; do URL[$v]=http://127.0.0.1:${PORT[$v]}/prod/proxy; done; URL[hap]=http://127.0.0.1:$HP/hello ;;
  mock) for v in old new; do URL[$v]=http://127.0.0.1:${PORT[$v]}/prod/mock; done; URL[hap]=http://127.0.0.1:$HM/mock ;;
  proxy-tls) for v in old new; do URL[$v]=https://127.0.0.1:${TPORT[$v]}/prod/proxy; done; URL[hap]=https://127.0.0.1:$HPT/hello ;;
  mock-tls) for v in old new; do URL[$v]=https://127.0.0.1:${TPORT[$v]}/prod/mock; done; URL[hap]=https://127.0.0.1:$HMT/mock ;;
  *) echo "ROUTE: proxy | mock | proxy-tls | mock-tls" >&2; exit 2 ;;
esac
for v in old new hap; do
  for _ in $(seq 200); do curl -sk -o /dev/null --http2 "${URL[$v]}" && break; sleep 0.05; done
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
idle_ticks() { awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat; }
hz=$(getconf CLK_TCK)
events=task-clock,context-switches
for s in read write recvfrom sendto nanosleep futex epoll_pwait sched_yield; do events+=,syscalls:sys_enter_$s; done
for r in $(seq "$ROUNDS"); do
  # Each round starts one target later (old new hap, new hap old, hap old new, ...): the target that
  # runs first after a pause or after another's round reads differently, even between two copies
  # of one binary, so no target keeps one position.
  order=(old new hap); k=$(((r - 1) % 3))
  for v in "${order[@]:k}" "${order[@]:0:k}"; do
    h2load -c "$C" -m "$M" -D "$SECS" --warm-up-time 1 --log-file="$W/lat" "${URL[$v]}" >"$W/h.out" 2>&1 &
    hp=$!
    sleep 1
    sp=
    if [ "${STAT:-0}" = 1 ]; then
      perf stat -x, -e "$events" -p "${PID[$v]}" -o "$W/stat" -- sleep "$((SECS - 1))" &
      sp=$!
    fi
    c0=$(ticks "${PID[$v]}"); b0=$(ticks "$BPID"); h0=$(ticks "$hp"); h1=$h0; i0=$(idle_ticks)
    # h2load's CPU: sampled until it exits (a zombie's counts are gone).
    while h=$(ticks "$hp" 2>/dev/null) && [ "$(awk '{print $3}' "/proc/$hp/stat" 2>/dev/null)" != Z ]; do h1=$h; sleep 0.1; done
    wait "$hp"; c1=$(ticks "${PID[$v]}"); b1=$(ticks "$BPID"); i1=$(idle_ticks)
    rps=$(awk '/finished in/ {print $4}' "$W/h.out"); n=$(awk '/^requests:/ {print $8}' "$W/h.out")
    us=$(awk -v d="$((c1 - c0))" -v t="$hz" -v n="${n:-0}" 'BEGIN {if (n > 0) printf "%.1f", d / t * 1e6 / n; else print 0}')
    hus=$(awk -v d="$((h1 - h0))" -v t="$hz" -v n="${n:-0}" 'BEGIN {if (n > 0) printf "%.1f", d / t * 1e6 / n; else print 0}')
    idle=$(echo "$i0 $i1" | awk '{if ($4 > $2) printf "%.0f", 100 * ($3 - $1) / ($4 - $2); else print 0}')
    bus=$(awk -v d="$((b1 - b0))" -v t="$hz" -v n="${n:-0}" 'BEGIN {if (n > 0) printf "%.1f", d / t * 1e6 / n; else print 0}')
    # As bench.sh: the 99th percentile of h2load's per-request log (µs), in ms.
    p99=$(awk '{print $3}' "$W/lat" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.2f", a[i]/1000}')
    echo "round $r $v req/s $rps p99 $p99 cpu_us/req $us backend_us/req $bus h2load_us/req $hus idle% $idle succeeded $n load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$W/rounds"
    if [ -n "$sp" ]; then
      wait "$sp"
      # perf counted SECS-1 of the SECS measured seconds.
      awk -F, -v n="$n" -v s="$SECS" '/^[0-9]/ { sub("syscalls:sys_enter_", "", $3); v = $1 / (n * (s - 1) / s)
        if ($3 == "task-clock") printf "  task-clock_us %.2f", v * 1000; else printf "  %s %.3f", $3, v } END {print ""}' "$W/stat" |
        tee -a "$W/rounds"
    fi
  done
done
# Medians per target: req/s, p99, CPU per request (/proc), and with STAT=1 task-clock and writes per request.
awk '$1 == "round" {v = $3; rps[v] = rps[v] " " $5; p99[v] = p99[v] " " $7; cpu[v] = cpu[v] " " $9}
  $1 == "task-clock_us" {tc[v] = tc[v] " " $2; for (i = 3; i < NF; i += 2) if ($i == "write") wr[v] = wr[v] " " $(i + 1)}
  function med(s,  a, n, i, j, t) {n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) {t = a[i]; a[i] = a[j]; a[j] = t}
    if (n == 0) return "-"; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2}
  END {for (v in rps) printf "median %s req/s %s p99 %s cpu_us/req %s task-clock_us %s write/req %s\n", v, med(rps[v]), med(p99[v]), med(cpu[v]), med(tc[v]), med(wr[v])}' "$W/rounds"
echo "peak RSS KB: old $(awk '/VmHWM/ {print $2}' "/proc/${PID[old]}/status") new $(awk '/VmHWM/ {print $2}' "/proc/${PID[new]}/status") haproxy $(awk '/VmHWM/ {print $2}' "/proc/${PID[hap]}/status")"
