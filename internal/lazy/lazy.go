// Package lazy holds package-level values built on first use instead of
// while the program starts: lookup tables (map literals), compiled
// regular expressions and the like, which a package initialiser would
// otherwise build for every command whether it reads them or not.
//
// A Value or Regexp is declared as a composite literal of constant data
// and a function literal that captures nothing, which the compiler lays
// out in the binary's data: declaring one runs no code and allocates
// nothing at start-up (TestStartupInits in cmd/cfnrun counts what our
// packages' initialisers allocate). A package-level sync.OnceValue
// allocates at start-up: three objects per declaration over a closure that
// captures a value (resolver's lazyRegexp(pattern) was one), two (72 B)
// over one that captures nothing (stop 27: nine such declarations, 18
// allocations; stop 26's note that these allocate nothing was wrong).
//
//	var statefulTypes = lazy.Value[map[string]bool]{New: func() map[string]bool {
//		return map[string]bool{"AWS::S3::Bucket": true}
//	}}
//	... statefulTypes.Get()[typ] ...
//
// Get is safe for concurrent use. The value Get returns is shared: callers
// must not modify it.
package lazy

import (
	"regexp"
	"sync"
)

// Value is a value built by New on the first Get.
type Value[T any] struct {
	// New builds the value; it is called at most once.
	New  func() T
	once sync.Once
	v    T
}

// Get returns the value, building it on the first call.
func (l *Value[T]) Get() T {
	l.once.Do(func() { l.v = l.New() })
	return l.v
}

// Regexp is a regular expression compiled on the first Get.
type Regexp struct {
	// Pattern is the expression, in regexp's syntax; an invalid one
	// panics on the first Get (as regexp.MustCompile does).
	Pattern string
	once    sync.Once
	re      *regexp.Regexp
}

// Get returns the compiled expression, compiling it on the first call.
func (l *Regexp) Get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.Pattern) })
	return l.re
}
