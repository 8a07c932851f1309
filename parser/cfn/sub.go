package cfn

import (
	"strings"
	"unicode/utf8"
)

// SubPart is one piece of an Fn::Sub string: literal text, or a variable
// ${Name} / ${Name.Attr}.
type SubPart struct {
	// Literal is set for text (with ${!x} already unescaped to ${x}).
	Literal string
	// Var is the variable name ("AWS::Region", "MyParam", "MyRes") when
	// IsVar.
	Var string
	// Attr is the attribute of ${Res.Attr}, or "".
	Attr  string
	IsVar bool
	// Offset is the rune offset of the part in the source string, and
	// Len its length in runes, for positioning findings.
	Offset, Len int
}

// ParseSub splits an Fn::Sub template string into parts. ${!Literal}
// renders as ${Literal}; an unterminated ${ is literal text, as in
// CloudFormation. Adjacent literals are merged.
func ParseSub(s string) []SubPart {
	var parts []SubPart
	var lit strings.Builder
	litStart := 0
	runeOff := func(byteOff int) int { return utf8.RuneCountInString(s[:byteOff]) }
	flush := func(end int) {
		if lit.Len() > 0 {
			parts = append(parts, SubPart{Literal: lit.String(), Offset: runeOff(litStart), Len: runeOff(end) - runeOff(litStart)})
			lit.Reset()
		}
	}
	i := 0
	for i < len(s) {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteString(s[i:])
			break
		}
		if lit.Len() == 0 {
			litStart = i
		}
		lit.WriteString(s[i : i+j])
		start := i + j
		end := strings.IndexByte(s[start:], '}')
		if end < 0 {
			lit.WriteString(s[start:])
			break
		}
		body := s[start+2 : start+end]
		if strings.HasPrefix(body, "!") {
			lit.WriteString("${" + body[1:] + "}")
			i = start + end + 1
			continue
		}
		flush(start)
		name := strings.TrimSpace(body)
		attr := ""
		if !strings.Contains(name, "::") || strings.Contains(name, ".") {
			if k := strings.IndexByte(name, '.'); k >= 0 {
				name, attr = name[:k], name[k+1:]
			}
		}
		parts = append(parts, SubPart{IsVar: true, Var: name, Attr: attr, Offset: runeOff(start), Len: runeOff(start+end+1) - runeOff(start)})
		i = start + end + 1
		litStart = i
	}
	flush(len(s))
	return parts
}
