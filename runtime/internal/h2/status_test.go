package h2

import (
	"net/http"
	"strconv"
	"testing"
)

// TestStatusText: the :status text and the client's Status line for every
// code, from the constant table and past its ends.
func TestStatusText(t *testing.T) {
	for code := 0; code < 1000; code++ {
		if got, want := statusText(code), strconv.Itoa(code); got != want {
			t.Fatalf("statusText(%d) = %q, want %q", code, got, want)
		}
		if got, want := statusLine(code), strconv.Itoa(code)+" "+http.StatusText(code); got != want {
			t.Fatalf("statusLine(%d) = %q, want %q", code, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = statusText(404) }); n != 0 {
		t.Errorf("statusText allocates %v times", n)
	}
}
