package h2

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCommonCanonical: every name commonCanonical knows maps as
// http.CanonicalHeaderKey maps it; others are left to the caller.
func TestCommonCanonical(t *testing.T) {
	for _, n := range []string{"accept", "accept-encoding", "accept-language", "authorization", "cache-control",
		"content-encoding", "content-length", "content-type", "date", "etag", "host", "if-none-match",
		"last-modified", "location", "origin", "referer", "server", "set-cookie", "user-agent", "vary",
		"x-amzn-trace-id", "x-api-key", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto"} {
		if got, want := commonCanonical(n), http.CanonicalHeaderKey(n); got != want {
			t.Errorf("commonCanonical(%q) = %q, want %q", n, got, want)
		}
	}
	for _, n := range []string{"x-custom", "Accept", "acceptx", ""} {
		if got := commonCanonical(n); got != "" {
			t.Errorf("commonCanonical(%q) = %q, want none", n, got)
		}
	}
}

// headerFields is a list of n request fields, with repeated names (common
// and not, adjacent and apart) among distinct ones.
func headerFields(n int) [][2]string {
	var f [][2]string
	for i := 0; len(f) < n; i++ {
		switch i % 5 {
		case 0:
			f = append(f, [2]string{"accept", fmt.Sprintf("a%d", i)})
		case 1:
			f = append(f, [2]string{"x-rep", fmt.Sprintf("r%d", i)})
		case 2:
			f = append(f, [2]string{fmt.Sprintf("x-one-%d", i), "1"})
		case 3:
			f = append(f, [2]string{"user-agent", fmt.Sprintf("u%d", i)})
		default:
			f = append(f, [2]string{"x-rep", fmt.Sprintf("s%d", i)})
		}
	}
	return f
}

// wantHeader is http.Header of the fields, built as net/http builds one.
func wantHeader(fields [][2]string) http.Header {
	h := http.Header{}
	for _, f := range fields {
		h.Add(f[0], f[1])
	}
	return h
}

func dumpHeader(h http.Header) string {
	var lines []string
	for k, vv := range h {
		lines = append(lines, k+"="+strings.Join(vv, ","))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestHeaderMapsKeepRepeatedFields: the server's request header map and
// the Client's response header map keep every value of a repeated field
// in order, under its canonical name, for lists short enough to be
// checked by name comparison and for longer ones (dupScanMax).
func TestHeaderMapsKeepRepeatedFields(t *testing.T) {
	for _, n := range []int{3, dupScanMax - 3, dupScanMax, dupScanMax + 1, 60} { // a response adds Date and Content-Length
		fields := headerFields(n)
		want := dumpHeader(wantHeader(fields))
		t.Run(fmt.Sprintf("request %d", n), func(t *testing.T) {
			addr := serve(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h := r.Header.Clone()
				w.Write([]byte(dumpHeader(h)))
			})})
			fr := rawConn(t, addr)
			kv := slices.Clone(getFields)
			for _, f := range fields {
				kv = append(kv, f[0], f[1])
			}
			writeRequest(fr, 1, true, kv...)
			if status, body := expectResponse(t, fr, 1); status != "200" || body != want {
				t.Errorf("status %s, handler saw\n%s\nwant\n%s", status, body, want)
			}
		})
		t.Run(fmt.Sprintf("response %d", n), func(t *testing.T) {
			addr := h2cServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for _, f := range fields {
					w.Header().Add(f[0], f[1])
				}
			}))
			cl := newClient(addr)
			defer cl.CloseIdle()
			req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			resp, err := cl.Do(ctx, req, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header.Clone()
			delete(h, "Date")
			delete(h, "Content-Length")
			if got := dumpHeader(h); got != want {
				t.Errorf("response header\n%s\nwant\n%s", got, want)
			}
		})
	}
}
