// Package uuid4 writes version 4 UUIDs (RFC 9562) from random bits the
// caller draws, without allocating: the request ids of the gateway and of
// the local Lambda service.
package uuid4

const hexDigits = "0123456789abcdef"

// Format writes into b the UUID whose random digits are a's 16 nibbles,
// lowest first, then c's lowest 15, at positions 0-7, 9-12, 15-17, 19 (the
// version digit, '4', is at 14) and 20-22, 24-35; the digit at 19 keeps
// the two low bits of its nibble under the variant bits 10. Written out,
// one shift, mask, load and store a digit: a loop over a table of places
// was ~300 instructions per UUID, 11% of BenchmarkMock's (two ids a
// request); a branch per character before it ~3% of a MOCK request's CPU.
func Format(b *[36]byte, a, c uint64) {
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	b[14] = '4'
	b[0] = hexDigits[a&0xf]
	b[1] = hexDigits[a>>4&0xf]
	b[2] = hexDigits[a>>8&0xf]
	b[3] = hexDigits[a>>12&0xf]
	b[4] = hexDigits[a>>16&0xf]
	b[5] = hexDigits[a>>20&0xf]
	b[6] = hexDigits[a>>24&0xf]
	b[7] = hexDigits[a>>28&0xf]
	b[9] = hexDigits[a>>32&0xf]
	b[10] = hexDigits[a>>36&0xf]
	b[11] = hexDigits[a>>40&0xf]
	b[12] = hexDigits[a>>44&0xf]
	b[15] = hexDigits[a>>48&0xf]
	b[16] = hexDigits[a>>52&0xf]
	b[17] = hexDigits[a>>56&0xf]
	b[20] = hexDigits[c&0xf]
	b[21] = hexDigits[c>>4&0xf]
	b[22] = hexDigits[c>>8&0xf]
	b[24] = hexDigits[c>>12&0xf]
	b[25] = hexDigits[c>>16&0xf]
	b[26] = hexDigits[c>>20&0xf]
	b[27] = hexDigits[c>>24&0xf]
	b[28] = hexDigits[c>>28&0xf]
	b[29] = hexDigits[c>>32&0xf]
	b[30] = hexDigits[c>>36&0xf]
	b[31] = hexDigits[c>>40&0xf]
	b[32] = hexDigits[c>>44&0xf]
	b[33] = hexDigits[c>>48&0xf]
	b[34] = hexDigits[c>>52&0xf]
	b[35] = hexDigits[c>>56&0xf]
	b[19] = hexDigits[8|a>>60&3]
}
