package runtime

import (
	"net/url"
	"slices"
	"strings"
)

// Method indexes: a compiled resource keeps one endpoint per verb in an
// array, so dispatch is a switch on the method string and an index.
const (
	mGET = iota
	mPOST
	mPUT
	mDELETE
	mPATCH
	mHEAD
	mOPTIONS
	mANY
	nMethods
)

func methodIndex(m string) int {
	switch m {
	case "GET":
		return mGET
	case "POST":
		return mPOST
	case "PUT":
		return mPUT
	case "DELETE":
		return mDELETE
	case "PATCH":
		return mPATCH
	case "HEAD":
		return mHEAD
	case "OPTIONS":
		return mOPTIONS
	case "ANY":
		return mANY
	}
	return -1
}

// rnode is one segment of a stage's compiled resource tree. Matching tries
// static children first, then the {param} child, then the greedy {name+}
// child, backtracking when a branch cannot complete the path — the order API
// Gateway documents for REST APIs.
type rnode struct {
	// seg is the static segment as it appears escaped in a request path.
	seg        string
	static     []*rnode // sorted by seg
	param      *rnode
	paramName  string
	greedy     *rnode
	greedyName string
	// path is the resource path ("/pets/{id}"); empty for a node that
	// has no resource with methods.
	path      string
	endpoints [nMethods]*endpoint
	hasRes    bool
}

// maxParams bounds path parameters per request (AWS paths are short).
const maxParams = 16

type pathParam struct {
	name  string
	value string // escaped, as it appeared in the request path
}

type params struct {
	n  int
	ps [maxParams]pathParam
}

func (p *params) get(name string) (string, bool) {
	for i := 0; i < p.n; i++ {
		if p.ps[i].name == name {
			return p.ps[i].value, true
		}
	}
	return "", false
}

// insert adds a resource at the template path p ("/pets/{id}") and returns
// its node.
func (n *rnode) insert(p string) *rnode {
	cur := n
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if part == "" {
			continue
		}
		switch {
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "+}"):
			if cur.greedy == nil {
				cur.greedy = &rnode{}
				cur.greedyName = part[1 : len(part)-2]
			}
			cur = cur.greedy
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}"):
			if cur.param == nil {
				cur.param = &rnode{}
				cur.paramName = part[1 : len(part)-1]
			}
			cur = cur.param
		default:
			esc := escapeSegment(part)
			i, ok := slices.BinarySearchFunc(cur.static, esc, func(c *rnode, s string) int { return strings.Compare(c.seg, s) })
			if !ok {
				cur.static = slices.Insert(cur.static, i, &rnode{seg: esc})
			}
			cur = cur.static[i]
		}
	}
	return cur
}

// escapeSegment returns how a literal path part appears in an escaped
// request path.
func escapeSegment(s string) string {
	return (&url.URL{Path: s}).EscapedPath()
}

// match finds the resource for the escaped request path p (without the
// stage), filling ps. Empty segments (a trailing slash, "//") are ignored,
// as API Gateway ignores them. It returns nil when no resource matches.
func (n *rnode) match(p string, ps *params) *rnode {
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	if p == "" {
		if n.hasRes {
			return n
		}
		return nil
	}
	seg, rest := p, ""
	if i := strings.IndexByte(p, '/'); i >= 0 {
		seg, rest = p[:i], p[i:]
	}
	if c := n.child(seg); c != nil {
		if r := c.match(rest, ps); r != nil {
			return r
		}
	}
	if n.param != nil && ps.n < maxParams {
		mark := ps.n
		ps.ps[ps.n] = pathParam{n.paramName, seg}
		ps.n++
		if r := n.param.match(rest, ps); r != nil {
			return r
		}
		ps.n = mark
	}
	if n.greedy != nil && n.greedy.hasRes && ps.n < maxParams {
		ps.ps[ps.n] = pathParam{n.greedyName, p}
		ps.n++
		return n.greedy
	}
	return nil
}

func (n *rnode) child(seg string) *rnode {
	s := n.static
	if len(s) <= 8 {
		for _, c := range s {
			if c.seg == seg {
				return c
			}
		}
		return nil
	}
	i, ok := slices.BinarySearchFunc(s, seg, func(c *rnode, x string) int { return strings.Compare(c.seg, x) })
	if !ok {
		return nil
	}
	return s[i]
}

// endpointFor picks the method's endpoint, falling back to ANY.
func (n *rnode) endpointFor(method string) *endpoint {
	if i := methodIndex(method); i >= 0 && n.endpoints[i] != nil {
		return n.endpoints[i]
	}
	return n.endpoints[mANY]
}
