package vtl

import (
	"errors"
	"strings"

	"github.com/cfnrun/cfnrun/internal/lazy"
)

// The method registry. Every VTL method cfnrun implements is one method
// entry, declared next to its implementation in the table of its receiver
// kind (stringMethods, listMethods, mapMethods, ... in methods.go). Parse
// resolves a method name through the registry once (segment.methods), so
// an unknown name is reported as unsupported at parse time; Execute calls
// the entry for the receiver's kind; docs/vtl.md's method table is
// generated from the entries (methodTable, checked by TestMethodDocs).
// Adding a method is adding one entry.

// recvKind is the kind of value a method is called on.
type recvKind uint8

const (
	kString  recvKind = iota // string
	kList                    // *List
	kMap                     // *Map
	kEntry                   // *mapEntry, from entrySet()
	kScalar                  // int64, float64, bool
	kForeach                 // *foreachInfo ($foreach)
	kUtil                    // $util
	nKinds
	kNone recvKind = 255 // a value without methods
)

// method is one VTL method of one receiver kind.
type method struct {
	name string
	// forms is how docs/vtl.md lists the method when the name alone does
	// not say it ("add(x) add(i, x)"); empty means the name.
	forms string
	// regex: the first argument is a regular expression, compiled once at
	// parse time when it is a literal (segment.re).
	regex bool
	// scans: on a map, the call visits every entry and is charged so.
	scans bool
	// call runs the method. recv has the entry's kind; args are the
	// evaluated arguments (only for this call: keep elements, not the
	// slice). It returns errNotApplicable when the receiver's dynamic type
	// has no such method after all (booleanValue on a number).
	call func(st *state, recv any, s *segment, args []any) (any, error)
}

// errNotApplicable: the method does not apply to this receiver; the caller
// reports it as unsupported.
var errNotApplicable = errors.New("method not applicable")

// kindDoc is how docs/vtl.md names a receiver kind, and what it adds after
// the methods (properties).
var kindDoc = [nKinds]struct{ label, extra string }{
	kString:  {"String", ", property `.empty`"},
	kList:    {"List", ", property `.empty`"},
	kMap:     {"Map", ", `.key` for `get('key')`"},
	kEntry:   {"Map entry", ", `.key`, `.value`"},
	kScalar:  {"Number / Boolean", ""},
	kForeach: {"`$foreach`", ", properties `.hasNext` `.index` `.count` `.first` `.last` `.parent`"},
	kUtil:    {"`$util`", ""},
}

// methodTables are the tables of every kind, in kind order.
func methodTables() [nKinds][]method {
	return [nKinds][]method{
		kString: stringMethods, kList: listMethods, kMap: mapMethods, kEntry: entryMethods,
		kScalar: scalarMethods, kForeach: foreachMethods, kUtil: utilMethods,
	}
}

// methodsByName maps a method name to its entry for each kind (nil where
// the kind has no such method). Built once, on the first template parsed
// (not in the package's init: every cfnrun command links this package);
// never modified.
var methodsByName = lazy.Value[map[string]*[nKinds]*method]{New: func() map[string]*[nKinds]*method {
	idx := map[string]*[nKinds]*method{}
	tables := methodTables()
	for k := range tables {
		for i := range tables[k] {
			m := &tables[k][i]
			e := idx[m.name]
			if e == nil {
				e = new([nKinds]*method)
				idx[m.name] = e
			}
			e[k] = m
		}
	}
	return idx
}}

// kindOf is the receiver kind of v, kNone for a value without methods.
func kindOf(v any) recvKind {
	switch v.(type) {
	case string:
		return kString
	case *List:
		return kList
	case *Map:
		return kMap
	case *mapEntry:
		return kEntry
	case int64, float64, bool:
		return kScalar
	case *foreachInfo:
		return kForeach
	case utilObj:
		return kUtil
	}
	return kNone
}

// methodTable renders docs/vtl.md's method table from the registry.
func methodTable() string {
	var b strings.Builder
	b.WriteString("| On | Methods |\n| --- | --- |\n")
	tables := methodTables()
	for k := range tables {
		d := kindDoc[k]
		names := make([]string, 0, len(tables[k]))
		for _, m := range tables[k] {
			names = append(names, m.docForms())
		}
		b.WriteString("| " + d.label + " | `" + strings.Join(names, " ") + "`" + d.extra + " |\n")
	}
	return b.String()
}

func (m *method) docForms() string {
	if m.forms != "" {
		return m.forms
	}
	return m.name
}
