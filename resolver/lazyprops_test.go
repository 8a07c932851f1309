package resolver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cfnrun/cfnrun/internal/gen"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// randNode makes a small tree of the shapes convert distinguishes: scalars
// of every written type with texts that canonicalise alike (1, 1.0, "1",
// true, True), nulls, lists, maps with repeated keys, and intrinsics (one
// Ref or Fn:: key) next to maps that only look like them.
func randNode(r *rand.Rand, depth int) *cfn.Node {
	texts := []string{"1", "1.0", "01", "+1", "true", "True", "FALSE", "false", "x", "", "Ref", "2e0", "-0", "0"}
	keys := []string{"Ref", "Fn::Sub", "Fn::GetAtt", "A", "B", "Condition"}
	k := r.IntN(10)
	if depth <= 0 {
		k = r.IntN(4)
	}
	switch {
	case k == 0:
		if r.IntN(4) == 0 {
			return nil
		}
		return &cfn.Node{Kind: cfn.Null}
	case k <= 3:
		return &cfn.Node{Kind: cfn.Scalar, Type: cfn.ScalarType(r.IntN(4)), Value: texts[r.IntN(len(texts))]}
	case k <= 5:
		n := &cfn.Node{Kind: cfn.Sequence}
		for range r.IntN(3) {
			n.Items = append(n.Items, randNode(r, depth-1))
		}
		return n
	default:
		n := &cfn.Node{Kind: cfn.Mapping}
		fields := r.IntN(3)
		if k >= 8 {
			fields = 1 // an intrinsic, or a map that looks like one
		}
		for range fields {
			n.Fields = append(n.Fields, cfn.Field{Key: keys[r.IntN(len(keys))], Value: randNode(r, depth-1)})
		}
		return n
	}
}

// mutate returns a copy of n with at most one change somewhere, so that
// most pairs compared are equal or nearly so.
func mutate(r *rand.Rand, n *cfn.Node) *cfn.Node {
	if n == nil {
		if r.IntN(3) == 0 {
			return randNode(r, 1)
		}
		return nil
	}
	c := *n
	switch {
	case r.IntN(6) == 0:
		return randNode(r, 2)
	case n.Kind == cfn.Sequence && len(n.Items) > 0:
		c.Items = append([]*cfn.Node(nil), n.Items...)
		i := r.IntN(len(c.Items))
		c.Items[i] = mutate(r, c.Items[i])
	case n.Kind == cfn.Mapping && len(n.Fields) > 0:
		c.Fields = append([]cfn.Field(nil), n.Fields...)
		i := r.IntN(len(c.Fields))
		c.Fields[i].Value = mutate(r, c.Fields[i].Value)
		if r.IntN(4) == 0 && len(c.Fields) > 1 {
			c.Fields[0], c.Fields[len(c.Fields)-1] = c.Fields[len(c.Fields)-1], c.Fields[0]
		}
	case n.Kind == cfn.Scalar && r.IntN(2) == 0:
		c.Type = cfn.ScalarType(r.IntN(4))
	}
	return &c
}

// TestEqualConverted holds equalConverted (what model.SameProps asks of
// two Props built on demand) to model.Equal over the Values convert makes
// of the same trees, on random pairs that are mostly equal or nearly so.
func TestEqualConverted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var arena valueArena
	equal := 0
	for i := range 50000 {
		a := randNode(r, 4)
		b := mutate(r, a)
		if i%3 == 0 {
			b = randNode(r, 4)
		}
		want := model.Equal(arena.convert(a), arena.convert(b))
		if got := equalConverted(a, b); got != want {
			t.Fatalf("pair %d: equalConverted = %v, model.Equal of the converted values = %v\na = %s\nb = %s", i, got, want, arena.convert(a), arena.convert(b))
		}
		if got := equalConverted(b, a); got != model.Equal(arena.convert(b), arena.convert(a)) {
			t.Fatalf("pair %d (swapped): equalConverted = %v\na = %s\nb = %s", i, got, arena.convert(b), arena.convert(a))
		}
		if want {
			equal++
		}
	}
	// The pairs must exercise both answers.
	if equal < 5000 || equal > 45000 {
		t.Fatalf("%d of 50000 pairs equal: the generator no longer mixes equal and different pairs", equal)
	}
}

// TestLazyProps resolves a template with LazyProps and without: every
// node's Properties are the eager Props, SameProps agrees with Equal on
// every pair of nodes, and building them from many goroutines at once is
// safe (go test -race).
func TestLazyProps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.yaml")
	src := `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: a, Tags: [{Key: k, Value: 1}]}
  Res:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}
  Res2:
    Type: AWS::ApiGateway::Resource
    Properties: {ParentId: !GetAtt Api.RootResourceId, RestApiId: !Ref Api, PathPart: items}
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Res
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: MOCK, RequestTemplates: {application/json: '{"statusCode": 200}'}}
  Get2:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Res2
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: MOCK, RequestTemplates: {application/json: '{"statusCode": 200}'}}
  Topic:
    Type: AWS::SNS::Topic
  Dep:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [Get, Get2]
    Properties: {RestApiId: !Ref Api, StageName: "200"}
  Dep2:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [Get]
    Properties: {RestApiId: !Ref Api, StageName: 200}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	eager := Resolve(context.Background(), []string{path}, Options{StackName: "s"})
	lazy := Resolve(context.Background(), []string{path}, Options{StackName: "s", LazyProps: true})
	if eager.Template == nil || lazy.Template == nil || len(eager.Template.Nodes) != len(lazy.Template.Nodes) || len(eager.Template.Nodes) < 8 {
		t.Fatalf("resolves differ: %d vs %d nodes", len(eager.Template.Nodes), len(lazy.Template.Nodes))
	}
	for _, n := range lazy.Template.Nodes {
		if n.Props != nil {
			t.Errorf("%s: Props built eagerly under LazyProps", n.Address)
		}
	}
	equalPairs := 0
	for i, a := range lazy.Template.Nodes {
		for j, b := range lazy.Template.Nodes {
			want := model.Equal(eager.Template.Nodes[i].Props, eager.Template.Nodes[j].Props)
			if got := model.SameProps(a, b); got != want {
				t.Errorf("SameProps(%s, %s) = %v, Equal of the eager Props = %v", a.Address, b.Address, got, want)
			}
			if want && i != j {
				equalPairs++
			}
		}
	}
	if equalPairs == 0 {
		t.Error("no two different nodes have equal Props: the template no longer tests SameProps' true answer")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, n := range lazy.Template.Nodes {
				if got, want := n.Properties().String(), eager.Template.Nodes[i].Props.String(); got != want {
					t.Errorf("%s: Properties() = %s, eager Props = %s", n.Address, got, want)
				}
			}
		})
	}
	wg.Wait()
	for i, n := range lazy.Template.Nodes {
		if got, want := n.Properties(), eager.Template.Nodes[i].Props; (got == nil) != (want == nil) || got != nil && got.Range != want.Range {
			t.Errorf("%s: Properties() range %v, eager %v", n.Address, got, want)
		}
	}
}

// TestSameTextProps: the Props built on demand of two JSON templates are
// compared by their text when the JSON reader read both and nothing
// rewrote them, and that answer (true only) agrees with the walk; a
// template with Fn::ForEach is never compared by its text.
func TestSameTextProps(t *testing.T) {
	dir := t.TempDir()
	resolveGen := func(variant int) *model.Template {
		src, _ := gen.CFNJSON(300, variant)
		path := filepath.Join(dir, fmt.Sprintf("v%d.json", variant))
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		r := Resolve(context.Background(), []string{path}, Options{StackName: "s", AllowExtensions: true, LazyProps: true})
		if r.Template == nil || len(r.Template.Nodes) < 200 {
			t.Fatalf("variant %d does not resolve: %v", variant, r.Diags.Errors())
		}
		return r.Template
	}
	old, nw := resolveGen(0), resolveGen(1)
	byText, walked := 0, 0
	for _, a := range old.Nodes {
		pa, ok := a.PropsSource().(*cfnProps)
		if !ok || pa.arena.src == nil {
			t.Fatalf("%s: no text to compare by (source %T)", a.Address, a.PropsSource())
		}
		for _, b := range nw.Nodes {
			pb := b.PropsSource().(*cfnProps)
			walk := equalConverted(pa.n, pb.n)
			if cfn.SameText(pa.n, pa.arena.src, pb.n, pb.arena.src) {
				byText++
				if !walk {
					t.Fatalf("%s and %s: written the same, but the walk finds them different", a.Address, b.Address)
				}
			} else if walk {
				walked++
			}
			if eq, _ := pa.Equal(pb); eq != walk {
				t.Fatalf("%s and %s: Equal %v, the walk %v", a.Address, b.Address, eq, walk)
			}
		}
	}
	if byText < len(old.Nodes)/2 {
		t.Fatalf("only %d pairs of %d nodes compared by their text", byText, len(old.Nodes))
	}
	t.Logf("%d pairs equal by their text, %d more by the walk", byText, walked)

	path := filepath.Join(dir, "foreach.json")
	src := `{"Transform": "AWS::LanguageExtensions", "Resources": {"Fn::ForEach::Topics": ["Name", ["A", "B"], {"Topic${Name}": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "t-${Name}"}}}}]}}`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Resolve(context.Background(), []string{path}, Options{StackName: "s", LazyProps: true})
	if r.Template == nil || len(r.Template.Nodes) != 2 {
		t.Fatalf("the Fn::ForEach template resolves to %v: %v", r.Template, r.Diags)
	}
	for _, n := range r.Template.Nodes {
		if p := n.PropsSource().(*cfnProps); p.arena.src != nil {
			t.Errorf("%s: an Fn::ForEach copy is compared by the loop's text", n.Address)
		}
	}
}
