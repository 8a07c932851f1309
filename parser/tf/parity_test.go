package tf_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
)

// paritySets gives, per example, values for references its templates
// leave undefined on purpose (the seed's backend service), the same value
// on both sides: CloudFormation name → Terraform address.
var paritySets = map[string][2]map[string]string{
	"seed": {
		{"MyHttp2BackendService.Name": "backend"},
		{"aws_ecs_service.my_http2_backend_service.name": "backend"},
	},
	// Cognito pool ids are derived from the logical id or the address.
	"access": {
		{},
		{
			"aws_cognito_user_pool.users.id":  "us-east-1_4vFItu7ga",
			"aws_cognito_user_pool.users.arn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_4vFItu7ga",
		},
	},
	// CloudFormation invents physical names for unnamed resources
	// (stack-Logical-SUFFIX); the Terraform side is given the same names.
	"lambda-mixed": {
		{},
		{
			"aws_sqs_queue.jobs.name":  "template-JobsQueue-U98G8PD78A1H",
			"aws_sqs_queue.jobs.url":   "https://sqs.us-east-1.amazonaws.com/123456789012/template-JobsQueue-U98G8PD78A1H",
			"aws_iam_role.api_sqs.arn": "arn:aws:iam::123456789012:role/template-ApiSqsRole-4OX9LVB3HL36",
		},
	},
}

// TestParity proves every example's CloudFormation template and its
// Terraform twin lower to the same model (the semantic dump, without
// logical ids, generated ids and positions) and the same route table.
func TestParity(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			cfnPath := ""
			for _, c := range []string{"template.yaml", "template.yml", "template.json"} {
				if _, err := os.Stat(filepath.Join(dir, c)); err == nil {
					cfnPath = filepath.Join(dir, c)
					break
				}
			}
			tfPath := filepath.Join(dir, "main.tf")
			if cfnPath == "" {
				t.Skip("no CloudFormation template")
			}
			if _, err := os.Stat(tfPath); err != nil {
				t.Fatalf("%s has no Terraform twin (main.tf)", dir)
			}
			sets := paritySets[name]
			cfn := resolver.Resolve(context.Background(), []string{cfnPath}, resolver.Options{Sets: sets[0]})
			tf := resolver.Resolve(context.Background(), []string{tfPath}, resolver.Options{Sets: sets[1]})
			if cfn.Template == nil || tf.Template == nil {
				t.Fatalf("nothing resolved: cfn %v, tf %v", cfn.Diags, tf.Diags)
			}
			cfnOut, tfOut := outputs(cfn.Template), outputs(tf.Template)
			for name, v := range cfnOut {
				if tv, ok := tfOut[name]; !ok {
					t.Errorf("output %s is missing from the Terraform twin", name)
				} else if tv != "" && tv != v && !(strings.Contains(v, "${") && strings.Contains(tv, "${")) {
					t.Errorf("output %s: cloudformation %q, terraform %q", name, v, tv)
				}
			}
			if d := cmp.Diff(model.DumpString(cfn.Template, model.DumpOptions{}), model.DumpString(tf.Template, model.DumpOptions{})); d != "" {
				t.Errorf("model dumps differ (-cloudformation +terraform):\n%s", d)
			}
			if d := cmp.Diff(routeLines(cfn.Template), routeLines(tf.Template)); d != "" {
				t.Errorf("route tables differ (-cloudformation +terraform):\n%s", d)
			}
			if d := cmp.Diff(wsRouteLines(cfn.Template), wsRouteLines(tf.Template)); d != "" {
				t.Errorf("WebSocket route tables differ (-cloudformation +terraform):\n%s", d)
			}
			if len(model.Routes(tf.Template)) == 0 && len(model.WebSocketRoutes(tf.Template)) == 0 {
				t.Errorf("%s: no routes", tfPath)
			}
		})
		n++
	}
	if n == 0 {
		t.Fatal("no examples found")
	}
}

// outputs returns the template's outputs by name, with each API's
// generated id replaced by its name (ids are derived from logical ids and
// addresses, which differ between the twins by design), and removes them
// from the template so the model dumps compare the API model only. A null
// Terraform output (a conditional one) reads as "", and unresolved
// references ("${Name}" / "${addr.attr}") are not compared.
func outputs(tm *model.Template) map[string]string {
	out := map[string]string{}
	for _, o := range tm.Outputs {
		v := o.Value
		for _, api := range tm.APIs {
			v = strings.ReplaceAll(v, api.ID, "{"+api.Name+"}")
		}
		for _, api := range tm.WebSocketAPIs {
			v = strings.ReplaceAll(v, api.ID, "{"+api.Name+"}")
		}
		out[o.Name] = v
	}
	tm.Outputs = nil
	return out
}

func routeLines(tm *model.Template) []string {
	var out []string
	for _, r := range model.Routes(tm) {
		out = append(out, strings.Join([]string{r.APIName, r.Stage, r.Method, r.Path, r.Integration, r.IntegrationMethod, r.URI,
			r.ConnectionType, fmt.Sprint(r.TimeoutMs), r.Authorization, fmt.Sprint(r.APIKeyRequired), fmt.Sprint(r.HTTP2)}, " "))
	}
	return out
}

func wsRouteLines(tm *model.Template) []string {
	var out []string
	for _, r := range model.WebSocketRoutes(tm) {
		out = append(out, strings.Join([]string{r.APIName, r.Stage, r.RouteKey, r.RouteSelectionExpression, r.Integration, r.URI,
			fmt.Sprint(r.TimeoutMs), r.Authorization, fmt.Sprint(r.TwoWay)}, " "))
	}
	return out
}
