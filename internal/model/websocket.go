package model

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// WebSocketAPI is an API Gateway v2 API with ProtocolType WEBSOCKET
// (AWS::ApiGatewayV2::Api, aws_apigatewayv2_api). It is kept apart from
// RestAPI: its routes are not paths but route keys chosen per message by
// the API's RouteSelectionExpression, and nothing REST or HTTP APIs check
// applies to it.
type WebSocketAPI struct {
	LogicalID string
	// ID is the API id (10 lowercase alphanumerics).
	ID          string
	Name        string
	Description string
	// RouteSelectionExpression picks a message's route, e.g.
	// "$request.body.action" (AWS requires one; "${request.body.action}"
	// is the same expression).
	RouteSelectionExpression string
	// APIKeySelectionExpression is "$request.header.x-api-key" or
	// "$context.authorizer.usageIdentifierKey"; "" when unset.
	APIKeySelectionExpression string
	DisableExecuteAPIEndpoint bool
	Tags                      Tags
	// Routes are the API's routes, sorted by RouteKey: "$connect",
	// "$disconnect", "$default" and the custom keys. A route is a Method
	// whose HTTPMethod is empty; its Integration (with Lambda linked) is
	// the route's target.
	Routes []*Method
	// TwoWay holds the routes that have a route response (an
	// AWS::ApiGatewayV2::RouteResponse, aws_apigatewayv2_route_response):
	// the integration's answer goes back to the client. Keyed by the
	// route; routes without one send nothing back.
	TwoWay      map[*Method]bool
	Stages      []*Stage
	Authorizers []*Authorizer
	Range       diag.Range
	Props       Ranges
}

// Route returns the route with key k, or nil.
func (api *WebSocketAPI) Route(k string) *Method {
	for _, m := range api.Routes {
		if m.RouteKey == k {
			return m
		}
	}
	return nil
}

// Stage returns the stage named name, or nil.
func (api *WebSocketAPI) Stage(name string) *Stage {
	for _, st := range api.Stages {
		if st.Name == name {
			return st
		}
	}
	return nil
}

// ProtocolWebSocket is the ProtocolType of a WebSocket API.
const ProtocolWebSocket = "WEBSOCKET"

// WebSocket route keys API Gateway gives a meaning to.
const (
	RouteKeyConnect    = "$connect"
	RouteKeyDisconnect = "$disconnect"
)

// DefaultWebSocketTimeoutMillis is a WebSocket integration's default and
// largest TimeoutInMillis (29 seconds).
const DefaultWebSocketTimeoutMillis = 29000

// WebSocketSelection parses a route selection expression: the JSON path
// of the message body it reads ("$request.body.action" -> ["action"],
// "${request.body.a.b}" -> ["a", "b"]), or ok=false for an expression
// that reads no body field. A constant expression (no "$") is returned as
// constant, which selects that route key for every message.
func WebSocketSelection(expr string) (path []string, constant string, ok bool) {
	e := strings.TrimSpace(expr)
	if !strings.Contains(e, "$") {
		return nil, e, e != ""
	}
	if strings.HasPrefix(e, "${") && strings.HasSuffix(e, "}") {
		e = "$" + e[2:len(e)-1]
	}
	rest, found := strings.CutPrefix(e, "$request.body.")
	if !found || rest == "" {
		return nil, "", false
	}
	path = strings.Split(rest, ".")
	if slices.Contains(path, "") {
		return nil, "", false
	}
	return path, "", true
}

// StaticSelection is the value of a WebSocket template selection
// expression that reads no variable ("\\$default" is "$default", "v1"
// is "v1"); ok is false for one that reads a variable.
func StaticSelection(expr string) (key string, ok bool) {
	esc := strings.ReplaceAll(expr, "\\$", "")
	if strings.Contains(esc, "$") {
		return "", false
	}
	return strings.ReplaceAll(expr, "\\$", "$"), true
}

// WebSocketResponsePattern reads a WebSocket integration response key:
// "$default" (def), "/regex/" (re, anchored: it must match the whole
// status code or error message, as API Gateway's selection patterns do),
// or anything else, matched as the exact text (neither set). err says why
// a /regex/ does not compile.
func WebSocketResponsePattern(key string) (def bool, re *regexp.Regexp, err error) {
	if key == RouteKeyDefault {
		return true, nil, nil
	}
	if len(key) >= 2 && strings.HasPrefix(key, "/") && strings.HasSuffix(key, "/") {
		re, err = regexp.Compile("^(?:" + key[1:len(key)-1] + ")$")
		return false, re, err
	}
	return false, nil, nil
}

// CheckWebSocketResponseKey says what is wrong with a WebSocket
// integration response key, "" for $default or a /regex/ that compiles.
func CheckWebSocketResponseKey(key string) string {
	def, re, err := WebSocketResponsePattern(key)
	switch {
	case def, re != nil:
		return ""
	case err != nil:
		return fmt.Sprintf("IntegrationResponseKey %q does not compile as a regular expression: %v", key, err)
	}
	return fmt.Sprintf("IntegrationResponseKey %q is neither $default nor a /regex/ (API Gateway reads keys other than $default as regular expressions between slashes); cfnrun matches it as the exact status code", key)
}

// finalizeWebSockets sorts the WebSocket APIs and their routes, applies
// the integrations' defaults and links their Lambda functions.
func (t *Template) finalizeWebSockets(fns *FunctionIndex) {
	slices.SortStableFunc(t.WebSocketAPIs, func(a, b *WebSocketAPI) int { return cmp.Compare(a.LogicalID, b.LogicalID) })
	for _, api := range t.WebSocketAPIs {
		slices.SortStableFunc(api.Routes, func(a, b *Method) int { return cmp.Compare(a.RouteKey, b.RouteKey) })
		slices.SortStableFunc(api.Stages, func(a, b *Stage) int { return cmp.Compare(a.Name, b.Name) })
		for _, m := range api.Routes {
			m.applyDefaults(false)
			m.HTTPMethod = ""
			if in := m.Integration; in != nil {
				if in.TimeoutMillis == DefaultTimeoutMillis {
					in.TimeoutMillis = DefaultWebSocketTimeoutMillis
				}
				// Integration responses by key ($default first): the
				// twins list them in their own orders.
				slices.SortStableFunc(in.Responses, func(a, b IntegrationResponse) int { return cmp.Compare(a.Key, b.Key) })
				in.Lambda = nil
				if in.Type == IntegrationAWS || in.Type == IntegrationAWSProxy {
					in.Lambda = fns.ResolveLambdaURI(in.URI)
				}
			}
		}
		for _, a := range api.Authorizers {
			a.Function = nil
			if a.AuthorizerURI != "" {
				a.Function = fns.ResolveLambdaURI(a.AuthorizerURI)
			}
		}
	}
}

// WebSocketRoute is one route of a WebSocket API's stage, for the route
// table (cfnrun routes).
type WebSocketRoute struct {
	API      string `json:"api"`
	APIID    string `json:"apiId"`
	APIName  string `json:"apiName"`
	Stage    string `json:"stage"`
	RouteKey string `json:"routeKey"`
	// RouteSelectionExpression is the API's.
	RouteSelectionExpression string `json:"routeSelectionExpression"`
	Integration              string `json:"integration"`
	URI                      string `json:"uri"`
	TimeoutMs                int    `json:"timeoutMs"`
	Authorization            string `json:"authorization"`
	// TwoWay: the route has a route response; the integration's answer
	// goes back to the client.
	TwoWay    bool       `json:"twoWay"`
	LogicalID string     `json:"logicalId"`
	Source    diag.Range `json:"-"`
}

// WebSocketRoutes returns the WebSocket routes of t: for every WebSocket
// API, every stage (sorted by name; none: Stage ""), every route by key.
func WebSocketRoutes(t *Template) []WebSocketRoute {
	var out []WebSocketRoute
	for _, api := range t.WebSocketAPIs {
		stages := api.Stages
		if len(stages) == 0 {
			stages = []*Stage{nil}
		}
		for _, st := range stages {
			for _, m := range api.Routes {
				r := WebSocketRoute{API: api.LogicalID, APIID: api.ID, APIName: api.Name, RouteKey: m.RouteKey,
					RouteSelectionExpression: api.RouteSelectionExpression, Authorization: m.AuthorizationType,
					TwoWay: api.TwoWay[m], LogicalID: m.LogicalID, Source: m.Range}
				if st != nil {
					r.Stage = st.Name
				}
				if in := m.Integration; in != nil {
					r.Integration, r.URI, r.TimeoutMs = in.Type, in.URI, in.TimeoutMillis
					if st != nil {
						r.URI = SubstituteStageVariables(in.URI, st.Variables)
					}
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// WebSocketResponseGaps finds what API Gateway will not use of api's
// integration responses, for the front ends' W3523 / TF054 warnings
// (integrationOf names the integration, by the template's id, that each
// route targets; integrations holds them by that id):
//   - silent: the two-way routes (not $connect, whose answer is no message)
//     whose HTTP, AWS or MOCK integration has no integration response, so
//     nothing goes back to the client;
//   - unreached: the ids, sorted, of the non-proxy integrations with
//     integration responses that only one-way routes (or $disconnect, whose
//     client has left) target.
func WebSocketResponseGaps(api *WebSocketAPI, integrations map[string]*Integration, integrationOf map[*Method]string) (silent []*Method, unreached []string) {
	twoWay, targeted := map[string]bool{}, map[string]bool{}
	for _, m := range api.Routes {
		id, ok := integrationOf[m]
		if !ok || m.Integration == nil {
			continue
		}
		targeted[id] = true
		if !api.TwoWay[m] || m.RouteKey == RouteKeyDisconnect {
			continue
		}
		twoWay[id] = true
		switch m.Integration.Type {
		case IntegrationHTTP, IntegrationMock, IntegrationAWS:
			if len(m.Integration.Responses) == 0 && m.RouteKey != RouteKeyConnect {
				silent = append(silent, m)
			}
		}
	}
	for id, in := range integrations {
		if targeted[id] && !twoWay[id] && len(in.Responses) > 0 && in.Type != IntegrationAWSProxy && in.Type != IntegrationHTTPProxy {
			unreached = append(unreached, id)
		}
	}
	slices.Sort(unreached)
	return silent, unreached
}

// WebSocketRequestParameterProblem says why API Gateway would not map the
// WebSocket integration request parameter key = src, or "" when it would:
// the key is integration.request.header.NAME or
// integration.request.querystring.NAME, the source route.request.body.PATH,
// route.request.(multivalue)header.NAME, route.request.(multivalue)querystring.NAME,
// context.NAME, stageVariables.NAME or a 'static' value. The control plane
// refuses such a parameter; up warns and skips it.
func WebSocketRequestParameterProblem(key, src string) string {
	h, isHeader := strings.CutPrefix(key, "integration.request.header.")
	q, isQuery := strings.CutPrefix(key, "integration.request.querystring.")
	if !(isHeader && h != "" || isQuery && q != "") {
		return "a WebSocket integration maps integration.request.header.NAME or integration.request.querystring.NAME"
	}
	if len(src) >= 2 && src[0] == '\'' && src[len(src)-1] == '\'' {
		return ""
	}
	for _, p := range []string{"route.request.body.", "route.request.header.", "route.request.multivalueheader.",
		"route.request.querystring.", "route.request.multivaluequerystring.", "stageVariables.", "context."} {
		if strings.HasPrefix(src, p) && len(src) > len(p) {
			return ""
		}
	}
	return src + " is not route.request.*, context.*, stageVariables.* or a 'static' value"
}
