package tf

import (
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// ianaEncoding is what golang.org/x/text/encoding/ianaindex.IANA.Encoding
// answers for name: the encoding of an IANA character set name or alias
// (spaces around it ignored, any case), nil for a name it does not know
// or a character set x/text has no encoder for. It reads a table
// generated from ianaindex (ianaenc_table.go, checked against it by
// TestIANATable) instead of importing that package, whose
// initialisation builds a 1,500-entry map that every cfnrun command paid
// for (docs/performance.md, "Process start-up").
func ianaEncoding(name string) encoding.Encoding {
	name = strings.TrimSpace(name)
	i, ok := ianaFind(name)
	if !ok {
		if i, ok = ianaFind(strings.ToLower(name)); !ok {
			return nil
		}
	}
	return ianaCode(ianaCodes[i])
}

func ianaFind(name string) (int, bool) {
	i := sort.SearchStrings(ianaNames[:], name)
	return i, i < len(ianaNames) && ianaNames[i] == name
}

// asciiEncoding is US-ASCII as ianaindex has it: encoding a character
// beyond ASCII fails; decoding a byte beyond it gives U+FFFD.
var asciiEncoding encoding.Encoding = asciiEnc{}

type asciiEnc struct{}

func (asciiEnc) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: asciiDecoder{}}
}

func (asciiEnc) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: asciiEncoder{}}
}

func (asciiEnc) String() string { return "US-ASCII" }

type asciiDecoder struct{ transform.NopResetter }

func (asciiDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for _, c := range src {
		if c >= utf8.RuneSelf {
			if nDst+utf8.RuneLen(utf8.RuneError) > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += utf8.EncodeRune(dst[nDst:], utf8.RuneError)
			nSrc++
			continue
		}
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		dst[nDst] = c
		nDst++
		nSrc++
	}
	return nDst, nSrc, nil
}

type asciiEncoder struct{ transform.NopResetter }

// errNotASCII is the encoder's error for a character beyond ASCII.
var errNotASCII = repertoireError{}

type repertoireError struct{}

func (repertoireError) Error() string { return "encoding: rune not supported by encoding." }

func (asciiEncoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for _, c := range src {
		if c >= utf8.RuneSelf {
			return nDst, nSrc, errNotASCII
		}
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		dst[nDst] = c
		nDst++
		nSrc++
	}
	return nDst, nSrc, nil
}
