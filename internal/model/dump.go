package model

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// DumpOptions selects what Dump prints. The zero value prints the
// semantic model only: what a CloudFormation template and its Terraform
// twin must agree on.
type DumpOptions struct {
	// Positions adds @line:col after each element.
	Positions bool
	// Identity adds logical ids / addresses and generated ids.
	Identity bool
}

// Dump writes a deterministic, indented text form of the API model, for
// golden tests and `cfnrun routes --format model`.
func Dump(w io.Writer, t *Template, o DumpOptions) error {
	d := dumper{o: o}
	if len(t.Files) > 0 {
		d.base = filepath.Dir(t.Files[0])
	}
	if !o.Identity {
		// Generated API ids differ between a template and its twin;
		// permissions name APIs by id in their SourceArn.
		var pairs []string
		for _, api := range t.APIs {
			if api.ID != "" {
				pairs = append(pairs, api.ID, "{"+api.Name+"}")
			}
		}
		for _, api := range t.WebSocketAPIs {
			if api.ID != "" {
				pairs = append(pairs, api.ID, "{"+api.Name+"}")
			}
		}
		d.apiIDs = strings.NewReplacer(pairs...)
	}
	for _, api := range t.APIs {
		d.line(0, api.Range, api.LogicalID, api.ID, "api %q", api.Name)
		d.kv(1, "description", api.Description)
		d.list(1, "endpointTypes", api.EndpointTypes)
		d.list(1, "binaryMediaTypes", api.BinaryMediaTypes)
		if api.MinimumCompressionSize >= 0 {
			d.kv(1, "minimumCompressionSize", fmt.Sprint(api.MinimumCompressionSize))
		}
		d.kv(1, "apiKeySource", api.APIKeySource)
		d.kv(1, "policy", d.ids(api.Policy))
		if api.DisableExecuteAPIEndpoint {
			d.kv(1, "disableExecuteApiEndpoint", "true")
		}
		d.kv(1, "protocol", api.Protocol)
		if c := api.CORS; c != nil {
			d.line(1, c.Range, "", "", "cors")
			d.list(2, "allowOrigins", c.AllowOrigins)
			d.list(2, "allowMethods", c.AllowMethods)
			d.list(2, "allowHeaders", c.AllowHeaders)
			d.list(2, "exposeHeaders", c.ExposeHeaders)
			if c.AllowCredentials {
				d.kv(2, "allowCredentials", "true")
			}
			if c.MaxAge >= 0 {
				d.kv(2, "maxAge", fmt.Sprint(c.MaxAge))
			}
		}
		if m := api.DefaultRoute; m != nil {
			d.line(1, m.Range, "", "", "route $default")
			d.method(2, m)
		}
		for _, res := range api.Resources {
			d.line(1, res.Range, res.LogicalID, res.ID, "resource %s", res.Path)
			for _, m := range res.Methods {
				d.method(2, m)
			}
		}
		for _, a := range api.Authorizers {
			d.authorizer(a)
		}
		for _, v := range api.Validators {
			d.line(1, v.Range, v.LogicalID, v.ID, "validator %q body=%t params=%t", v.Name, v.ValidateRequestBody, v.ValidateRequestParameters)
		}
		for _, m := range api.Models {
			d.line(1, m.Range, m.LogicalID, "", "model %q contentType=%s", m.Name, m.ContentType)
			d.kv(2, "schema", d.ids(m.Schema))
		}
		for _, g := range api.GatewayResponses {
			d.line(1, g.Range, g.LogicalID, "", "gatewayResponse %s status=%s", g.ResponseType, g.StatusCode)
			d.smap(2, "responseParameters", g.ResponseParameters)
			d.smap(2, "responseTemplates", g.ResponseTemplates)
		}
		for _, dep := range api.Deployments {
			d.line(1, dep.Range, dep.LogicalID, dep.ID, "deployment")
			d.kv(2, "stageName", dep.StageName)
			d.kv(2, "description", dep.Description)
		}
		for _, st := range api.Stages {
			d.stage(st)
		}
	}
	for _, api := range t.WebSocketAPIs {
		d.webSocket(api)
	}
	for _, dom := range t.DomainNames {
		d.domain(dom)
	}
	for _, fn := range t.Functions {
		d.function(fn)
	}
	d.access(t)
	if len(t.Pending) > 0 {
		d.b.WriteString("pending (not known before apply)\n")
		for _, p := range t.Pending {
			d.line(1, p.Range, "", "", "%s %s: depends on %s", p.Address, p.What, strings.Join(p.DependsOn, ", "))
		}
	}
	if len(t.Outputs) > 0 {
		d.b.WriteString("outputs\n")
		for _, out := range t.Outputs {
			val := out.Value
			if out.Sensitive {
				val = "(sensitive)"
			}
			d.line(1, out.Range, "", "", "%s = %s", out.Name, val)
		}
	}
	_, err := io.WriteString(w, d.b.String())
	return err
}

// DumpString is Dump into a string.
func DumpString(t *Template, o DumpOptions) string {
	var b strings.Builder
	_ = Dump(&b, t, o)
	return b.String()
}

type dumper struct {
	b strings.Builder
	o DumpOptions
	// base is the directory of the template's first file: code paths are
	// printed relative to it.
	base string
	// apiIDs replaces API ids by {API name} in the semantic dump.
	apiIDs *strings.Replacer
}

// path prints a code path relative to the template's directory, as the
// template wrote it.
func (d *dumper) path(p string) string {
	if d.base != "" {
		if rel, err := filepath.Rel(d.base, p); err == nil {
			p = rel
		}
	}
	return filepath.ToSlash(p)
}

func (d *dumper) line(depth int, rng diag.Range, logical, id, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&d.b, format, args...)
	if d.o.Identity {
		if logical != "" {
			d.b.WriteString(" <" + logical + ">")
		}
		if id != "" {
			d.b.WriteString(" id=" + id)
		}
	}
	if d.o.Positions && rng.Start.Line > 0 {
		fmt.Fprintf(&d.b, " @%d:%d", rng.Start.Line, rng.Start.Column)
	}
	d.b.WriteByte('\n')
}

func (d *dumper) kv(depth int, k, v string) {
	if v == "" {
		return
	}
	fmt.Fprintf(&d.b, "%s%s: %s\n", strings.Repeat("  ", depth), k, quoteIfNeeded(v))
}

func (d *dumper) list(depth int, k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = quoteIfNeeded(v)
	}
	fmt.Fprintf(&d.b, "%s%s: [%s]\n", strings.Repeat("  ", depth), k, strings.Join(q, ", "))
}

func (d *dumper) smap(depth int, k string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(&d.b, "%s%s:\n", strings.Repeat("  ", depth), k)
	for _, key := range slices.Sorted(maps.Keys(m)) {
		d.kv(depth+1, key, m[key])
	}
}

func (d *dumper) bmap(depth int, k string, m map[string]bool) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(&d.b, "%s%s:\n", strings.Repeat("  ", depth), k)
	for _, key := range slices.Sorted(maps.Keys(m)) {
		d.kv(depth+1, key, fmt.Sprint(m[key]))
	}
}

func (d *dumper) method(depth int, m *Method) {
	if m.HTTPMethod == "" { // a WebSocket route's
		d.line(depth, m.Range, m.LogicalID, "", "target")
	} else {
		d.line(depth, m.Range, m.LogicalID, "", "method %s", m.HTTPMethod)
	}
	in := depth + 1
	d.kv(in, "routeKey", m.RouteKey)
	d.kv(in, "authorization", m.AuthorizationType)
	if d.o.Identity {
		d.kv(in, "authorizerId", m.AuthorizerID)
		d.kv(in, "requestValidatorId", m.RequestValidatorID)
	} else {
		if m.AuthorizerID != "" {
			d.kv(in, "authorizer", "set")
		}
		if m.RequestValidatorID != "" {
			d.kv(in, "requestValidator", "set")
		}
	}
	d.list(in, "authorizationScopes", m.AuthorizationScopes)
	if m.APIKeyRequired {
		d.kv(in, "apiKeyRequired", "true")
	}
	d.kv(in, "operationName", m.OperationName)
	d.bmap(in, "requestParameters", m.RequestParameters)
	d.smap(in, "requestModels", m.RequestModels)
	for _, r := range m.MethodResponses {
		d.line(in, r.Range, "", "", "methodResponse %s", r.StatusCode)
		d.bmap(in+1, "responseParameters", r.ResponseParameters)
		d.smap(in+1, "responseModels", r.ResponseModels)
	}
	if ig := m.Integration; ig != nil {
		d.line(in, ig.Range, "", "", "integration %s", ig.Type)
		j := in + 1
		d.kv(j, "httpMethod", ig.HTTPMethod)
		d.kv(j, "uri", ig.URI)
		d.kv(j, "payloadFormatVersion", ig.PayloadFormatVersion)
		d.kv(j, "lambda", ig.Lambda.String())
		d.kv(j, "connectionType", ig.ConnectionType)
		if d.o.Identity {
			d.kv(j, "connectionId", ig.ConnectionID)
			d.kv(j, "credentials", ig.Credentials)
			d.kv(j, "subtype", ig.Subtype)
		}
		d.kv(j, "timeoutMillis", fmt.Sprint(ig.TimeoutMillis))
		d.kv(j, "passthroughBehavior", ig.PassthroughBehavior)
		d.kv(j, "contentHandling", ig.ContentHandling)
		d.list(j, "cacheKeyParameters", ig.CacheKeyParameters)
		d.kv(j, "cacheNamespace", ig.CacheNamespace)
		d.smap(j, "requestParameters", ig.RequestParameters)
		d.smap(j, "requestTemplates", ig.RequestTemplates)
		if len(ig.ResponseMappings) > 0 {
			fmt.Fprintf(&d.b, "%sresponseMappings:\n", strings.Repeat("  ", j))
			for _, code := range slices.Sorted(maps.Keys(ig.ResponseMappings)) {
				d.smap(j+1, code, ig.ResponseMappings[code])
			}
		}
		d.kv(j, "templateSelectionExpression", ig.TemplateSelectionExpression)
		for _, r := range ig.Responses {
			if r.Key != "" {
				d.line(j, r.Range, "", "", "response key=%q", r.Key)
				d.kv(j+1, "templateSelectionExpression", r.TemplateSelectionExpression)
			} else {
				d.line(j, r.Range, "", "", "response %s pattern=%q", r.StatusCode, r.SelectionPattern)
			}
			d.smap(j+1, "responseParameters", r.ResponseParameters)
			d.smap(j+1, "responseTemplates", r.ResponseTemplates)
			d.kv(j+1, "contentHandling", r.ContentHandling)
		}
	}
}

func (d *dumper) function(fn *Function) {
	d.line(0, fn.Range, fn.LogicalID, "", "function %s", fn.Name)
	d.kv(1, "arn", fn.ARN)
	if fn.PackageType != "Zip" {
		d.kv(1, "packageType", fn.PackageType)
	}
	d.kv(1, "runtime", fn.Runtime)
	d.kv(1, "handler", fn.Handler)
	d.code(1, "code", fn.Code)
	d.kv(1, "buildMethod", fn.BuildMethod)
	for _, l := range fn.Layers {
		d.line(1, l.Range, l.LogicalID, "", "layer %s", l.ARN)
		d.code(2, "code", l.Code)
	}
	d.smap(1, "environment", fn.Environment)
	d.kv(1, "timeout", fmt.Sprint(fn.Timeout))
	d.kv(1, "memorySize", fmt.Sprint(fn.MemorySize))
	if fn.ReservedConcurrency != nil {
		d.kv(1, "reservedConcurrency", fmt.Sprint(*fn.ReservedConcurrency))
	}
	d.list(1, "architectures", fn.Architectures)
	for _, v := range fn.Versions {
		d.line(1, v.Range, v.LogicalID, "", "version %s", v.Version)
	}
	for _, a := range fn.Aliases {
		d.line(1, a.Range, a.LogicalID, "", "alias %s -> %s", a.Name, a.FunctionVersion)
	}
	for _, p := range fn.Permissions {
		d.line(1, p.Range, p.LogicalID, "", "permission %s %s", p.Action, p.Principal)
		src := p.SourceArn
		if d.apiIDs != nil {
			src = d.apiIDs.Replace(src)
		}
		d.kv(2, "sourceArn", src)
		d.kv(2, "qualifier", p.Qualifier)
		if p.Generated && d.o.Identity {
			d.kv(2, "generated", "true")
		}
	}
}

func (d *dumper) code(depth int, k string, c Code) {
	switch {
	case c.NotLocal != "":
		d.kv(depth, k, "not local: "+c.NotLocal)
	case c.Dir != "":
		d.kv(depth, k, "dir "+d.path(c.Dir))
		d.list(depth+1, "excludes", c.Excludes)
	case c.Zip != "":
		d.kv(depth, k, "zip "+d.path(c.Zip))
	case len(c.Files) > 0:
		fmt.Fprintf(&d.b, "%s%s: files\n", strings.Repeat("  ", depth), k)
		for _, f := range c.Files {
			if f.Source != "" {
				d.kv(depth+1, f.Name, "from "+d.path(f.Source))
			} else {
				d.kv(depth+1, f.Name, f.Content)
			}
		}
	default:
		d.kv(depth, k, "none")
	}
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, "\n\t\"") || strings.TrimSpace(s) != s {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// ids names APIs by name in the semantic dump (a model schema's $ref or a
// policy's Resource may contain an API id).
func (d *dumper) ids(s string) string {
	if d.apiIDs != nil {
		return d.apiIDs.Replace(s)
	}
	return s
}

// access prints the API keys and usage plans. The semantic dump names
// APIs by name and keys by name (ids differ between a template and its
// twin) and prints a generated key value as (generated).
func (d *dumper) access(t *Template) {
	apiRef := d.ids
	for _, k := range t.APIKeys {
		d.line(0, k.Range, k.LogicalID, k.ID, "apiKey %q enabled=%t", k.Name, k.Enabled)
		d.kv(1, "description", k.Description)
		switch {
		case k.GeneratedValue && !d.o.Identity:
			d.kv(1, "value", "(generated)")
		case k.GeneratedValue:
			d.kv(1, "value", k.Value+" (generated)")
		default:
			d.kv(1, "value", k.Value)
		}
		d.kv(1, "customerId", k.CustomerID)
		for _, sk := range k.StageKeys {
			d.line(1, sk.Range, "", "", "stageKey %s %s", apiRef(sk.APIID), sk.Stage)
		}
	}
	for _, c := range t.UserPoolClients {
		d.line(0, c.Range, c.LogicalID, c.ID, "userPoolClient %q", c.Name)
		if d.o.Identity {
			d.kv(1, "pool", c.PoolID)
		}
	}
	for _, p := range t.UsagePlans {
		d.line(0, p.Range, p.LogicalID, p.ID, "usagePlan %q", p.Name)
		d.kv(1, "description", p.Description)
		if p.Throttle != nil {
			d.kv(1, "throttle", p.Throttle.String())
		}
		if q := p.Quota; q != nil {
			d.line(1, q.Range, "", "", "quota limit=%d period=%s offset=%d", q.Limit, q.Period, q.Offset)
		}
		for _, st := range p.Stages {
			d.line(1, st.Range, "", "", "apiStage %s %s", apiRef(st.APIID), st.Stage)
			for _, mt := range st.Methods {
				d.line(2, mt.Range, "", "", "throttle %s %s", mt.Path, mt.Throttle.String())
			}
		}
		type keyLine struct {
			name string
			pk   UsagePlanKey
		}
		var keys []keyLine
		for _, pk := range p.Keys {
			name := pk.KeyID
			if k := t.APIKey(pk.KeyID); k != nil && !d.o.Identity {
				name = fmt.Sprintf("%q", k.Name)
			}
			keys = append(keys, keyLine{name, pk})
		}
		if !d.o.Identity {
			slices.SortStableFunc(keys, func(a, b keyLine) int { return strings.Compare(a.name, b.name) })
		}
		for _, k := range keys {
			d.line(1, k.pk.Range, k.pk.LogicalID, "", "key %s type=%s", k.name, k.pk.KeyType)
		}
	}
}

// stage writes one stage of an API (REST, HTTP or WebSocket).
func (d *dumper) stage(st *Stage) {
	o := d.o
	d.line(1, st.Range, st.LogicalID, "", "stage %s", st.Name)
	d.kv(2, "nameStandsFor", st.NameStandsFor)
	if st.Implicit {
		d.kv(2, "implicit", "true")
	}
	if o.Identity {
		d.kv(2, "deploymentId", st.DeploymentID)
	} else if st.DeploymentID != "" {
		d.kv(2, "deployment", "set")
	}
	d.kv(2, "description", st.Description)
	if st.HTTP2Enabled != nil {
		d.kv(2, "http2Enabled", fmt.Sprint(*st.HTTP2Enabled))
	}
	if st.TracingEnabled {
		d.kv(2, "tracingEnabled", "true")
	}
	if st.CacheClusterEnabled {
		d.kv(2, "cacheClusterEnabled", "true")
	}
	d.smap(2, "variables", st.Variables)
	d.kv(2, "accessLogDestination", st.AccessLogDestination)
	d.kv(2, "accessLogFormat", st.AccessLogFormat)
	for _, ms := range st.MethodSettings {
		if ms.RouteKey != "" {
			d.line(2, ms.Range, "", "", "routeSetting %s", ms.RouteKey)
		} else {
			d.line(2, ms.Range, "", "", "methodSetting %s %s", ms.HTTPMethod, ms.ResourcePath)
		}
		if ms.ThrottlingBurstLimit >= 0 {
			d.kv(3, "throttlingBurstLimit", fmt.Sprint(ms.ThrottlingBurstLimit))
		}
		if ms.ThrottlingRateLimit >= 0 {
			d.kv(3, "throttlingRateLimit", fmt.Sprint(ms.ThrottlingRateLimit))
		}
		d.kv(3, "loggingLevel", ms.LoggingLevel)
		for _, f := range []struct {
			k string
			v bool
		}{{"metricsEnabled", ms.MetricsEnabled}, {"dataTraceEnabled", ms.DataTraceEnabled}, {"cachingEnabled", ms.CachingEnabled}} {
			if f.v {
				d.kv(3, f.k, "true")
			}
		}
	}
}

// webSocket writes a WebSocket API: its selection expressions, routes
// (with their integrations, as methods are written) and stages.
func (d *dumper) webSocket(api *WebSocketAPI) {
	d.line(0, api.Range, api.LogicalID, api.ID, "websocketApi %q", api.Name)
	d.kv(1, "description", api.Description)
	d.kv(1, "routeSelectionExpression", api.RouteSelectionExpression)
	d.kv(1, "apiKeySelectionExpression", api.APIKeySelectionExpression)
	if api.DisableExecuteAPIEndpoint {
		d.kv(1, "disableExecuteApiEndpoint", "true")
	}
	for _, m := range api.Routes {
		d.line(1, m.Range, "", "", "route %s", m.RouteKey)
		if api.TwoWay[m] {
			d.kv(2, "routeResponse", "$default")
		}
		d.method(2, m)
	}
	for _, a := range api.Authorizers {
		d.authorizer(a)
	}
	for _, st := range api.Stages {
		d.stage(st)
	}
}

// authorizer writes one authorizer of an API (REST, HTTP or WebSocket).
func (d *dumper) authorizer(a *Authorizer) {
	o := d.o
	d.line(1, a.Range, a.LogicalID, a.ID, "authorizer %q type=%s", a.Name, a.Type)
	d.kv(2, "identitySource", a.IdentitySource)
	d.kv(2, "uri", a.AuthorizerURI)
	d.kv(2, "lambda", a.Function.String())
	if a.Type != "COGNITO_USER_POOLS" {
		d.kv(2, "resultTtlSeconds", fmt.Sprint(a.ResultTTLSeconds))
	}
	d.kv(2, "identityValidationExpression", a.IdentityValidationExpression)
	if o.Identity {
		d.kv(2, "credentials", a.Credentials)
	}
	d.list(2, "providerArns", a.ProviderARNs)
	d.kv(2, "jwtIssuer", a.JWTIssuer)
	d.list(2, "jwtAudience", a.JWTAudience)
	d.kv(2, "payloadFormatVersion", a.PayloadFormatVersion)
	if a.SimpleResponses {
		d.kv(2, "simpleResponses", "true")
	}
}

// domain writes a custom domain name and its base path mappings, each
// with the API (by name) and stage it serves.
func (d *dumper) domain(dom *DomainName) {
	d.line(0, dom.Range, dom.LogicalID, "", "domain %q", dom.Name)
	d.kv(1, "endpointType", dom.EndpointType)
	d.kv(1, "certificate", dom.Certificate)
	for _, m := range dom.Mappings {
		api := d.ids(m.APIID)
		switch {
		case m.API != nil:
			api = fmt.Sprintf("%q", m.API.Name)
		case m.WebSocket != nil:
			api = fmt.Sprintf("%q", m.WebSocket.Name)
		}
		base := m.BasePath
		if base == "" {
			base = "(none)"
		}
		stage := m.Stage
		if stage == "" {
			stage = "(none)"
		}
		d.line(1, m.Range, m.LogicalID, "", "mapping %s -> api %s stage %s", base, api, stage)
	}
}
