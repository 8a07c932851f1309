//go:build !linux

package lambda

import (
	"net"
	"testing"
)

// refusingAddr is a loopback address nothing listened on a moment ago.
func refusingAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	return ln.Addr().String()
}
