package lambda

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// watchDebounce coalesces the burst of events one save or build makes.
	watchDebounce = 100 * time.Millisecond
	// maxWatchDirs bounds the directories watched for one service (inotify
	// watches are a per-user resource).
	maxWatchDirs = 4096
)

// codeWatcher replaces a function's instances when a file of its code
// (directory, zip or layer) changes.
type codeWatcher struct {
	s *Service
	w *fsnotify.Watcher

	mu      sync.Mutex
	roots   map[string][]*function // code directory or file → its functions
	dirs    map[string]bool        // directories being watched
	timers  map[*function]*time.Timer
	warned  bool
	stopped bool
}

func newCodeWatcher(s *Service) *codeWatcher {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		s.log.Warn("not watching function code for changes", "err", err)
		return nil
	}
	cw := &codeWatcher{s: s, w: w, roots: map[string][]*function{}, dirs: map[string]bool{}, timers: map[*function]*time.Timer{}}
	go cw.loop()
	return cw
}

// set watches the code of fns (and stops watching what is no longer used).
func (cw *codeWatcher) set(fns map[string]*function) {
	if cw == nil {
		return
	}
	roots := map[string][]*function{}
	for _, fn := range fns {
		f := &fn.cfg
		add := func(p string) {
			if p == "" {
				return
			}
			if abs, err := filepath.Abs(p); err == nil {
				roots[abs] = append(roots[abs], fn)
			}
		}
		add(f.CodeDir)
		add(f.CodeZip)
		for _, l := range f.Layers {
			add(l)
		}
	}
	want := map[string]bool{}
	for root := range roots {
		st, err := os.Stat(root)
		switch {
		case err != nil:
			want[filepath.Dir(root)] = true
		case st.IsDir():
			cw.walk(root, want)
		default:
			want[filepath.Dir(root)] = true
		}
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.stopped {
		return
	}
	cw.roots = roots
	for d := range cw.dirs {
		if !want[d] {
			cw.w.Remove(d)
			delete(cw.dirs, d)
		}
	}
	for d := range want {
		cw.addLocked(d)
	}
}

// walk collects the directories under root worth watching: not the
// contents of dependency and cache directories (node_modules itself is
// watched, so installing a package is seen).
func (cw *codeWatcher) walk(root string, into map[string]bool) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if len(into) >= maxWatchDirs {
			return filepath.SkipAll
		}
		into[p] = true
		if p != root && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		return nil
	})
}

func skipDir(name string) bool {
	switch name {
	case "node_modules", ".git", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache", ".aws-sam", ".terraform":
		return true
	}
	return false
}

func (cw *codeWatcher) addLocked(d string) {
	if cw.dirs[d] {
		return
	}
	if len(cw.dirs) >= maxWatchDirs {
		if !cw.warned {
			cw.warned = true
			cw.s.log.Warn("watching only the first directories of the function code", "limit", maxWatchDirs)
		}
		return
	}
	if err := cw.w.Add(d); err == nil {
		cw.dirs[d] = true
	}
}

func (cw *codeWatcher) loop() {
	for {
		select {
		case ev, ok := <-cw.w.Events:
			if !ok {
				return
			}
			cw.event(ev)
		case _, ok := <-cw.w.Errors:
			if !ok {
				return
			}
		}
	}
}

// ignored reports whether a changed path is not code: bytecode caches and
// editor droppings.
func ignored(p string) bool {
	base := filepath.Base(p)
	return strings.Contains(p, string(filepath.Separator)+"__pycache__") || strings.HasSuffix(base, ".pyc") ||
		strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") ||
		strings.HasPrefix(base, ".#") || base == "4913"
}

func (cw *codeWatcher) event(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod || ignored(ev.Name) {
		return
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.stopped {
		return
	}
	var hit []*function
	for root, fns := range cw.roots {
		if ev.Name == root || strings.HasPrefix(ev.Name, root+string(filepath.Separator)) {
			hit = append(hit, fns...)
			if ev.Op&fsnotify.Create != 0 && ev.Name != root {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() && !skipDir(filepath.Base(ev.Name)) {
					more := map[string]bool{}
					cw.walk(ev.Name, more)
					for d := range more {
						cw.addLocked(d)
					}
				}
			}
		}
	}
	for _, fn := range hit {
		if t := cw.timers[fn]; t != nil {
			t.Reset(watchDebounce)
			continue
		}
		cw.timers[fn] = time.AfterFunc(watchDebounce, func() {
			cw.mu.Lock()
			delete(cw.timers, fn)
			cw.mu.Unlock()
			fn.codeChanged()
		})
	}
}

func (cw *codeWatcher) close() {
	if cw == nil {
		return
	}
	cw.mu.Lock()
	cw.stopped = true
	for _, t := range cw.timers {
		t.Stop()
	}
	cw.mu.Unlock()
	cw.w.Close()
}
