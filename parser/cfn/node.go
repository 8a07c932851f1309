// Package cfn reads CloudFormation templates, YAML or JSON, into a
// positioned tree: every node keeps its file:line:col. JSON templates are
// read by a one-pass reader of their own (json.go) when they are well
// formed; everything else, and every template with a problem to report,
// goes through yaml.v3 nodes. Short-form intrinsic tags (!Ref, !GetAtt A.B,
// !Sub …) are rewritten to the long form ({"Ref": …}, {"Fn::GetAtt": [A,
// B]}) keeping the tag's position, so later stages see one shape.
//
// Invariants: Parse never panics and never stops at the first problem; it
// returns as much of the tree as it could read plus every diagnostic. No
// yaml.v3 type appears in this package's exported API.
package cfn

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Kind is a node's shape.
type Kind uint8

const (
	Null Kind = iota
	Scalar
	Sequence
	Mapping
)

func (k Kind) String() string {
	return [...]string{"null", "scalar", "list", "map"}[k]
}

// ScalarType says how a scalar was written.
type ScalarType uint8

const (
	Str ScalarType = iota
	Int
	Float
	Bool
)

// Node is one value of the template. Span comes first so that Kind, Type
// and Short fill the four bytes after it (96 bytes in all).
type Node struct {
	// Span is where the node is written (Range gives it as a diag.Range);
	// for an intrinsic written as a short-form tag it starts at the tag.
	Span Span
	Kind Kind
	// Type and Value describe a scalar; Value is the text as written
	// (without quotes).
	Type ScalarType
	// Short is true when an intrinsic was written with a short-form tag.
	Short bool
	// openEnd is set by the JSON reader on a node whose last token is a
	// string with escapes: its span, and so the node's, ends inside that
	// token (strSpan). Every other node it reads ends where its text
	// does, which SameText uses. The other readers leave it unset. (It
	// fills the byte left after Short.)
	openEnd bool
	Value   string
	// Items are a sequence's elements.
	Items []*Node
	// Fields are a mapping's entries in source order.
	Fields []Field
}

// Range spans the node; for an intrinsic written as a short-form tag it
// starts at the tag.
func (n *Node) Range() diag.Range { return n.Span.Range() }

// Field is one mapping entry (48 bytes).
type Field struct {
	Key     string
	Value   *Node
	KeySpan LineSpan // where Key is written
}

// KeyRange is where the key is written.
func (f *Field) KeyRange() diag.Range { return f.KeySpan.Range() }

// Span is a diag.Range in 28 bytes: every node of a tree has one (a
// 2,000-resource template has ~30,000), and the file name is the same for
// all of them, so a span keeps the file's number (files) rather than its
// name. Positions past 2^31 saturate; templates are read up to 8 MiB.
type Span struct {
	start, end spanPos
	file       uint32
}

type spanPos struct{ line, col, byte int32 }

// LineSpan is a Span that starts and ends on one line, as every key is
// written (the readers give a key its text's width on its first line): 24
// bytes, so that a Field is 48.
type LineSpan struct {
	start         spanPos
	endCol, endBy int32
	file          uint32
}

// Line returns s as a LineSpan; the end's line is s's start line.
func (s Span) Line() LineSpan {
	return LineSpan{start: s.start, endCol: s.end.col, endBy: s.end.byte, file: s.file}
}

// Span returns s as a Span.
func (s LineSpan) Span() Span {
	return Span{start: s.start, end: spanPos{line: s.start.line, col: s.endCol, byte: s.endBy}, file: s.file}
}

// Range returns the span as a diag.Range.
func (s LineSpan) Range() diag.Range {
	return diag.Range{Filename: fileName(s.file), Start: s.start.pos(),
		End: diag.Pos{Line: int(s.start.line), Column: int(s.endCol), Byte: int(s.endBy)}}
}

// files are the names of the files spans are in, by number; 0 is "" (the
// zero Span). Names are added, never removed: a process reads few distinct
// files (one per template, module or watched path). names is only
// appended to (under mu), so a reader's slice never sees an element being
// written.
var files struct {
	mu     sync.Mutex
	byName map[string]uint32
	names  atomic.Pointer[[]string]
}

// fileNumber returns name's number in files, adding it if it is new.
func fileNumber(name string) uint32 {
	if name == "" {
		return 0
	}
	files.mu.Lock()
	defer files.mu.Unlock()
	if n, ok := files.byName[name]; ok {
		return n
	}
	var names []string
	if p := files.names.Load(); p != nil {
		names = *p
	} else {
		names = []string{""}
		files.byName = map[string]uint32{}
	}
	if uint64(len(names)) >= 1<<32-1 {
		panic("cfn: too many file names")
	}
	n := uint32(len(names))
	names = append(names, name)
	files.byName[name] = n
	files.names.Store(&names)
	return n
}

// fileName returns the name numbered n.
func fileName(n uint32) string {
	if n == 0 {
		return ""
	}
	return (*files.names.Load())[n]
}

// SpanOf returns r as a Span.
func SpanOf(r diag.Range) Span {
	return Span{file: fileNumber(r.Filename), start: spanPosOf(r.Start), end: spanPosOf(r.End)}
}

func spanPosOf(p diag.Pos) spanPos {
	return spanPos{line: int32of(p.Line), col: int32of(p.Column), byte: int32of(p.Byte)}
}

func int32of(v int) int32 { return int32(min(max(v, -1<<31), 1<<31-1)) }

func (p spanPos) pos() diag.Pos {
	return diag.Pos{Line: int(p.line), Column: int(p.col), Byte: int(p.byte)}
}

// Range returns the span as a diag.Range.
func (s Span) Range() diag.Range {
	return diag.Range{Filename: fileName(s.file), Start: s.start.pos(), End: s.end.pos()}
}

// Get returns the value of key in a mapping, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Mapping {
		return nil
	}
	for i := range n.Fields {
		if n.Fields[i].Key == key {
			return n.Fields[i].Value
		}
	}
	return nil
}

// Field returns the entry for key, or nil.
func (n *Node) Field(key string) *Field {
	if n == nil || n.Kind != Mapping {
		return nil
	}
	for i := range n.Fields {
		if n.Fields[i].Key == key {
			return &n.Fields[i]
		}
	}
	return nil
}

// Intrinsics lists every intrinsic function name cfnrun understands.
var intrinsicNames = map[string]bool{
	"Ref": true, "Fn::GetAtt": true, "Fn::Sub": true, "Fn::Join": true, "Fn::Select": true,
	"Fn::Split": true, "Fn::If": true, "Fn::Equals": true, "Fn::And": true, "Fn::Or": true,
	"Fn::Not": true, "Condition": true, "Fn::FindInMap": true, "Fn::Base64": true,
	"Fn::GetAZs": true, "Fn::Cidr": true, "Fn::ImportValue": true, "Fn::Length": true,
	"Fn::ToJsonString": true, "Fn::Transform": true, "Fn::ForEach": true,
	// Rule-specific functions, valid in the Rules section (every CDK v2
	// template's CheckBootstrapVersion rule uses Fn::Contains).
	"Fn::Contains": true, "Fn::EachMemberEquals": true, "Fn::EachMemberIn": true,
	"Fn::RefAll": true, "Fn::ValueOf": true, "Fn::ValueOfAll": true,
}

// IsIntrinsicName reports whether name is a known intrinsic.
func IsIntrinsicName(name string) bool { return intrinsicNames[name] }

// IntrinsicNames returns the known intrinsic names (for did-you-mean).
func IntrinsicNames() []string { return diag.Names(intrinsicNames) }

// Intrinsic returns the function name and argument when n is a one-key
// mapping whose key is Ref or Fn::*. "Condition" is an intrinsic only
// inside condition expressions, which the caller knows; pass
// allowCondition there.
func (n *Node) Intrinsic(allowCondition bool) (name string, arg *Node, ok bool) {
	if n == nil || n.Kind != Mapping || len(n.Fields) != 1 {
		return "", nil, false
	}
	k := n.Fields[0].Key
	if k == "Ref" || strings.HasPrefix(k, "Fn::") || (allowCondition && k == "Condition") {
		return k, n.Fields[0].Value, true
	}
	return "", nil, false
}

// String returns a scalar's text, or "".
func (n *Node) String() string {
	if n == nil || n.Kind != Scalar {
		return ""
	}
	return n.Value
}

// KindName describes n for messages: "a string", "a list", "!Ref", ...
func (n *Node) KindName() string {
	if n == nil {
		return "nothing"
	}
	if name, _, ok := n.Intrinsic(false); ok {
		return name
	}
	switch n.Kind {
	case Scalar:
		switch n.Type {
		case Int, Float:
			return "a number"
		case Bool:
			return "a boolean"
		}
		return "a string"
	case Sequence:
		return "a list"
	case Mapping:
		return "a map"
	}
	return "null"
}
