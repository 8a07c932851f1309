package runtime

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
