package diag

import (
	"bytes"
	"slices"
	"strings"
	"sync"
)

// Files holds source text by file name so printers can show the offending
// line. It is safe for concurrent use.
type Files struct {
	mu    sync.RWMutex
	files map[string]*source
}

// source is one registered file. Its line index is built on the first
// Line call, once, so printing N findings costs O(N log L), not O(N·size).
type source struct {
	src    []byte
	once   sync.Once
	starts []int // byte offset where each line begins; starts[0] == 0
}

func (s *source) lineStarts() []int {
	s.once.Do(func() {
		s.starts = make([]int, 1, bytes.Count(s.src, []byte{'\n'})+1)
		for i, c := range s.src {
			if c == '\n' {
				s.starts = append(s.starts, i+1)
			}
		}
	})
	return s.starts
}

// NewFiles returns an empty registry.
func NewFiles() *Files { return &Files{files: map[string]*source{}} }

// Add records the source of name.
func (f *Files) Add(name string, src []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[name] = &source{src: src}
}

func (f *Files) get(name string) *source {
	if f == nil {
		return nil
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.files[name]
}

// Source returns the source of name, or nil.
func (f *Files) Source(name string) []byte {
	if s := f.get(name); s != nil {
		return s.src
	}
	return nil
}

// Line returns the text of line n (1-based) of name, without its newline.
func (f *Files) Line(name string, n int) (string, bool) {
	s := f.get(name)
	if s == nil || n < 1 {
		return "", false
	}
	starts := s.lineStarts()
	if n > len(starts) {
		return "", false
	}
	start := starts[n-1]
	end := len(s.src)
	if n < len(starts) {
		end = starts[n] - 1
	}
	return strings.TrimRight(string(s.src[start:end]), "\r"), true
}

// Names returns the registered file names, sorted.
func (f *Files) Names() []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	names := make([]string, 0, len(f.files))
	for n := range f.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
