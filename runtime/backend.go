//lint:file-ignore SA1019 the stock h2c transport (Config.StockHTTP2) is golang.org/x/net/http2's by design, kept for comparison and as a fallback

package runtime

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"

	"github.com/cfnrun/cfnrun/runtime/internal/h2"
	"github.com/cfnrun/cfnrun/runtime/internal/rawconn"
)

// backends owns the connection pools to integration endpoints. They are
// shared by every compiled version, so a reload keeps warm connections.
type backends struct {
	cfg    Config
	log    *slog.Logger
	dialer net.Dialer
	// h1 speaks HTTP/1.1 with keep-alive (http and https).
	h1 *http.Transport
	// h1once sends on a new connection, closed after the response: the
	// one resend of a request h1 would have sent a third time
	// (transportCall.gotConn).
	h1once *http.Transport
	// h2tls negotiates h2 by ALPN and falls back to HTTP/1.1 when the
	// backend does not offer it.
	h2tls *http.Transport
	// h2c speaks HTTP/2 with prior knowledge over cleartext.
	h2c *http2.Transport

	mu     sync.Mutex
	groups map[string]*backendGroup
}

// backendGroup is one backend host as an integration names it.
type backendGroup struct {
	b      *backends
	scheme string
	host   string // as written in the URI
	h2     bool   // ConnectionType HTTP2
	// h2cState: 0 not probed, 1 speaks h2c, 2 HTTP/1.1 only.
	h2cState atomic.Int32
	// reprobeAt (Unix nanoseconds) is set when the state is 2 only
	// because the probe got no answer in time (a loaded machine or a
	// backend still starting, more often than an HTTP/1.1 server that
	// stays silent at the HTTP/2 preface): the first request after it
	// probes again, in the background. 0: the state is final.
	reprobeAt atomic.Int64
	reprobing atomic.Bool
	probeMu   sync.Mutex
	client    *h2.Client // h2c, unless Config.StockHTTP2
}

func newBackends(cfg Config) *backends {
	b := &backends{cfg: cfg, log: cfg.Logger, groups: map[string]*backendGroup{}}
	b.dialer = net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	b.h1 = &http.Transport{
		DialContext:           b.dial,
		DialTLSContext:        b.dialTLS([]string{"http/1.1"}),
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
		WriteBufferSize:       32 << 10,
		ReadBufferSize:        32 << 10,
	}
	b.h1once = &http.Transport{
		DialContext:        b.dial,
		DialTLSContext:     b.dialTLS([]string{"http/1.1"}),
		DisableKeepAlives:  true,
		DisableCompression: true,
	}
	b.h2tls = &http.Transport{
		DialContext:         b.dial,
		DialTLSContext:      b.dialTLS([]string{"h2", "http/1.1"}),
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	b.h2c = &http2.Transport{
		AllowHTTP:          true,
		DisableCompression: true,
		DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			return b.dial(ctx, network, addr)
		},
		ReadIdleTimeout:  30 * time.Second,
		PingTimeout:      10 * time.Second,
		MaxReadFrameSize: 1 << 20,
	}
	return b
}

func (b *backends) closeIdle() {
	b.mu.Lock()
	for _, g := range b.groups {
		if g.client != nil {
			g.client.CloseIdle()
		}
	}
	b.mu.Unlock()
	b.h1.CloseIdleConnections()
	b.h1once.CloseIdleConnections()
	b.h2tls.CloseIdleConnections()
	b.h2c.CloseIdleConnections()
}

// mapped returns where to connect for addr (host:port) and whether --map
// redirected it.
func (b *backends) mapped(addr string) (string, bool) {
	if to, ok := b.cfg.Maps[addr]; ok {
		return to, true
	}
	host, _, err := net.SplitHostPort(addr)
	if err == nil {
		if to, ok := b.cfg.Maps[host]; ok {
			return to, true
		}
	}
	if b.cfg.MapAll != "" {
		return b.cfg.MapAll, true
	}
	return addr, false
}

func (b *backends) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	to, _ := b.mapped(addr)
	c, err := b.dialer.DialContext(ctx, network, to)
	if err == nil {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		c = rawconn.Wrap(c)
	}
	return c, err
}

func (b *backends) dialTLS(protos []string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		to, isMapped := b.mapped(addr)
		raw, err := b.dialer.DialContext(ctx, network, to)
		if err != nil {
			return nil, err
		}
		host, _, _ := net.SplitHostPort(addr)
		tc := tls.Client(raw, &tls.Config{
			ServerName:         host,
			NextProtos:         protos,
			InsecureSkipVerify: isMapped || b.cfg.BackendTLSInsecure, //nolint:gosec // mapped local backends cannot present the original host's certificate
			MinVersion:         tls.VersionTLS12,
		})
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		return tc, nil
	}
}

// group returns the shared group for (scheme, host, h2).
func (b *backends) group(scheme, host string, useH2 bool) *backendGroup {
	key := scheme + "://" + host
	if useH2 {
		key += "#h2"
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if g, ok := b.groups[key]; ok {
		return g
	}
	g := &backendGroup{b: b, scheme: scheme, host: host, h2: useH2}
	if useH2 && scheme == "http" && !b.cfg.StockHTTP2 {
		addr := host
		if !strings.Contains(addr, ":") {
			addr += ":80"
		}
		g.client = &h2.Client{Dial: func(ctx context.Context) (net.Conn, error) { return b.dial(ctx, "tcp", addr) }, Spread: backendConns}
	}
	b.groups[key] = g
	return g
}

// roundTrip sends req on the group's transport: HTTP/1.1 unless the
// integration asked for HTTP2 (then h2 by ALPN for https, h2c for http);
// the response's Proto says which was used. c learns whether the HTTP/1.1
// transport sends it (its resends are bounded: transportCall.gotConn). For ConnectionType HTTP2 over
// cleartext, the first request probes whether the backend speaks h2c; one
// that does not gets HTTP/1.1 from then on, logged once. One that did not
// answer the probe in time gets HTTP/1.1 until a later probe, made in the
// background every reprobeAfter, hears it (reprobe).
func (g *backendGroup) roundTrip(req *http.Request, c *transportCall) (*http.Response, error) {
	switch {
	case g.scheme == "https" && g.h2:
		return g.b.h2tls.RoundTrip(req)
	case g.scheme == "https" || !g.h2:
		c.h1 = true
		return g.b.h1.RoundTrip(req)
	}
	st := g.h2cState.Load()
	if st == 0 {
		var err error
		if st, err = g.probe(req.Context(), req.URL.Host); err != nil {
			return nil, err
		}
	}
	if st == 2 {
		g.reprobe(req.URL.Host)
		c.h1 = true
		return g.b.h1.RoundTrip(req)
	}
	if g.client != nil {
		return g.client.RoundTrip(req)
	}
	return g.b.h2c.RoundTrip(req)
}

// fastClient returns the group's own HTTP/2 client when requests to it go
// there (h2c, the backend probed as speaking it), else nil: roundTrip
// then decides, and reports a failed probe.
func (g *backendGroup) fastClient(ctx context.Context, addr string) *h2.Client {
	if g.client == nil {
		return nil
	}
	st := g.h2cState.Load()
	if st == 0 {
		st, _ = g.probe(ctx, addr)
	}
	if st != 1 {
		return nil
	}
	return g.client
}

// readyClient is fastClient for a caller that must not block: the
// group's h2c client once the backend is known to speak h2c, else nil.
func (g *backendGroup) readyClient() *h2.Client {
	if g.client == nil || g.h2cState.Load() != 1 {
		return nil
	}
	return g.client
}

var h2Preface = []byte(http2.ClientPreface)

// probe learns whether the backend at addr speaks h2c, once (see
// speaksH2C); Config.MapAllH2C says so of MapAll without a connection.
func (g *backendGroup) probe(ctx context.Context, addr string) (int32, error) {
	g.probeMu.Lock()
	defer g.probeMu.Unlock()
	if st := g.h2cState.Load(); st != 0 {
		return st, nil
	}
	if !strings.Contains(addr, ":") {
		addr += ":80"
	}
	to, _ := g.b.mapped(addr)
	st := int32(1)
	silent := false
	if !g.b.cfg.MapAllH2C || to != g.b.cfg.MapAll {
		var err error
		if st, silent, err = g.speaksH2C(ctx, addr); err != nil {
			return 0, err
		}
	}
	g.learned(st, silent, to)
	return st, nil
}

// learned records a probe's outcome and logs it: a silent probe's HTTP/1.1
// is tentative (reprobeAt), a definite one final.
func (g *backendGroup) learned(st int32, silent bool, to string) {
	switch {
	case silent:
		g.reprobeAt.Store(time.Now().Add(g.b.cfg.reprobeAfter).UnixNano())
		if g.h2cState.Swap(2) != 2 {
			g.b.log.Warn("backend did not answer the HTTP/2 (h2c) probe in time; using HTTP/1.1 for it until a later probe does",
				slog.String("backend", g.host), slog.String("addr", to), slog.Duration("timeout", g.b.cfg.probeWait))
		}
	case st == 2:
		g.reprobeAt.Store(0)
		g.h2cState.Store(2)
		g.b.log.Warn("backend does not speak HTTP/2 (h2c); using HTTP/1.1 for it from now on",
			slog.String("backend", g.host), slog.String("addr", to))
	default:
		g.reprobeAt.Store(0)
		g.h2cState.Store(1)
		g.b.log.Info("backend speaks HTTP/2 (h2c)", slog.String("backend", g.host), slog.String("addr", to))
	}
}

// reprobe probes again, in the background, a backend whose HTTP/1.1 is
// tentative once reprobeAt has passed; the request that calls it goes on
// over HTTP/1.1 without waiting.
func (g *backendGroup) reprobe(addr string) {
	at := g.reprobeAt.Load()
	if at == 0 || time.Now().UnixNano() < at || !g.reprobing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer g.reprobing.Store(false)
		g.probeMu.Lock()
		defer g.probeMu.Unlock()
		if g.reprobeAt.Load() == 0 {
			return // learned meanwhile
		}
		if !strings.Contains(addr, ":") {
			addr += ":80"
		}
		to, _ := g.b.mapped(addr)
		ctx, cancel := context.WithTimeout(context.Background(), 2*g.b.cfg.probeWait)
		defer cancel()
		st, silent, err := g.speaksH2C(ctx, addr)
		if err != nil {
			silent = true // not reachable now: ask again later
		}
		g.learned(st, silent, to)
	}()
}

// speaksH2C connects once and sends the HTTP/2 preface and an empty
// SETTINGS frame: an h2c server answers with its SETTINGS frame (1);
// anything else (an HTTP/1.1 error, a close) means HTTP/1.1 (2). Silence
// until probeTimeout also means HTTP/1.1, but only for now (silent): an
// HTTP/1.1 server answers the preface's request line at once (400 or
// 505), while an h2c server on a loaded machine may take longer.
func (g *backendGroup) speaksH2C(ctx context.Context, addr string) (st int32, silent bool, err error) {
	c, err := g.b.dial(ctx, "tcp", addr)
	if err != nil {
		return 0, false, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(g.b.cfg.probeWait))
	var settings [9]byte
	settings[3] = 0x4 // SETTINGS, empty, stream 0
	msg := append(append([]byte{}, h2Preface...), settings[:]...)
	if _, err := c.Write(msg); err != nil {
		return 2, isTimeout(err), nil
	}
	var hdr [9]byte
	n, err := io.ReadFull(c, hdr[:])
	switch {
	case err == nil && hdr[3] == 0x4 && bytes.Equal(hdr[5:9], []byte{0, 0, 0, 0}):
		return 1, false, nil
	case n == 0 && isTimeout(err):
		return 2, true, nil
	}
	return 2, false, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// backendConns is how many connections an h2c backend's requests are
// spread over (h2.Client.Spread), each client connection keeping to one.
// With one, a busy backend connection is one reader goroutine on each
// side, and at low load the chain waited on it: on 2 cores, HTTP_PROXY h2c
// went from 0.96x to 1.04x HAProxy (which opens two as well), 23.8k ->
// 25.4k req/s, CPU per request 14.2 -> 13.0 us (session 29, quiet
// machine, scripts/proxy-ab.sh, 5 interleaved rounds).
const backendConns = 2
