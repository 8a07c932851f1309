package model

import (
	"fmt"
	"slices"
	"strings"
)

// HTTPVerbs are the methods an HTTP API route key may name.
var HTTPVerbs = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// ParseRouteKey takes an HTTP API route key apart: "$default" (verb ANY,
// path ""), or "METHOD /path"; why says what is wrong ("" when nothing
// is).
func ParseRouteKey(key string) (verb, path, why string) {
	if key == RouteKeyDefault {
		return "ANY", "", ""
	}
	verb, path, found := strings.Cut(key, " ")
	switch {
	case !found:
		return "", "", "it has no space between the method and the path"
	case !slices.Contains(HTTPVerbs, verb):
		return "", "", fmt.Sprintf("%q is not a method (%s, upper case)", verb, strings.Join(HTTPVerbs, ", "))
	case !strings.HasPrefix(path, "/"):
		return "", "", fmt.Sprintf("the path %q does not start with /", path)
	case strings.ContainsAny(path, " \t"):
		return "", "", "the path contains a space"
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, seg := range segs {
		if strings.HasSuffix(seg, "+}") && i != len(segs)-1 {
			return "", "", fmt.Sprintf("the greedy variable %s is not the path's last segment", seg)
		}
		if strings.Contains(seg, "{") != strings.Contains(seg, "}") || strings.Contains(seg, "{") && (!strings.HasPrefix(seg, "{") || !strings.HasSuffix(seg, "}")) {
			return "", "", fmt.Sprintf("the segment %q is neither plain text nor one whole {variable}", seg)
		}
	}
	return verb, path, ""
}
