package textseg

// This file is the fork's (cfnrun, internal/fork/textseg15): see FORK.md.

// ScanGraphemeClusters is a split function for bufio.Scanner that splits
// on grapheme cluster boundaries.
//
// With atEOF (as hcl's lexer and parser call it), a cluster that starts
// with an ASCII byte followed by another ASCII byte, or by nothing, is
// that first byte alone, or CR LF: between two ASCII characters UAX #29
// breaks everywhere but inside CR LF (GB3, GB4, GB5, GB999), and only a
// non-ASCII character (Extend, ZWJ, SpacingMark: GB9, GB9a) can join the
// one before it. Such clusters (all of them in ASCII text) are found here
// without the Ragel machine's set-up and table walk per cluster, which
// was most of the cost of hcl's column counting; any other, and any call
// without atEOF (where upstream may ask for more data first), is
// upstream's (scanGraphemeClusters), with the same results.
func ScanGraphemeClusters(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) > 0 && data[0] < 0x80 {
		if len(data) == 1 {
			return 1, data, nil
		}
		if data[1] < 0x80 {
			if data[0] == '\r' && data[1] == '\n' {
				return 2, data[:2], nil
			}
			return 1, data[:1], nil
		}
	}
	return scanGraphemeClusters(data, atEOF)
}
