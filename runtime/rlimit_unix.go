//go:build unix

package runtime

import "syscall"

// raiseNofile raises the soft RLIMIT_NOFILE to the hard limit and returns
// the soft limit now in force (0 when it cannot be read). Go's os package
// does the same at start since Go 1.19; this makes it explicit for an
// embedder that lowered it, and tells the caller the figure.
func raiseNofile() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		want := lim
		want.Cur = lim.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
			lim = want
		}
	}
	return uint64(lim.Cur)
}
