package schema4

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func compileOne(t *testing.T, docs map[string]string, url string) (*Schema, error) {
	t.Helper()
	set := NewSet()
	for u, text := range docs {
		d, err := Parse([]byte(text))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		set.Add(u, d)
	}
	return set.Compile(url)
}

func TestValidate(t *testing.T) {
	const m = "https://apigateway.amazonaws.com/restapis/a/models/"
	for _, tc := range []struct {
		name, schema, value string
		want                string // "" valid, else the first message
	}{
		{"type ok", `{"type":"string"}`, `"x"`, ""},
		{"type", `{"type":"string"}`, `1`, `instance type (integer) does not match any allowed primitive type (allowed: ["string"])`},
		{"integer is a number", `{"type":"number"}`, `1`, ""},
		{"1.0 is an integer", `{"type":"integer"}`, `1.0`, ""},
		{"1.5 is not", `{"type":"integer"}`, `1.5`, `instance type (number) does not match any allowed primitive type (allowed: ["integer"])`},
		{"type list", `{"type":["string","null"]}`, `null`, ""},
		{"enum", `{"enum":["a",1]}`, `1.0`, ""},
		{"enum miss", `{"enum":["a","b"]}`, `"c"`, `instance value ("c") not found in enum (possible values: ["a","b"])`},
		{"required", `{"required":["a","b"]}`, `{"a":1}`, `object has missing required properties (["b"])`},
		{"additional", `{"properties":{"a":{}},"additionalProperties":false}`, `{"a":1,"z":2,"y":3}`, `object instance has properties which are not allowed by the schema: ["y","z"]`},
		{"additional schema", `{"additionalProperties":{"type":"integer"}}`, `{"a":"x"}`, `instance type (string) does not match any allowed primitive type (allowed: ["integer"])`},
		{"patternProperties", `{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}`, `{"x-a":"1"}`, ""},
		{"minimum", `{"minimum":0}`, `-1`, `numeric instance is lower than the required minimum (minimum: 0, found: -1)`},
		{"exclusive minimum", `{"minimum":0,"exclusiveMinimum":true}`, `0`, `numeric instance is not strictly greater than the required minimum 0`},
		{"maximum", `{"maximum":10}`, `10.5`, `numeric instance is greater than the required maximum (maximum: 10, found: 10.5)`},
		{"multipleOf", `{"multipleOf":0.1}`, `0.3`, ""},
		{"multipleOf miss", `{"multipleOf":2}`, `3`, `remainder of division is not zero (3 / 2)`},
		{"minLength counts code points", `{"minLength":2}`, `"é"`, `string "é" is too short (length: 1, required minimum: 2)`},
		{"maxLength", `{"maxLength":2}`, `"abc"`, `string "abc" is too long (length: 3, maximum allowed: 2)`},
		{"pattern", `{"pattern":"^[a-z]+$"}`, `"A"`, `ECMA 262 regex "^[a-z]+$" does not match input string "A"`},
		{"minItems", `{"minItems":1}`, `[]`, `array is too short: must have at least 1 elements but instance has 0 elements`},
		{"uniqueItems", `{"uniqueItems":true}`, `[{"a":1},{"a":1.0}]`, `array must not contain duplicate elements`},
		{"tuple", `{"items":[{"type":"string"}],"additionalItems":false}`, `["a",1]`, `array index 1 is beyond the 1 items the schema allows`},
		{"items", `{"items":{"type":"string"}}`, `["a",1]`, `instance type (integer) does not match any allowed primitive type (allowed: ["string"])`},
		{"dependencies", `{"dependencies":{"a":["b"]}}`, `{"a":1}`, `property "a" of object has missing property dependencies (schema requires ["b"]; missing: ["b"])`},
		{"anyOf", `{"anyOf":[{"type":"string"},{"type":"null"}]}`, `1`, `instance failed to match at least one required schema among 2`},
		{"oneOf", `{"oneOf":[{"type":"number"},{"type":"integer"}]}`, `1`, `instance failed to match exactly one schema (matched 2 out of 2)`},
		{"not", `{"not":{"type":"string"}}`, `"x"`, `instance matched a schema which it should not have`},
		{"allOf", `{"allOf":[{"type":"object"},{"required":["x"]}]}`, `{}`, `object has missing required properties (["x"])`},
		{"local ref", `{"definitions":{"n":{"type":"integer"}},"properties":{"a":{"$ref":"#/definitions/n"}}}`, `{"a":"x"}`,
			`instance type (string) does not match any allowed primitive type (allowed: ["integer"])`},
		{"model ref", `{"items":{"$ref":"` + m + `Tag"}}`, `["", "x"]`, `string "" is too short (length: 0, required minimum: 1)`},
		{"recursive ref", `{"properties":{"child":{"$ref":"#"}},"required":["n"]}`, `{"n":1,"child":{"n":2,"child":{}}}`, `object has missing required properties (["n"])`},
		{"ref loop", `{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}`, `1`, `reference loop or unresolved $ref "#/definitions/b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := compileOne(t, map[string]string{m + "X": tc.schema, m + "Tag": `{"type":"string","minLength":1}`}, m+"X")
			if err != nil {
				t.Fatal(err)
			}
			v, err := Parse([]byte(tc.value))
			if err != nil {
				t.Fatal(err)
			}
			errs := s.Validate(v, 10)
			got := ""
			if len(errs) > 0 {
				got = errs[0].Message
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			if quick := s.Validate(v, 1); (len(quick) == 0) != (tc.want == "") || len(quick) > 1 {
				t.Errorf("Validate(v, 1) = %v", quick)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct{ name, schema, want string }{
		{"type", `{"type":7}`, "type must be a type name"},
		{"bad pattern", `{"pattern":"(?<=a)b"}`, "RE2"},
		{"dangling ref", `{"$ref":"https://example.com/x"}`, "not a known model"},
		{"bad pointer", `{"$ref":"#/definitions/nope"}`, `no "definitions"`},
		{"minLength", `{"minLength":-1}`, "non-negative integer"},
		{"not an object", `[1]`, "must be a JSON object"},
		{"nested", `{"properties":{"a":{"required":"x"}}}`, "at #/properties/a/required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileOne(t, map[string]string{"u": tc.schema}, "u")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestPathsAndLimit(t *testing.T) {
	s, err := compileOne(t, map[string]string{"u": `{"items":{"properties":{"a/b":{"type":"string"}}}}`}, "u")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := Parse([]byte(`[{"a/b":1},{"a/b":2},{"a/b":3}]`))
	errs := s.Validate(v, 2)
	if len(errs) != 2 || errs[0].Path != "/0/a~1b" || errs[1].Path != "/1/a~1b" {
		t.Errorf("errs %+v", errs)
	}
}

func FuzzValidate(f *testing.F) {
	f.Add(`{"type":"object","required":["a"],"properties":{"a":{"type":"array","items":{"$ref":"#"}}}}`, `{"a":[{"a":[]}]}`)
	f.Add(`{"anyOf":[{"not":{}},{"oneOf":[{"enum":[1]}]}]}`, `1`)
	f.Fuzz(func(t *testing.T, schema, value string) {
		d, err := Parse([]byte(schema))
		if err != nil {
			return
		}
		set := NewSet()
		set.Add("u", d)
		s, err := set.Compile("u")
		if err != nil {
			return
		}
		v, err := Parse([]byte(value))
		if err != nil {
			return
		}
		s.Validate(v, 3)
	})
}

// FuzzParse: Parse agrees with encoding/json (UseNumber) on what is JSON
// and on its value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,"x\u00e9\n",true,false,null,{}]}`, `[]`, ` "s" `, `01`, `[1,]`, `{"a":1}x`, `"\ud800"`, "\"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, err := Parse([]byte(text))
		d := json.NewDecoder(strings.NewReader(text))
		d.UseNumber()
		var want any
		werr := d.Decode(&want)
		if werr == nil {
			if _, tokErr := d.Token(); tokErr != io.EOF {
				werr = errors.New("more")
			}
		}
		if werr == nil && !utf8.ValidString(text) {
			return // encoding/json replaces invalid UTF-8; Parse refuses it
		}
		if (err == nil) != (werr == nil) {
			if werr != nil && strings.Contains(werr.Error(), "exceeded max depth") {
				return
			}
			t.Fatalf("Parse err %v, encoding/json err %v", err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse %#v, encoding/json %#v", got, want)
		}
	})
}
