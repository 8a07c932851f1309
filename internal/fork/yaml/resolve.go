//
// Copyright (c) 2011-2019 Canonical Ltd
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package yaml

import (
	"encoding/base64"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

type resolveMapItem struct {
	value interface{}
	tag   string
}

// resolveTable and resolveMap are built by the compiler and a switch
// (cfnrun's fork: upstream filled a slice and a map from an init, 276
// allocations before main; see FORK.md).
var resolveTable = [256]byte{
	'+': 'S', // Sign
	'-': 'S',
	'0': 'D', // Digit
	'1': 'D',
	'2': 'D',
	'3': 'D',
	'4': 'D',
	'5': 'D',
	'6': 'D',
	'7': 'D',
	'8': 'D',
	'9': 'D',
	'y': 'M', // In map
	'Y': 'M',
	'n': 'M',
	'N': 'M',
	't': 'M',
	'T': 'M',
	'f': 'M',
	'F': 'M',
	'o': 'M',
	'O': 'M',
	'~': 'M',
	'.': '.', // Float (potentially in map)
}

// resolveMap is upstream's map of the same name as a function.
func resolveMap(s string) (resolveMapItem, bool) {
	switch s {
	case "true", "True", "TRUE":
		return resolveMapItem{true, boolTag}, true
	case "false", "False", "FALSE":
		return resolveMapItem{false, boolTag}, true
	case "", "~", "null", "Null", "NULL":
		return resolveMapItem{nil, nullTag}, true
	case ".nan", ".NaN", ".NAN":
		return resolveMapItem{math.NaN(), floatTag}, true
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return resolveMapItem{math.Inf(+1), floatTag}, true
	case "-.inf", "-.Inf", "-.INF":
		return resolveMapItem{math.Inf(-1), floatTag}, true
	case "<<":
		return resolveMapItem{"<<", mergeTag}, true
	}
	return resolveMapItem{}, false
}

const (
	nullTag      = "!!null"
	boolTag      = "!!bool"
	strTag       = "!!str"
	intTag       = "!!int"
	floatTag     = "!!float"
	timestampTag = "!!timestamp"
	seqTag       = "!!seq"
	mapTag       = "!!map"
	binaryTag    = "!!binary"
	mergeTag     = "!!merge"
)

// longTags and shortTags are upstream's maps (filled from an init) as
// switches over the same ten tags.
func longTags(stag string) (string, bool) {
	switch stag {
	case nullTag:
		return "tag:yaml.org,2002:null", true
	case boolTag:
		return "tag:yaml.org,2002:bool", true
	case strTag:
		return "tag:yaml.org,2002:str", true
	case intTag:
		return "tag:yaml.org,2002:int", true
	case floatTag:
		return "tag:yaml.org,2002:float", true
	case timestampTag:
		return "tag:yaml.org,2002:timestamp", true
	case seqTag:
		return "tag:yaml.org,2002:seq", true
	case mapTag:
		return "tag:yaml.org,2002:map", true
	case binaryTag:
		return "tag:yaml.org,2002:binary", true
	case mergeTag:
		return "tag:yaml.org,2002:merge", true
	}
	return "", false
}

func shortTags(ltag string) (string, bool) {
	switch ltag {
	case "tag:yaml.org,2002:null":
		return nullTag, true
	case "tag:yaml.org,2002:bool":
		return boolTag, true
	case "tag:yaml.org,2002:str":
		return strTag, true
	case "tag:yaml.org,2002:int":
		return intTag, true
	case "tag:yaml.org,2002:float":
		return floatTag, true
	case "tag:yaml.org,2002:timestamp":
		return timestampTag, true
	case "tag:yaml.org,2002:seq":
		return seqTag, true
	case "tag:yaml.org,2002:map":
		return mapTag, true
	case "tag:yaml.org,2002:binary":
		return binaryTag, true
	case "tag:yaml.org,2002:merge":
		return mergeTag, true
	}
	return "", false
}

const longTagPrefix = "tag:yaml.org,2002:"

func shortTag(tag string) string {
	if strings.HasPrefix(tag, longTagPrefix) {
		if stag, ok := shortTags(tag); ok {
			return stag
		}
		return "!!" + tag[len(longTagPrefix):]
	}
	return tag
}

func longTag(tag string) string {
	if strings.HasPrefix(tag, "!!") {
		if ltag, ok := longTags(tag); ok {
			return ltag
		}
		return longTagPrefix + tag[2:]
	}
	return tag
}

func resolvableTag(tag string) bool {
	switch tag {
	case "", strTag, boolTag, intTag, floatTag, nullTag, timestampTag:
		return true
	}
	return false
}

// yamlStyleFloat is compiled on first use (cfnrun's fork).
var yamlStyleFloat = lazyRegexp{pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`}

// lazyRegexp is a regular expression compiled on the first get (cfnrun's
// fork). Declared as a composite literal of a constant, it is laid out
// by the compiler: no code runs and nothing is allocated at start-up
// (sync.OnceValue allocates two objects per declaration).
type lazyRegexp struct {
	pattern string
	once    sync.Once
	re      *regexp.Regexp
}

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.pattern) })
	return l.re
}

func resolve(tag string, in string) (rtag string, out interface{}) {
	tag = shortTag(tag)
	if !resolvableTag(tag) {
		return tag, in
	}

	defer func() {
		switch tag {
		case "", rtag, strTag, binaryTag:
			return
		case floatTag:
			if rtag == intTag {
				switch v := out.(type) {
				case int64:
					rtag = floatTag
					out = float64(v)
					return
				case int:
					rtag = floatTag
					out = float64(v)
					return
				}
			}
		}
		failf("cannot decode %s `%s` as a %s", shortTag(rtag), in, shortTag(tag))
	}()

	// Any data is accepted as a !!str or !!binary.
	// Otherwise, the prefix is enough of a hint about what it might be.
	hint := byte('N')
	if in != "" {
		hint = resolveTable[in[0]]
	}
	if hint != 0 && tag != strTag && tag != binaryTag {
		// Handle things we can lookup in a map.
		if item, ok := resolveMap(in); ok {
			return item.tag, item.value
		}

		// Base 60 floats are a bad idea, were dropped in YAML 1.2, and
		// are purposefully unsupported here. They're still quoted on
		// the way out for compatibility with other parser, though.

		switch hint {
		case 'M':
			// We've already checked the map above.

		case '.':
			// Not in the map, so maybe a normal float.
			floatv, err := strconv.ParseFloat(in, 64)
			if err == nil {
				return floatTag, floatv
			}

		case 'D', 'S':
			// Int, float, or timestamp.
			// Only try values as a timestamp if the value is unquoted or there's an explicit
			// !!timestamp tag.
			if tag == "" || tag == timestampTag {
				t, ok := parseTimestamp(in)
				if ok {
					return timestampTag, t
				}
			}

			plain := strings.Replace(in, "_", "", -1)
			intv, err := strconv.ParseInt(plain, 0, 64)
			if err == nil {
				if intv == int64(int(intv)) {
					return intTag, int(intv)
				} else {
					return intTag, intv
				}
			}
			uintv, err := strconv.ParseUint(plain, 0, 64)
			if err == nil {
				return intTag, uintv
			}
			if yamlStyleFloat.get().MatchString(plain) {
				floatv, err := strconv.ParseFloat(plain, 64)
				if err == nil {
					return floatTag, floatv
				}
			}
			if strings.HasPrefix(plain, "0b") {
				intv, err := strconv.ParseInt(plain[2:], 2, 64)
				if err == nil {
					if intv == int64(int(intv)) {
						return intTag, int(intv)
					} else {
						return intTag, intv
					}
				}
				uintv, err := strconv.ParseUint(plain[2:], 2, 64)
				if err == nil {
					return intTag, uintv
				}
			} else if strings.HasPrefix(plain, "-0b") {
				intv, err := strconv.ParseInt("-"+plain[3:], 2, 64)
				if err == nil {
					if true || intv == int64(int(intv)) {
						return intTag, int(intv)
					} else {
						return intTag, intv
					}
				}
			}
			// Octals as introduced in version 1.2 of the spec.
			// Octals from the 1.1 spec, spelled as 0777, are still
			// decoded by default in v3 as well for compatibility.
			// May be dropped in v4 depending on how usage evolves.
			if strings.HasPrefix(plain, "0o") {
				intv, err := strconv.ParseInt(plain[2:], 8, 64)
				if err == nil {
					if intv == int64(int(intv)) {
						return intTag, int(intv)
					} else {
						return intTag, intv
					}
				}
				uintv, err := strconv.ParseUint(plain[2:], 8, 64)
				if err == nil {
					return intTag, uintv
				}
			} else if strings.HasPrefix(plain, "-0o") {
				intv, err := strconv.ParseInt("-"+plain[3:], 8, 64)
				if err == nil {
					if true || intv == int64(int(intv)) {
						return intTag, int(intv)
					} else {
						return intTag, intv
					}
				}
			}
		default:
			panic("internal error: missing handler for resolver table: " + string(rune(hint)) + " (with " + in + ")")
		}
	}
	return strTag, in
}

// encodeBase64 encodes s as base64 that is broken up into multiple lines
// as appropriate for the resulting length.
func encodeBase64(s string) string {
	const lineLen = 70
	encLen := base64.StdEncoding.EncodedLen(len(s))
	lines := encLen/lineLen + 1
	buf := make([]byte, encLen*2+lines)
	in := buf[0:encLen]
	out := buf[encLen:]
	base64.StdEncoding.Encode(in, []byte(s))
	k := 0
	for i := 0; i < len(in); i += lineLen {
		j := i + lineLen
		if j > len(in) {
			j = len(in)
		}
		k += copy(out[k:], in[i:j])
		if lines > 1 {
			out[k] = '\n'
			k++
		}
	}
	return string(out[:k])
}

// This is a subset of the formats allowed by the regular expression
// defined at http://yaml.org/type/timestamp.html.
var allowedTimestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00", // RCF3339Nano with short date fields.
	"2006-1-2t15:4:5.999999999Z07:00", // RFC3339Nano with short date fields and lower-case "t".
	"2006-1-2 15:4:5.999999999",       // space separated with no time zone
	"2006-1-2",                        // date only
	// Notable exception: time.Parse cannot handle: "2001-12-14 21:59:43.10 -5"
	// from the set of examples.
}

// parseTimestamp parses s as a timestamp string and
// returns the timestamp and reports whether it succeeded.
// Timestamp formats are defined at http://yaml.org/type/timestamp.html
func parseTimestamp(s string) (time.Time, bool) {
	// TODO write code to check all the formats supported by
	// http://yaml.org/type/timestamp.html instead of using time.Parse.

	// Quick check: all date formats start with YYYY-.
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return time.Time{}, false
	}
	for _, format := range allowedTimestampFormats {
		if t, err := time.Parse(format, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
