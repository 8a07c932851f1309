//go:build !linux

package lambda

import (
	"errors"
	"os"
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

// rawPipe: here the pump reads the pipe with blocking reads, and END
// does not read it.
func rawPipe(*os.File) (syscall.RawConn, int, bool) { return nil, -1, false }

func readPipe(int, []byte) (int, error) { return 0, errPipeEmpty }

func anyRunnable(int) bool { return false }

func unread(syscall.Conn) int { return 0 }

// privateAPIs: elsewhere, every runtime uses the loopback port.
const privateAPIs = false

func socketPair() ([2]int, error) { return [2]int{}, errors.ErrUnsupported }

func closeFD(int) {}

func monoNow() int64 { return 0 }

// recalls: elsewhere events ahead are not recalled (no private Unix
// socket, no raw reads).
const recalls = false
