package lambda

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/cfnrun/cfnrun/internal/uuid4"
)

const hexDigits = "0123456789abcdef"

// newRequestID returns a version 4 UUID, the form of Lambda's request ids,
// in one allocation.
func newRequestID() string {
	var b [36]byte
	uuid4.Format(&b, rand.Uint64(), rand.Uint64())
	return string(b[:])
}

// newTraceID returns an X-Ray trace header of the form Lambda passes in
// Lambda-Runtime-Trace-Id:
// Root=1-{8 hex seconds}-{24 hex};Parent={16 hex};Sampled=0.
func newTraceID(now time.Time) string {
	var b [72]byte
	n := copy(b[:], "Root=1-")
	sec := uint32(now.Unix())
	for i := 7; i >= 0; i-- {
		b[n+i] = hexDigits[sec&0xf]
		sec >>= 4
	}
	n += 8
	b[n] = '-'
	n++
	n += putHex(b[n:], rand.Uint64(), 16)
	n += putHex(b[n:], rand.Uint64(), 8)
	n += copy(b[n:], ";Parent=")
	n += putHex(b[n:], rand.Uint64(), 16)
	n += copy(b[n:], ";Sampled=0")
	return string(b[:n])
}

func putHex(b []byte, v uint64, digits int) int {
	for i := 0; i < digits; i++ {
		b[i] = hexDigits[v&0xf]
		v >>= 4
	}
	return digits
}

// newLogStream returns a log stream name of Lambda's form:
// 2024/01/31/[$LATEST]{32 hex}.
func newLogStream(now time.Time) string {
	var b [64]byte
	t := now.UTC()
	out := strconv.AppendInt(b[:0], int64(t.Year()), 10)
	out = append(out, '/')
	out = append2(out, int(t.Month()))
	out = append(out, '/')
	out = append2(out, t.Day())
	out = append(out, "/[$LATEST]"...)
	var h [32]byte
	putHex(h[:16], rand.Uint64(), 16)
	putHex(h[16:], rand.Uint64(), 16)
	out = append(out, h[:]...)
	return string(out)
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}
