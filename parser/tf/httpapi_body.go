package tf

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/internal/openapi"
)

// importHTTPBody adds the routes of an HTTP API's body to the API, as API
// Gateway's HTTP API import does: each operation of the OpenAPI document
// is a route "METHOD /path" (x-amazon-apigateway-any-method on $default is
// the $default route), its x-amazon-apigateway-integration the route's
// integration (HTTP API defaults: payload format 1.0, a 30 s timeout), its
// security the route's authorization through the JWT and Lambda
// authorizers the document's security schemes declare, and
// x-amazon-apigateway-cors the API's CORS when cors_configuration is not
// set. Routes declared as aws_apigatewayv2_route beside it are added
// after; a route key written in both is reported as defined twice, as
// API Gateway refuses the second.
func (lw *lowering) importHTTPBody(api *model.RestAPI, children map[routeChild]*model.Resource, in *instance) {
	o := lw.readBody(api, in)
	if o == nil {
		return
	}
	root := o.doc.Node()
	list, auths := openapi.HTTPAuthorizers(root, in.addr, func(scheme string) string {
		return model.StableID(6, "authorizer", api.LogicalID, scheme)
	})
	api.Authorizers = append(api.Authorizers, list...)
	if api.CORS == nil {
		api.CORS = bodyCORS(root)
	}
	paths, _ := o.root["paths"].(map[string]any)
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		item, _ := paths[p].(map[string]any)
		if item == nil {
			continue
		}
		if !strings.HasPrefix(p, "/") && p != model.RouteKeyDefault {
			lw.l.diagOnce(ruleHTTPAPI.at(diag.Warning, o.at("paths", p), in.addr, "Start the path with \"/\" (or write \"$default\" for the default route).",
				"path %q of the body is not a path: cfnrun serves no route for it", p))
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(item)) {
			verb, ok := openAPIVerbs[strings.ToLower(k)]
			op, _ := item[k].(map[string]any)
			if !ok || op == nil {
				continue
			}
			at := []string{"paths", p, k}
			opNode := root.Get("paths").Get(p).Get(k)
			m := &model.Method{LogicalID: in.addr, RouteKey: verb + " " + p, AuthorizationType: "NONE", OperationName: str(op["operationId"]),
				Range: o.at(at...), Props: model.Ranges{}}
			if verb == "ANY" && (p == model.RouteKeyDefault || p == "/"+model.RouteKeyDefault) {
				m.RouteKey = model.RouteKeyDefault
			}
			openapi.HTTPRouteAuth(m, opNode, root, auths)
			if x, ok := op["x-amazon-apigateway-integration"].(map[string]any); ok {
				xat := append(slices.Clip(at), "x-amazon-apigateway-integration")
				ig := o.integration(x, xat)
				ig.PayloadFormatVersion = str(x["payloadFormatVersion"])
				ig.Subtype = str(x["integrationSubtype"])
				if rp, ok := x["responseParameters"].(map[string]any); ok {
					for code, ms := range rp {
						if ig.ResponseMappings == nil {
							ig.ResponseMappings = map[string]map[string]string{}
						}
						ig.ResponseMappings[code] = strMap(ms)
					}
				}
				lw.httpIntegration(in.addr, ig, func(arg string) diag.Range {
					switch arg {
					case "payload_format_version":
						return o.at(append(slices.Clip(xat), "payloadFormatVersion")...)
					case "timeout_milliseconds":
						return o.at(append(slices.Clip(xat), "timeoutInMillis")...)
					case "request_parameters":
						return o.at(append(slices.Clip(xat), "requestParameters")...)
					case "response_parameters":
						return o.at(append(slices.Clip(xat), "responseParameters")...)
					}
					return ig.Range
				}, true)
				m.Integration = ig
			}
			lw.addRoute(api, children, in.addr, m, m.Range)
		}
	}
}

// bodyCORS is the CORS configuration of an HTTP API's definition
// (x-amazon-apigateway-cors), nil when it has none.
func bodyCORS(root openapi.Node) *model.CORSConfig {
	c := root.Get("x-amazon-apigateway-cors")
	if c == nil || !c.IsMap() {
		return nil
	}
	list := func(k string) []string {
		if l := c.Strs(k); len(l) > 0 {
			return l
		}
		return nil
	}
	cfg := &model.CORSConfig{AllowOrigins: list("allowOrigins"), AllowMethods: list("allowMethods"), AllowHeaders: list("allowHeaders"),
		ExposeHeaders: list("exposeHeaders"), AllowCredentials: c.Bool("allowCredentials"), MaxAge: -1, Range: c.Range()}
	if n, err := strconv.Atoi(c.Str("maxAge")); err == nil {
		cfg.MaxAge = n
	}
	return cfg
}
