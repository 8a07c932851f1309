package vtl

import "testing"

func TestSelection(t *testing.T) {
	body := []byte(`{"user":{"id":"u-1","age":41,"tags":["a","b"],"addr":{"city":"Oslo"}},"items":[{"sku":"x"},{"sku":"y"}],"odd key":true,"url":"a/b","n":null}`)
	doc := DecodeDocument(body)
	for _, tc := range []struct {
		path, want string
		found      bool
	}{
		{"user.id", "u-1", true},
		{"$.user.id", "u-1", true},
		{"user.age", "41", true},
		{"user.tags", `["a","b"]`, true},
		{"user.addr", `{"city":"Oslo"}`, true},
		{"items[1].sku", "y", true},
		{"items[-1].sku", "y", true},
		{"items[*].sku", `["x","y"]`, true},
		{"['odd key']", "true", true},
		{"url", "a/b", true},
		{"n", "null", true},
		{"user.missing", "", false},
		{"items[5]", "", false},
		{"user.id.deeper", "", false},
	} {
		s, err := CompileSelection(tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		got, found := s.Select(doc)
		if got != tc.want || found != tc.found {
			t.Errorf("%s: got %q, %v; want %q, %v", tc.path, got, found, tc.want, tc.found)
		}
	}
	s, _ := CompileSelection("user.id")
	for _, bad := range []string{``, `{"user":`, `not json`, `{"user":{"id":"u"}} trailing`} {
		if got, found := s.Select(DecodeDocument([]byte(bad))); found || got != "" {
			t.Errorf("%q: found %q in a body that is not JSON", bad, got)
		}
	}
	if _, err := CompileSelection("user[?(@.id)]"); err == nil {
		t.Error("a filter compiled")
	}
}
