package runtime

import (
	"testing"
	"time"
)

// TestMakeCertificateAhead: a certificate made ahead (as up makes it while
// the template resolves) is the one the gateway serves, and one made by
// MakeCertificate is the self-signed kind New makes itself.
func TestMakeCertificateAhead(t *testing.T) {
	c, err := MakeCertificate("", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Leaf == nil || c.Leaf.Subject.CommonName != "localhost" || len(c.Leaf.IPAddresses) != 2 {
		t.Fatalf("leaf = %+v", c.Leaf)
	}
	g, err := New(Config{TLSAddr: "127.0.0.1:0", Certificate: &c, CertFile: "/nonexistent/cert.pem", KeyFile: "/nonexistent/key.pem"})
	if err != nil {
		t.Fatalf("New read the files instead of taking the certificate: %v", err)
	}
	if got := g.Certificate(); got == nil || !got.Equal(c.Leaf) {
		t.Errorf("served certificate is not the one made ahead")
	}
	if _, err := MakeCertificate("cert.pem", "", time.Now()); err == nil {
		t.Errorf("a certificate file without its key: no error")
	}
}
