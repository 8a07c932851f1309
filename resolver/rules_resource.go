package resolver

import (
	"fmt"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Model rules about the resource tree (see registry.go).

// validPathPart reports whether p is a path part API Gateway accepts: a
// literal segment or one {param} / {param+}; what the regular expression
// ^(?:[a-zA-Z0-9._:@~!$&'()*+,;=-]+|\{[a-zA-Z0-9._-]+\+?\})$ matches
// (TestValidPathPart), without running one per resource (1,800
// instructions each).
func validPathPart(p string) bool {
	if strings.HasPrefix(p, "{") {
		name, ok := strings.CutSuffix(p[1:], "}")
		name = strings.TrimSuffix(name, "+")
		return ok && name != "" && allBytes(name, "._-")
	}
	return p != "" && allBytes(p, "._:@~!$&'()*+,;=-")
}

// allBytes reports whether every byte of s is an ASCII letter or digit or
// one of punct.
func allBytes(s, punct string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(punct, c) >= 0) {
			return false
		}
	}
	return true
}

// pathPartWritten reports whether res has a path part to check: a missing
// required PathPart is the schema check's finding, not these rules'.
func pathPartWritten(res *model.Resource) bool {
	if res.Parent == nil {
		return false
	}
	_, written := res.Props.Lookup("PathPart")
	return written || res.PathPart != ""
}

var _ = define(Rule{
	ID: "E3207", Level: "error",
	Summary: "invalid path part",
	Why:     "API Gateway accepts literal segments or one {param} / {param+}.",
	Resource: func(r report, api *model.RestAPI, res *model.Resource) {
		if pathPartWritten(res) && !validPathPart(res.PathPart) {
			r.errorf(res.Props.At("PathPart", res.Range), res.LogicalID,
				"A path part is a literal segment (letters, digits, . _ - :) or one {param} / {param+}, without slashes.", "invalid path part %q", res.PathPart)
		}
	},
})

var _ = define(Rule{
	ID: "E3206", Level: "error",
	Summary: "greedy {proxy+} path part that is not the last part",
	Why:     "API Gateway rejects resources under a greedy path variable.",
	Resource: func(r report, api *model.RestAPI, res *model.Resource) {
		if pathPartWritten(res) && strings.HasSuffix(res.PathPart, "+}") && len(res.Children) > 0 {
			r.errorf(res.Props.At("PathPart", res.Range), res.LogicalID, fmt.Sprintf("A greedy path variable must be the last part of the path; %s has child %s.", res.Path, res.Children[0].PathPart),
				"greedy path part %s is not the last part", res.PathPart)
		}
	},
})

var _ = define(Rule{
	ID: "E3205", Level: "error",
	Summary: "two resources with the same path part (or two path variables) under one parent",
	Why:     "API Gateway fails with \"Another resource with the same parent already has this name\".",
	// One pass over each parent's children: a template with thousands of
	// siblings stays linear.
	Resource: func(r report, api *model.RestAPI, parent *model.Resource) {
		first := make(map[string]*model.Resource, len(parent.Children))
		lastVar := ""
		for _, res := range parent.Children {
			if !pathPartWritten(res) {
				continue
			}
			rng := res.Props.At("PathPart", res.Range)
			if sib, dup := first[res.PathPart]; dup {
				r.errorf(rng, res.LogicalID, fmt.Sprintf("%s already defines %s under the same parent; API Gateway rejects a second one. Reuse it.", sib.LogicalID, res.Path),
					"path part %q is defined twice under %s", res.PathPart, parent.Path)
				continue
			}
			first[res.PathPart] = res
			if strings.HasPrefix(res.PathPart, "{") {
				if lastVar != "" {
					r.errorf(rng, res.LogicalID, fmt.Sprintf("%s already has the variable %s; API Gateway allows one variable per level.", parent.Path, lastVar),
						"a sibling path variable %s already exists under %s", lastVar, parent.Path)
				}
				lastVar = res.PathPart
			}
		}
	},
})
