package runtime

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestMakeCertificateAhead: a certificate made ahead (as up makes it while
// the template resolves) is the one the gateway serves, and one made by
// MakeCertificate is the kind New makes itself: a certificate for the
// local names that the local authority, which Certificate returns, signs.
func TestMakeCertificateAhead(t *testing.T) {
	c, err := MakeCertificate("", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	leaf := c.Leaf()
	if leaf == nil || leaf.Subject.CommonName != "localhost" || len(leaf.IPAddresses) != 2 || leaf.IsCA {
		t.Fatalf("leaf = %+v", leaf)
	}
	g, err := New(Config{TLSAddr: "127.0.0.1:0", Certificate: &c, CertFile: "/nonexistent/cert.pem", KeyFile: "/nonexistent/key.pem"})
	if err != nil {
		t.Fatalf("New read the files instead of taking the certificate: %v", err)
	}
	ca := g.Certificate()
	if ca == nil || !ca.IsCA || ca.Equal(leaf) {
		t.Fatalf("Certificate() = %+v, want the local authority", ca)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, name := range []string{"localhost", "127.0.0.1", "::1", "abc123.execute-api.localhost"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots}); err != nil {
			t.Errorf("the default certificate does not verify for %s: %v", name, err)
		}
	}
	if _, err := MakeCertificate("cert.pem", "", time.Now()); err == nil {
		t.Errorf("a certificate file without its key: no error")
	}
}

// TestCustomDomainCertificates: over TLS, a client that trusts the
// gateway's authority and names a custom domain of the template (exact or
// under a wildcard domain) gets a certificate for that domain, verifies
// it and is served the domain's mapping over HTTP/2 — curl --resolve
// api.example.com:8443:127.0.0.1 --cacert ... works as against API
// Gateway with the domain's ACM certificate. A name the template lacks
// gets the default certificate (and a client's hostname error); a domain
// added by a reload is served with its own certificate at once.
func TestCustomDomainCertificates(t *testing.T) {
	tpl := customDomainTemplate()
	r := start(t, tpl, nil)
	roots := x509.NewCertPool()
	roots.AddCert(r.g.Certificate())
	// Every name dials the gateway's TLS port, as --resolve does.
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, r.https)
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Transport: tr, Timeout: clientTimeout}
	get := func(url string) (*http.Response, string, error) {
		resp, err := c.Get(url)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, string(b), err
	}
	for _, tc := range []struct {
		url, body, certName string
	}{
		{"https://api.example.com/shop/v2/pets/1", "aaaaaaaaaa beta /shop/v2/pets/1 /pets/{id}", "api.example.com"},
		{"https://API.example.com./pets/2", "aaaaaaaaaa prod /pets/2 /pets/{id}", "api.example.com"},
		{"https://svc.example.org/b", "bbbbbbbbbb live /b /", "*.example.org"},
		{"https://other.example.org/b", "bbbbbbbbbb live /b /", "*.example.org"},
		{"https://localhost/prod/pets/3", "aaaaaaaaaa prod /prod/pets/3 /pets/{id}", "localhost"},
	} {
		resp, body, err := get(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if resp.StatusCode != 200 || body != tc.body || resp.ProtoMajor != 2 {
			t.Errorf("%s: %s %d %q, want HTTP/2 200 %q", tc.url, resp.Proto, resp.StatusCode, body, tc.body)
		}
		if got := resp.TLS.PeerCertificates[0].DNSNames; got[0] != tc.certName {
			t.Errorf("%s: certificate for %v, want %s", tc.url, got, tc.certName)
		}
	}
	// Not a domain of the template: the default certificate, which the
	// client rejects for that name.
	var hostErr x509.HostnameError
	if _, _, err := get("https://nope.example.com/prod/pets/1"); !errors.As(err, &hostErr) || !slices.Contains(hostErr.Certificate.DNSNames, "localhost") {
		t.Errorf("a name the template lacks: %v, want the default certificate's hostname error", err)
	}
	// A reload that adds a domain: its certificate is issued on its first
	// handshake, and the earlier ones are still served.
	next := customDomainTemplate()
	next.DomainNames = append(next.DomainNames, &model.DomainName{LogicalID: "E", Name: "new.example.net",
		Mappings: []*model.BasePathMapping{{LogicalID: "M5", BasePath: "", APIID: "aaaaaaaaaa", Stage: "beta"}}})
	next.Finalize()
	if _, err := r.g.Load(next); err != nil {
		t.Fatal(err)
	}
	tr.CloseIdleConnections()
	for _, url := range []string{"https://new.example.net/pets/4", "https://api.example.com/pets/5"} {
		if resp, body, err := get(url); err != nil || resp.StatusCode != 200 {
			t.Errorf("%s after the reload: %v %q", url, err, body)
		}
	}
}

// TestCertificateFiles: with --cert and --key the gateway serves that
// certificate for every name (custom domains too: the user's certificate
// names what it names) and Certificate returns it.
func TestCertificateFiles(t *testing.T) {
	made, err := MakeCertificate("", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalECPrivateKey(made.tls.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: made.Leaf().Raw}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: key}), 0o600)
	r := start(t, customDomainTemplate(), func(c *Config) { c.CertFile, c.KeyFile = certFile, keyFile })
	if got := r.g.Certificate(); got == nil || !got.Equal(made.Leaf()) {
		t.Fatalf("Certificate() is not the file's certificate")
	}
	conn, err := tls.Dial("tcp", r.https, &tls.Config{ServerName: "api.example.com", InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got := conn.ConnectionState().PeerCertificates[0]; !got.Equal(made.Leaf()) {
		t.Errorf("a custom domain's handshake got %v, want the file's certificate", got.DNSNames)
	}
}
