package lazy

import (
	"sync"
	"testing"
)

// Each test makes its own values, so that it holds whatever ran before it
// (go test -count=N, -shuffle).

func TestValueBuiltOnceOnFirstGet(t *testing.T) {
	var builds int
	table := Value[map[string]int]{New: func() map[string]int {
		builds++
		return map[string]int{"a": 1, "b": 2}
	}}
	if builds != 0 {
		t.Fatalf("built %d times before the first Get", builds)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := table.Get()["b"]; got != 2 {
				t.Errorf("Get()[b] = %d, want 2", got)
			}
		}()
	}
	wg.Wait()
	if builds != 1 {
		t.Fatalf("built %d times, want 1", builds)
	}
}

func TestRegexp(t *testing.T) {
	word := Regexp{Pattern: `^[a-z]+$`}
	if word.re != nil {
		t.Fatal("compiled before the first Get")
	}
	if !word.Get().MatchString("abc") || word.Get().MatchString("a1") {
		t.Fatalf("%q matches wrongly", word.Pattern)
	}
	if first, again := word.Get(), word.Get(); first != again {
		t.Fatal("compiled twice")
	}
}

func TestGetAllocatesNothingAfterTheFirst(t *testing.T) {
	table := Value[map[string]int]{New: func() map[string]int { return map[string]int{"a": 1} }}
	word := Regexp{Pattern: `^[a-z]+$`}
	table.Get()
	word.Get()
	if n := testing.AllocsPerRun(100, func() { _ = table.Get(); _ = word.Get() }); n != 0 {
		t.Fatalf("Get allocates %v times", n)
	}
}
