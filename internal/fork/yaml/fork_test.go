package yaml

import (
	"math"
	"testing"
)

// The fork's tables (resolve.go) hold what upstream's init put in its
// slice and maps: the same lists, written as upstream wrote them.
func TestForkResolveTables(t *testing.T) {
	var want [256]byte
	want['+'], want['-'], want['.'] = 'S', 'S', '.'
	for _, c := range "0123456789" {
		want[c] = 'D'
	}
	for _, c := range "yYnNtTfFoO~" {
		want[c] = 'M'
	}
	if resolveTable != want {
		t.Errorf("resolveTable = %q, want %q", resolveTable, want)
	}

	list := []struct {
		v   interface{}
		tag string
		l   []string
	}{
		{true, boolTag, []string{"true", "True", "TRUE"}},
		{false, boolTag, []string{"false", "False", "FALSE"}},
		{nil, nullTag, []string{"", "~", "null", "Null", "NULL"}},
		{math.NaN(), floatTag, []string{".nan", ".NaN", ".NAN"}},
		{math.Inf(+1), floatTag, []string{".inf", ".Inf", ".INF"}},
		{math.Inf(+1), floatTag, []string{"+.inf", "+.Inf", "+.INF"}},
		{math.Inf(-1), floatTag, []string{"-.inf", "-.Inf", "-.INF"}},
		{"<<", mergeTag, []string{"<<"}},
	}
	in := map[string]bool{}
	for _, item := range list {
		for _, s := range item.l {
			in[s] = true
			got, ok := resolveMap(s)
			if !ok || got.tag != item.tag {
				t.Errorf("resolveMap(%q) = %v, %v; want %v %s", s, got, ok, item.v, item.tag)
				continue
			}
			if f, isF := item.v.(float64); isF && math.IsNaN(f) {
				if g, _ := got.value.(float64); !math.IsNaN(g) {
					t.Errorf("resolveMap(%q) = %v, want NaN", s, got.value)
				}
			} else if got.value != item.v {
				t.Errorf("resolveMap(%q) = %v, want %v", s, got.value, item.v)
			}
		}
	}
	for _, s := range []string{"yes", "no", "on", "off", "y", "n", "nan", "inf", "-inf", ".Nan", "tRue", "<", "<<<", "0", "~~", " "} {
		if in[s] {
			continue
		}
		if got, ok := resolveMap(s); ok {
			t.Errorf("resolveMap(%q) = %v, want no entry", s, got)
		}
	}

	tags := []string{nullTag, boolTag, strTag, intTag, floatTag, timestampTag, seqTag, mapTag, binaryTag, mergeTag}
	for _, stag := range tags {
		ltag, ok := longTags(stag)
		if want := longTagPrefix + stag[2:]; !ok || ltag != want {
			t.Errorf("longTags(%q) = %q, %v; want %q", stag, ltag, ok, want)
		}
		if back, ok := shortTags(ltag); !ok || back != stag {
			t.Errorf("shortTags(%q) = %q, %v; want %q", ltag, back, ok, stag)
		}
		if n := testing.AllocsPerRun(10, func() { _ = shortTag(longTag(stag)) }); n != 0 {
			t.Errorf("shortTag(longTag(%q)) allocates %v times, want 0 (as upstream's maps)", stag, n)
		}
	}
	for _, s := range []string{"!!foo", "!!", "tag:yaml.org,2002:foo", "!local", ""} {
		if v, ok := longTags(s); ok {
			t.Errorf("longTags(%q) = %q, want no entry", s, v)
		}
		if v, ok := shortTags(s); ok {
			t.Errorf("shortTags(%q) = %q, want no entry", s, v)
		}
	}
}
