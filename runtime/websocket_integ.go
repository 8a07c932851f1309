package runtime

// Non-proxy WebSocket integrations (HTTP, AWS with a Lambda function,
// MOCK) and the data mapping of every integration, as API Gateway
// documents them (websocket-api-data-transformations,
// apigateway-websocket-api-integration-responses,
// websocket-api-data-mapping, websocket-api-develop-binary-media-types):
//
//   - the integration's TemplateSelectionExpression (\$default, static
//     text, ${request.body.path}) picks one of its RequestTemplates; the
//     template's output is the integration request's body. Without a
//     template the PassthroughBehavior decides: WHEN_NO_MATCH passes the
//     message through, NEVER and WHEN_NO_TEMPLATES (when templates exist)
//     refuse it (Unsupported Media Type, 415);
//   - RequestParameters map integration.request.header.X (and
//     .querystring.X) from route.request.body.PATH, route.request.header.X
//     / .querystring.X (the handshake's, on $connect), context.X,
//     stageVariables.X and 'static' values;
//   - on a two-way route the integration's answer goes back through the
//     first IntegrationResponse whose /regex/ key matches the status (a
//     Lambda function's errorMessage for AWS integrations), else the
//     $default one; its TemplateSelectionExpression (${integration.
//     response.statuscode}, ${integration.response.header.X},
//     ${request.body.path}, static) picks one of its ResponseTemplates,
//     whose output is the message; without a template the answer's body
//     is;
//   - ContentHandlingStrategy CONVERT_TO_BINARY / CONVERT_TO_TEXT decode
//     or encode base64, on the integration (the message) and on the
//     integration response (the answer).
//
// Where AWS is silent cfnrun chooses, and docs/websocket.md says so: an
// integration without a TemplateSelectionExpression takes its
// application/json template, else its $default one, else its only one; a
// selected key without a template falls back to $default; a template
// selection that finds nothing on an integration response sends the
// answer's body as it is; an empty answer sends nothing.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// wsMapping is a WebSocket integration's data mapping and, for non-proxy
// integrations, its templates and integration responses.
type wsMapping struct {
	// nonProxy: the templates, passthrough and responses apply (HTTP,
	// AWS, MOCK); proxy integrations use params only.
	nonProxy    bool
	tse         string
	templates   map[string]mappingTemplate
	passthrough string
	convert     string
	params      []wsParam
	responses   []wsResponse
}

// wsParam is one integration.request.header.X or .querystring.X mapping.
type wsParam struct {
	header bool
	name   string
	src    string
}

// wsResponse is one integration response.
type wsResponse struct {
	key       string
	def       bool
	re        *regexp.Regexp
	tse       string
	templates map[string]mappingTemplate
	convert   string
}

// errWSUnsupportedMedia: no request template and the PassthroughBehavior
// refuses the message.
var errWSUnsupportedMedia = errors.New("no request template matches and the PassthroughBehavior refuses the message")

// compileWSMapping compiles in's templates, parameters and responses for
// route m.
func compileWSMapping(m *model.Method, in *model.Integration, ds *diag.Diagnostics) *wsMapping {
	mp := &wsMapping{tse: in.TemplateSelectionExpression, passthrough: in.PassthroughBehavior, convert: in.ContentHandling}
	switch in.Type {
	case model.IntegrationHTTP, model.IntegrationAWS, model.IntegrationMock:
		mp.nonProxy = true
	}
	for _, k := range slices.Sorted(maps.Keys(in.RequestParameters)) {
		src := in.RequestParameters[k]
		if why := model.WebSocketRequestParameterProblem(k, src); why != "" {
			ignoredWSParam(m, in, k, src, why, ds)
		} else if h, ok := strings.CutPrefix(k, "integration.request.header."); ok {
			mp.params = append(mp.params, wsParam{header: true, name: h, src: src})
		} else {
			mp.params = append(mp.params, wsParam{name: strings.TrimPrefix(k, "integration.request.querystring."), src: src})
		}
	}
	if !mp.nonProxy {
		return mp
	}
	compile := func(src map[string]string, what string) map[string]mappingTemplate {
		if len(src) == 0 {
			return nil
		}
		out := make(map[string]mappingTemplate, len(src))
		for _, k := range slices.Sorted(maps.Keys(src)) {
			out[k], _ = compileMapping(src[k], in.Props.At("RequestTemplates", in.Range), m.LogicalID, what+" "+k+" of WebSocket route "+m.RouteKey, ds)
		}
		return out
	}
	mp.templates = compile(in.RequestTemplates, "the request template")
	for _, r := range in.Responses {
		def, re, err := model.WebSocketResponsePattern(r.Key)
		if err != nil {
			continue // validate reports it (W3523); it never matches
		}
		mp.responses = append(mp.responses, wsResponse{key: r.Key, def: def, re: re, tse: r.TemplateSelectionExpression,
			templates: compile(r.ResponseTemplates, "the response template"), convert: r.ContentHandling})
	}
	return mp
}

// wsInput is what a route's mapping reads: the message (or nil on
// $connect and $disconnect), the handshake's headers and query string,
// the event's context and the stage's variables.
type wsInput struct {
	msg     []byte
	doc     any // msg as JSON, parsed once; nil when it is not
	parsed  bool
	headers map[string]string
	query   map[string]string
	context map[string]any
	vars    map[string]string
}

func (in *wsInput) json() any {
	if !in.parsed {
		in.parsed = true
		if len(in.msg) > 0 {
			json.Unmarshal(in.msg, &in.doc)
		}
	}
	return in.doc
}

// vtl is the mapping template input over body.
func (in *wsInput) vtl(body []byte) *vtlInput {
	v := &vtlInput{Body: body, PathParams: map[string]string{}, QueryParams: in.query, Headers: in.headers, StageVariables: in.vars, Context: in.context}
	if v.QueryParams == nil {
		v.QueryParams = map[string]string{}
	}
	if v.Headers == nil {
		v.Headers = map[string]string{}
	}
	if v.StageVariables == nil {
		v.StageVariables = map[string]string{}
	}
	return v
}

// wsContextMap is $context of a WebSocket mapping template.
func wsContextMap(rc wsRequestContext) map[string]any {
	ctx := map[string]any{"connectionId": rc.ConnectionID, "routeKey": rc.RouteKey,
		"eventType": rc.EventType, "requestId": rc.RequestID, "extendedRequestId": rc.ExtendedRequestID, "messageId": rc.MessageID,
		"stage": rc.Stage, "apiId": rc.APIID, "domainName": rc.DomainName, "connectedAt": rc.ConnectedAt,
		"requestTimeEpoch": rc.RequestTimeEpoch, "requestTime": rc.RequestTime, "messageDirection": rc.MessageDirection,
		"identity": map[string]any{"sourceIp": rc.Identity.SourceIP, "userAgent": rc.Identity.UserAgent}}
	if len(rc.Authorizer) > 0 {
		var az map[string]any
		if json.Unmarshal(rc.Authorizer, &az) == nil {
			ctx["authorizer"] = az
		}
	}
	return ctx
}

// selectWS evaluates a WebSocket selection expression: static text, "\$"
// for a literal "$", and $var or ${var} variables (request.body.PATH,
// integration.response.statuscode, integration.response.header.X,
// integration.response.multivalueheader.X); a variable without a value
// is "".
func selectWS(expr string, in *wsInput, ans *wsAnswer) string {
	var b strings.Builder
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr) && expr[i+1] == '$':
			b.WriteByte('$')
			i++
		case c == '$' && i+1 < len(expr) && expr[i+1] == '{':
			end := strings.IndexByte(expr[i:], '}')
			if end < 0 {
				b.WriteString(expr[i:])
				return b.String()
			}
			b.WriteString(wsVariable(expr[i+2:i+end], in, ans))
			i += end
		case c == '$':
			j := i + 1
			for j < len(expr) && (isIdentByte(expr[j]) || expr[j] == '.' || expr[j] == '-') {
				j++
			}
			b.WriteString(wsVariable(expr[i+1:j], in, ans))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// wsVariable is the value of one selection expression variable.
func wsVariable(name string, in *wsInput, ans *wsAnswer) string {
	switch {
	case name == "default":
		return model.RouteKeyDefault
	case strings.HasPrefix(name, "request.body."):
		return jsonText(bodyPath(in.json(), strings.TrimPrefix(name, "request.body.")))
	case ans == nil:
		return ""
	case name == "integration.response.statuscode":
		return strconv.Itoa(ans.status)
	case strings.HasPrefix(name, "integration.response.header."):
		return ans.headers.Get(strings.TrimPrefix(name, "integration.response.header."))
	case strings.HasPrefix(name, "integration.response.multivalueheader."):
		return strings.Join(ans.headers.Values(strings.TrimPrefix(name, "integration.response.multivalueheader.")), ",")
	}
	return ""
}

// bodyPath is the value at a dotted JSON path ("a.b", "$.a.b") of doc.
func bodyPath(doc any, path string) any {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
	if path == "" {
		return doc
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[k]
	}
	return doc
}

// jsonText is a JSON value as a selection key or header: a string as it
// is, nil as "", anything else as its JSON.
func jsonText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// pickTemplate is the template a selection picks: key's, else $default's;
// without an expression, application/json's, else $default's, else the
// only one (cfnrun's reading: AWS documents none of it).
func pickTemplate(expr string, templates map[string]mappingTemplate, key func() string) (mappingTemplate, bool) {
	if len(templates) == 0 {
		return nil, false
	}
	if expr == "" {
		for _, k := range []string{"application/json", model.RouteKeyDefault} {
			if t, ok := templates[k]; ok {
				return t, true
			}
		}
		if len(templates) == 1 {
			for _, t := range templates {
				return t, true
			}
		}
		return nil, false
	}
	if t, ok := templates[key()]; ok {
		return t, true
	}
	t, ok := templates[model.RouteKeyDefault]
	return t, ok
}

// convert applies a ContentHandlingStrategy to p: CONVERT_TO_BINARY
// decodes base64 text, CONVERT_TO_TEXT encodes binary as base64; binary
// reports whether the result is binary.
func convertContent(strategy string, p []byte, isBinary bool) ([]byte, bool, error) {
	switch strategy {
	case "CONVERT_TO_BINARY":
		if isBinary {
			return p, true, nil
		}
		b, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(p)))
		if err != nil {
			return nil, false, fmt.Errorf("CONVERT_TO_BINARY: the payload is not base64: %v", err)
		}
		return b, true, nil
	case "CONVERT_TO_TEXT":
		if isBinary {
			return []byte(base64.StdEncoding.EncodeToString(p)), false, nil
		}
	}
	return p, isBinary, nil
}

// request is the integration request's body for in's message (a text
// frame: binary ones close the connection, readWS): the selected request
// template's output, or the message as the PassthroughBehavior allows.
func (mp *wsMapping) request(in *wsInput) ([]byte, error) {
	body, _, err := convertContent(mp.convert, in.msg, false)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errWSIntegration, err)
	}
	if !mp.nonProxy {
		return body, nil
	}
	t, ok := pickTemplate(mp.tse, mp.templates, func() string { return selectWS(mp.tse, in, nil) })
	if !ok {
		switch mp.passthrough {
		case "NEVER":
			return nil, errWSUnsupportedMedia
		case "WHEN_NO_TEMPLATES":
			if len(mp.templates) > 0 {
				return nil, errWSUnsupportedMedia
			}
		}
		return body, nil
	}
	var b bytes.Buffer
	if err := t.Execute(&b, in.vtl(body)); err != nil {
		return nil, fmt.Errorf("%w: the request template: %v", errWSIntegration, err)
	}
	return b.Bytes(), nil
}

// apply adds the mapped headers and query string parameters to req.
func (mp *wsMapping) apply(req *http.Request, in *wsInput) {
	if len(mp.params) == 0 {
		return
	}
	q := req.URL.Query()
	for _, p := range mp.params {
		v, ok := wsParamValue(p.src, in)
		if !ok {
			continue
		}
		if p.header {
			req.Header.Set(p.name, v)
		} else {
			q.Set(p.name, v)
		}
	}
	req.URL.RawQuery = q.Encode()
}

// ignoredWSParam reports a request parameter up cannot apply (a typo, or a
// form API Gateway refuses), as the REST mapping does: not silently.
func ignoredWSParam(m *model.Method, in *model.Integration, k, src, why string, ds *diag.Diagnostics) {
	*ds = append(*ds, diag.NewWarning(ruleIgnored, in.Props.At("RequestParameters", in.Range),
		"request parameter %s = %s of WebSocket route %s is ignored: %s", k, src, m.RouteKey, why).
		WithResource(m.LogicalID).
		WithHint("Map integration.request.header.NAME or integration.request.querystring.NAME from route.request.body.PATH, route.request.header.NAME, route.request.querystring.NAME, context.NAME, stageVariables.NAME or a 'static' value."))
}

// wsParamValue is a request parameter mapping's source value (one
// model.WebSocketRequestParameterProblem takes).
func wsParamValue(src string, in *wsInput) (string, bool) {
	switch {
	case len(src) >= 2 && src[0] == '\'' && src[len(src)-1] == '\'':
		return src[1 : len(src)-1], true
	case strings.HasPrefix(src, "route.request.body."):
		v := bodyPath(in.json(), strings.TrimPrefix(src, "route.request.body."))
		return jsonText(v), v != nil
	case strings.HasPrefix(src, "route.request.header."):
		return headerValue(in.headers, strings.TrimPrefix(src, "route.request.header."))
	case strings.HasPrefix(src, "route.request.multivalueheader."):
		return headerValue(in.headers, strings.TrimPrefix(src, "route.request.multivalueheader."))
	case strings.HasPrefix(src, "route.request.querystring."):
		v, ok := in.query[strings.TrimPrefix(src, "route.request.querystring.")]
		return v, ok
	case strings.HasPrefix(src, "route.request.multivaluequerystring."):
		v, ok := in.query[strings.TrimPrefix(src, "route.request.multivaluequerystring.")]
		return v, ok
	case strings.HasPrefix(src, "stageVariables."):
		v, ok := in.vars[strings.TrimPrefix(src, "stageVariables.")]
		return v, ok
	case strings.HasPrefix(src, "context."):
		var v any = in.context
		for _, k := range strings.Split(strings.TrimPrefix(src, "context."), ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return "", false
			}
			v = m[k]
		}
		return jsonText(v), v != nil
	}
	return "", false
}

func headerValue(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// respond is the message a two-way route sends for ans: through the
// integration response ans selects. send is false when nothing goes back
// (no integration response, or an empty message).
func (mp *wsMapping) respond(in *wsInput, ans *wsAnswer) (msg []byte, binary, send bool, err error) {
	if !mp.nonProxy {
		return ans.body, false, ans.body != nil, nil
	}
	var ir *wsResponse
	for i := range mp.responses {
		r := &mp.responses[i]
		switch {
		case r.def:
			if ir == nil {
				ir = r
			}
			continue
		case r.re != nil && r.re.MatchString(ans.selector):
		case r.re == nil && r.key == ans.selector:
		default:
			continue
		}
		ir = r
		break
	}
	if ir == nil {
		return nil, false, false, nil
	}
	out := ans.body
	if t, ok := pickTemplate(ir.tse, ir.templates, func() string { return selectWS(ir.tse, in, ans) }); ok {
		var b bytes.Buffer
		if err := t.Execute(&b, in.vtl(ans.body)); err != nil {
			return nil, false, false, fmt.Errorf("%w: the response template: %v", errWSIntegration, err)
		}
		out = b.Bytes()
	}
	out, binary, err = convertContent(ir.convert, out, !utf8.Valid(out))
	if err != nil {
		return nil, false, false, fmt.Errorf("%w: %v", errWSIntegration, err)
	}
	return out, binary, len(out) > 0, nil
}
