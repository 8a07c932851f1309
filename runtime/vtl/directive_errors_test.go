package vtl

import (
	"strings"
	"testing"
)

// TestDirectiveOpeningErrors covers the malformed openings of the
// directives that take parentheses: each error names the directive and
// says how to write it.
func TestDirectiveOpeningErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"#set(x = 1)", "#set must assign to a $reference"},
		{"#foreach(x in [1])#end", "#foreach needs a loop variable"},
		{"#foreach($a.b in [1])#end", "the #foreach loop variable must be a plain $name"},
		{"#define x", "#define needs a reference in parentheses"},
		{"#define(x)#end", "#define needs a reference to name the block"},
		{"#define($input)#end", "the #define name must be a plain $name"},
		{"#macro x", "#macro needs a name in parentheses"},
	} {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Parse(tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) = %v, want an error containing %q", tt.src, err, tt.want)
			}
		})
	}
}
