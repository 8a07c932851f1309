package vtl

import "math"

// Selection is a compiled JSONPath that selects from a JSON body outside
// a template: what API Gateway's parameter mappings read with
// method.request.body.PATH (REST), $request.body.PATH and
// $response.body.PATH (HTTP APIs). The syntax is the templates' ($input.path):
// names, quoted names, indexes, slices and wildcards, with or without the
// leading "$".
type Selection struct{ p *jsonPath }

// CompileSelection compiles path ("a.b", "$.a[0]", "['a b']"). The error
// says what part is not understood.
func CompileSelection(path string) (*Selection, error) {
	p, err := compileJSONPath(path)
	if err != nil {
		return nil, err
	}
	return &Selection{p: p}, nil
}

// Document is a JSON body decoded once for any number of selections.
type Document struct {
	root any
	ok   bool
}

// DecodeDocument decodes body; a body that is not JSON gives a Document
// every selection finds nothing in.
func DecodeDocument(body []byte) Document {
	v, err := decodeJSON(body)
	return Document{root: v, ok: err == nil}
}

// Select returns the value s selects in d: a string as its text, any other
// value (and the list an indefinite path makes) as compact JSON, as API
// Gateway passes a selected value on. found is false when d is not JSON or
// nothing matches.
func (s *Selection) Select(d Document) (val string, found bool) {
	if !d.ok {
		return "", false
	}
	budget := math.MaxInt
	v, found, err := s.p.eval(d.root, &budget)
	if err != nil || !found {
		return "", false
	}
	if str, ok := v.(string); ok {
		return str, true
	}
	b, err := appendJSON(nil, v, math.MaxInt, 0)
	if err != nil {
		return "", false
	}
	return string(b), true
}
