//go:build !linux

package lambda

import (
	"errors"
	"os"
	"sync"
	"syscall"
)

// On systems other than Linux an instance is started as a plain child
// process: there is no parent-death signal, and a kill reaches the process
// itself but not what it started.
func sysProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}

func openStatus(int) *os.File { return nil }

func maxRSSKB(*os.File) int64 { return 0 }

func pipeAvailable(*os.File) int { return -1 }

// pipeReader: syncLogs does not wait for output here (pipeAvailable is -1).
func pipeReader(f *os.File, mu *sync.Mutex, counted func(int)) func([]byte) (int, error) {
	return plainPipeReader(f, mu, counted)
}

func anyRunnable(int) bool { return false }

func unread(syscall.Conn) int { return 0 }

// privateAPIs: elsewhere, every runtime uses the loopback port.
const privateAPIs = false

func socketPair() ([2]int, error) { return [2]int{}, errors.ErrUnsupported }

func closeFD(int) {}
