//go:build !amd64

package deepstack

// Grow32K does nothing here: there is no assembly to grow a stack with
// (see the package comment).
func Grow32K() {}

// Grow64K does nothing here (see Grow32K).
func Grow64K() {}
