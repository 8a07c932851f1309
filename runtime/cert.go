package runtime

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"
)

// Certificate is the gateway's TLS identity: the certificate it serves
// by default and, when cfnrun made it (no --cert/--key), the local
// certificate authority that signed it. That authority also signs, on the
// first handshake that names one, a certificate for each custom domain
// name of the template (AWS::ApiGateway::DomainName, aws_apigatewayv2_domain_name),
// as the domain's ACM certificate names it in AWS: a client that trusts
// the authority (curl --cacert, NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE)
// verifies https://api.example.com:8443 resolved to the gateway, not only
// https://localhost:8443.
type Certificate struct {
	tls tls.Certificate
	ca  *localCA
}

// Leaf is the certificate served when the client names no custom domain.
func (c *Certificate) Leaf() *x509.Certificate { return c.tls.Leaf }

// MakeCertificate is the certificate New makes for Config.TLSAddr: the
// pair in certFile and keyFile, or, both empty, a local authority and a
// certificate it signs for the local names, valid from now. Making the
// keys is the first use of the process's ECDSA code (with its
// self-tests), so a caller with other work to do at start can run it on
// another goroutine and pass the result in Config.Certificate.
func MakeCertificate(certFile, keyFile string, now time.Time) (Certificate, error) {
	if certFile != "" || keyFile != "" {
		if certFile == "" || keyFile == "" {
			return Certificate{}, errors.New("give both --cert and --key, or neither for a certificate made at start")
		}
		c, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return Certificate{}, fmt.Errorf("reading the TLS certificate: %w", err)
		}
		return Certificate{tls: c}, nil
	}
	ca, err := newLocalCA(now)
	if err != nil {
		return Certificate{}, err
	}
	leaf, err := ca.issue(localNames, now)
	if err != nil {
		return Certificate{}, err
	}
	return Certificate{tls: *leaf, ca: ca}, nil
}

// localNames are the names of the certificate served by default.
var localNames = []string{"localhost", "*.execute-api.localhost"}

// localCA is the authority cfnrun makes at start: a key of its own and a
// self-signed CA certificate, and the key of the certificates it issues
// (one key for all of them: a certificate per name, not a key per name).
type localCA struct {
	key     *ecdsa.PrivateKey
	cert    *x509.Certificate
	leafKey *ecdsa.PrivateKey
	// now is when the authority was made: the domains' certificates are
	// valid from then, as the default one is.
	now time.Time

	mu     sync.Mutex
	issued map[string]*tls.Certificate
}

// maxIssued bounds the certificates kept for custom domains: reloads
// that rename domains over and over start a new set past it.
const maxIssued = 256

func newLocalCA(now time.Time) (*localCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serialNumber(),
		Subject:               pkix.Name{Organization: []string{"cfnrun local gateway"}, CommonName: "cfnrun local CA " + now.UTC().Format("2006-01-02 15:04:05")},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &localCA{key: key, cert: cert, leafKey: leafKey, now: now, issued: map[string]*tls.Certificate{}}, nil
}

func serialNumber() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// issue makes a certificate for names signed by the authority; the chain
// served carries the authority's certificate after it. The default
// certificate also names the loopback addresses.
func (ca *localCA) issue(names []string, now time.Time) (*tls.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber:          serialNumber(),
		Subject:               pkix.Name{Organization: []string{"cfnrun local gateway"}, CommonName: names[0]},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              names,
	}
	if names[0] == localNames[0] {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &ca.leafKey.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: crypto.Signer(ca.leafKey), Leaf: leaf}, nil
}

// forDomain returns the certificate for the custom domain name (a
// wildcard "*.example.com" for the names under it), issuing it on first
// use.
func (ca *localCA) forDomain(name string) (*tls.Certificate, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if c := ca.issued[name]; c != nil {
		return c, nil
	}
	c, err := ca.issue([]string{name}, ca.now)
	if err != nil {
		return nil, err
	}
	if len(ca.issued) >= maxIssued {
		clear(ca.issued)
	}
	ca.issued[name] = c
	return c, nil
}

// certificateFor picks the certificate of a TLS handshake (tls.Config's
// GetCertificate): the one for the custom domain the client names in its
// server name indication, when the served template has that domain (or a
// wildcard domain over it); nil otherwise, which serves the default.
func (g *Gateway) certificateFor(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := hello.ServerName
	if name == "" || name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return nil, nil
	}
	v := g.cur.Load()
	if v == nil || (v.domains == nil && v.wildDomains == nil) {
		return nil, nil
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if _, ok := v.domains[name]; !ok {
		_, parent, ok := strings.Cut(name, ".")
		if _, wild := v.wildDomains[parent]; !ok || !wild {
			return nil, nil
		}
		name = "*." + parent
	}
	c, err := g.ca.forDomain(name)
	if err != nil {
		// The default certificate still lets a client that skips
		// verification (curl -k) through.
		g.log.Warn("cannot make the custom domain's TLS certificate; serving the default one", "domain", name, "error", err)
		return nil, nil
	}
	return c, nil
}

// Certificate returns the certificate a client of the gateway trusts to
// verify it: the local authority when cfnrun made the certificates (it
// signs the default one and the custom domains'), else the certificate of
// --cert; nil without a TLS listener. Tests and `cfnrun up` (which writes
// it for the functions it runs) read it.
func (g *Gateway) Certificate() *x509.Certificate {
	if g.tlsCfg == nil {
		return nil
	}
	if g.ca != nil {
		return g.ca.cert
	}
	return g.tlsCfg.Certificates[0].Leaf
}
