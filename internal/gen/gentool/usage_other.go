//go:build !unix

package main

import "os"

// procUsage: the CPU time from the process state; no peak resident set here.
func procUsage(ps *os.ProcessState) (peakKB int64, cpuMS float64, ok bool) {
	return 0, float64((ps.UserTime() + ps.SystemTime()).Nanoseconds()) / 1e6, true
}
