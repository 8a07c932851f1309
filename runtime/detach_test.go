package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// detachBackend answers by the path's last segment, each answer naming
// the request's X-Req so that a response given to the wrong stream shows.
func detachBackend(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Req")
	body := `{"req":"` + id + `"}`
	fl := w.(http.Flusher)
	switch r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:] {
	case "small":
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		io.WriteString(w, body)
	case "split":
		// Headers and body in two writes, a moment apart: the gateway
		// holds the headers for the body (holdBody).
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(200)
		fl.Flush()
		time.Sleep(2 * time.Millisecond)
		io.WriteString(w, body)
	case "slowbody":
		// Past holdBody: the headers go on without the body.
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(200)
		fl.Flush()
		time.Sleep(60 * time.Millisecond)
		io.WriteString(w, body)
	case "stream":
		// Unknown length, in chunks: streamed as it comes.
		for i := 0; i < 3; i++ {
			io.WriteString(w, body[:len(body)/3*(i+1)][len(body)/3*i:])
			fl.Flush()
			time.Sleep(time.Millisecond)
		}
		io.WriteString(w, body[len(body)/3*3:])
	case "large":
		w.Header().Set("Content-Length", fmt.Sprint(200<<10+len(body)))
		io.WriteString(w, body)
		w.Write(make([]byte, 200<<10))
	case "status":
		w.Header().Set("X-Extra", id)
		w.WriteHeader(418)
		io.WriteString(w, body)
	case "reset":
		panic(http.ErrAbortHandler) // RST_STREAM before any header
	case "resetmid":
		w.Header().Set("Content-Length", "1000")
		w.Header().Set("X-Extra", id)
		io.WriteString(w, body)
		fl.Flush()
		time.Sleep(time.Millisecond)
		panic(http.ErrAbortHandler)
	case "resetlate":
		// More than the gateway holds back before sending the
		// headers (h2's maxPending), then a reset.
		w.Header().Set("Content-Length", fmt.Sprint(200<<10))
		io.WriteString(w, body)
		w.Write(make([]byte, 64<<10))
		fl.Flush()
		time.Sleep(time.Millisecond)
		panic(http.ErrAbortHandler)
	case "late":
		// Far past the integration's 300 ms: the gateway's timeout runs
		// on a goroutine of its own (the h2 client's sweep), which a
		// starved machine may run seconds late. The gateway's cancel
		// ends the wait.
		select {
		case <-time.After(60 * time.Second):
		case <-r.Context().Done():
		}
		io.WriteString(w, body)
	case "forever":
		io.WriteString(w, body)
		fl.Flush()
		<-r.Context().Done()
	}
}

// TestDetachedProxyStress runs HTTP_PROXY requests without a body, which
// the gateway answers from the backend connection's reader (serveProxy,
// h2.Client.Start), many at once over a few h2c and TLS connections,
// with every kind of backend answer mixed in: each client must get its
// own response whole, or the error its backend's answer calls for.
func TestDetachedProxyStress(t *testing.T) {
	be := h2cBackend(t, http.HandlerFunc(detachBackend))
	b := newTB("detachstre", stage("prod", nil))
	in := proxyTo("http://"+be.Listener.Addr().String()+"/b/{proxy}", true)
	// Nothing but "late" may time out. The bounds are for a stall (a
	// stream that never ends), not for speed: at -cpu 1 with -race beside
	// CPU hogs (about a sixth of a core) requests of the first rounds took
	// up to 58 s and completed (session 30), and 20 s failed there.
	in.TimeoutMillis = 80000
	b.method("/{proxy+}", "ANY", in)
	late := proxyTo("http://"+be.Listener.Addr().String()+"/b/late", true)
	late.TimeoutMillis = 300
	b.method("/late", "GET", late)
	gw := start(t, b.build(), func(c *Config) { c.NoThrottle = true })

	// The stress is of the detached h2c path, so the backend must first
	// be known to speak h2c: on a loaded machine (-cpu 1 beside CPU hogs)
	// its probe may get no answer in time, and the backend is spoken to
	// in HTTP/1.1 until a later probe, which a request starts, hears it
	// (backendGroup.reprobe).
	warm := h2cClient(t)
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(gw.logs.String(), "backend speaks HTTP/2 (h2c)"); {
		if time.Now().After(deadline) {
			t.Fatalf("the backend was never heard to speak h2c:\n%s", gw.logs.String())
		}
		detachOne(warm, "http://"+gw.http, "small", "warm")
		time.Sleep(50 * time.Millisecond)
	}

	kinds := []string{"small", "small", "small", "small", "split", "slowbody", "stream", "large", "status", "reset", "resetmid", "resetlate", "late"}
	clients := []struct {
		name string
		c    *http.Client
		base string
	}{
		{"h2c", h2cClient(t), "http://" + gw.http},
		{"h2c-2", h2cClient(t), "http://" + gw.http},
		{"tls", tlsClient(t, gw.g, true), "https://" + gw.https},
	}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for _, cl := range clients {
		cl.c.Timeout = 90 * time.Second
	}
	for _, cl := range clients {
		for w := 0; w < 40; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 12; i++ {
					kind := kinds[(w+i)%len(kinds)]
					id := fmt.Sprintf("%s-%d-%d", cl.name, w, i)
					if err := detachOne(cl.c, cl.base, kind, id); err != nil {
						if bad.Add(1) < 10 {
							t.Errorf("%s %s: %v", id, kind, err)
						}
					}
				}
			}()
		}
	}
	wg.Wait()

	// Client resets mid-response and before the answer: the gateway
	// must cancel the backend stream and stay healthy.
	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+gw.http+"/prod/forever", nil)
		res, err := clients[0].c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 8)
		io.ReadFull(res.Body, buf)
		cancel()
		res.Body.Close()
		ctx, cancel = context.WithTimeout(context.Background(), 5*time.Millisecond)
		req, _ = http.NewRequestWithContext(ctx, "GET", "http://"+gw.http+"/prod/late", nil)
		if res, err := clients[1].c.Do(req); err == nil {
			res.Body.Close()
		}
		cancel()
	}
	if err := detachOne(clients[0].c, clients[0].base, "small", "after"); err != nil {
		t.Errorf("after the resets: %v", err)
	}
}

func detachOne(c *http.Client, base, kind, id string) error {
	req, _ := http.NewRequest("GET", base+"/prod/"+kind, nil)
	req.Header.Set("X-Req", id)
	res, err := c.Do(req)
	if kind == "reset" || kind == "resetmid" {
		// A reset before the headers, or after part of a body small
		// enough that none of it had reached the client: 502, as
		// when the backend fails before answering (API Gateway reads
		// the whole body before it answers), without the backend's
		// headers.
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 502 || res.Header.Get("X-Extra") != "" || strings.Contains(string(b), id) {
			return fmt.Errorf("status %d, X-Extra %q, body %q: want 502 without the backend's header or body", res.StatusCode, res.Header.Get("X-Extra"), b)
		}
		return nil
	}
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, rerr := io.ReadAll(res.Body)
	want := `{"req":"` + id + `"}`
	switch kind {
	case "resetlate":
		// The backend reset the stream after the headers and part of
		// the body had gone to the client: its stream is reset too,
		// never completed.
		var se http2.StreamError
		if rerr == nil || !(errors.As(rerr, &se) || strings.Contains(rerr.Error(), "stream error")) {
			return fmt.Errorf("body %q read without the reset (err %v)", body, rerr)
		}
		return nil
	case "late":
		if res.StatusCode != 504 {
			return fmt.Errorf("status %d, want 504 (integration timeout)", res.StatusCode)
		}
		return rerr
	case "large":
		if rerr != nil || len(body) != 200<<10+len(want) || string(body[:len(want)]) != want {
			return fmt.Errorf("large body: %d bytes, err %v", len(body), rerr)
		}
		return nil
	case "status":
		if res.StatusCode != 418 || res.Header.Get("X-Extra") != id {
			return fmt.Errorf("status %d X-Extra %q", res.StatusCode, res.Header.Get("X-Extra"))
		}
	}
	if rerr != nil {
		return rerr
	}
	if kind != "status" && res.StatusCode != 200 {
		return fmt.Errorf("status %d body %s", res.StatusCode, body)
	}
	if string(body) != want {
		return fmt.Errorf("body %q, want %q", body, want)
	}
	return nil
}
