//go:build unix

package main

import (
	"os"
	"syscall"
)

// procUsage is a finished process's peak resident set (KiB) and CPU time
// (user + system, ms).
func procUsage(ps *os.ProcessState) (peakKB int64, cpuMS float64, ok bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0, false
	}
	return int64(ru.Maxrss), float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6, true
}
