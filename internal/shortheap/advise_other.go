//go:build !linux

package shortheap

func adviseHuge([]byte) bool { return false }
