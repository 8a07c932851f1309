package tf

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// exported returns the instance's value as references see it: its
// arguments, null for every unset argument of a modelled type, and the
// exported attributes the provider documents, with stable AWS-looking ids.
func (l *loader) exported(in *instance) cty.Value {
	r := in.res
	s, modelled := schemas.Get()[r.typ]
	if r.data || !modelled || s.placeholder {
		obj := make(map[string]cty.Value, len(in.argv)+8)
		maps.Copy(obj, in.argv)
		if r.data {
			return l.dataSource(in, obj)
		}
		in.placeholder = true
		v := l.placeholderObject(r.typ, r.name, r.key(), in.addr, in.argsValue(), in.mi.refAttrs[r.key()])
		in.attrs = stringAttrs(v)
		return v
	}
	// An unset argument reads as null: "" here.
	str := func(n string) string { return ctyString(in.argv[n]) }
	region, acct := l.opts.Region, l.opts.AccountID
	if s := str("region"); s != "" {
		region = s
	}
	a := map[string]string{}
	switch r.typ {
	case "aws_api_gateway_rest_api":
		id := model.StableID(10, "restapi", in.idAddr)
		a["id"] = id
		a["root_resource_id"] = model.StableID(10, "root", in.idAddr)
		l.setPath(a["root_resource_id"], "/")
		a["arn"] = "arn:aws:apigateway:" + region + "::/restapis/" + id
		a["execution_arn"] = "arn:aws:execute-api:" + region + ":" + acct + ":" + id
		a["created_date"] = "2024-01-01T00:00:00Z"
	case "aws_api_gateway_resource":
		a["id"] = model.StableID(6, "resource", in.idAddr)
		if pp, ok := l.pathByID[str("parent_id")]; ok {
			if pp == "/" {
				a["path"] = "/" + str("path_part")
			} else {
				a["path"] = pp + "/" + str("path_part")
			}
		} else {
			a["path"] = "/" + str("path_part")
		}
		l.setPath(a["id"], a["path"])
	case "aws_api_gateway_method":
		a["id"] = "agm-" + str("rest_api_id") + "-" + str("resource_id") + "-" + str("http_method")
	case "aws_api_gateway_integration":
		a["id"] = "agi-" + str("rest_api_id") + "-" + str("resource_id") + "-" + str("http_method")
	case "aws_api_gateway_method_response":
		a["id"] = "agmr-" + str("rest_api_id") + "-" + str("resource_id") + "-" + str("http_method") + "-" + str("status_code")
	case "aws_api_gateway_integration_response":
		a["id"] = "agir-" + str("rest_api_id") + "-" + str("resource_id") + "-" + str("http_method") + "-" + str("status_code")
	case "aws_api_gateway_deployment":
		a["id"] = model.StableID(6, "deployment", in.idAddr)
		a["invoke_url"] = "https://" + str("rest_api_id") + ".execute-api." + region + ".amazonaws.com/" + str("stage_name")
		a["execution_arn"] = "arn:aws:execute-api:" + region + ":" + acct + ":" + str("rest_api_id") + "/" + str("stage_name")
		a["created_date"] = "2024-01-01T00:00:00Z"
	case "aws_api_gateway_stage":
		a["id"] = "ags-" + str("rest_api_id") + "-" + str("stage_name")
		a["arn"] = "arn:aws:apigateway:" + region + "::/restapis/" + str("rest_api_id") + "/stages/" + str("stage_name")
		a["invoke_url"] = "https://" + str("rest_api_id") + ".execute-api." + region + ".amazonaws.com/" + str("stage_name")
		a["execution_arn"] = "arn:aws:execute-api:" + region + ":" + acct + ":" + str("rest_api_id") + "/" + str("stage_name")
		a["web_acl_arn"] = ""
	case "aws_api_gateway_method_settings":
		a["id"] = str("rest_api_id") + "-" + str("stage_name") + "-" + str("method_path")
	case "aws_api_gateway_authorizer":
		id := model.StableID(6, "authorizer", in.idAddr)
		a["id"] = id
		a["arn"] = "arn:aws:apigateway:" + region + "::/restapis/" + str("rest_api_id") + "/authorizers/" + id
	case "aws_api_gateway_gateway_response":
		a["id"] = "aggr-" + str("rest_api_id") + "-" + str("response_type")
	case "aws_api_gateway_model":
		a["id"] = model.StableID(6, "model", in.idAddr)
	case "aws_api_gateway_request_validator":
		a["id"] = model.StableID(6, "validator", in.idAddr)
	case "aws_api_gateway_api_key":
		id := model.StableID(10, "apikey", in.idAddr)
		a["id"] = id
		a["arn"] = "arn:aws:apigateway:" + region + "::/apikeys/" + id
		if str("value") == "" {
			a["value"] = model.StableKeyValue(in.idAddr)
		}
		a["created_date"] = "2024-01-01T00:00:00Z"
		a["last_updated_date"] = "2024-01-01T00:00:00Z"
	case "aws_api_gateway_usage_plan":
		id := model.StableID(6, "usageplan", in.idAddr)
		a["id"] = id
		a["arn"] = "arn:aws:apigateway:" + region + "::/usageplans/" + id
	case "aws_api_gateway_usage_plan_key":
		a["id"] = str("key_id")
		a["name"] = in.res.name
		a["value"] = model.StableID(40, "apikeyvalue", str("key_id"))
	}
	for k, v := range l.setsFor(in.addr) {
		a[k] = v
	}
	// in.attrs: the known primitive arguments and a's attributes.
	in.attrs = make(map[string]string, len(in.argv)+len(a))
	for k, x := range in.argv {
		if x.IsKnown() && !x.IsNull() && x.Type().IsPrimitiveType() {
			in.attrs[k] = ctyString(x)
		}
	}
	maps.Copy(in.attrs, a)
	// The instances of a resource export objects of one type, mostly.
	ob := l.exportObjs[r]
	if ob == nil {
		if l.exportObjs == nil {
			l.exportObjs = map[*resource]*objectBuilder{}
		}
		ob = &objectBuilder{}
		l.exportObjs[r] = ob
	}
	if v, ok := ob.exportVal(in.argv, a, s.argNames, s.attrs); ok {
		return v
	}
	obj := make(map[string]cty.Value, len(s.args)+len(s.attrs)+8)
	maps.Copy(obj, in.argv)
	for _, n := range s.argNames {
		if _, ok := obj[n]; !ok {
			obj[n] = cty.NullVal(cty.DynamicPseudoType)
		}
	}
	for k, v := range a {
		obj[k] = stringVal(v)
	}
	for _, extra := range s.attrs {
		if _, ok := obj[extra]; !ok {
			obj[extra] = cty.NullVal(cty.DynamicPseudoType)
		}
	}
	return ob.objectVal(obj)
}

// stringAttrs keeps the string-valued attributes of v for model.Node.Attrs.
func stringAttrs(v cty.Value) map[string]string {
	out := map[string]string{}
	if !v.Type().IsObjectType() {
		return out
	}
	for k, x := range v.AsValueMap() {
		if x.IsKnown() && !x.IsNull() && (x.Type() == cty.String || x.Type() == cty.Number || x.Type() == cty.Bool) {
			out[k] = ctyString(x)
		}
	}
	return out
}

// commonAttrs are exposed by every placeholder, because configurations
// read them through splats and for expressions we cannot see statically.
var commonAttrs = []string{"id", "arn", "name", "invoke_arn", "qualified_arn", "function_name", "url", "endpoint", "dns_name", "zone_id", "bucket", "domain_name"}

// placeholderObject stands for a resource cfnrun does not model (a Lambda
// function, a role, an undeclared backend): its arguments plus plausible
// values for the attributes the configuration reads.
func (l *loader) placeholderObject(typ, name, key, addr string, args cty.Value, refs map[string]bool) cty.Value {
	obj := map[string]cty.Value{}
	if args.Type().IsObjectType() {
		for k, v := range args.AsValueMap() {
			if subs := l.subAttrs[key+"."+k]; len(subs) > 0 {
				// A nested block has computed attributes the
				// configuration does not set (a domain name's
				// target_domain_name): unknown, as in a plan.
				v = openBlocks(v, subs)
			}
			obj[k] = v
		}
	}
	named := name
	namedUnknown := false // the name is set but not known before apply
	for _, k := range []string{"function_name", "name", "bucket", "domain_name"} {
		if v := obj[k]; v != cty.NilVal && !v.IsNull() && !v.IsKnown() {
			namedUnknown = true
			break
		}
		if s := ctyString(obj[k]); s != "" {
			named = s
			break
		}
	}
	service, rest, _ := strings.Cut(strings.TrimPrefix(typ, "aws_"), "_")
	if rest == "" {
		rest = service
	}
	region, acct := l.opts.Region, l.opts.AccountID
	arn := fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, acct, rest, named)
	switch typ {
	case "aws_lambda_function", "aws_lambda_alias":
		arn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, acct, named)
	case "aws_iam_role", "aws_iam_policy", "aws_iam_user":
		arn = fmt.Sprintf("arn:aws:iam::%s:%s/%s", acct, rest, named)
	case "aws_s3_bucket":
		arn = "arn:aws:s3:::" + named
	case "aws_sqs_queue", "aws_sns_topic":
		arn = fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, acct, named)
	case "aws_cloudwatch_log_group":
		// The provider's arn has no ":*" suffix (v4 on).
		arn = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, acct, named)
	case "aws_kinesis_firehose_delivery_stream":
		arn = fmt.Sprintf("arn:aws:firehose:%s:%s:deliverystream/%s", region, acct, named)
	case "aws_sfn_state_machine":
		arn = fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", region, acct, named)
	}
	if a, extra, ok := lambdaARN(typ, obj, region, acct, named); ok {
		arn = a
		for k, v := range extra {
			if _, set := obj[k]; !set {
				obj[k] = cty.StringVal(v)
			}
		}
	}
	sets := l.setsFor(addr)
	if s, ok := sets["arn"]; ok {
		arn = s // invoke_arn and qualified_arn follow an --set arn
	}
	value := func(attr string) cty.Value {
		if strings.HasPrefix(typ, "aws_apigatewayv2_") {
			// One id per instance, as API Gateway makes them: routes name
			// integrations by it (target = "integrations/ID"); an HTTP
			// API's ARNs and endpoint are made from it.
			id := model.StableID(10, typ, addr)
			if typ == "aws_apigatewayv2_api" && attr == "id" && strings.EqualFold(ctyString(obj["protocol_type"]), model.ProtocolWebSocket) {
				if l.wsAPIIDs == nil {
					l.wsAPIIDs = map[string]bool{}
				}
				l.wsAPIIDs[id] = true
			}
			switch {
			case attr == "id" && (typ == "aws_apigatewayv2_stage" || typ == "aws_apigatewayv2_domain_name"):
				// The provider's id of a stage is its name, of a domain
				// name the domain (what api mappings refer to).
				key := "name"
				if typ == "aws_apigatewayv2_domain_name" {
					key = "domain_name"
				}
				if v := obj[key]; v != cty.NilVal && !v.IsWhollyKnown() {
					return cty.UnknownVal(cty.String)
				}
				return cty.StringVal(ctyString(obj[key]))
			case attr == "id":
				return cty.StringVal(id)
			case typ == "aws_apigatewayv2_api" && attr == "execution_arn":
				return cty.StringVal(fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", region, acct, id))
			case typ == "aws_apigatewayv2_api" && attr == "api_endpoint":
				if strings.EqualFold(ctyString(obj["protocol_type"]), model.ProtocolWebSocket) {
					return cty.StringVal(fmt.Sprintf("wss://%s.execute-api.%s.amazonaws.com", id, region))
				}
				return cty.StringVal(fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", id, region))
			case typ == "aws_apigatewayv2_stage" && attr == "invoke_url":
				// The provider's invoke_url: wss:// for a WebSocket API's
				// stage, https:// for an HTTP API's ($default: no path).
				// The API's protocol is known by its id (wsAPIIDs).
				api, name := ctyString(obj["api_id"]), ctyString(obj["name"])
				if name == model.StageDefault {
					name = ""
				}
				scheme := "https"
				if l.wsAPIIDs[api] {
					scheme = "wss"
				}
				return cty.StringVal(fmt.Sprintf("%s://%s.execute-api.%s.amazonaws.com/%s", scheme, api, region, name))
			}
		}
		if typ == "aws_api_gateway_domain_name" && !namedUnknown {
			// What the domain's DNS record points at, as the
			// CloudFormation front end gives RegionalDomainName and
			// DistributionDomainName.
			switch attr {
			case "regional_domain_name":
				return cty.StringVal(model.RegionalDomainName(named, region, "amazonaws.com"))
			case "regional_zone_id":
				return cty.StringVal(model.RegionalHostedZoneID)
			case "cloudfront_domain_name":
				return cty.StringVal(model.DistributionDomainName(named))
			case "cloudfront_zone_id":
				return cty.StringVal(model.DistributionHostedZoneID)
			case "arn":
				return cty.StringVal("arn:aws:apigateway:" + region + "::/domainnames/" + named)
			}
		}
		if namedUnknown && attr != "arn" || namedUnknown && sets["arn"] == "" {
			// Attributes made from a name not known before apply are
			// not known either.
			return cty.UnknownVal(cty.String)
		}
		switch attr {
		case "arn", "qualified_arn":
			return cty.StringVal(arn)
		case "invoke_arn":
			return cty.StringVal(fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", region, arn))
		case "id", "name", "function_name", "bucket":
			return cty.StringVal(named)
		case "url":
			return cty.StringVal(fmt.Sprintf("https://%s.example.com", named))
		}
		if strings.HasSuffix(attr, "_arn") {
			// Another resource's ARN (a certificate's certificate_arn,
			// a role_arn): ARN-shaped, as the provider's ARN checks
			// (and TF012's) expect.
			return cty.StringVal(arn + "/" + strings.ReplaceAll(attr, "_", "-"))
		}
		return cty.StringVal(named + "-" + strings.ReplaceAll(attr, "_", "-"))
	}
	for _, attr := range commonAttrs {
		if _, ok := obj[attr]; !ok {
			obj[attr] = value(attr)
		}
	}
	for attr, deep := range refs {
		if _, ok := obj[attr]; !ok {
			if deep || !stringy(attr) {
				// A list, map or object we cannot invent: unknown, as
				// Terraform's plan shows "(known after apply)".
				obj[attr] = cty.DynamicVal
			} else {
				obj[attr] = value(attr)
			}
		}
	}
	for attr := range l.relAttrs {
		if _, ok := obj[attr]; ok {
			continue
		}
		// Read after an index scanRefs cannot resolve
		// (data.external.x[each.key].result.location): a string
		// placeholder where the name reads as one, else unknown, as
		// Terraform's plan shows "(known after apply)".
		if stringy(attr) {
			obj[attr] = value(attr)
		} else {
			obj[attr] = cty.DynamicVal
		}
	}
	if typ == "aws_cognito_user_pool" && !namedUnknown {
		// A pool id as Cognito makes them (REGION_XXXXXXXXX); its tokens'
		// iss is https://{endpoint}.
		pid := model.StableUserPoolID(region, addr)
		for attr, v := range map[string]string{"id": pid, "arn": fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", region, acct, pid),
			"endpoint": "cognito-idp." + region + ".amazonaws.com/" + pid} {
			obj[attr] = cty.StringVal(v)
		}
	}
	if typ == "aws_cognito_user_pool_client" && !namedUnknown {
		// An app client id as Cognito makes them (26 lowercase letters
		// and digits); ID tokens carry it as aud.
		obj["id"] = cty.StringVal(model.StableClientID(addr))
	}
	for k, v := range sets {
		obj[k] = cty.StringVal(v)
	}
	return cty.ObjectVal(obj)
}

// stringy reports whether an attribute name reads as a string attribute
// (an id, ARN, name, URL, ...), for which a placeholder string is right.
func stringy(attr string) bool {
	if slices.Contains(commonAttrs, attr) {
		return true
	}
	for _, suf := range []string{"arn", "id", "name", "url", "endpoint", "zone_id", "bucket", "hash", "key", "value", "version",
		"path", "region", "account_id", "fqdn", "hostname", "address", "ip", "secret", "password", "token", "uri", "dns", "json", "policy"} {
		if strings.HasSuffix(attr, suf) {
			return true
		}
	}
	return false
}

// dataSource emulates the data sources API configurations use; others get
// placeholder attributes.
func (l *loader) dataSource(in *instance, obj map[string]cty.Value) cty.Value {
	region, acct := l.opts.Region, l.opts.AccountID
	set := func(m map[string]string) {
		for k, v := range m {
			obj[k] = cty.StringVal(v)
		}
	}
	switch in.res.typ {
	case "aws_region":
		r := region
		if s := ctyString(obj["name"]); s != "" {
			r = s
		}
		set(map[string]string{"name": r, "id": r, "region": r, "description": r, "endpoint": "ec2." + r + ".amazonaws.com"})
	case "aws_caller_identity":
		set(map[string]string{"account_id": acct, "id": acct, "arn": "arn:aws:iam::" + acct + ":user/cfnrun", "user_id": "AIDACFNRUNLOCAL"})
	case "aws_partition":
		set(map[string]string{"partition": "aws", "id": "aws", "dns_suffix": "amazonaws.com", "reverse_dns_prefix": "com.amazonaws"})
	case "aws_availability_zones":
		obj["names"] = cty.ListVal([]cty.Value{cty.StringVal(region + "a"), cty.StringVal(region + "b"), cty.StringVal(region + "c")})
		obj["id"] = cty.StringVal(region)
	case "template_file":
		rendered := l.renderTemplateFile(in, obj)
		obj["rendered"] = rendered
		obj["id"] = cty.StringVal(model.StableID(16, "template_file", ctyString(rendered)))
	case "archive_file":
		// The zip is written when Terraform reads the data source; here
		// it does not exist, so its path and hashes are unknown.
		for _, a := range []string{"output_path", "output_base64sha256", "output_base64sha512", "output_md5", "output_sha", "output_sha256", "output_sha512", "output_size"} {
			obj[a] = cty.DynamicVal
		}
		obj["id"] = cty.StringVal(model.StableID(16, "archive", in.idAddr))
	case "terraform_remote_state":
		// Another configuration's outputs: unknown here.
		obj["outputs"] = cty.DynamicVal
		obj["id"] = cty.StringVal(in.res.name)
	case "aws_iam_policy_document":
		obj["json"] = policyDocumentJSON(obj)
		obj["minified_json"] = obj["json"]
		obj["id"] = cty.StringVal(model.StableID(10, "policy", in.idAddr))
	default:
		in.placeholder = true
		v := l.placeholderObject(in.res.typ, in.res.name, in.res.key(), in.addr, cty.ObjectVal(obj), in.mi.refAttrs[in.res.key()])
		in.attrs = stringAttrs(v)
		return v
	}
	for k, v := range l.setsFor(in.addr) {
		obj[k] = cty.StringVal(v)
	}
	v := cty.ObjectVal(obj)
	in.attrs = stringAttrs(v)
	return v
}

// policyDocumentJSON renders data "aws_iam_policy_document" as the
// provider does (a resource policy cfnrun up evaluates): each statement
// block with its sid, effect (Allow by default), actions / not_actions,
// resources / not_resources, principals / not_principals ({type =
// "*"} is "*") and condition blocks. Unknown until apply when a
// statement is. source_policy_documents and override_policy_documents
// are not merged.
func policyDocumentJSON(obj map[string]cty.Value) cty.Value {
	st := obj["statement"]
	if st != cty.NilVal && !st.IsNull() && !st.IsWhollyKnown() {
		return cty.UnknownVal(cty.String)
	}
	var stmts []any
	for _, b := range blocks(st) {
		m := map[string]any{"Effect": "Allow"}
		if e := ctyString(attrOf(b, "effect")); e != "" {
			m["Effect"] = e
		}
		if sid := ctyString(attrOf(b, "sid")); sid != "" {
			m["Sid"] = sid
		}
		for arg, key := range map[string]string{"actions": "Action", "not_actions": "NotAction", "resources": "Resource", "not_resources": "NotResource"} {
			if l := valList(attrOf(b, arg)); len(l) > 0 {
				m[key] = l
			}
		}
		for arg, key := range map[string]string{"principals": "Principal", "not_principals": "NotPrincipal"} {
			pr := map[string]any{}
			for _, p := range blocks(attrOf(b, arg)) {
				typ := ctyString(attrOf(p, "type"))
				ids := valList(attrOf(p, "identifiers"))
				if typ == "*" {
					m[key] = "*"
					continue
				}
				prev, _ := pr[typ].([]string)
				pr[typ] = append(prev, ids...)
			}
			if _, star := m[key]; !star && len(pr) > 0 {
				m[key] = pr
			}
		}
		cond := map[string]map[string][]string{}
		for _, c := range blocks(attrOf(b, "condition")) {
			test, variable := ctyString(attrOf(c, "test")), ctyString(attrOf(c, "variable"))
			if cond[test] == nil {
				cond[test] = map[string][]string{}
			}
			cond[test][variable] = append(cond[test][variable], valList(attrOf(c, "values"))...)
		}
		if len(cond) > 0 {
			m["Condition"] = cond
		}
		stmts = append(stmts, m)
	}
	if stmts == nil {
		stmts = []any{}
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		return cty.UnknownVal(cty.String)
	}
	return cty.StringVal(string(b))
}

// renderTemplateFile renders data "template_file": the template string
// with ${var} interpolations from vars (no functions, as the provider).
func (l *loader) renderTemplateFile(in *instance, obj map[string]cty.Value) cty.Value {
	tpl := ctyString(obj["template"])
	vars := map[string]cty.Value{}
	v := obj["vars"]
	if v != cty.NilVal && !v.IsNull() && v.IsKnown() && (v.Type().IsTupleType() || v.Type().IsListType()) {
		v = firstBlock(v) // Terraform 0.11's vars { ... } block form
	}
	if v != cty.NilVal && !v.IsNull() && v.IsKnown() && v.CanIterateElements() {
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			vars[k.AsString()] = x
		}
	}
	rng := in.ranges["template"]
	if d := checkNesting([]byte(tpl), rng.Filename, rng.Start, nestTemplate); d != nil {
		l.diagOnce(ruleNesting.errorf(rng, in.addr, d.Detail, "template: %s", d.Summary))
		return cty.UnknownVal(cty.String)
	}
	expr, ds := hclsyntax.ParseTemplate([]byte(tpl), rng.Filename, rng.Start)
	if ds.HasErrors() {
		l.diagOnce(ruleValue.errorf(rng, in.addr, "Escape literal ${ as $${.", "invalid template: %s", ds[0].Detail))
		return cty.UnknownVal(cty.String)
	}
	l.budget.instrument(expr)
	out, ds := expr.Value(&hcl.EvalContext{Variables: vars, Functions: l.funcs})
	if ds.HasErrors() {
		for _, d := range ds {
			l.diagOnce(ruleValue.errorf(rng, in.addr, "Pass every variable the template uses in vars.", "template_file: %s", d.Detail))
		}
		return cty.UnknownVal(cty.String)
	}
	return out
}

// scanRefs collects, for every resource key of m, the attribute names
// references read ("aws_lambda_function.f.invoke_arn" → invoke_arn), and
// records relative attribute names globally.
func (l *loader) scanRefs(m *module) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	add := func(tr hcl.Traversal) {
		root := tr.RootName()
		i := 2
		key := ""
		switch root {
		case "var", "local", "path", "terraform", "count", "each", "self", "module":
			return
		case "data":
			t, ok1 := attrStep(tr, 1)
			n, ok2 := attrStep(tr, 2)
			if !ok1 || !ok2 {
				return
			}
			key, i = "data."+t+"."+n, 3
		default:
			n, ok := attrStep(tr, 1)
			if !ok {
				return
			}
			key = root + "." + n
		}
		if i < len(tr) {
			if _, ok := tr[i].(hcl.TraverseIndex); ok {
				i++
			}
		}
		if a, ok := attrStep(tr, i); ok {
			if out[key] == nil {
				out[key] = map[string]bool{}
			}
			// true: the reference reads into the attribute (a list or
			// object), so a placeholder string would not do.
			out[key][a] = out[key][a] || i+1 < len(tr)
			j := i + 1
			if j < len(tr) {
				if _, ok := tr[j].(hcl.TraverseIndex); ok {
					j++
				}
			}
			if sub, ok := attrStep(tr, j); ok {
				k := key + "." + a
				if l.subAttrs[k] == nil {
					l.subAttrs[k] = map[string]bool{}
				}
				l.subAttrs[k][sub] = true
			}
		}
	}
	visit := func(node hclsyntax.Node) hcl.Diagnostics {
		switch n := node.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			add(n.Traversal)
		case *hclsyntax.RelativeTraversalExpr:
			for _, s := range n.Traversal {
				if a, ok := s.(hcl.TraverseAttr); ok {
					l.relAttrs[a.Name] = true
				}
			}
		case *hclsyntax.SplatExpr:
			// aws_x.d.block[*].attr reads attr inside the block.
			src, ok1 := n.Source.(*hclsyntax.ScopeTraversalExpr)
			each, ok2 := n.Each.(*hclsyntax.RelativeTraversalExpr)
			if ok1 && ok2 && len(each.Traversal) > 0 {
				if a, ok := each.Traversal[0].(hcl.TraverseAttr); ok {
					tr := append(append(hcl.Traversal{}, src.Traversal...), hcl.TraverseIndex{Key: cty.Zero}, a)
					add(tr)
				}
			}
		}
		return nil
	}
	walkBody := func(b hcl.Body) {
		if sb, ok := b.(*hclsyntax.Body); ok {
			for n, a := range sb.Attributes {
				if n != "provider" && n != "providers" {
					hclsyntax.VisitAll(a.Expr, visit)
				}
			}
			for _, blk := range sb.Blocks {
				if blk.Type != "lifecycle" {
					hclsyntax.VisitAll(blk, visit)
				}
			}
			return
		}
		attrs, _ := b.JustAttributes()
		for _, a := range attrs {
			for _, tr := range a.Expr.Variables() {
				add(tr)
			}
		}
	}
	for _, r := range m.resList {
		walkBody(r.body)
		for _, e := range []hcl.Expression{r.count, r.forEach} {
			if e != nil {
				for _, tr := range e.Variables() {
					add(tr)
				}
			}
		}
	}
	for _, a := range m.localList {
		if sx, ok := a.Expr.(hclsyntax.Expression); ok {
			hclsyntax.VisitAll(sx, visit)
		} else {
			for _, tr := range a.Expr.Variables() {
				add(tr)
			}
		}
	}
	for _, o := range m.outputs {
		if o.expr == nil {
			continue
		}
		if sx, ok := o.expr.(hclsyntax.Expression); ok {
			hclsyntax.VisitAll(sx, visit)
		} else {
			for _, tr := range o.expr.Variables() {
				add(tr)
			}
		}
	}
	for _, c := range m.callList {
		walkBody(c.body)
	}
	return out
}

// depsOf returns the graph edges of one instance: every reference in its
// body (resolved to instances where the index is known) and depends_on.
func (mi *modInst) depsOf(r *resource, extra map[string]cty.Value) []model.Edge {
	// The instances of a resource have as many edges as one another,
	// mostly: the previous instance's count sizes the slice and the map
	// (growing them by doubling was 5% of the bytes of 200 routes).
	edges := make([]model.Edge, 0, r.edgeHint)
	type edgeKey struct {
		to   string
		kind model.EdgeKind
		attr string
	}
	// An edge read more than once keeps its first place in the source:
	// a nested block's attributes are visited in map order. Most
	// instances have a few edges: they are searched in place, and a map
	// finds them once there are more than edgeScan (a deployment's
	// trigger reads every instance of 200 routes).
	const edgeScan = 16
	var seen map[edgeKey]int
	addEdge := func(e model.Edge) {
		k := edgeKey{e.To, e.Kind, e.Attr}
		i, ok := -1, false
		if seen != nil {
			i, ok = seen[k]
		} else {
			for j := range edges {
				if edges[j].To == e.To && edges[j].Kind == e.Kind && edges[j].Attr == e.Attr {
					i, ok = j, true
					break
				}
			}
		}
		if ok {
			if e.Range.Start.Byte < edges[i].Range.Start.Byte {
				edges[i].Range = e.Range
			}
			return
		}
		edges = append(edges, e)
		if seen != nil {
			seen[k] = len(edges) - 1
		} else if len(edges) > edgeScan {
			seen = make(map[edgeKey]int, max(r.edgeHint, 2*len(edges)))
			for j, x := range edges {
				seen[edgeKey{x.To, x.Kind, x.Attr}] = j
			}
		}
	}
	resolve := func(tr hcl.Traversal, keyExpr hcl.Expression, kind model.EdgeKind, ref *bodyRef) {
		root := tr.RootName()
		var key string
		i := 2
		switch {
		case ref != nil && ref.resKey != "":
			// One of the body's references: its key is the same for
			// every instance, made once (bodyRefs).
			key, i = ref.resKey, ref.next
		case root == "var", root == "local", root == "path", root == "terraform", root == "count", root == "each", root == "self":
			return
		case root == "module":
			n, ok := attrStep(tr, 1)
			if !ok {
				return
			}
			attr, _ := attrStep(tr, 2)
			if _, ok := tr2index(tr, 2); ok {
				attr, _ = attrStep(tr, 3)
			}
			addEdge(model.Edge{To: mi.prefix + "module." + n, Kind: kind, Attr: attr, Range: toRange(tr.SourceRange())})
			return
		default:
			var ok bool
			if key, i, ok = refResourceKey(tr); !ok {
				return
			}
		}
		target := mi.m.resources[key]
		base := mi.prefix + key
		if target == nil {
			// An undeclared resource (reported by evaluation) stays in the
			// graph, as on the CloudFormation side.
			if root != "data" {
				attr, _ := attrStep(tr, i)
				addEdge(model.Edge{To: base, Kind: kind, Attr: attr, Range: toRange(tr.SourceRange())})
			}
			return
		}
		var idx cty.Value
		if k, ok := tr2index(tr, i); ok {
			idx = k
			i++
		} else if ref != nil && ref.idx != cty.NilVal {
			idx = ref.idx // chainedForEach's: an index step after tr
		} else if keyExpr != nil {
			ctx := mi.ctxFor(keyExpr, extra)
			if v, ds := keyExpr.Value(ctx); !ds.HasErrors() && v.IsKnown() && !v.IsNull() && (v.Type() == cty.String || v.Type() == cty.Number) {
				idx = v
			}
		}
		attr, _ := attrStep(tr, i)
		var rng diag.Range
		if ref != nil {
			rng = ref.rng
		} else {
			rng = toRange(tr.SourceRange())
		}
		if target.count == nil && target.forEach == nil {
			addEdge(model.Edge{To: base, Kind: kind, Attr: attr, Range: rng})
			return
		}
		if idx != cty.NilVal {
			addEdge(model.Edge{To: instanceAddr(base, idx), Kind: kind, Attr: attr, Range: rng})
			return
		}
		targets := mi.insts[key]
		if len(targets) > maxFanout && (r.count != nil || r.forEach != nil) {
			// Every instance of an expanded resource reading a whole
			// expanded resource would make the graph quadratic; one edge
			// to the resource's address stands for all of them.
			addEdge(model.Edge{To: base, Kind: kind, Attr: attr, Range: rng})
			return
		}
		// Room for them all at once: a deployment whose trigger reads
		// every instance of 200 routes grew its edges 600 at a time.
		edges = slices.Grow(edges, len(targets))
		for _, in := range targets {
			addEdge(model.Edge{To: in.addr, Kind: kind, Attr: attr, Range: rng})
		}
	}
	if _, ok := r.body.(*hclsyntax.Body); ok {
		for _, g := range bodyRefs(r) {
			if g.forEach != nil && mi.chainedForEach(&g, extra, resolve) {
				continue
			}
			for j := range g.refs {
				ref := &g.refs[j]
				resolve(ref.tr, ref.key, model.EdgeReference, ref)
			}
		}
	} else {
		attrs, _ := r.body.JustAttributes()
		for _, a := range attrs {
			for _, tr := range a.Expr.Variables() {
				resolve(tr, nil, model.EdgeReference, nil)
			}
		}
		for _, e := range []hcl.Expression{r.count, r.forEach} {
			if e != nil {
				for _, tr := range e.Variables() {
					resolve(tr, nil, model.EdgeReference, nil)
				}
			}
		}
	}
	for _, tr := range r.dependsOn {
		resolve(tr, nil, model.EdgeDependsOn, nil)
	}
	slices.SortStableFunc(edges, func(a, b model.Edge) int {
		return cmp.Or(cmp.Compare(a.To, b.To), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Attr, b.Attr), cmp.Compare(a.Range.Start.Byte, b.Range.Start.Byte))
	})
	if mi.l.split == nil { // a split batch sets it once done (evalSplit)
		r.edgeHint = len(edges)
	}
	return edges
}

// refGroup is the references of one attribute or block of a resource
// body, in the order depsOf resolves them. forEach is set for the for_each
// attribute, which chainedForEach may handle instead.
type refGroup struct {
	forEach hcl.Expression
	refs    []bodyRef
}

// bodyRef is one reference and, when it is indexed (x[k] or x[k].attr),
// the index expression; with, when it names a resource, that resource's
// key and the index of the step after its name (refResourceKey), and its
// source range, which depsOf would otherwise make per instance.
type bodyRef struct {
	tr     hcl.Traversal
	key    hcl.Expression
	resKey string
	next   int
	rng    diag.Range
	// idx, set by chainedForEach on its copy, is a known key read as an
	// index step after tr.
	idx cty.Value
}

// refResourceKey is the key of the resource (or data source) a reference
// names, "type.name" or "data.type.name", and the index of the step after
// the name; false when it names none (var, local, path, terraform, count,
// each, self, module, or a root without a name after it).
func refResourceKey(tr hcl.Traversal) (key string, next int, ok bool) {
	switch root := tr.RootName(); root {
	case "var", "local", "path", "terraform", "count", "each", "self", "module":
		return "", 0, false
	case "data":
		t, ok1 := attrStep(tr, 1)
		n, ok2 := attrStep(tr, 2)
		if !ok1 || !ok2 {
			return "", 0, false
		}
		return "data." + t + "." + n, 3, true
	default:
		n, ok := attrStep(tr, 1)
		if !ok {
			return "", 0, false
		}
		return root + "." + n, 2, true
	}
}

// bodyRefs returns (and caches) the references of r's body that depsOf
// resolves: the syntax is the same for every instance, so it is walked
// once per resource.
func bodyRefs(r *resource) []refGroup {
	if r.refsDone {
		return r.refs
	}
	r.refsDone = true
	sb, ok := r.body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	indexKeys := map[*hclsyntax.ScopeTraversalExpr]hcl.Expression{}
	var refs []bodyRef
	visit := func(node hclsyntax.Node) hcl.Diagnostics {
		switch n := node.(type) {
		case *hclsyntax.IndexExpr:
			if st, ok := n.Collection.(*hclsyntax.ScopeTraversalExpr); ok {
				indexKeys[st] = n.Key
			}
		case *hclsyntax.RelativeTraversalExpr:
			if ix, ok := n.Source.(*hclsyntax.IndexExpr); ok {
				if st, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr); ok {
					indexKeys[st] = ix.Key
				}
			}
		case *hclsyntax.ScopeTraversalExpr:
			ref := bodyRef{tr: n.Traversal, key: indexKeys[n], rng: toRange(n.Traversal.SourceRange())}
			ref.resKey, ref.next, _ = refResourceKey(n.Traversal)
			refs = append(refs, ref)
		}
		return nil
	}
	var out []refGroup
	for _, name := range slices.Sorted(maps.Keys(sb.Attributes)) {
		if name == "depends_on" || name == "provider" {
			continue
		}
		refs = nil
		hclsyntax.VisitAll(sb.Attributes[name].Expr, visit)
		g := refGroup{refs: refs}
		if name == "for_each" {
			g.forEach = sb.Attributes[name].Expr
		}
		out = append(out, g)
	}
	for _, b := range sb.Blocks {
		if b.Type == "lifecycle" || b.Type == "provisioner" || b.Type == "connection" {
			continue
		}
		refs = nil
		hclsyntax.VisitAll(b, visit)
		out = append(out, refGroup{refs: refs})
	}
	r.refs = out
	return out
}

// maxFanout bounds the edges one reference of an expanded resource adds.
const maxFanout = 64

// chainedForEach handles for_each = other_resource (one resource's
// instances feeding the next): instance "k" depends on other["k"] only,
// not on every instance, which keeps the graph linear in the number of
// routes.
//
// The reference is the for_each group's own (bodyRefs: its resource key
// and range made once) with the key as its index (bodyRef.idx); resolve
// reads no more of a reference to anything else (a variable, a module)
// than its first two steps. Without that group the traversal is built
// with the index step.
// Building it per instance (the slice, the boxed step, the key and range
// made again) was most of what an instance's edges cost.
func (mi *modInst) chainedForEach(g *refGroup, extra map[string]cty.Value, resolve func(hcl.Traversal, hcl.Expression, model.EdgeKind, *bodyRef)) bool {
	st, ok := g.forEach.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) != 2 {
		return false
	}
	each, ok := extra["each"]
	if !ok {
		return false
	}
	key := objectAttr(each, "key")
	if key.Type() != cty.String {
		return false
	}
	if len(g.refs) == 1 && len(g.refs[0].tr) == 2 && unsafe.SliceData(g.refs[0].tr) == unsafe.SliceData(st.Traversal) {
		ref := g.refs[0]
		if key.IsKnown() && !key.IsNull() {
			ref.idx = key
		}
		resolve(st.Traversal, nil, model.EdgeReference, &ref)
		return true
	}
	tr := append(hcl.Traversal{}, st.Traversal...)
	tr = append(tr, hcl.TraverseIndex{Key: key, SrcRange: st.Traversal.SourceRange()})
	resolve(tr, nil, model.EdgeReference, nil)
	return true
}

func tr2index(tr hcl.Traversal, i int) (cty.Value, bool) {
	if i >= len(tr) {
		return cty.NilVal, false
	}
	ix, ok := tr[i].(hcl.TraverseIndex)
	if !ok || !ix.Key.IsKnown() || ix.Key.IsNull() {
		return cty.NilVal, false
	}
	return ix.Key, true
}

// propValue converts an argument to the model.Value diff compares:
// references to resources, data sources and modules stay references
// (Intrinsic "Ref" with the address and attribute); everything else is
// the evaluated value.
func (mi *modInst) propValue(expr hcl.Expression, v cty.Value, ctx *hcl.EvalContext) *model.Value {
	rng := toRange(expr.Range())
	switch e := expr.(type) {
	case *hclsyntax.TemplateWrapExpr:
		return mi.propValue(e.Wrapped, v, ctx)
	case *hclsyntax.ScopeTraversalExpr:
		switch e.Traversal.RootName() {
		case "var", "local", "path", "terraform", "count", "each", "self":
		default:
			return &model.Value{Kind: model.Intrinsic, Str: "Ref", Range: rng, Arg: &model.Value{Kind: model.String, Str: mi.prefix + traversalString(e.Traversal), Range: rng}}
		}
	case *hclsyntax.ObjectConsExpr:
		if v.IsKnown() && !v.IsNull() && (v.Type().IsObjectType() || v.Type().IsMapType()) {
			out := &model.Value{Kind: model.Map, Range: rng}
			for _, item := range e.Items {
				kv, ds := item.KeyExpr.Value(ctx)
				if ds.HasErrors() || kv.Type() != cty.String || !kv.IsKnown() || kv.IsNull() {
					return ctyToValue(v, rng)
				}
				k := kv.AsString()
				var ev cty.Value
				if v.Type().IsObjectType() && v.Type().HasAttribute(k) {
					ev = v.GetAttr(k)
				} else if v.Type().IsMapType() && v.HasIndex(kv).True() {
					ev = v.Index(kv)
				} else {
					return ctyToValue(v, rng)
				}
				out.Fields = append(out.Fields, model.Field{Key: k, KeyRange: toRange(item.KeyExpr.Range()), Value: mi.propValue(item.ValueExpr, ev, ctx)})
			}
			return out
		}
	case *hclsyntax.TupleConsExpr:
		if v.IsKnown() && !v.IsNull() && (v.Type().IsTupleType() || v.Type().IsListType()) && v.LengthInt() == len(e.Exprs) {
			out := &model.Value{Kind: model.List, Range: rng}
			items := v.AsValueSlice()
			for i, x := range e.Exprs {
				out.Items = append(out.Items, mi.propValue(x, items[i], ctx))
			}
			return out
		}
	}
	return ctyToValue(v, rng)
}

func traversalString(tr hcl.Traversal) string {
	var b strings.Builder
	for i, s := range tr {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case hcl.TraverseIndex:
			b.WriteString(instanceKey(s.Key))
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// openBlocks adds the attributes names to the objects of a nested block
// value (an object, or a list of them) that lack them, as unknowns.
func openBlocks(v cty.Value, names map[string]bool) cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return v
	}
	ty := v.Type()
	switch {
	case ty.IsObjectType():
		m := v.AsValueMap()
		if m == nil {
			m = map[string]cty.Value{}
		}
		for n := range names {
			if _, ok := m[n]; !ok {
				m[n] = cty.DynamicVal
			}
		}
		return cty.ObjectVal(m)
	case ty.IsTupleType() || ty.IsListType():
		if v.LengthInt() == 0 {
			return v
		}
		var out []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, x := it.Element()
			out = append(out, openBlocks(x, names))
		}
		return cty.TupleVal(out)
	}
	return v
}
