package resolver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/gen"
)

// TestGraphAsyncSameAsInLine holds the graph that runs beside lowering
// (graphAsync), and the API Gateway ids computed ahead on another core
// (idsAhead), to the ones run in line before it: the same findings in the
// same order before the final sort, the same graph and the same --set
// values marked used, on the real templates, generated ones, and one with
// findings from the graph (unknown names, cycles, DependsOn, conditions,
// unused parameters, Rules) and from lowering at once, with and without
// --set values.
func TestGraphAsyncSameAsInLine(t *testing.T) {
	inputs := map[string]string{}
	paths, _ := filepath.Glob("testdata/real/*")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = string(src)
	}
	inputs["gen.yaml"], _ = gen.CFNYAML(300, 0)
	inputs["gen.json"], _ = gen.CFNJSON(300, 1)
	inputs["findings.yaml"] = `Parameters:
  Used: {Type: String}
  Unused: {Type: String}
  InRules: {Type: String}
Rules:
  R1:
    Assertions:
      - Assert: !Equals [!Ref InRules, x]
Conditions:
  Never: !Equals [a, b]
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: !Sub "${Used}-${Nope}"}
  Res:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceIdd
      PathPart: !Sub "${Missing.Attr}"
  Get:
    Type: AWS::ApiGateway::Method
    DependsOn: [Res, Ghost, Get]
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Res
      HttpMethod: GET
      AuthorizationType: NONE
      ApiKeyRequired: maybe
      Integration: {Type: MOCK, TimeoutInMillis: soon}
  A:
    Type: AWS::SNS::Topic
    Condition: Never
    Properties: {TopicName: !GetAtt B.TopicName}
  B:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !GetAtt A.TopicName, DisplayName: !If [Nope, x, y]}
  C:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !GetAtt D.TopicName}
  D:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !Ref C, DisplayName: !Ref AWS::Nowhere}
Outputs:
  O: {Value: !Ref Ghost2}
`
	sets := []map[string]string{nil, {"Nope": "1", "Missing.Attr": "2", "Ghost2": "3", "Api.Arn": "4", "Never": "5"}}
	defer func() { graphInLine, idsInLine, idsAheadFirst = false, false, false }()
	for name, src := range inputs {
		for i, set := range sets {
			opts := Options{Sets: set, LazyProps: i == 1} // diff's Props too
			run := func(inLine bool) (diag.Diagnostics, []string, map[string]bool) {
				graphInLine, idsInLine = inLine, inLine
				used := map[string]bool{}
				file := "t" + filepath.Ext(name)
				tpl, ds, _ := resolveCFN(context.Background(), file, []byte(src), opts, diag.NewFiles(), used, nil)
				var graph []string
				for _, n := range tpl.Nodes {
					// The ids computed ahead (idsAhead) are the ones
					// computed in line.
					graph = append(graph, fmt.Sprint(n.Address, n.Attrs, n.Generated, n.Placeholder))
					if opts.LazyProps {
						graph = append(graph, n.Address+"="+fmt.Sprint(n.Properties() != nil))
					}
					for _, e := range n.Deps {
						graph = append(graph, n.Address+">"+e.To+"."+e.Attr)
					}
				}
				return ds, graph, used
			}
			wantDiags, wantGraph, wantUsed := run(true)
			// Beside lowering, with the ids ahead as they come, then with
			// every id taken from the goroutine (idsAheadFirst: on a busy
			// machine it may otherwise compute none before assignAttrs
			// has passed them all).
			for _, first := range []bool{false, true} {
				idsAheadFirst = first
				gotDiags, gotGraph, gotUsed := run(false)
				if !reflect.DeepEqual(gotDiags, wantDiags) {
					t.Errorf("%s (sets %v, ids first %v): findings differ:\nin line:\n%v\nbeside lowering:\n%v", name, set, first, wantDiags, gotDiags)
				}
				if !reflect.DeepEqual(gotGraph, wantGraph) || !reflect.DeepEqual(gotUsed, wantUsed) {
					t.Errorf("%s (sets %v, ids first %v): graph or --set uses differ: %v / %v, %v / %v", name, set, first, wantGraph, gotGraph, wantUsed, gotUsed)
				}
			}
			idsAheadFirst = false
			if strings.HasPrefix(name, "findings") && len(wantDiags) < 10 {
				t.Errorf("%s: only %d findings: the template no longer exercises the graph", name, len(wantDiags))
			}
		}
	}
}
