package function

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// NewLazy (cfnrun's fork) builds the spec once, on first use, and the
// function behaves as New's with the same spec.
func TestNewLazy(t *testing.T) {
	var built atomic.Int32
	spec := func() *Spec {
		return &Spec{
			Description: "upper",
			Params:      []Parameter{{Name: "s", Type: cty.String}},
			Type:        StaticReturnType(cty.String),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				return cty.StringVal(args[0].AsString() + "!"), nil
			},
		}
	}
	l := &LazySpec{New: func() *Spec { built.Add(1); return spec() }}
	lazy, eager := NewLazy(l), New(spec())
	if built.Load() != 0 {
		t.Fatal("NewLazy built the spec before the first use")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range []Function{lazy, eager} {
				got, err := f.Call([]cty.Value{cty.StringVal("a")})
				if err != nil || !got.RawEquals(cty.StringVal("a!")) {
					t.Errorf("Call = %#v, %v", got, err)
				}
			}
		}()
	}
	wg.Wait()
	if n := built.Load(); n != 1 {
		t.Errorf("spec built %d times, want 1", n)
	}
	if lazy.Description() != eager.Description() || len(lazy.Params()) != 1 || lazy.Params()[0].Name != "s" {
		t.Errorf("lazy: %q %v; eager: %q %v", lazy.Description(), lazy.Params(), eager.Description(), eager.Params())
	}
	if _, err := lazy.Call(nil); err == nil {
		t.Error("Call with no arguments: no error")
	}
}
