package runtime

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTraceIDFromIDs: the X-Amzn-Trace-Id an integration request carries is
// "Root=1-" with the request's second (8 hex digits) and the first 24 hex
// digits of its request id, whether it was made with the ids (the route
// known at once: h2c, inline) or from them later (HTTP/1.1); and the ids
// the answer carries keep their lengths, MOCK routes (made without the
// trace id) included.
func TestTraceIDFromIDs(t *testing.T) {
	be := h2cBackend(t, http.HandlerFunc(echoHandler))
	b := newTB("traceid", stage("prod", nil))
	b.method("/h2", "GET", proxyTo("http://"+be.Listener.Addr().String()+"/", true))
	b.method("/h1", "GET", proxyTo("http://"+be.Listener.Addr().String()+"/", false))
	b.method("/mock", "GET", benchMock())
	gw := start(t, b.build(), nil)
	for _, c := range []struct {
		name   string
		client *http.Client
	}{{"h2c", h2cClient(t)}, {"http1", h1Client(t)}} {
		for _, path := range []string{"/prod/h2", "/prod/h1", "/prod/mock"} {
			t.Run(c.name+path, func(t *testing.T) {
				res := do(t, c.client, "GET", "http://"+gw.http+path, nil)
				if res.status != 200 {
					t.Fatalf("status %d: %s", res.status, res.body)
				}
				id, apigw := res.header.Get("x-amzn-RequestId"), res.header.Get("x-amz-apigw-id")
				if len(id) != 36 || len(apigw) != 16 || strings.Contains(apigw, "-") {
					t.Fatalf("x-amzn-RequestId %q, x-amz-apigw-id %q", id, apigw)
				}
				if path == "/prod/mock" {
					return
				}
				got := decodeEcho(t, res.body).Headers["X-Amzn-Trace-Id"]
				want := strings.ReplaceAll(id, "-", "")[:24]
				if len(got) != 1 || len(got[0]) != 40 || !strings.HasPrefix(got[0], "Root=1-") || got[0][15] != '-' || got[0][16:] != want {
					t.Fatalf("X-Amzn-Trace-Id %q, want Root=1-<8 hex digits>-%s", got, want)
				}
				sec, err := strconv.ParseUint(got[0][7:15], 16, 32)
				if now := uint64(time.Now().Unix()); err != nil || sec > now || sec+60 < now {
					t.Fatalf("X-Amzn-Trace-Id %q: its second is not the request's (now %x)", got[0], now)
				}
			})
		}
	}
}

// TestFormatTraceUUID: the written-out trace id of a UUID is formatTrace's,
// for random UUIDs (as randomIDs writes them) and times across the range of
// the second's eight digits.
func TestFormatTraceUUID(t *testing.T) {
	for i := range 2000 {
		var ids [idsLen]byte
		randomIDs(&ids)
		start := time.Unix(int64(uint32(i)*2654435761), 0)
		var want, got [traceLen]byte
		formatTrace(&want, start, ids[:36])
		formatTraceUUID(&got, start, (*[36]byte)(ids[:36]))
		if got != want {
			t.Fatalf("id %s at %d: %q, want %q", ids[:36], start.Unix(), got, want)
		}
	}
}
