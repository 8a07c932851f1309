package runtime

import (
	"io"
	"strings"
)

// mappingTemplate is a compiled Velocity mapping template. The runtime
// depends on this small interface, satisfied by runtime/vtl.
type mappingTemplate interface {
	Execute(w io.Writer, in *vtlInput) error
	Unsupported() []string
}

// literalTemplate is a template without any VTL directive or reference:
// its output is its text. Most CORS and MOCK templates are literal, and
// writing them needs no engine and no allocation.
type literalTemplate []byte

func (l literalTemplate) Execute(w io.Writer, _ *vtlInput) error { _, err := w.Write(l); return err }
func (literalTemplate) Unsupported() []string                    { return nil }

// isLiteral reports whether src contains no VTL reference or directive.
func isLiteral(src string) bool { return !strings.ContainsAny(src, "$#") }

// compileTemplate compiles a mapping template: literal text directly,
// anything else with the VTL engine.
func compileTemplate(src string) (mappingTemplate, error) {
	if isLiteral(src) {
		return literalTemplate(src), nil
	}
	return parseVTL(src)
}
