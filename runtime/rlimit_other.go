//go:build !unix

package runtime

// raiseNofile has nothing to raise where there is no RLIMIT_NOFILE; the
// connection limit's default then assumes 4096 descriptors.
func raiseNofile() uint64 { return 4096 }
