package model

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// StableID derives an AWS-looking id of n lowercase alphanumerics from the
// given parts. The same parts always give the same id, so URLs do not change
// when a user restarts cfnrun on the same template. AWS uses 10 characters
// for REST API ids and root resource ids, and 6 for resource and deployment
// ids.
func StableID(n int, parts ...string) string {
	// One buffer on the stack for the usual parts, hashed at once: the
	// same bytes writeParts streams, without a hash object or a copy of
	// each part (a 2,000-resource template derives thousands of ids).
	var buf [256]byte
	sum := sha256.Sum256(appendParts(buf[:0], parts))
	var small [32]byte
	out := small[:0]
	if n > len(small) {
		out = make([]byte, 0, n)
	}
	for i := range n {
		out = append(out, idAlphabet[int(sum[i%len(sum)])%len(idAlphabet)])
	}
	return string(out)
}

// appendParts appends parts to b as writeParts hashes them.
func appendParts(b []byte, parts []string) []byte {
	for _, p := range parts {
		b = binary.BigEndian.AppendUint64(b, uint64(len(p)))
		b = append(b, p...)
	}
	return b
}

// writeParts hashes parts, each prefixed with its length, so that
// ("ab", "c") and ("a", "bc") differ.
func writeParts(h hash.Hash, parts []string) {
	for _, p := range parts {
		var l [8]byte
		binary.BigEndian.PutUint64(l[:], uint64(len(p)))
		h.Write(l[:])
		h.Write([]byte(p))
	}
}
