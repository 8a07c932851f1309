package vtl

import (
	"errors"
	"strconv"
	"strings"
)

// jsonPath is a compiled JSONPath expression: the subset API Gateway
// templates use in practice (Jayway JsonPath syntax without filters and
// functions).
//
//	$  $.a.b  $['a']  $["a"]  $.a[0]  $.a[-1]  $.a[0,2]  $.a[1:3]
//	$.a[*]  $.a.*  $..name  $..*  ("a.b" without "$" means "$.a.b")
//
// A definite path (names and single indexes only) yields one value or
// nothing; any other path yields a list of all matches, as Jayway does.
type jsonPath struct {
	src      string
	steps    []pathStep
	definite bool
}

type stepKind uint8

const (
	stepNames    stepKind = iota // .a, ['a'], ['a','b']
	stepIndexes                  // [0], [0,1], [-1]
	stepSlice                    // [1:3], [:2], [-2:]
	stepWildcard                 // .*, [*]
	stepDeep                     // ..name, ..*, ..[0]: wraps the following step
)

type pathStep struct {
	kind     stepKind
	names    []string
	indexes  []int
	from, to int
	hasFrom  bool
	hasTo    bool
	deep     *pathStep // for stepDeep: the step applied at every level
}

// compileJSONPath parses src. Errors say what part is not understood.
func compileJSONPath(src string) (*jsonPath, error) {
	p := &jsonPath{src: src, definite: true}
	s := strings.TrimSpace(src)
	switch {
	case s == "":
		return nil, pathErr(src, "the path is empty; use '$' for the whole body")
	case s[0] == '$':
		s = s[1:]
	case s[0] == '@':
		return nil, pathErr(src, "'@' paths only work inside filters; start the path with '$'")
	default:
		// Jayway accepts "a.b" as "$.a.b".
		if s[0] != '.' && s[0] != '[' {
			s = "." + s
		}
	}
	i := 0
	for i < len(s) {
		switch s[i] {
		case '.':
			deep := false
			if i+1 < len(s) && s[i+1] == '.' {
				deep = true
				i += 2
			} else {
				i++
			}
			var st pathStep
			if i < len(s) && s[i] == '[' {
				if !deep {
					return nil, pathErr(src, "'.[' is not valid; write $.a[0] or $['a']")
				}
				var err error
				st, i, err = parseBracket(src, s, i)
				if err != nil {
					return nil, err
				}
			} else {
				j := i
				for j < len(s) && s[j] != '.' && s[j] != '[' {
					j++
				}
				name := strings.TrimSpace(s[i:j])
				if name == "" {
					return nil, pathErr(src, "a property name is missing after '.'")
				}
				if strings.ContainsAny(name, "()?") {
					return nil, pathErr(src, "JSONPath functions and filters ("+name+") are not supported; select the value with plain names and indexes")
				}
				if name == "*" {
					st = pathStep{kind: stepWildcard}
				} else {
					st = pathStep{kind: stepNames, names: []string{name}}
				}
				i = j
			}
			if deep {
				inner := st
				st = pathStep{kind: stepDeep, deep: &inner}
			}
			p.add(st)
		case '[':
			st, j, err := parseBracket(src, s, i)
			if err != nil {
				return nil, err
			}
			p.add(st)
			i = j
		case ' ', '\t':
			i++
		default:
			return nil, pathErr(src, "unexpected "+strconv.Quote(s[i:i+1])+"; use .name, ['name'] or [index]")
		}
	}
	return p, nil
}

func (p *jsonPath) add(st pathStep) {
	switch st.kind {
	case stepNames:
		if len(st.names) > 1 {
			p.definite = false
		}
	case stepIndexes:
		if len(st.indexes) > 1 {
			p.definite = false
		}
	default:
		p.definite = false
	}
	p.steps = append(p.steps, st)
}

func pathErr(src, msg string) error {
	return &pathError{path: src, msg: msg}
}

type pathError struct{ path, msg string }

func (e *pathError) Error() string { return "JSONPath " + strconv.Quote(e.path) + ": " + e.msg }

// parseBracket parses "[...]" starting at s[i] == '['.
func parseBracket(src, s string, i int) (pathStep, int, error) {
	end := -1
	var quote byte
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if quote != 0 {
			if c == '\\' {
				j++
				continue
			}
			if c == quote {
				quote = 0
			}
			continue
		}
		if c == '\'' || c == '"' {
			quote = c
			continue
		}
		if c == ']' {
			end = j
			break
		}
	}
	if end < 0 {
		return pathStep{}, 0, pathErr(src, "'[' is not closed with ']'")
	}
	body := strings.TrimSpace(s[i+1 : end])
	next := end + 1
	switch {
	case body == "":
		return pathStep{}, 0, pathErr(src, "'[]' is empty; put an index, a quoted name or * inside")
	case body == "*":
		return pathStep{kind: stepWildcard}, next, nil
	case body[0] == '?' || body[0] == '(':
		return pathStep{}, 0, pathErr(src, "filter and script expressions ("+body+") are not supported; select with names and indexes and test the values with #if")
	case body[0] == '\'' || body[0] == '"':
		var names []string
		rest := body
		for {
			rest = strings.TrimSpace(rest)
			if rest == "" || (rest[0] != '\'' && rest[0] != '"') {
				return pathStep{}, 0, pathErr(src, "expected a quoted property name in ["+body+"]")
			}
			q := rest[0]
			var sb strings.Builder
			k := 1
			for ; k < len(rest) && rest[k] != q; k++ {
				if rest[k] == '\\' && k+1 < len(rest) {
					k++
				}
				sb.WriteByte(rest[k])
			}
			if k >= len(rest) {
				return pathStep{}, 0, pathErr(src, "unterminated quoted name in ["+body+"]")
			}
			names = append(names, sb.String())
			rest = strings.TrimSpace(rest[k+1:])
			if rest == "" {
				break
			}
			if rest[0] != ',' {
				return pathStep{}, 0, pathErr(src, "expected ',' between names in ["+body+"]")
			}
			rest = rest[1:]
		}
		return pathStep{kind: stepNames, names: names}, next, nil
	case strings.Contains(body, ":"):
		a, b, _ := strings.Cut(body, ":")
		if strings.Contains(b, ":") {
			return pathStep{}, 0, pathErr(src, "slice steps ([a:b:step]) are not supported")
		}
		st := pathStep{kind: stepSlice}
		var err error
		if a = strings.TrimSpace(a); a != "" {
			if st.from, err = strconv.Atoi(a); err != nil {
				return pathStep{}, 0, pathErr(src, "slice start "+strconv.Quote(a)+" is not an integer")
			}
			st.hasFrom = true
		}
		if b = strings.TrimSpace(b); b != "" {
			if st.to, err = strconv.Atoi(b); err != nil {
				return pathStep{}, 0, pathErr(src, "slice end "+strconv.Quote(b)+" is not an integer")
			}
			st.hasTo = true
		}
		return st, next, nil
	default:
		var idx []int
		for part := range strings.SplitSeq(body, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil {
				return pathStep{}, 0, pathErr(src, "["+body+"] is not an index; use [0], ['name'] or [*]")
			}
			idx = append(idx, n)
		}
		return pathStep{kind: stepIndexes, indexes: idx}, next, nil
	}
}

// eval applies the path to root. For a definite path it returns the value
// and whether it exists; otherwise a fromJSON list of every match (found is
// always true). budget is decremented by the values visited; an indefinite
// path that would visit more than it, or than maxPathVisits, fails with
// errPathVisits (never a partial list).
func (p *jsonPath) eval(root any, budget *int) (any, bool, error) {
	if p.definite {
		cur := root
		for i := range p.steps {
			st := &p.steps[i]
			switch st.kind {
			case stepNames:
				m, ok := cur.(*Map)
				if !ok {
					return nil, false, nil
				}
				v, ok := m.get(st.names[0])
				if !ok {
					return nil, false, nil
				}
				cur = v
			case stepIndexes:
				l, ok := cur.(*List)
				if !ok {
					return nil, false, nil
				}
				n := st.indexes[0]
				if n < 0 {
					n += len(l.items)
				}
				if n < 0 || n >= len(l.items) {
					return nil, false, nil
				}
				cur = l.items[n]
			}
		}
		return cur, true, nil
	}
	cur := []any{root}
	start := min(*budget, maxPathVisits)
	left := start
	for i := range p.steps {
		var next []any
		next, left = applyStep(&p.steps[i], cur, nil, left)
		cur = next
		if left <= 0 {
			capped := start < *budget // by maxPathVisits, not by the work budget
			*budget -= start
			if capped {
				return nil, false, errPathVisits
			}
			return nil, false, errTooMuchWork
		}
	}
	*budget -= start - left
	return &List{items: cur, fromJSON: true}, true, nil
}

var errPathVisits = errors.New("a JSONPath visits more than " + strconv.Itoa(maxPathVisits) + " values")

// applyStep appends to out the results of st applied to every value in in.
// budget bounds the work of deep scans; it is returned decremented.
func applyStep(st *pathStep, in, out []any, budget int) ([]any, int) {
	for _, v := range in {
		budget--
		if budget <= 0 {
			return out, budget
		}
		switch st.kind {
		case stepNames:
			if m, ok := v.(*Map); ok {
				for _, n := range st.names {
					if x, ok := m.get(n); ok {
						out = append(out, x)
					}
				}
			}
		case stepIndexes:
			if l, ok := v.(*List); ok {
				for _, n := range st.indexes {
					if n < 0 {
						n += len(l.items)
					}
					if n >= 0 && n < len(l.items) {
						out = append(out, l.items[n])
					}
				}
			}
		case stepSlice:
			if l, ok := v.(*List); ok {
				n := len(l.items)
				from, to := 0, n
				if st.hasFrom {
					from = st.from
					if from < 0 {
						from = max(0, n+from)
					}
				}
				if st.hasTo {
					to = st.to
					if to < 0 {
						to = n + to
					}
				}
				from, to = min(from, n), min(max(to, 0), n)
				if from < to {
					out = append(out, l.items[from:to]...)
				}
			}
		case stepWildcard:
			switch x := v.(type) {
			case *Map:
				out = append(out, x.vals...)
			case *List:
				out = append(out, x.items...)
			}
		case stepDeep:
			out, budget = deepScan(st.deep, v, out, budget, 0)
		}
	}
	return out, budget
}

func deepScan(st *pathStep, v any, out []any, budget, depth int) ([]any, int) {
	if budget <= 0 {
		return out, budget
	}
	if depth > maxDepth {
		// Values deeper than JSON parsing allows cannot be reached;
		// count it as exhausting the budget rather than skip silently.
		return out, 0
	}
	out, budget = applyStep(st, []any{v}, out, budget)
	switch x := v.(type) {
	case *Map:
		for _, e := range x.vals {
			out, budget = deepScan(st, e, out, budget, depth+1)
		}
	case *List:
		for _, e := range x.items {
			out, budget = deepScan(st, e, out, budget, depth+1)
		}
	}
	return out, budget
}
