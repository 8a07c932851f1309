package diff

// A small test-only loader: it turns a CloudFormation or Terraform-shaped
// JSON document into a *model.Template the way the front ends do (Nodes with
// long-form intrinsics, the API Gateway model lowered and Finalized), so the
// comparison rules can be tested on readable inputs without depending on
// the resolver. Real template pairs go through the resolver in
// pairs_test.go.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// parseJSONValue decodes JSON keeping key order and positions; single-key
// maps named Ref or Fn::* become intrinsics.
func parseJSONValue(name string, src []byte) (*model.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	lines := lineStarts(src)
	pos := func(off int64) diag.Range {
		l := 1
		for l < len(lines) && int64(lines[l]) <= off {
			l++
		}
		return diag.Range{Filename: name, Start: diag.Pos{Line: l, Column: int(off) - lines[l-1] + 1, Byte: int(off)}}
	}
	var read func() (*model.Value, error)
	read = func() (*model.Value, error) {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		v := &model.Value{Range: pos(skipSpace(src, off))}
		switch t := tok.(type) {
		case json.Delim:
			if t == '[' {
				v.Kind = model.List
				for dec.More() {
					it, err := read()
					if err != nil {
						return nil, err
					}
					v.Items = append(v.Items, it)
				}
				_, err = dec.Token()
				return v, err
			}
			v.Kind = model.Map
			for dec.More() {
				koff := dec.InputOffset()
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := read()
				if err != nil {
					return nil, err
				}
				v.Fields = append(v.Fields, model.Field{Key: kt.(string), KeyRange: pos(skipSpace(src, koff)), Value: val})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if len(v.Fields) == 1 && (v.Fields[0].Key == "Ref" || strings.HasPrefix(v.Fields[0].Key, "Fn::")) {
				return &model.Value{Kind: model.Intrinsic, Str: v.Fields[0].Key, Arg: v.Fields[0].Value, Range: v.Range}, nil
			}
			return v, nil
		case string:
			v.Kind, v.Str = model.String, t
		case json.Number:
			v.Kind, v.Str = model.Number, t.String()
		case bool:
			v.Kind, v.Str = model.Bool, strconv.FormatBool(t)
		case nil:
			v.Kind = model.Null
		}
		return v, nil
	}
	v, err := read()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: trailing data", name)
	}
	return v, nil
}

func skipSpace(src []byte, off int64) int64 {
	for off < int64(len(src)) && strings.ContainsRune(" \t\r\n,:", rune(src[off])) {
		off++
	}
	return off
}

func lineStarts(src []byte) []int {
	ls := []int{0}
	for i, c := range src {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

// loadTemplate builds a model.Template from a JSON template. A document
// with "Resources" is CloudFormation; one with "resource" (Terraform JSON
// syntax flattened to {"type.name": {"Type":..., "Properties":...}}) is
// Terraform.
func loadTemplate(t testing.TB, name, src string) *model.Template {
	t.Helper()
	tpl, err := buildTemplate(name, src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tpl
}

// buildTemplate is loadTemplate without a testing.TB, for the fuzz test.
func buildTemplate(name, src string) (*model.Template, error) {
	root, err := parseJSONValue(name, []byte(src))
	if err != nil {
		return nil, err
	}
	tpl := &model.Template{Format: model.CloudFormation, Files: []string{name}}
	res := root.Get("Resources")
	if res == nil {
		res = root.Get("resource")
		tpl.Format = model.Terraform
	}
	if res == nil || res.Kind != model.Map {
		return tpl, nil
	}
	nodes := map[string]*model.Node{}
	for _, f := range res.Fields {
		n := &model.Node{Address: f.Key, Range: f.KeyRange, Props: f.Value.Get("Properties")}
		if ty := f.Value.Get("Type"); ty != nil {
			n.Type = ty.Str
		}
		nodes[f.Key] = n
		tpl.Nodes = append(tpl.Nodes, n)
	}
	for _, n := range tpl.Nodes {
		walkRefs(n.Props, func(target string) {
			if a, attr := resolveAddr(target, nodes); a != "" {
				n.Deps = append(n.Deps, model.Edge{To: a, Kind: model.EdgeRef, Attr: attr})
			}
		})
	}
	lower(tpl, nodes)
	tpl.Finalize()
	return tpl, nil
}

// lower builds the API Gateway model from the nodes, for the properties the
// route comparison reads. Terraform types use their argument names.
func lower(tpl *model.Template, nodes map[string]*model.Node) {
	str := func(v *model.Value) string {
		if v == nil {
			return ""
		}
		switch v.Kind {
		case model.Intrinsic:
			if v.Str == "Fn::Sub" && v.Arg != nil && v.Arg.Kind == model.String {
				return v.Arg.Str
			}
			return v.String()
		}
		return v.Str
	}
	target := func(v *model.Value) string {
		if v == nil {
			return ""
		}
		if v.Kind == model.Intrinsic {
			var t string
			walkRefs(v, func(s string) {
				if t == "" {
					t = s
				}
			})
			a, _ := resolveAddr(t, nodes)
			return a
		}
		return v.Str
	}
	get := func(n *model.Node, cfn, tf string) *model.Value {
		if strings.HasPrefix(n.Type, "aws_") {
			return n.Props.Get(tf)
		}
		return n.Props.Get(cfn)
	}
	smap := func(v *model.Value) map[string]string {
		if v == nil || v.Kind != model.Map {
			return nil
		}
		m := map[string]string{}
		for _, f := range v.Fields {
			m[f.Key] = str(f.Value)
		}
		return m
	}
	apis := map[string]*model.RestAPI{}
	resources := map[string]*model.Resource{}
	for _, n := range tpl.Nodes {
		if n.Type == "AWS::ApiGateway::RestApi" || n.Type == "aws_api_gateway_rest_api" {
			a := &model.RestAPI{LogicalID: n.Address, ID: model.StableID(10, "restapi", n.Address), Name: str(get(n, "Name", "name")), Range: n.Range, MinimumCompressionSize: -1}
			a.Root = &model.Resource{ID: model.StableID(10, "root", n.Address), Path: "/"}
			a.Resources = []*model.Resource{a.Root}
			apis[n.Address] = a
			tpl.APIs = append(tpl.APIs, a)
		}
	}
	apiOf := func(n *model.Node) *model.RestAPI { return apis[target(get(n, "RestApiId", "rest_api_id"))] }
	// Resources, parents first (repeat until stable).
	for changed := true; changed; {
		changed = false
		for _, n := range tpl.Nodes {
			if (n.Type != "AWS::ApiGateway::Resource" && n.Type != "aws_api_gateway_resource") || resources[n.Address] != nil {
				continue
			}
			a := apiOf(n)
			if a == nil {
				continue
			}
			pt := target(get(n, "ParentId", "parent_id"))
			parent := resources[pt]
			if pt == a.LogicalID {
				parent = a.Root
			}
			if parent == nil {
				continue
			}
			r := &model.Resource{LogicalID: n.Address, ID: model.StableID(6, "resource", n.Address), PathPart: str(get(n, "PathPart", "path_part")), Parent: parent, Range: n.Range}
			resources[n.Address] = r
			a.Resources = append(a.Resources, r)
			changed = true
		}
	}
	authorizers := map[string]*model.Authorizer{}
	deployments := map[string]*model.Deployment{}
	for _, n := range tpl.Nodes {
		a := apiOf(n)
		if a == nil {
			continue
		}
		switch n.Type {
		case "AWS::ApiGateway::Authorizer", "aws_api_gateway_authorizer":
			au := &model.Authorizer{LogicalID: n.Address, ID: model.StableID(6, "authorizer", n.Address), Name: str(get(n, "Name", "name")), Type: str(get(n, "Type", "type")), Range: n.Range}
			authorizers[n.Address] = au
			a.Authorizers = append(a.Authorizers, au)
		case "AWS::ApiGateway::Deployment", "aws_api_gateway_deployment":
			d := &model.Deployment{LogicalID: n.Address, ID: model.StableID(6, "deployment", n.Address), StageName: str(get(n, "StageName", "stage_name")), Range: n.Range}
			deployments[n.Address] = d
			a.Deployments = append(a.Deployments, d)
			if d.StageName != "" {
				a.Stages = append(a.Stages, &model.Stage{LogicalID: n.Address, Name: d.StageName, DeploymentID: d.ID, Implicit: true, Range: n.Range})
			}
		}
	}
	for _, n := range tpl.Nodes {
		a := apiOf(n)
		if a == nil {
			continue
		}
		switch n.Type {
		case "AWS::ApiGateway::Stage", "aws_api_gateway_stage":
			st := &model.Stage{LogicalID: n.Address, Name: str(get(n, "StageName", "stage_name")), Variables: smap(get(n, "Variables", "variables")), Range: n.Range}
			if d := deployments[target(get(n, "DeploymentId", "deployment_id"))]; d != nil {
				st.DeploymentID = d.ID
			}
			if v := n.Props.Get("Http2Enabled"); v != nil {
				b := strings.EqualFold(v.Str, "true")
				st.HTTP2Enabled = &b
			}
			a.Stages = append(a.Stages, st)
		case "AWS::ApiGateway::Method", "aws_api_gateway_method":
			r := resources[target(get(n, "ResourceId", "resource_id"))]
			if target(get(n, "ResourceId", "resource_id")) == a.LogicalID {
				r = a.Root
			}
			if r == nil {
				continue
			}
			m := &model.Method{LogicalID: n.Address, HTTPMethod: str(get(n, "HttpMethod", "http_method")), AuthorizationType: str(get(n, "AuthorizationType", "authorization")), Range: n.Range}
			m.APIKeyRequired = strings.EqualFold(str(get(n, "ApiKeyRequired", "api_key_required")), "true")
			if au := authorizers[target(get(n, "AuthorizerId", "authorizer_id"))]; au != nil {
				m.AuthorizerID = au.ID
			}
			if rp := get(n, "RequestParameters", "request_parameters"); rp != nil {
				m.RequestParameters = map[string]bool{}
				for _, f := range rp.Fields {
					m.RequestParameters[f.Key] = strings.EqualFold(f.Value.Str, "true")
				}
			}
			for _, mr := range items(get(n, "MethodResponses", "")) {
				m.MethodResponses = append(m.MethodResponses, model.MethodResponse{StatusCode: str(mr.Get("StatusCode")), ResponseModels: smap(mr.Get("ResponseModels"))})
			}
			if in := n.Props.Get("Integration"); in != nil {
				ig := &model.Integration{Type: str(in.Get("Type")), HTTPMethod: str(in.Get("IntegrationHttpMethod")), URI: str(in.Get("Uri")),
					ConnectionType: str(in.Get("ConnectionType")), PassthroughBehavior: str(in.Get("PassthroughBehavior")),
					RequestParameters: smap(in.Get("RequestParameters")), RequestTemplates: smap(in.Get("RequestTemplates"))}
				ig.TimeoutMillis, _ = strconv.Atoi(str(in.Get("TimeoutInMillis")))
				for _, ir := range items(in.Get("IntegrationResponses")) {
					ig.Responses = append(ig.Responses, model.IntegrationResponse{StatusCode: str(ir.Get("StatusCode")), SelectionPattern: str(ir.Get("SelectionPattern")),
						ResponseParameters: smap(ir.Get("ResponseParameters")), ResponseTemplates: smap(ir.Get("ResponseTemplates"))})
				}
				m.Integration = ig
			}
			r.Methods = append(r.Methods, m)
		}
	}
	// Terraform integrations are separate resources.
	for _, n := range tpl.Nodes {
		if n.Type != "aws_api_gateway_integration" {
			continue
		}
		r := resources[target(n.Props.Get("resource_id"))]
		if r == nil {
			continue
		}
		hm := str(n.Props.Get("http_method"))
		if mt := target(n.Props.Get("http_method")); mt != "" && nodes[mt] != nil {
			hm = str(nodes[mt].Props.Get("http_method"))
		}
		for _, m := range r.Methods {
			if strings.EqualFold(m.HTTPMethod, hm) {
				m.Integration = &model.Integration{Type: str(n.Props.Get("type")), HTTPMethod: str(n.Props.Get("integration_http_method")), URI: str(n.Props.Get("uri"))}
				m.Integration.TimeoutMillis, _ = strconv.Atoi(str(n.Props.Get("timeout_milliseconds")))
			}
		}
	}
}

func items(v *model.Value) []*model.Value {
	if v == nil {
		return nil
	}
	return v.Items
}
