package model

import (
	"maps"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

// HTTP API parameter mapping ("Transform API requests and responses for
// HTTP APIs"): an integration's request parameters change the request
// before it reaches the backend, its response parameters the backend's
// answer by its status code. Keys name what to change and how:
//
//	append|overwrite|remove:header.NAME
//	append|overwrite|remove:querystring.NAME
//	overwrite:path
//	overwrite:statuscode          (responses only)
//
// Values are static text with expressions in it — $request.header.NAME,
// $request.querystring.NAME, $request.path, $request.path.NAME,
// $request.body.SELECTION, $context.NAME, $stageVariables.NAME, and in
// responses $response.header.NAME and $response.body.SELECTION — written
// bare or as ${request.header.NAME} anywhere in it. The runtime applies
// them (runtime/httpapi_params.go); validate reports what API Gateway
// rejects.

// HTTPMappingOp is what a mapping does.
type HTTPMappingOp uint8

const (
	MapAppend HTTPMappingOp = iota
	MapOverwrite
	MapRemove
)

// HTTPMappingPart is what a mapping changes.
type HTTPMappingPart uint8

const (
	MapHeader HTTPMappingPart = iota
	MapQuery
	MapPath
	MapStatus
)

// HTTPMappingSrc is one piece of a mapping's value: literal text, or an
// expression.
type HTTPMappingSrc struct {
	Lit  string
	Kind HTTPMappingSrcKind
	Name string
}

// HTTPMappingSrcKind is where a piece of a value comes from.
type HTTPMappingSrcKind uint8

const (
	SrcLit HTTPMappingSrcKind = iota
	SrcRequestHeader
	SrcRequestQuery
	SrcRequestPath      // the whole request path
	SrcRequestPathParam // a path parameter
	SrcContext
	SrcStageVariable
	SrcResponseHeader
	// SrcRequestBody and SrcResponseBody select from a JSON body: Name
	// is the JSONPath after "body." ("user.id", "items[0]"), "" for the
	// whole body.
	SrcRequestBody
	SrcResponseBody
)

// HTTPMapping is one HTTP API parameter mapping: what to change (Part,
// and for headers and query strings Name) and how (Op), to Value.
type HTTPMapping struct {
	Op   HTTPMappingOp
	Part HTTPMappingPart
	Name string // header (canonical) or query string name
	// Value is literal text and expressions, in order (none for remove).
	Value []HTTPMappingSrc
}

// ParseHTTPMapping reads one mapping of an HTTP API integration's request
// parameters (response false) or of its response parameters for a status
// code (response true). why says what API Gateway would reject, "" when
// nothing.
func ParseHTTPMapping(key, value string, response bool) (m HTTPMapping, why string) {
	op, target, ok := strings.Cut(key, ":")
	if !ok {
		return m, "the key must be append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path"
	}
	switch strings.ToLower(op) {
	case "append":
		m.Op = MapAppend
	case "overwrite":
		m.Op = MapOverwrite
	case "remove":
		m.Op = MapRemove
	default:
		return m, "the operation must be append, overwrite or remove"
	}
	switch t := strings.ToLower(target); {
	case strings.HasPrefix(t, "header."):
		m.Part, m.Name = MapHeader, textproto.CanonicalMIMEHeaderKey(target[len("header."):])
	case strings.HasPrefix(t, "querystring.") && !response:
		m.Part, m.Name = MapQuery, target[len("querystring."):]
	case t == "path" && !response:
		m.Part = MapPath
	case t == "statuscode" && response:
		m.Part = MapStatus
	default:
		if response {
			return m, "a response parameter changes header.NAME or statuscode"
		}
		return m, "a request parameter changes header.NAME, querystring.NAME or path"
	}
	if (m.Part == MapHeader || m.Part == MapQuery) && m.Name == "" {
		return m, "the key names no header or query string"
	}
	if (m.Part == MapPath || m.Part == MapStatus) && m.Op != MapOverwrite {
		return m, "the path and the status code can only be overwritten"
	}
	if m.Part == MapHeader && reservedMappingHeader(m.Name) {
		return m, "header " + m.Name + " is reserved: API Gateway takes no mapping of it (access-control-*, apigw-*, Authorization, Connection, Content-Encoding, Content-Length, Content-Location, Forwarded, Keep-Alive, Origin, Proxy-Authenticate, Proxy-Authorization, TE, Trailers, Transfer-Encoding, Upgrade, x-amz-*, x-amzn-*, X-Forwarded-For, X-Forwarded-Host, X-Forwarded-Proto, Via)"
	}
	if m.Op == MapRemove {
		return m, ""
	}
	val, why := parseHTTPMappingValue(value, response)
	if why != "" {
		return m, why
	}
	m.Value = val
	return m, ""
}

// reservedMappingHeader reports the headers API Gateway's documentation
// lists as reserved for HTTP API parameter mapping ("Reserved headers" in
// "Transform API requests and responses for HTTP APIs"): no request or
// response mapping may name them. The list says "Trailers"; Trailer, the
// header's real name, is taken as meant too.
func reservedMappingHeader(h string) bool {
	l := strings.ToLower(h)
	switch l {
	case "authorization", "connection", "content-encoding", "content-length", "content-location", "forwarded",
		"keep-alive", "origin", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
		"transfer-encoding", "upgrade", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "via":
		return true
	}
	for _, p := range [...]string{"access-control-", "apigw-", "x-amz-", "x-amzn-"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// parseHTTPMappingValue splits a value into literal text and expressions:
// ${request.header.x} anywhere, or a bare $request.header.x (its name runs
// to the first character that cannot be in one; a $ before anything but
// request, response, context or stageVariables is text).
func parseHTTPMappingValue(v string, response bool) ([]HTTPMappingSrc, string) {
	var out []HTTPMappingSrc
	lit := func(s string) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Kind == SrcLit {
			out[n-1].Lit += s
			return
		}
		out = append(out, HTTPMappingSrc{Lit: s})
	}
	for v != "" {
		i := strings.IndexByte(v, '$')
		if i < 0 || i == len(v)-1 {
			lit(v)
			break
		}
		lit(v[:i])
		v = v[i:]
		var e string
		if v[1] == '{' {
			j := strings.IndexByte(v, '}')
			if j < 0 {
				return nil, "a ${ is not closed"
			}
			e, v = v[2:j], v[j+1:]
		} else {
			j := 1
			for j < len(v) && exprByte(v[j]) {
				j++
			}
			if body := v[1:j]; j < len(v) && v[j] == '[' && (strings.HasPrefix(body, "request.body") || strings.HasPrefix(body, "response.body")) {
				// A body selection goes on through its brackets:
				// $request.body.items[0].id.
				j = bodySelectionEnd(v, j)
			}
			root, _, _ := strings.Cut(v[1:j], ".")
			if root != "request" && root != "response" && root != "context" && root != "stageVariables" {
				// Not an expression: a dollar sign in the text.
				lit("$")
				v = v[1:]
				continue
			}
			e, v = v[1:j], v[j:]
		}
		src, why := httpMappingExpr(e, response)
		if why != "" {
			return nil, why
		}
		out = append(out, src)
	}
	return out, ""
}

// exprByte reports whether c can be part of a bare expression's name.
func exprByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

// bodySelectionEnd returns where a bare body selection that has reached
// a '[' at v[j] ends: after brackets (quotes in them kept whole) and the
// names and brackets that follow them.
func bodySelectionEnd(v string, j int) int {
	for j < len(v) {
		switch {
		case v[j] == '[':
			k := j + 1
			for k < len(v) && v[k] != ']' {
				if q := v[k]; q == '\'' || q == '"' {
					if e := strings.IndexByte(v[k+1:], q); e >= 0 {
						k += e + 1
					}
				}
				k++
			}
			if k == len(v) {
				return j // not closed: the selection ends before it
			}
			j = k + 1
		case exprByte(v[j]):
			j++
		default:
			return j
		}
	}
	return j
}

func httpMappingExpr(e string, response bool) (HTTPMappingSrc, string) {
	root, rest, _ := strings.Cut(e, ".")
	if sel, ok := strings.CutPrefix(rest, "body"); ok && (sel == "" || sel[0] == '.' || sel[0] == '[') {
		switch {
		case root == "request" && !response:
			return bodySelection(SrcRequestBody, e, sel)
		case root == "response" && response:
			return bodySelection(SrcResponseBody, e, sel)
		}
	}
	switch {
	case root == "request" && !response:
		kind, name, _ := strings.Cut(rest, ".")
		switch kind {
		case "header":
			return HTTPMappingSrc{Kind: SrcRequestHeader, Name: name}, ""
		case "querystring":
			return HTTPMappingSrc{Kind: SrcRequestQuery, Name: name}, ""
		case "path":
			if name == "" {
				return HTTPMappingSrc{Kind: SrcRequestPath}, ""
			}
			return HTTPMappingSrc{Kind: SrcRequestPathParam, Name: name}, ""
		}
	case root == "response" && response:
		kind, name, _ := strings.Cut(rest, ".")
		switch kind {
		case "header":
			return HTTPMappingSrc{Kind: SrcResponseHeader, Name: name}, ""
		}
	case root == "context" && rest != "":
		return HTTPMappingSrc{Kind: SrcContext, Name: rest}, ""
	case root == "stageVariables" && rest != "":
		return HTTPMappingSrc{Kind: SrcStageVariable, Name: rest}, ""
	}
	if response {
		return HTTPMappingSrc{}, "$" + e + " is not a value a response parameter takes ($response.header.NAME, $response.body.PATH, $context.NAME, $stageVariables.NAME)"
	}
	return HTTPMappingSrc{}, "$" + e + " is not a value a request parameter takes ($request.header|querystring|path.NAME, $request.path, $request.body.PATH, $context.NAME, $stageVariables.NAME)"
}

// bodySelection reads the selection sel after "body" in expression e:
// "" (the whole body), ".PATH" or "[...]PATH". API Gateway takes a JSON
// path without recursive descent or filters.
func bodySelection(kind HTTPMappingSrcKind, e, sel string) (HTTPMappingSrc, string) {
	if sel == "" {
		return HTTPMappingSrc{Kind: kind}, ""
	}
	if sel[0] == '.' {
		sel = sel[1:]
	}
	switch {
	case sel == "":
		return HTTPMappingSrc{}, "$" + e + " selects nothing: write $" + e + "NAME, or $" + strings.TrimSuffix(e, ".") + " for the whole body"
	case strings.HasPrefix(sel, ".") || strings.Contains(sel, ".."):
		return HTTPMappingSrc{}, "$" + e + " uses recursive descent (..), which API Gateway does not support in a body selection: name each level"
	case strings.Contains(sel, "?("):
		return HTTPMappingSrc{}, "$" + e + " uses a filter expression (?(...)), which API Gateway does not support in a body selection: select by name and index"
	}
	return HTTPMappingSrc{Kind: kind, Name: sel}, ""
}

// MappingValueUnresolved reports a value with a ${NAME} whose NAME is not
// one a mapping reads: what a template front end leaves of a reference
// it could not resolve, which API Gateway never sees as written.
func MappingValueUnresolved(v string) bool {
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			return false
		}
		v = v[i+2:]
		end := strings.IndexAny(v, ".}")
		if end < 0 {
			return false
		}
		switch v[:end] {
		case "request", "response", "context", "stageVariables":
		default:
			return true
		}
	}
}

// MappingProblem is a parameter mapping of an integration that API
// Gateway rejects.
type MappingProblem struct {
	// Response is true for ResponseParameters (Code the status code),
	// false for RequestParameters.
	Response  bool
	Code      string
	Key, Text string
	Why       string
}

// HTTPMappingProblems lists the integration's parameter mappings API
// Gateway rejects, in key order; what it takes but cfnrun up does not
// apply (a body selection, a header cfnrun keeps) is not among them, nor a
// value holding a reference its front end could not resolve.
func HTTPMappingProblems(in *Integration) []MappingProblem {
	var out []MappingProblem
	for _, k := range slices.Sorted(maps.Keys(in.RequestParameters)) {
		if in.Subtype != "" {
			break // an AWS service action's parameters (QueueUrl, MessageBody), not mappings
		}
		v := in.RequestParameters[k]
		if _, why := ParseHTTPMapping(k, v, false); why != "" && !MappingValueUnresolved(v) {
			out = append(out, MappingProblem{Key: k, Text: v, Why: why})
		}
	}
	for _, code := range slices.Sorted(maps.Keys(in.ResponseMappings)) {
		if n, err := strconv.Atoi(code); err != nil || n < 100 || n > 599 {
			out = append(out, MappingProblem{Response: true, Code: code, Why: "the key is not a status code from 100 to 599"})
			continue
		}
		ms := in.ResponseMappings[code]
		for _, k := range slices.Sorted(maps.Keys(ms)) {
			v := ms[k]
			if _, why := ParseHTTPMapping(k, v, true); why != "" && !MappingValueUnresolved(v) {
				out = append(out, MappingProblem{Response: true, Code: code, Key: k, Text: v, Why: why})
			}
		}
	}
	return out
}

// String says what the problem is, naming the mapping.
func (p MappingProblem) String() string {
	switch {
	case !p.Response:
		return "request parameter " + p.Key + " = " + p.Text + ": " + p.Why
	case p.Key == "":
		return "response parameters for " + strconv.Quote(p.Code) + ": " + p.Why
	}
	return "response parameter " + p.Key + " = " + p.Text + " (status " + p.Code + "): " + p.Why
}

// Hint says how to write the mapping.
func (p MappingProblem) Hint() string {
	switch {
	case !p.Response:
		return "Write keys as append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path, with values from $request.header|querystring|path.NAME, $request.path, $request.body.PATH (a JSON path without .. or filters), $context.NAME, $stageVariables.NAME or text; leave out the headers API Gateway reserves."
	case p.Key == "":
		return "Key response parameters by the backend's status code, e.g. \"200\"."
	}
	return "Write keys as append|overwrite|remove:header.NAME or overwrite:statuscode, with values from $response.header.NAME, $response.body.PATH (a JSON path without .. or filters), $context.NAME, $stageVariables.NAME or text; leave out the headers API Gateway reserves."
}
