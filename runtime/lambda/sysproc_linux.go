package lambda

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr puts an instance in a process group of its own (so that a
// kill reaches everything it started, and a Ctrl-C in cfnrun's terminal
// does not) and has the kernel kill it if cfnrun dies.
//
// Pdeathsig fires when the OS thread that forked the child exits; Go only
// ends threads that a goroutine locked and left locked, which this package
// never does.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the process group led by pid.
func killGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
}

// openStatus opens /proc/{pid}/status, read again at each REPORT.
func openStatus(pid int) *os.File {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return nil
	}
	return f
}

// maxRSSKB returns the process's peak resident set size (VmHWM) in KiB, or
// 0 when it cannot tell.
func maxRSSKB(f *os.File) int64 {
	if f == nil {
		return 0
	}
	var buf [4096]byte
	n, _ := f.ReadAt(buf[:], 0)
	b := buf[:n]
	i := bytes.Index(b, []byte("VmHWM:"))
	if i < 0 {
		return 0
	}
	b = b[i+len("VmHWM:"):]
	var kb int64
	seen := false
	for _, c := range b {
		switch {
		case c == ' ' || c == '\t':
			if seen {
				return kb
			}
		case c >= '0' && c <= '9':
			kb = kb*10 + int64(c-'0')
			seen = true
		default:
			return kb
		}
	}
	return kb
}

// pipeReader returns a reader of the pipe f that passes the count of the
// bytes it takes out of the pipe to counted with mu held, from before the
// read system call until counted returns: while mu is held by another,
// the pipe and counted's tally agree (syncLogs relies on it).
func pipeReader(f *os.File, mu *sync.Mutex, counted func(int)) func([]byte) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return plainPipeReader(f, mu, counted)
	}
	var (
		p    []byte
		n    int
		rerr error
	)
	// Made once: the poller calls it again when the pipe becomes readable.
	try := func(fd uintptr) bool {
		mu.Lock()
		for {
			n, rerr = unix.Read(int(fd), p)
			if rerr != unix.EINTR {
				break
			}
		}
		if n > 0 {
			counted(n)
		}
		mu.Unlock()
		return rerr != unix.EAGAIN
	}
	return func(b []byte) (int, error) {
		p = b
		if err := rc.Read(try); err != nil {
			return 0, err
		}
		switch {
		case rerr != nil:
			return 0, rerr
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// pipeAvailable returns how many bytes wait in a pipe (FIONREAD, which
// Linux names TIOCINQ), or -1.
func pipeAvailable(f *os.File) int {
	if f == nil {
		return -1
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return -1
	}
	n := -1
	rc.Control(func(fd uintptr) {
		if v, err := unix.IoctlGetInt(int(fd), unix.TIOCINQ); err == nil {
			n = v
		}
	})
	return n
}

// anyRunnable reports whether a thread of the process is running or
// waiting for a CPU (state R in /proc/{pid}/task/{tid}/stat), as opposed
// to every thread sleeping on I/O, a timer or a lock. All threads count:
// a Go or Java runtime runs its handler on threads other than the first.
func anyRunnable(pid int) bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	tids, _ := d.Readdirnames(-1)
	d.Close()
	for _, tid := range tids {
		if runnable(dir + tid + "/stat") {
			return true
		}
	}
	return false
}

// runnable reports whether the thread whose stat file is path is in state
// R.
func runnable(path string) bool {
	var buf [512]byte
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	n, _ := f.Read(buf[:])
	f.Close()
	b := buf[:n]
	// pid (comm) state ...; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'R'
}

// unread reports how many bytes wait to be read on a connection (0 when it
// cannot tell).
func unread(c syscall.Conn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) {
		if v, err := unix.IoctlGetInt(int(fd), unix.TIOCINQ); err == nil {
			n = v
		}
	})
	return n
}

// socketPair returns a connected pair of Unix stream sockets, closed on
// exec (os/exec clears that for the files a process inherits).
func socketPair() ([2]int, error) {
	return unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
}

func closeFD(fd int) { unix.Close(fd) }

// privateAPIs says whether cfnrun's bootstraps get a private Runtime API
// socket (runtimeAPIFDEnv).
const privateAPIs = true
