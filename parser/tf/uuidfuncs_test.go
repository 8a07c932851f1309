package tf

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	ctyuuid "github.com/hashicorp/go-cty-funcs/uuid"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// TestUUIDFuncs: uuidv5 gives go-cty-funcs's answer (value or error) for
// the named namespaces, UUIDs in every form google/uuid reads, and broken
// ones; uuid gives a version 4 UUID; both have the same parameters.
func TestUUIDFuncs(t *testing.T) {
	ours, theirs := uuidV5Func(), ctyuuid.V5Func
	spaces := []string{"dns", "url", "oid", "x500", "DNS", "", "x",
		"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
		"urn:uuid:6ba7b811-9dad-11d1-80b4-00c04fd430c8", "URN:UUID:6ba7b811-9dad-11d1-80b4-00c04fd430c8",
		"urx:uuid:6ba7b811-9dad-11d1-80b4-00c04fd430c8", "{6ba7b812-9dad-11d1-80b4-00c04fd430c8}",
		"(6ba7b812-9dad-11d1-80b4-00c04fd430c8)", "6ba7b8149dad11d180b400c04fd430c8", "6ba7b8149dad11d180b400c04fd430cg",
		"6ba7b814-9dad-11d1-80b4-00c04fd430cg", "6ba7b814+9dad-11d1-80b4-00c04fd430c8", "6ba7b814-9dad-11d1-80b4-00c04fd430c",
		"日本語日本語日本語日本語-9dad-11d1-80b4-0"}
	r := rand.New(rand.NewPCG(1, 2))
	const hexdigits = "0123456789abcdefABCDEF-xg{}:"
	for range 300 {
		n := []int{32, 36, 38, 45, 31, 37}[r.IntN(6)]
		var b strings.Builder
		for i := range n {
			if n == 36 && (i == 8 || i == 13 || i == 18 || i == 23) && r.IntN(10) > 0 {
				b.WriteByte('-')
				continue
			}
			b.WriteByte(hexdigits[r.IntN(len(hexdigits)-6*boolInt(r.IntN(8) > 0))])
		}
		spaces = append(spaces, b.String())
	}
	for _, ns := range spaces {
		for _, name := range []string{"", "www.example.com", "日本"} {
			args := []cty.Value{cty.StringVal(ns), cty.StringVal(name)}
			got, gerr := ours.Call(args)
			want, werr := theirs.Call(args)
			if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) || (gerr == nil && !got.RawEquals(want)) {
				t.Errorf("uuidv5(%q, %q) = %#v, %v; go-cty-funcs %#v, %v", ns, name, got, gerr, want, werr)
			}
		}
	}
	sameParams(t, "uuidv5", ours, theirs)
	sameParams(t, "uuid", uuidV4Func(), ctyuuid.V4Func)
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		v, err := uuidV4Func().Call(nil)
		if err != nil || !v4.MatchString(v.AsString()) || seen[v.AsString()] {
			t.Fatalf("uuid() = %#v, %v", v, err)
		}
		seen[v.AsString()] = true
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sameParams(t *testing.T, name string, a, b function.Function) {
	t.Helper()
	pa, pb := a.Params(), b.Params()
	if len(pa) != len(pb) || (a.VarParam() == nil) != (b.VarParam() == nil) {
		t.Fatalf("%s: %d parameters, go-cty-funcs %d", name, len(pa), len(pb))
	}
	for i := range pa {
		if pa[i].Name != pb[i].Name || !pa[i].Type.Equals(pb[i].Type) || pa[i].AllowNull != pb[i].AllowNull ||
			pa[i].AllowUnknown != pb[i].AllowUnknown || pa[i].AllowDynamicType != pb[i].AllowDynamicType || pa[i].AllowMarked != pb[i].AllowMarked {
			t.Errorf("%s parameter %d: %+v, go-cty-funcs %+v", name, i, pa[i], pb[i])
		}
	}
	ra, erra := a.ReturnType(nil)
	rb, errb := b.ReturnType(nil)
	if len(pa) == 0 && (erra != nil || errb != nil || !ra.Equals(rb)) {
		t.Errorf("%s returns %#v, %v; go-cty-funcs %#v, %v", name, ra, erra, rb, errb)
	}
}
