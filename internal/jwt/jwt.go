// Package jwt reads, verifies and signs the JSON Web Tokens Cognito user
// pools issue (RS256, and ES256), and reads and writes the JSON Web Key
// Sets that publish their keys. It is the small part of JOSE the gateway
// and `cfnrun token` need; "alg": "none" and every other algorithm are
// refused.
package jwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
)

// Key is a public key from a JWKS.
type Key struct {
	ID  string // kid
	Alg string // RS256 or ES256
	Pub crypto.PublicKey
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// ParseJWKS reads a JSON Web Key Set ({"keys": [...]}, as
// https://cognito-idp.REGION.amazonaws.com/POOL/.well-known/jwks.json
// serves it). RSA and P-256 keys are kept; others are an error.
func ParseJWKS(b []byte) ([]Key, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("not a JWKS: %v", err)
	}
	if len(set.Keys) == 0 {
		return nil, errors.New(`not a JWKS: no "keys"`)
	}
	var out []Key
	for i, k := range set.Keys {
		switch k.Kty {
		case "RSA":
			n, err1 := b64(k.N)
			e, err2 := b64(k.E)
			if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
				return nil, fmt.Errorf("key %d (%s): bad n or e", i, k.Kid)
			}
			out = append(out, Key{ID: k.Kid, Alg: "RS256", Pub: &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}})
		case "EC":
			if k.Crv != "P-256" {
				return nil, fmt.Errorf("key %d (%s): curve %q is not supported (P-256 is)", i, k.Kid, k.Crv)
			}
			x, err1 := b64(k.X)
			y, err2 := b64(k.Y)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("key %d (%s): bad x or y", i, k.Kid)
			}
			if len(x) > 32 || len(y) > 32 {
				return nil, fmt.Errorf("key %d (%s): x or y longer than a P-256 coordinate", i, k.Kid)
			}
			// The uncompressed point: 0x04, then x and y, 32 bytes each.
			point := make([]byte, 65)
			point[0] = 4
			copy(point[33-len(x):33], x)
			copy(point[65-len(y):], y)
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
			if err != nil {
				return nil, fmt.Errorf("key %d (%s): not a point on P-256: %v", i, k.Kid, err)
			}
			out = append(out, Key{ID: k.Kid, Alg: "ES256", Pub: pub})
		default:
			return nil, fmt.Errorf("key %d (%s): key type %q is not supported (RSA and EC are)", i, k.Kid, k.Kty)
		}
	}
	return out, nil
}

// JWKS renders public keys as a JWKS document.
func JWKS(keys ...Key) []byte {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	for _, k := range keys {
		switch p := k.Pub.(type) {
		case *rsa.PublicKey:
			set.Keys = append(set.Keys, jwk{Kty: "RSA", Kid: k.ID, Alg: "RS256", Use: "sig",
				N: base64.RawURLEncoding.EncodeToString(p.N.Bytes()), E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(p.E)).Bytes())})
		case *ecdsa.PublicKey:
			point, err := p.Bytes() // 0x04, x, y
			if err != nil || len(point) != 65 {
				continue // not a P-256 key: JWKS has nothing to say of it
			}
			set.Keys = append(set.Keys, jwk{Kty: "EC", Kid: k.ID, Alg: "ES256", Use: "sig", Crv: "P-256",
				X: base64.RawURLEncoding.EncodeToString(point[1:33]), Y: base64.RawURLEncoding.EncodeToString(point[33:])})
		}
	}
	b, _ := json.MarshalIndent(set, "", "  ")
	return b
}

func b64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// Token is a decoded JWT.
type Token struct {
	Alg, Kid string
	Claims   map[string]any
	signed   string // header.payload
	sig      []byte
}

// ErrMalformed is any token that is not three base64url JSON parts.
var ErrMalformed = errors.New("malformed token")

// maxTokenLen bounds what Parse reads (Cognito tokens are a few KB).
const maxTokenLen = 16 << 10

// Parse decodes a token without verifying it.
func Parse(s string) (*Token, error) {
	if len(s) > maxTokenLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, maxTokenLen)
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, ErrMalformed
	}
	hb, err1 := b64(parts[0])
	pb, err2 := b64(parts[1])
	sig, err3 := b64(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, ErrMalformed
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if json.Unmarshal(hb, &h) != nil {
		return nil, ErrMalformed
	}
	t := &Token{Alg: h.Alg, Kid: h.Kid, signed: parts[0] + "." + parts[1], sig: sig}
	d := json.NewDecoder(strings.NewReader(string(pb)))
	d.UseNumber()
	if d.Decode(&t.Claims) != nil || t.Claims == nil {
		return nil, ErrMalformed
	}
	return t, nil
}

// Verify checks the token's signature with the key its kid names (any
// key when the token has no kid). Only RS256 and ES256 are accepted.
func (t *Token) Verify(keys []Key) error {
	if t.Alg != "RS256" && t.Alg != "ES256" {
		return fmt.Errorf("algorithm %q is not accepted (RS256 and ES256 are)", t.Alg)
	}
	sum := sha256.Sum256([]byte(t.signed))
	tried := false
	for _, k := range keys {
		if t.Kid != "" && k.ID != t.Kid || k.Alg != t.Alg {
			continue
		}
		tried = true
		switch p := k.Pub.(type) {
		case *rsa.PublicKey:
			if rsa.VerifyPKCS1v15(p, crypto.SHA256, sum[:], t.sig) == nil {
				return nil
			}
		case *ecdsa.PublicKey:
			if len(t.sig) == 64 && ecdsa.Verify(p, sum[:], new(big.Int).SetBytes(t.sig[:32]), new(big.Int).SetBytes(t.sig[32:])) {
				return nil
			}
		}
	}
	if !tried {
		return fmt.Errorf("no key with kid %q", t.Kid)
	}
	return errors.New("the signature does not verify")
}

// HasKey reports whether keys holds the token's kid.
func (t *Token) HasKey(keys []Key) bool {
	for _, k := range keys {
		if k.ID == t.Kid {
			return true
		}
	}
	return false
}

// Sign makes an RS256 token.
func Sign(priv *rsa.PrivateKey, kid string, claims map[string]any) (string, error) {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": kid, "typ": "JWT"})
	p, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// KeyID derives a stable kid from a public key.
func KeyID(pub *rsa.PublicKey) string {
	sum := sha256.Sum256(pub.N.Bytes())
	return "cfnrun-" + base64.RawURLEncoding.EncodeToString(sum[:9])
}

// LoadOrCreateKey reads the RSA private key (PKCS#8 PEM) at path, or makes
// one and writes it there (mode 0600) when the file does not exist.
func LoadOrCreateKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%s: not a PEM file", path)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%s: not an RSA key", path)
		}
		return rk, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// Written aside, then linked into place: a process that races this one
	// either links first or reads the finished file.
	f, err := os.CreateTemp(filepath.Dir(path), ".token-key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(f.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return LoadOrCreateKey(path)
		}
		return nil, err
	}
	return k, nil
}
