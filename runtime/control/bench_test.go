package control_test

import (
	"net/http/httptest"
	"testing"

	"github.com/cfnrun/cfnrun/runtime"
	"github.com/cfnrun/cfnrun/runtime/control"
)

// BenchmarkDataPlaneMock measures a MOCK request through the gateway's
// handler with the control plane off and on: what recognition costs the
// data plane (go test -run X -bench DataPlaneMock ./runtime/control/).
func BenchmarkDataPlaneMock(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "control-plane-off"
		if on {
			name = "control-plane-on"
		}
		b.Run(name, func(b *testing.B) {
			g, err := runtime.New(runtime.Config{})
			if err != nil {
				b.Fatal(err)
			}
			if on {
				g.SetControlPlane(control.New(g, control.Options{}))
			}
			if _, err := g.Load(petstore()); err != nil {
				b.Fatal(err)
			}
			h := g.Handler()
			r := httptest.NewRequest("GET", "/prod/pets", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
