//go:build !linux

package rawconn

import "syscall"

// Poller is not available here: connections are never parked.
type Poller struct{}

// SharedPoller returns nil: parking is Linux only.
func SharedPoller(func(id uint64)) *Poller { return nil }

// ArmRead fails: there is no Poller.
func (c *Conn) ArmRead(*Poller, uint64) error { return syscall.ENOTSUP }

func (c *Conn) arm(uintptr) {}
