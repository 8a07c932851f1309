//go:build !linux

package rawconn

import "syscall"

const supported = false

func RawRead(uintptr, []byte) (int, syscall.Errno)  { return 0, syscall.EINVAL }
func rawWrite(uintptr, []byte) (int, syscall.Errno) { return 0, syscall.EINVAL }

func sendQueued(uintptr) (sndbuf, queued int, ok bool) { return 0, 0, false }
