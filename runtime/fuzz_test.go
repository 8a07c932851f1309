package runtime

import (
	"strings"
	"testing"
)

// FuzzRouter: matching never panics, and a match is a resource that
// exists and whose static segments appear in the request path.
func FuzzRouter(f *testing.F) {
	for _, s := range []string{"/pets/1", "//pets//", "/files/a/b/c", "/a/b/c", "/%2F/x", "/", "/pets/special/owner"} {
		f.Add(s)
	}
	root := &rnode{}
	for _, p := range []string{"/", "/pets", "/pets/{id}", "/pets/{id}/owner", "/pets/special", "/files/{proxy+}", "/a/{x}/c"} {
		n := root.insert(p)
		n.hasRes, n.path = true, p
	}
	f.Fuzz(func(t *testing.T, path string) {
		var ps params
		n := root.match(path, &ps)
		if n == nil {
			return
		}
		if !n.hasRes {
			t.Fatalf("%q matched a node without a resource", path)
		}
		for _, seg := range strings.Split(n.path, "/") {
			if seg != "" && !strings.HasPrefix(seg, "{") && !strings.Contains(path, seg) {
				t.Fatalf("%q matched %s, whose segment %q it does not contain", path, n.path, seg)
			}
		}
	})
}

// FuzzURITemplate: parsing any Uri never panics.
func FuzzURITemplate(f *testing.F) {
	for _, s := range []string{"http://h/x/{id}", "https://h:443/{proxy}?a=b", "http://${stageVariables.x}/", "http://h/{", "ftp://x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parseURITemplate(raw)
		if err == nil && (u.host == "" || (u.scheme != "http" && u.scheme != "https")) {
			t.Fatalf("%q parsed to %+v", raw, u)
		}
	})
}
