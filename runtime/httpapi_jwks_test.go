package runtime

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/jwt"
)

// A request that gives up while the issuer's keys are being fetched must
// not leave its cancellation behind as the issuer's answer: the next
// requests (within jwksRetry) would all be refused with it.
func TestJWKSFetchOutlivesCanceledRequest(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid := jwt.KeyID(&priv.PublicKey)
	var issuer string
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			time.Sleep(200 * time.Millisecond) // a slow identity provider
			json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/keys"})
		case "/keys":
			w.Write(jwt.JWKS(jwt.Key{ID: kid, Alg: "RS256", Pub: &priv.PublicKey}))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(idp.Close)
	issuer = idp.URL

	c := newJWKSCache()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	c.keys(ctx, issuer, kid) // the client went away: its own answer does not matter
	keys, err := c.keys(context.Background(), issuer, kid)
	if err != nil || len(keys) != 1 || keys[0].ID != kid {
		t.Fatalf("keys after a canceled fetch = %v, %v; want the issuer's key", keys, err)
	}
}

// The request that starts a fetch stops waiting for it when its client
// goes away, as the requests that queue behind the fetch do; the fetch
// itself goes on and its answer serves the next request.
func TestJWKSStarterStopsWaitingWhenCanceled(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid := jwt.KeyID(&priv.PublicKey)
	release := make(chan struct{})
	var issuer string
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			<-release // the identity provider answers only when the test says so
			json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/keys"})
		case "/keys":
			w.Write(jwt.JWKS(jwt.Key{ID: kid, Alg: "RS256", Pub: &priv.PublicKey}))
		}
	}))
	t.Cleanup(idp.Close)
	issuer = idp.URL

	c := newJWKSCache()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.keys(ctx, issuer, kid)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Errorf("canceled request: err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("the request that started the fetch still waits for the identity provider after its client went away")
	}
	close(release)
	keys, err := c.keys(context.Background(), issuer, kid)
	if err != nil || len(keys) != 1 || keys[0].ID != kid {
		t.Fatalf("keys after the fetch = %v, %v; want the issuer's key", keys, err)
	}
}

// Requests to an issuer whose keys are being fetched wait for that one
// fetch (the identity provider sees one discovery request), and a request
// to another issuer does not wait behind it: the slow issuer answers only
// once the other issuer's keys are in, so no bound on time (which a loaded
// machine breaks) is needed; keys that waited behind the slow fetch come
// after it ended (its jwksTimeout).
func TestJWKSOneFetchPerIssuer(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid := jwt.KeyID(&priv.PublicKey)
	var discoveries atomic.Int32
	release := make(chan struct{})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(free) // before the servers close (cleanups run last first)
	idp := func(hold bool) *httptest.Server {
		var s *httptest.Server
		s = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/.well-known/openid-configuration":
				discoveries.Add(1)
				if hold {
					<-release
				}
				json.NewEncoder(w).Encode(map[string]string{"issuer": s.URL, "jwks_uri": s.URL + "/keys"})
			case "/keys":
				w.Write(jwt.JWKS(jwt.Key{ID: kid, Alg: "RS256", Pub: &priv.PublicKey}))
			}
		}))
		t.Cleanup(s.Close)
		return s
	}
	slow, fast := idp(true), idp(false)
	c := newJWKSCache()
	var wg sync.WaitGroup
	var slowDone atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if keys, err := c.keys(context.Background(), slow.URL, kid); err != nil || len(keys) != 1 {
				t.Errorf("slow issuer: %v %v", keys, err)
			}
			slowDone.Add(1)
		}()
	}
	// The slow issuer's fetch has begun (its discovery request arrived).
	for deadline := time.Now().Add(30 * time.Second); discoveries.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no discovery request to the slow issuer")
		}
	}
	got := make(chan error, 1)
	go func() {
		_, err := c.keys(context.Background(), fast.URL, kid)
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		free()
		t.Fatal("another issuer's keys waited for the slow fetch (still waiting after 60 s)")
	}
	// The slow fetch ends only when released, or when its own bound
	// (jwksTimeout) cuts it: keys that came after that waited for it.
	if n := slowDone.Load(); n != 0 {
		t.Errorf("another issuer's keys came after %d requests to the slow issuer ended: they waited for the slow fetch", n)
	}
	free()
	wg.Wait()
	if n := discoveries.Load(); n != 2 {
		t.Errorf("%d discovery requests, want 2 (one per issuer)", n)
	}
}
