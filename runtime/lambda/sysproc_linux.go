package lambda

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"unsafe"

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

// rawPipe returns the pipe f's descriptor (non-blocking, as os.Pipe
// makes it) and the connection to wait on it with.
func rawPipe(f *os.File) (syscall.RawConn, int, bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, -1, false
	}
	fd := -1
	if err := rc.Control(func(u uintptr) { fd = int(u) }); err != nil || fd < 0 {
		return nil, -1, false
	}
	return rc, fd, true
}

// readPipe reads the non-blocking pipe fd (a raw system call the Go
// scheduler is not told about, as runtime/internal/rawconn's reads);
// errPipeEmpty when it holds nothing.
func readPipe(fd int, b []byte) (int, error) {
	for {
		r, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		n := int(r)
		switch errno {
		case 0:
			return n, nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return 0, errPipeEmpty
		}
		return 0, errno
	}
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

// monoNow reads CLOCK_MONOTONIC, the clock the bootstraps compare an
// event's start-by instant with (node's process.hrtime, python's
// time.monotonic_ns): system-wide, so an instant read in cfnrun and one
// read in a runtime are ordered as the reads were.
func monoNow() int64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return 0
	}
	return ts.Nano()
}

// recalls says whether events ahead can be recalled (startBy): the
// runtime's answers then reach cfnrun through a Unix socket and a pipe,
// whose bytes are in cfnrun's receive queue when the runtime's write
// returns.
const recalls = true
