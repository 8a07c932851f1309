package redisstate

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string // addr user password db tls, or the error's start
	}{
		{"redis://10.0.0.1:6380/2", "10.0.0.1:6380   2 false"},
		{"redis://cache", "cache:6379   0 false"},
		{"redis://", "localhost:6379   0 false"},
		{"redis://[::1]:7000/", "[::1]:7000   0 false"},
		{"redis://:s3cret@cache:1/0", "cache:1  s3cret 0 false"},
		{"redis://app:s3cret@cache", "cache:6379 app s3cret 0 false"},
		{"rediss://cache.example.com:6380", "cache.example.com:6380   0 true"},
		{"redis://app@cache", "error: redis URL \"redis://app@cache\": a user without a password"},
		{"http://cache", "error: redis URL \"http://cache\": want redis://"},
		{"redis://cache/one", "error: redis URL \"redis://cache/one\": the database \"one\" is not a number"},
		{"redis://cache/-1", "error: redis URL \"redis://cache/-1\": the database \"-1\" is not a number"},
		{"redis://cache?db=1", "error: redis URL \"redis://cache?db=1\": want redis://"},
		{"redis:cache", "error: redis URL \"redis:cache\": want redis://"},
	} {
		o, err := parseURL(tc.url)
		got := fmt.Sprintf("%s %s %s %d %v", o.addr, o.user, o.password, o.db, o.tls != nil)
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.url, got, tc.want)
		}
		if o.tls != nil && o.tls.ServerName != "cache.example.com" {
			t.Errorf("%s: TLS server name %q", tc.url, o.tls.ServerName)
		}
	}
}

// startRedisWith runs redis-server with extra arguments on a free
// loopback port and waits until it accepts connections; a "PORT"
// argument is that port.
func startRedisWith(t *testing.T, args ...string) string {
	t.Helper()
	for try := 1; ; try++ {
		addr, out := tryRedisWith(t, args...)
		if addr != "" {
			return addr
		}
		if try == 3 {
			t.Fatalf("redis-server exited: %s", out)
		}
		t.Logf("redis-server, try %d, exited (the port taken?): %s", try, out)
	}
}

// tryRedis is one start of startRedisWith: the address, or "" and what
// redis-server printed before it exited.
func tryRedisWith(t *testing.T, args ...string) (addr, out string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	var log strings.Builder
	argv := []string{"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir()}
	for _, a := range args {
		argv = append(argv, strings.ReplaceAll(a, "PORT", port))
	}
	srv := exec.Command(bin, argv...)
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Wait(); close(done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			t.Cleanup(func() { srv.Process.Kill(); <-done })
			return addr, ""
		}
		select {
		case <-done:
			return "", log.String()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			srv.Process.Kill()
			<-done
			t.Fatalf("redis-server does not accept connections within a minute: %s", log.String())
		}
	}
}

func dial(t *testing.T, url string) *client {
	t.Helper()
	o, err := parseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(o, testTimeout)
	t.Cleanup(func() { c.close() })
	return c
}

// TestAuthAndDatabase: a password (alone, or with the default user's
// name) is sent before anything else, and the URL's database is the one
// written to; a wrong password or none is Redis's error.
func TestAuthAndDatabase(t *testing.T) {
	addr := startRedisWith(t, "--requirepass", "s3cret")
	ctx := context.Background()
	db3, db0 := dial(t, "redis://:s3cret@"+addr+"/3"), dial(t, "redis://default:s3cret@"+addr)
	if r := db3.do(ctx, cmd("SET", "k", "in 3")); r.err != nil || r.str != "OK" {
		t.Fatalf("SET in database 3: %+v", r)
	}
	if r := db0.do(ctx, cmd("GET", "k")); r.err != errNil {
		t.Errorf("GET in database 0: %+v, want nil (the key is in 3)", r)
	}
	if r := db0.do(ctx, cmd("SELECT", "3")); r.err != nil {
		t.Fatal(r.err)
	}
	if r := db0.do(ctx, cmd("GET", "k")); r.err != nil || r.str != "in 3" {
		t.Errorf("GET in database 3: %+v", r)
	}
	if err := dial(t, "redis://:wrong@"+addr).do(ctx, cmd("PING")).err; !hasPrefix(err, "WRONGPASS") && !hasPrefix(err, "ERR invalid password") {
		t.Errorf("a wrong password: %v", err)
	}
	if err := dial(t, "redis://"+addr).do(ctx, cmd("PING")).err; !hasPrefix(err, "NOAUTH") {
		t.Errorf("no password: %v", err)
	}
}

// TestReplies: each kind of reply read as sent (integers, simple and bulk
// strings, empty and binary ones, nil, arrays, error replies); an error
// reply leaves the connection in use.
func TestReplies(t *testing.T) {
	addr := startRedisWith(t)
	ctx := context.Background()
	c := dial(t, "redis://"+addr)
	bin := "a\r\nb\x00\xff" + strings.Repeat("x", 70<<10)
	rs, err := c.pipeline(ctx, []*command{
		cmd("SET", "s", bin), cmd("GET", "s"), cmd("SET", "e", ""), cmd("GET", "e"), cmd("GET", "none"),
		cmd("RPUSH", "l", "1", "two"), cmd("LRANGE", "l", "0", "-1"), cmd("GET", "l"), cmd("INCR", "n"),
		cmd("EVAL", "return {1, 'x', {false}}", "0"),
	})
	if err != nil {
		t.Fatal(err)
	}
	wrongType := replyError("WRONGTYPE Operation against a key holding the wrong kind of value")
	want := []reply{
		{str: "OK"}, {str: bin}, {str: "OK"}, {str: ""}, {err: errNil},
		{n: 2}, {arr: []reply{{str: "1"}, {str: "two"}}}, {err: wrongType}, {n: 1},
		{arr: []reply{{n: 1}, {str: "x"}, {arr: []reply{{err: errNil}}}}},
	}
	if d := cmp.Diff(want, rs, cmp.AllowUnexported(reply{}), cmp.Comparer(func(a, b error) bool { return a == b })); d != "" {
		t.Errorf("replies (-want +got):\n%s", d)
	}
	if r := c.do(ctx, cmd("PING")); r.err != nil || len(c.idle) != 1 {
		t.Errorf("after an error reply: %v, %d idle connections (want the one, kept)", r.err, len(c.idle))
	}
}

// TestIdleConnectionClosed: a pooled connection Redis closed while it was
// idle (CLIENT KILL; a restart or Redis's idle timeout do the same) is
// dropped when taken, and the command goes over a new one.
func TestIdleConnectionClosed(t *testing.T) {
	if goruntime.GOOS != "linux" && goruntime.GOOS != "darwin" {
		t.Skip("no peek at sockets here: a closed connection fails the command sent on it")
	}
	addr := startRedisWith(t)
	ctx := context.Background()
	c, admin := dial(t, "redis://"+addr), dial(t, "redis://"+addr)
	if r := c.do(ctx, cmd("CLIENT", "SETNAME", "victim")); r.err != nil {
		t.Fatal(r.err)
	}
	old := c.idle[0]
	if r := admin.do(ctx, cmd("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")); r.err != nil || r.n < 1 {
		t.Fatalf("CLIENT KILL: %+v, want the idle connection killed", r)
	}
	// The kill is done when Redis answers; the end of the stream
	// reaches the socket soon after.
	for deadline := time.Now().Add(testTimeout); alive(old.nc); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the killed connection still looks open")
		}
	}
	// A new connection has no name.
	if r := c.do(ctx, cmd("CLIENT", "GETNAME")); r.err != errNil {
		t.Fatalf("a command after the kill: %+v, want nil (no name: a new connection)", r)
	}
	if len(c.idle) != 1 || c.idle[0] == old {
		t.Errorf("%d idle connections after the kill, the killed one kept: %v", len(c.idle), len(c.idle) > 0 && c.idle[0] == old)
	}
}

// FuzzReadReply: any bytes read as replies end in a reply or an error,
// never a panic, and what was read as a bulk string has the length
// announced.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{
		"+OK\r\n", "-ERR x\r\n", ":-42\r\n", "$3\r\nabc\r\n", "$0\r\n\r\n", "$-1\r\n", "*-1\r\n", "*0\r\n",
		"*2\r\n$1\r\na\r\n*1\r\n:1\r\n", "$5\r\nabc\r\n", "$3\r\nabcd\r\n", "*3\r\n:1\r\n", "$2147483648\r\n",
		":x\r\n", "+OK\n", "%1\r\n", strings.Repeat("*1\r\n", 20) + ":1\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReaderSize(strings.NewReader(string(b)), 16)
		for range 8 {
			if _, err := readReply(r, 0); err != nil {
				return
			}
		}
	})
}

func TestAtoi(t *testing.T) {
	for _, s := range []string{"0", "-1", "42", "123456789012345678", "-12345678901234567", "1234567890123456789",
		"-9223372036854775808", "9223372036854775807", "9223372036854775808", "", "-", "1a", "--1", " 1", "٣"} {
		n, ok := atoi([]byte(s))
		want, err := strconv.ParseInt(s, 10, 64)
		if ok != (err == nil) || ok && n != want {
			t.Errorf("atoi(%q) = %d, %v; want %d, %v", s, n, ok, want, err == nil)
		}
	}
}

// TestTLS: rediss:// speaks TLS, checking Redis's certificate against the
// host name. (The test trusts its own authority; a real one comes from
// the system's roots.)
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "redis test"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, out := tryRedisWith(t, "--port", "0", "--tls-port", "PORT", "--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-auth-clients", "no")
	if addr == "" && strings.Contains(out, "Bad directive") {
		t.Skip("redis-server without TLS: " + out)
	}
	if addr == "" {
		t.Fatalf("redis-server exited: %s", out)
	}
	_, port, _ := net.SplitHostPort(addr)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	ctx := context.Background()
	for _, tc := range []struct{ url, want string }{
		{"rediss://localhost:" + port, "PONG"},
		{"rediss://127.0.0.1:" + port, "PONG"},
		{"redis://127.0.0.1:" + port, "error"}, // TLS expected: the plain text is not an answer
	} {
		c := dial(t, tc.url)
		if c.o.tls != nil {
			c.o.tls.RootCAs = roots
		}
		r := c.do(ctx, cmd("PING"))
		got := r.str
		if r.err != nil {
			got = "error"
		}
		if got != tc.want {
			t.Errorf("%s: PING answered %q (%v), want %q", tc.url, r.str, r.err, tc.want)
		}
	}
	c := dial(t, "rediss://localhost:"+port)
	if r := c.do(ctx, cmd("PING")); r.err == nil || !strings.Contains(r.err.Error(), "certificate") {
		t.Errorf("a certificate from an unknown authority: %+v, want a certificate error", r)
	}
}
