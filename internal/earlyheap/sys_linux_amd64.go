package earlyheap

import "unsafe"

// The package imports nothing, so that its initialiser runs before those
// of the packages that allocate at start-up (the runtime initialises a
// package once its imports are): the few system calls it makes are
// assembly (sys_linux_amd64.s).

const (
	sysRead    = 0
	sysClose   = 3
	sysMadvise = 28
	sysOpenat  = 257

	atFDCWD  = ^uintptr(99) // -100
	oRDONLY  = 0
	oCLOEXEC = 0x80000
)

// syscall3 makes a system call with three arguments; it returns the
// kernel's result, -errno on failure. The calls made here do not block
// for long (small reads of /proc and /sys files, madvise), so the
// scheduler is not told (as syscall.RawSyscall does not).
func syscall3(trap, a1, a2, a3 uintptr) (r uintptr)

// sys makes a system call and reports whether it succeeded.
func sys(trap, a1, a2, a3 uintptr) (uintptr, bool) {
	r := syscall3(trap, a1, a2, a3)
	return r, r < ^uintptr(4095) // -4095..-1 are errors
}

// file is an open file read in pieces.
type file struct {
	fd  uintptr
	buf [512]byte
}

// open opens the file at path (NUL-terminated).
func (f *file) open(path string) bool {
	fd, ok := sys(sysOpenat, atFDCWD, uintptr(unsafe.Pointer(unsafe.StringData(path))), oRDONLY|oCLOEXEC)
	f.fd = fd
	return ok
}

// read reads the next piece; an empty one at the end or on an error.
func (f *file) read() []byte {
	n, ok := sys(sysRead, f.fd, uintptr(unsafe.Pointer(&f.buf[0])), uintptr(len(f.buf)))
	if !ok {
		return nil
	}
	return f.buf[:n]
}

func (f *file) close() { sys(sysClose, f.fd, 0, 0) }

// allowed reports whether the kernel may give huge pages to advised
// memory (transparent_hugepage/enabled is not "never") and GODEBUG does
// not keep the heap out of them (disablethp), as far as it can tell.
func allowed() bool {
	var f file
	if !f.open("/sys/kernel/mm/transparent_hugepage/enabled\x00") {
		return false
	}
	s := f.read() // "always [madvise] never\n": one read
	never := len(s) == 0 || contains(s, "[never]")
	f.close()
	if never {
		return false
	}
	if !f.open("/proc/self/environ\x00") {
		return false
	}
	var e environ
	for p := f.read(); len(p) > 0 && e.feed(p); p = f.read() {
	}
	e.end()
	f.close()
	return !e.disableTHP
}

func contains(s []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == sub {
			return true
		}
	}
	return false
}
