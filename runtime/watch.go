package runtime

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// A Watcher reports changes to a set of template files. NewWatcher sets the
// watches up before it returns, so a change made after it returns is seen;
// Run delivers the changes.
type Watcher struct {
	w    *fsnotify.Watcher
	want map[string]bool
	dirs map[string]bool
	// match, by directory, says which other names in it count (a new
	// .tf file in a Terraform configuration's directory).
	match map[string]func(name string) bool
}

// NewWatcher watches paths. It watches their parent directories, so editors
// that save by renaming a new file over the old one are seen.
func NewWatcher(paths []string) (*Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	dirs := map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			w.Close()
			return nil, err
		}
		want[abs] = true
		dir := filepath.Dir(abs)
		if !dirs[dir] {
			if err := w.Add(dir); err != nil {
				w.Close()
				return nil, err
			}
			dirs[dir] = true
		}
	}
	return &Watcher{w: w, want: want, dirs: dirs, match: map[string]func(string) bool{}}, nil
}

// WatchDir also reports changes to files of dir whose base name match
// accepts, including files created after the watch starts (a new .tf
// file in a Terraform configuration's directory is part of it). Call it
// before Run.
func (wt *Watcher) WatchDir(dir string, match func(name string) bool) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if !wt.dirs[abs] {
		if err := wt.w.Add(abs); err != nil {
			return err
		}
		wt.dirs[abs] = true
	}
	wt.match[abs] = match
	return nil
}

// Run calls onChange (serially) after any of the watched files is written,
// created, renamed over or removed, coalescing bursts within debounce. It
// returns, closing the watcher, when ctx is done.
func (wt *Watcher) Run(ctx context.Context, debounce time.Duration, log *slog.Logger, onChange func()) {
	w, want, match := wt.w, wt.want, wt.match
	defer w.Close()
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			abs, _ := filepath.Abs(ev.Name)
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if m := match[filepath.Dir(abs)]; !want[abs] && (m == nil || !m(filepath.Base(abs))) {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(debounce)
			} else {
				timer.Reset(debounce)
			}
			fire = timer.C
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			log.Warn("watching template files", slog.Any("err", err))
		case <-fire:
			fire = nil
			onChange()
		}
	}
}
