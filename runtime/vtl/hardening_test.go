package vtl

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// TestSelfReference: collections put into themselves render as Velocity
// renders them and compare without overflowing the stack (issue 13).
func TestSelfReference(t *testing.T) {
	const selfList = "#set($l = [])#set($d = $l.add($l))"
	const selfList2 = "#set($k = [])#set($d = $k.add($k))"
	for _, c := range []struct {
		name, src, want string
		err             error // ErrLimit: Java overflows its stack there
	}{
		{"list toString", selfList + "$l.toString()", "[(this Collection)]", nil},
		{"list rendered", "#set($l = [1])#set($d = $l.add($l))$l", "[1, (this Collection)]", nil},
		{"list in a string", selfList + `#set($s = "<$l>")$s`, "<[(this Collection)]>", nil},
		{"list concatenated", selfList + `#set($s = "x" + $l)$s`, "x[(this Collection)]", nil},
		{"map", "#set($m = {'a': 1})#set($d = $m.put('me', $m))$m", "{a=1, me=(this Map)}", nil},
		{"map toString", "#set($m = {})#set($d = $m.put('me', $m))$m.toString()", "{me=(this Map)}", nil},
		{"map in list", "#set($m = {})#set($d = $m.put('me', $m))#set($l = [$m])$l", "[{me=(this Map)}]", nil},
		{"equal to itself", selfList + "#if($l == $l)same#end", "same", nil},
		{"equals itself", selfList + "$l.equals($l)", "true", nil},
		{"contains itself", selfList + "$l.contains($l)", "true", nil},
		{"two selves compared", selfList + selfList2 + "#if($l == $k)eq#end", "", ErrLimit},
		{"indexOf another self", selfList + selfList2 + "$l.indexOf($k)", "", ErrLimit},
		{"map equals another self", "#set($m = {})#set($d = $m.put('a', $m))#set($n = {})#set($d = $n.put('a', $n))$m.equals($n)", "", ErrLimit},
		{"indirect cycle", "#set($a = [])#set($b = [$a])#set($d = $a.add($b))$a", "", ErrLimit},
		{"map key", selfList + "#set($m = {})#set($d = $m.put($l, 1))$m", "{[(this Collection)]=1}", nil},
		{"JSON list into itself", "#set($j = $input.path('$.a'))#set($d = $j.add($j))$j", "", ErrLimit},
		{"entry of itself", "#set($m = {})#set($d = $m.put('me', $m))#foreach($e in $m.entrySet())$e#end", "me={me=(this Map)}", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			tp, err := parseSmall(c.src)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err = tp.Execute(&out, &Input{Body: []byte(`{"a":[1,2]}`)})
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("Execute = %q, %v; want an error wrapping %v", out.String(), err, c.err)
				}
				return
			}
			if err != nil || out.String() != c.want {
				t.Fatalf("Execute = %q, %v; want %q", out.String(), err, c.want)
			}
		})
	}
}

// TestSharedCollectionsBounded: collections that share elements double in
// rendered size with every level (and in comparison work); both stop at
// the bounds instead of running for ever.
func TestSharedCollectionsBounded(t *testing.T) {
	for name, src := range map[string]string{
		"render":   "#set($a = ['xxxxxxxx'])#foreach($i in [1..60])#set($a = [$a, $a])#end$a",
		"toString": "#set($a = ['x'])#foreach($i in [1..60])#set($a = [$a, $a])#end#set($s = $a.toString())",
		"compare":  "#set($a = ['x'])#set($b = ['x'])#foreach($i in [1..60])#set($a = [$a, $a])#set($b = [$b, $b])#end#if($a == $b)eq#end",
		"contains": "#set($a = ['x'])#set($b = ['x'])#foreach($i in [1..60])#set($a = [$a, $a])#set($b = [$b, $b])#end$a.contains($b.get(0))",
		"json":     "#set($a = $input.path('$.a'))#foreach($i in [1..60])#set($d = $a.add($a.subList(0, $a.size())))#end$a",
	} {
		t.Run(name, func(t *testing.T) {
			tp, err := parseSmall(src)
			if err != nil {
				t.Fatal(err)
			}
			err = tp.Execute(io.Discard, &Input{Body: []byte(`{"a":[1,2]}`)})
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("Execute error = %v, want ErrLimit", err)
			}
		})
	}
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestReplaceSizedFirst: replace and replaceAll whose result would pass
// the output bound fail before building it (a 1.6 MB body through
// $t.replace('{name}', ...) used to need gigabytes), with the real
// limits.
func TestReplaceSizedFirst(t *testing.T) {
	name := strings.Repeat("n", 1_600_000)
	body := []byte(`{"name":"` + name + `"}`)
	tplText := strings.Repeat("Hello {name}! ", 20)
	for fn, src := range map[string]string{
		"replace":      "#set($t = '" + tplText + "')$t.replace('{name}', $input.path('$.name'))",
		"replaceAll":   "#set($t = '" + tplText + "')$t.replaceAll('\\{name\\}', $input.path('$.name'))",
		"replaceAll $": "$input.path('$.name').replaceAll('(n+)', '$1$1$1$1$1$1$1')",
		"empty target": "$input.path('$.name').replace('', 'xxxxxxxxxx')",
		"replaceFirst": "#set($n = $input.path('$.name'))$n.replaceFirst('(n+)', '$1$1$1$1$1$1$1$1')",
	} {
		t.Run(fn, func(t *testing.T) {
			tp, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			var execErr error
			n := allocated(func() { execErr = tp.Execute(io.Discard, &Input{Body: body}) })
			if !errors.Is(execErr, ErrLimit) || !strings.Contains(execErr.Error(), "longer than 10 MB") {
				t.Fatalf("Execute error = %v, want ErrLimit naming 10 MB", execErr)
			}
			// The body, its decoded copy and the template's strings; not
			// the 32 MB result.
			if n > 24<<20 {
				t.Errorf("allocated %d MB before failing", n>>20)
			}
		})
	}
	// Under the bound, the same templates work.
	tp, _ := Parse("#set($t = 'Hi {name}, {name}.')$t.replace('{name}', $input.path('$.n')) $t.replaceAll('\\{(n)ame\\}', '$1') $t.replaceFirst('\\{name\\}', 'x') $input.path('$.n').replace('', '-')")
	var out bytes.Buffer
	if err := tp.Execute(&out, &Input{Body: []byte(`{"n":"Bo"}`)}); err != nil || out.String() != "Hi Bo, Bo. Hi n, n. Hi x, {name}. -B-o-" {
		t.Errorf("got %q, %v", out.String(), err)
	}
}

// TestSplitBounded: split() honours the 1,000,000-element limit, shared
// with the other collection additions of the execution, before building
// its list: a literal separator with the real limits, regular expressions
// with parseSmall's (10,000).
func TestSplitBounded(t *testing.T) {
	big := []byte(strings.Repeat("a,", 1_200_000))
	half := []byte(strings.Repeat("a,", 600_000))
	small := []byte(strings.Repeat("a,", 12_000))
	for _, c := range []struct {
		name, src string
		body      []byte
		ok        bool
	}{
		{"literal", "$input.body.split(',').size()", big, false},
		{"two halves", "$input.body.split(',').size() $input.body.split(',').size()", half, false},
		{"one half", "$input.body.split(',').size()", half, true},
		{"limit", "$input.body.split(',', 3).size()", big, true},
		{"regex", "$input.body.split('[,;]').size()", small, false},
		{"zero-width", "$input.body.split('').size()", small, false},
		{"regex limit", "$input.body.split('[,;]', 9000).size()", small, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			parse, want := Parse, "1000000"
			if len(c.body) == len(small) {
				parse, want = parseSmall, "10000"
			}
			tp, err := parse(c.src)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			var execErr error
			n := allocated(func() { execErr = tp.Execute(&out, &Input{Body: c.body}) })
			if c.ok {
				if execErr != nil {
					t.Fatalf("Execute: %v", execErr)
				}
				return
			}
			if !errors.Is(execErr, ErrLimit) || !strings.Contains(execErr.Error(), want) {
				t.Fatalf("Execute = %q, %v; want ErrLimit naming %s", out.String(), execErr, want)
			}
			if n > 200<<20 {
				t.Errorf("allocated %d MB before failing", n>>20)
			}
		})
	}
	// Java's semantics stay: trailing empty strings go with no limit, stay
	// with a negative one; a zero-width match at the start adds no "".
	tp, _ := Parse("$input.body.split(',') $input.body.split(',', -1) $input.body.split(',', 2) $input.body.split('') $input.body.split('[,]', -1)")
	var out bytes.Buffer
	if err := tp.Execute(&out, &Input{Body: []byte(`a,b,,`)}); err != nil || out.String() != "[a, b] [a, b, , ] [a, b,,] [a, ,, b, ,, ,] [a, b, , ]" {
		t.Errorf("got %q, %v", out.String(), err)
	}
}

// TestCollectionGrowthCharged: addAll and putAll count every element they
// add, so doubling a list stops at the limit.
func TestCollectionGrowthCharged(t *testing.T) {
	for name, src := range map[string]string{
		"addAll": "#set($l = [1])#foreach($i in [1..40])#set($d = $l.addAll($l))#end$l.size()",
		"putAll": "#set($m = {})#foreach($i in [1..5000])#set($n = {})#set($d = $n.put(\"$i\", $i))#set($d = $m.putAll($n))#set($d = $n.putAll($m))#end",
	} {
		t.Run(name, func(t *testing.T) {
			tp, err := parseSmall(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := tp.Execute(io.Discard, nil); !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "collection additions") {
				t.Fatalf("Execute error = %v, want the additions limit", err)
			}
		})
	}
}

// TestRegexpCompileCharged: patterns built per iteration are charged by
// the size of their program, so counted repetition cannot make each
// compile cost a thousand times its charge.
func TestRegexpCompileCharged(t *testing.T) {
	tp, err := Parse(`#set($a = 'a')#foreach($i in [1..100000])#set($d = $a.matches("a{1000}$i")).#end`)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = tp.Execute(&out, nil)
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "too much work") {
		t.Fatalf("Execute error = %v, want the work limit", err)
	}
	// About maxWork / (compileCost * 1000) compiles fit the budget (each
	// takes a millisecond or more); charged by pattern length, 55,000 did.
	if n := out.Len(); n > 1000 {
		t.Errorf("%d compiles of a{1000} before the work limit", n)
	}
}

// TestJSONPathVisitsBounded: a JSONPath that would visit more values than
// its bound fails instead of returning a partial list.
func TestJSONPathVisitsBounded(t *testing.T) {
	body := []byte("[" + strings.Repeat("0,", maxPathVisits) + "0]")
	tp, err := Parse("$input.path('$..*').size()")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = tp.Execute(&out, &Input{Body: body})
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "1000000 values") {
		t.Fatalf("Execute = %q, %v; want ErrLimit naming the visits bound", out.String(), err)
	}
}

// TestJSONDepthBounded: request bodies nested deeper than maxDepth fail to
// parse with an error (no stack growth), whichever way the template reads
// them; at the bound they work.
func TestJSONDepthBounded(t *testing.T) {
	nest := func(n int) []byte {
		return []byte(strings.Repeat(`{"a":[`, n) + "1" + strings.Repeat("]}", n))
	}
	for _, src := range []string{"$input.path('$')", "$input.json('$')", "$input.json('$.a')", "$util.parseJson($input.body)", "$input.path('$..a').size()"} {
		tp, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		// Each {"a":[ is two levels.
		if err := tp.Execute(io.Discard, &Input{Body: nest(maxDepth/2 + 1)}); !errors.Is(err, ErrInvalidJSON) || !strings.Contains(err.Error(), "nested too deeply") {
			t.Errorf("%s over %d levels: %v, want ErrInvalidJSON nested too deeply", src, maxDepth+2, err)
		}
		if err := tp.Execute(io.Discard, &Input{Body: nest(maxDepth/2 - 1)}); err != nil {
			t.Errorf("%s at %d levels: %v", src, maxDepth-2, err)
		}
	}
}

// TestUtilSizedFirst: $util functions whose output grows from their input
// check the output bound before building it; the counted lengths are the
// real ones.
func TestUtilSizedFirst(t *testing.T) {
	for _, s := range []string{"", "plain", "it's \"q\" a/b \\ \b\n\t\f\r\x01 é 😀 \xff", "a b*c.d-e_f~g%h+"} {
		if got, want := escapedJSLen(s), len(escapeJavaScript(s)); got != want {
			t.Errorf("escapedJSLen(%q) = %d, want %d", s, got, want)
		}
		if got, want := urlEncodedLen(s), len(urlEncode(s)); got != want {
			t.Errorf("urlEncodedLen(%q) = %d, want %d", s, got, want)
		}
	}
	// parseSmall's output bound is 100 KB: 60 KB of control bytes escape to
	// 360 KB (URL-encode to 180 KB), 90 KB encode to 120 KB of base64.
	for src, body := range map[string][]byte{
		"$util.escapeJavaScript($input.body)": []byte(strings.Repeat("\x01", 60_000)),
		"$util.urlEncode($input.body)":        []byte(strings.Repeat("\x01", 60_000)),
		"$util.base64Encode($input.body)":     []byte(strings.Repeat("x", 90_000)),
	} {
		tp, err := parseSmall(src)
		if err != nil {
			t.Fatal(err)
		}
		var execErr error
		n := allocated(func() { execErr = tp.Execute(io.Discard, &Input{Body: body}) })
		if !errors.Is(execErr, ErrLimit) || !strings.Contains(execErr.Error(), "would build a string longer than") {
			t.Errorf("%s: %v, want the output bound before building", src, execErr)
		}
		if n > 1<<20 {
			t.Errorf("%s: allocated %d KB", src, n>>10)
		}
	}
}
