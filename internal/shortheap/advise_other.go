//go:build !linux

package shortheap

func adviseHuge(lo, hi uintptr) bool { return false }

func thpEnabled() bool { return false }
