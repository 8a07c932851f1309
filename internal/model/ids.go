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
	h := sha256.New()
	writeParts(h, parts)
	sum := h.Sum(nil)
	out := make([]byte, n)
	for i := range out {
		out[i] = idAlphabet[int(sum[i%len(sum)])%len(idAlphabet)]
	}
	return string(out)
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
