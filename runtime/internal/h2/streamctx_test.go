package h2

import (
	"context"
	"errors"
	"net/url"
	"testing"
)

type ctxKey struct{}

// TestStreamContext: the stream as a context carries its parent's values,
// is done once aborted, and cancels the contexts derived from it (through
// AfterFunc, with no watcher goroutine) and the functions registered with
// context.AfterFunc.
func TestStreamContext(t *testing.T) {
	parent := context.WithValue(context.Background(), ctxKey{}, "v")
	st := &stream{}
	st.ctxs.parent = parent
	var ctx context.Context = st
	if ctx.Value(ctxKey{}) != "v" || ctx.Value(streamKey{}) != st {
		t.Fatal("values: want the parent's and the stream")
	}
	if ctx.Err() != nil {
		t.Fatal("Err before abort")
	}
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	stopped, stopCancel := context.WithCancel(ctx)
	stopCancel() // derived, then canceled on its own: unregistered
	if n := len(st.ctxs.afters); n != 1 {
		t.Fatalf("%d functions registered, want 1 (the live child)", n)
	}
	ran := make(chan struct{})
	context.AfterFunc(ctx, func() { close(ran) })
	done := ctx.Done()
	select {
	case <-done:
		t.Fatal("done before abort")
	default:
	}
	st.abort()
	<-done
	<-child.Done()
	<-ran
	if !errors.Is(ctx.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) || stopped.Err() == nil {
		t.Fatalf("errors after abort: %v, %v", ctx.Err(), child.Err())
	}
	// Asked for after the abort: a closed channel; derived after: done.
	<-ctx.Done()
	late, cancelLate := context.WithCancel(ctx)
	defer cancelLate()
	<-late.Done()
	st.abort() // again: nothing
}

// TestPlainPath: the fast path gives what url.ParseRequestURI gives.
func TestPlainPath(t *testing.T) {
	for _, p := range []string{
		"/", "/prod/proxy", "/a/b-c_d.e~f", "/$&+,:;=@", "//double", "/a%20b", "/a b", "/a?x=1",
		"/a?", "/é", "/a#frag", "/a!b", "/a*b", "/(x)", "/a'b", "*",
	} {
		want, werr := url.ParseRequestURI(p)
		var got url.URL
		err := parseRequestURI(&got, p)
		if (err != nil) != (werr != nil) {
			t.Errorf("%q: error %v, want %v", p, err, werr)
			continue
		}
		if err == nil && got != *want {
			t.Errorf("%q: %#v, want %#v", p, got, *want)
		}
	}
}
