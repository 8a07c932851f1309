package runtime

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch calls onChange (serially) after any of paths is written, created,
// renamed over or removed, coalescing bursts within debounce. It watches
// the parent directories, so editors that save by renaming a new file over
// the old one are seen. It returns when ctx is done.
func Watch(ctx context.Context, paths []string, debounce time.Duration, log *slog.Logger, onChange func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	want := map[string]bool{}
	dirs := map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		want[abs] = true
		dir := filepath.Dir(abs)
		if !dirs[dir] {
			if err := w.Add(dir); err != nil {
				return err
			}
			dirs[dir] = true
		}
	}
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			abs, _ := filepath.Abs(ev.Name)
			if !want[abs] || ev.Op == fsnotify.Chmod {
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
				return nil
			}
			log.Warn("watching template files", slog.Any("err", err))
		case <-fire:
			fire = nil
			onChange()
		}
	}
}
