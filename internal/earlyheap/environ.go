package earlyheap

// environ reads the process's environment as /proc/self/environ gives it
// (NUL-terminated NAME=VALUE entries), one piece at a time, for the
// runtime's disablethp setting in the first GODEBUG entry (the one the
// runtime reads), parsed as the runtime parses it: comma-separated
// KEY=VALUE items, a later one overriding an earlier one, a value taken
// when it is a decimal 32-bit integer, any value but 0 keeping the heap
// out of huge pages.
type environ struct {
	// disableTHP is the setting read so far.
	disableTHP bool
	// pos is how much of "GODEBUG=" the current entry has matched: -1
	// once it does not, len(godebugName) while in its value.
	pos  int
	done bool // the first GODEBUG entry has been read
	// item holds the current item of the value (up to its first
	// len(item) bytes; n counts all of them).
	item [32]byte
	n    int
}

const godebugName = "GODEBUG="

// feed takes the environment's next bytes and reports whether more are
// wanted (not once the first GODEBUG entry has been read).
func (e *environ) feed(p []byte) bool {
	for i := 0; i < len(p) && !e.done; i++ {
		if e.pos < 0 {
			// Not GODEBUG: on to the entry's end.
			for i < len(p) && p[i] != 0 {
				i++
			}
			if i == len(p) {
				break
			}
		}
		e.next(p[i])
	}
	return !e.done
}

// end ends the last entry, if the environment did not.
func (e *environ) end() { e.next(0) }

// next takes the environment's next byte; 0 ends an entry.
func (e *environ) next(c byte) {
	if e.pos < len(godebugName) {
		switch {
		case c == 0:
			e.pos = 0
		case e.pos >= 0 && !e.done && c == godebugName[e.pos]:
			e.pos++
		default:
			e.pos = -1
		}
		return
	}
	if c != 0 && c != ',' {
		if c >= '0' && c <= '9' && e.leadingZero() {
			// ParseInt reads "disablethp=0001" as 1: a value's leading
			// zeros are dropped, so that any run of them fits item.
			e.item[e.n-1] = c
			return
		}
		if e.n < len(e.item) {
			e.item[e.n] = c
		}
		e.n++
		return
	}
	if e.n <= len(e.item) {
		if v, ok := cutInt32(string(e.item[:e.n]), "disablethp="); ok {
			e.disableTHP = v != 0
		}
	}
	e.n = 0
	if c == 0 {
		e.pos, e.done = 0, true
	}
}

// leadingZero reports whether the item held so far ends in a value's
// first digit, a zero (after "=" and an optional sign).
func (e *environ) leadingZero() bool {
	if e.n < 2 || e.n > len(e.item) || e.item[e.n-1] != '0' {
		return false
	}
	i := e.n - 2
	if (e.item[i] == '+' || e.item[i] == '-') && i > 0 {
		i--
	}
	return e.item[i] == '='
}

// cutInt32 returns the value of item when it is key followed by a
// decimal integer that fits 32 bits, as strconv.ParseInt reads it (an
// optional sign, then digits).
func cutInt32(item, key string) (int64, bool) {
	if len(item) <= len(key) || item[:len(key)] != key {
		return 0, false
	}
	s := item[len(key):]
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int64(s[i]-'0')
		if v > 1<<31 {
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	if v > 1<<31-1 || v < -1<<31 {
		return 0, false
	}
	return v, true
}
