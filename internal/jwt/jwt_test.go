package jwt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestSignVerifyJWKS(t *testing.T) {
	dir := t.TempDir()
	k, err := LoadOrCreateKey(filepath.Join(dir, "k.pem"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateKey(filepath.Join(dir, "k.pem"))
	if err != nil || again.N.Cmp(k.N) != 0 {
		t.Fatalf("the key file is not read back: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "k.pem")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	kid := KeyID(&k.PublicKey)
	keys, err := ParseJWKS(JWKS(Key{ID: kid, Alg: "RS256", Pub: &k.PublicKey}))
	if err != nil || len(keys) != 1 || keys[0].ID != kid {
		t.Fatalf("JWKS round trip: %v %v", keys, err)
	}
	tok, err := Sign(k, kid, map[string]any{"sub": "a", "exp": 5})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(tok)
	if err != nil || p.Claims["sub"] != "a" || p.Claims["exp"] != json.Number("5") {
		t.Fatalf("Parse: %v %v", p, err)
	}
	if err := p.Verify(keys); err != nil {
		t.Errorf("Verify: %v", err)
	}
	other, _ := LoadOrCreateKey(filepath.Join(dir, "other.pem"))
	okeys, _ := ParseJWKS(JWKS(Key{ID: kid, Alg: "RS256", Pub: &other.PublicKey}))
	if p.Verify(okeys) == nil {
		t.Error("verified with another key of the same kid")
	}
	parts := strings.Split(tok, ".")
	for name, bad := range map[string]string{
		"alg none":    base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".",
		"HS256":       base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"`+kid+`"}`)) + "." + parts[1] + "." + parts[2],
		"no such kid": base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"x"}`)) + "." + parts[1] + "." + parts[2],
		"tampered":    parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"b"}`)) + "." + parts[2],
	} {
		if p, err := Parse(bad); err == nil && p.Verify(keys) == nil {
			t.Errorf("%s verified", name)
		}
	}
	for _, bad := range []string{"", "a.b", "a.b.c.d", "!!.e30.", strings.Repeat("a", 20000)} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%.20q) accepted", bad)
		}
	}
}

func TestES256(t *testing.T) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keys, err := ParseJWKS(JWKS(Key{ID: "e", Alg: "ES256", Pub: &priv.PublicKey}))
	if err != nil {
		t.Fatal(err)
	}
	signed := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"ES256","kid":"e"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"x"}`))
	sum := sha256.Sum256([]byte(signed))
	r, s, _ := ecdsa.Sign(rand.Reader, priv, sum[:])
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	p, err := Parse(signed + "." + base64.RawURLEncoding.EncodeToString(sig))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(keys); err != nil {
		t.Errorf("ES256: %v", err)
	}
}

func TestLoadOrCreateKeyConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "k.pem")
	var wg sync.WaitGroup
	ns := make([]string, 4)
	for i := range ns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := LoadOrCreateKey(path)
			if err != nil {
				t.Error(err)
				return
			}
			ns[i] = k.N.String()
		}()
	}
	wg.Wait()
	for _, n := range ns[1:] {
		if n != ns[0] {
			t.Fatal("concurrent callers got different keys")
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := Parse(s); err == nil {
			_ = p.Verify(nil)
		}
	})
}
