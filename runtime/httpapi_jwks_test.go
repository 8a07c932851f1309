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
// to another issuer does not wait behind it.
func TestJWKSOneFetchPerIssuer(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid := jwt.KeyID(&priv.PublicKey)
	var discoveries atomic.Int32
	idp := func(delay time.Duration) *httptest.Server {
		var s *httptest.Server
		s = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/.well-known/openid-configuration":
				discoveries.Add(1)
				time.Sleep(delay)
				json.NewEncoder(w).Encode(map[string]string{"issuer": s.URL, "jwks_uri": s.URL + "/keys"})
			case "/keys":
				w.Write(jwt.JWKS(jwt.Key{ID: kid, Alg: "RS256", Pub: &priv.PublicKey}))
			}
		}))
		t.Cleanup(s.Close)
		return s
	}
	slow, fast := idp(time.Second), idp(0)
	c := newJWKSCache()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if keys, err := c.keys(context.Background(), slow.URL, kid); err != nil || len(keys) != 1 {
				t.Errorf("slow issuer: %v %v", keys, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if _, err := c.keys(context.Background(), fast.URL, kid); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 700*time.Millisecond {
		t.Errorf("another issuer's keys took %v: they waited for the slow fetch", d)
	}
	wg.Wait()
	if n := discoveries.Load(); n != 2 {
		t.Errorf("%d discovery requests, want 2 (one per issuer)", n)
	}
}
