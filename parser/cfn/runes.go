package cfn

import "unicode/utf8"

// runeCount is utf8.RuneCountInString, eight bytes at a time while they
// are ASCII: templates are almost all ASCII, and the spans of a YAML
// template's scalars and the offsets of its Fn::Sub parts count the runes
// of every value (the standard loop decodes one rune per step).
func runeCount(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// The compiler makes this one 8-byte load.
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i + utf8.RuneCountInString(s[i:])
		}
	}
	return len(s)
}
