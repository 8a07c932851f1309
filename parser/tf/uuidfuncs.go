package tf

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// uuidV4Func and uuidV5Func are Terraform's uuid and uuidv5, as
// github.com/hashicorp/go-cty-funcs/uuid has them, without
// github.com/google/uuid: that package brings database/sql/driver, whose
// initialisation every cfnrun command paid (docs/performance.md, "Process
// start-up"). TestUUIDFuncs compares them with go-cty-funcs's.
func uuidV4Func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{},
		Type:   function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			var u [16]byte
			if _, err := rand.Read(u[:]); err != nil {
				return cty.UnknownVal(cty.String), err
			}
			u[6] = u[6]&0x0f | 0x40 // version 4
			u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
			return cty.StringVal(formatUUID(u)), nil
		},
	})
}

func uuidV5Func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "namespace", Type: cty.String}, {Name: "name", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ns := args[0].AsString()
			var space [16]byte
			switch ns {
			case "dns":
				space = [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
			case "url":
				space = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
			case "oid":
				space = [16]byte{0x6b, 0xa7, 0xb8, 0x12, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
			case "x500":
				space = [16]byte{0x6b, 0xa7, 0xb8, 0x14, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
			default:
				var err error
				if space, err = parseUUID(ns); err != nil {
					return cty.UnknownVal(cty.String), fmt.Errorf("uuidv5() doesn't support namespace %s (%v)", ns, err)
				}
			}
			h := sha1.New()
			h.Write(space[:])
			h.Write([]byte(args[1].AsString()))
			var u [16]byte
			copy(u[:], h.Sum(nil))
			u[6] = u[6]&0x0f | 0x50 // version 5
			u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
			return cty.StringVal(formatUUID(u)), nil
		},
	})
}

// formatUUID writes u as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// parseUUID reads a UUID as github.com/google/uuid.Parse does, with its
// errors: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, the same with a urn:uuid:
// prefix or between two more characters (braces, unchecked), or 32 hex
// digits.
func parseUUID(s string) ([16]byte, error) {
	var u [16]byte
	errFormat := errors.New("invalid UUID format")
	switch len(s) {
	case 36:
	case 36 + 9:
		if !strings.EqualFold(s[:9], "urn:uuid:") {
			return u, fmt.Errorf("invalid urn prefix: %q", s[:9])
		}
		s = s[9:]
	case 36 + 2:
		s = s[1:]
	case 32:
		for i := range u {
			v, ok := hexByte(s[i*2], s[i*2+1])
			if !ok {
				return u, errFormat
			}
			u[i] = v
		}
		return u, nil
	default:
		return u, fmt.Errorf("invalid UUID length: %d", len(s))
	}
	if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, errFormat
	}
	for i, x := range [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34} {
		v, ok := hexByte(s[x], s[x+1])
		if !ok {
			return u, errFormat
		}
		u[i] = v
	}
	return u, nil
}

func hexByte(a, b byte) (byte, bool) {
	hi, ok1 := hexDigit(a)
	lo, ok2 := hexDigit(b)
	return hi<<4 | lo, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
