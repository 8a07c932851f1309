package cfnspec

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestEveryRecordDecodes decodes the whole table: names sorted and unique,
// every record well formed, every @Ref names a property type of the same
// record, and CreateOnly agrees with the decoded flags.
func TestEveryRecordDecodes(t *testing.T) {
	if !slices.IsSorted(specTypes[:]) {
		t.Fatal("specTypes is not sorted")
	}
	for i := 1; i < len(specTypes); i++ {
		if specTypes[i] == specTypes[i-1] {
			t.Fatalf("%s twice", specTypes[i])
		}
	}
	if len(specTypes) < 1500 {
		t.Fatalf("only %d resource types", len(specTypes))
	}
	for i := 0; i < NumTypes(); i++ {
		typ := TypeName(i)
		r, ok, err := Lookup(typ)
		if !ok || err != nil {
			t.Fatalf("Lookup(%s) = %v, %v", typ, ok, err)
		}
		var check func(where string, ty *Type)
		check = func(where string, ty *Type) {
			switch ty.Kind {
			case List, Map:
				if ty.Elem == nil {
					t.Errorf("%s: no element type", where)
					return
				}
				check(where+"[]", ty.Elem)
			case Ref:
				if r.Object(ty.Ref) == nil || ty.Ref == "" {
					t.Errorf("%s: @%s is not a property type of %s", where, ty.Ref, typ)
				}
			case Union:
				if len(ty.Alts) < 2 {
					t.Errorf("%s: union of %d", where, len(ty.Alts))
				}
				for _, a := range ty.Alts {
					check(where+"|", a)
				}
			}
		}
		var want []string
		for _, o := range r.Objects {
			for _, p := range o.Props {
				check(typ+"."+o.Name+"/"+p.Name, p.Type)
				if o.Name == "" && p.CreateOnly {
					want = append(want, p.Name)
				}
			}
		}
		got, ok := CreateOnly(typ)
		if !ok || !slices.Equal(got, want) {
			t.Errorf("CreateOnly(%s) = %v, want %v", typ, got, want)
		}
	}
	if _, ok, _ := Lookup("AWS::ApiGateway::RestAPI"); ok || Has("AWS::ApiGateway::RestAPI") {
		t.Error("type names are case-sensitive")
	}
}

// TestKnownFacts spot-checks the table against the CloudFormation
// reference, including properties and types AWS added after October 2024
// (when goformation, cfnrun's previous source, stopped).
func TestKnownFacts(t *testing.T) {
	prop := func(typ, obj, name string) *Property {
		t.Helper()
		r, ok, err := Lookup(typ)
		if !ok || err != nil {
			t.Fatalf("Lookup(%s): %v %v", typ, ok, err)
		}
		o := r.Object(obj)
		if o == nil {
			t.Fatalf("%s has no property type %q", typ, obj)
		}
		p := o.Prop(name)
		if p == nil {
			t.Fatalf("%s.%s has no property %s", typ, obj, name)
		}
		return p
	}
	if p := prop("AWS::ApiGateway::Stage", "", "RestApiId"); !p.Required || !p.CreateOnly || p.Type.Kind != String {
		t.Errorf("Stage.RestApiId = %+v", p)
	}
	if p := prop("AWS::ApiGateway::Method", "Integration", "IntegrationResponses"); p.Type.Kind != List || p.Type.Elem.Kind != Ref || p.Type.Elem.Ref != "IntegrationResponse" {
		t.Errorf("Method.Integration.IntegrationResponses = %+v", p.Type)
	}
	if p := prop("AWS::ApiGateway::Method", "Integration", "PassthroughBehavior"); !slices.Equal(p.Type.Allowed, []string{"WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"}) {
		t.Errorf("PassthroughBehavior allowed = %v", p.Type.Allowed)
	}
	if p := prop("AWS::ApiGatewayV2::Stage", "", "AutoDeploy"); p.Type.Kind != Boolean {
		t.Errorf("ApiGatewayV2::Stage.AutoDeploy = %+v", p.Type)
	}
	// Newer than goformation v7.14.9 (archived October 2024).
	for _, c := range [][3]string{
		{"AWS::ApiGatewayV2::Api", "", "IpAddressType"},
		{"AWS::ApiGatewayV2::DomainName", "", "RoutingMode"},
		{"AWS::Lambda::Function", "", "TenancyConfig"},
		{"AWS::Lambda::Function", "", "DurableConfig"},
		{"AWS::Lambda::Permission", "", "InvokedViaFunctionUrl"},
		{"AWS::DynamoDB::Table", "", "WarmThroughput"},
		{"AWS::S3::Bucket", "", "AbacStatus"},
	} {
		prop(c[0], c[1], c[2])
	}
	for _, typ := range []string{"AWS::ApiGateway::DomainNameV2", "AWS::ApiGatewayV2::RoutingRule", "AWS::Lambda::CapacityProvider"} {
		if !Has(typ) {
			t.Errorf("no %s", typ)
		}
	}
	got, _ := CreateOnly("AWS::ApiGateway::Resource")
	if diff := cmp.Diff([]string{"ParentId", "PathPart", "RestApiId"}, got); diff != "" {
		t.Errorf("CreateOnly(Resource) (-want +got):\n%s", diff)
	}
}

// TestGeneratedTableIsCurrent regenerates spec_gen.go from the pinned
// package and compares: the committed table must be exactly what
// gen/gen.mjs makes. It needs node and npm (npm pack fetches the pinned
// tarball once, then its cache serves it); without them it skips, and so
// it does when the registry cannot be reached outside CI.
func TestGeneratedTableIsCurrent(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: cannot run gen/gen.mjs")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed: cannot fetch the pinned spec package")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "gen/gen.mjs", "--stdout")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		var ee *exec.ExitError
		if errors.As(err, &ee) && os.Getenv("CI") == "" && (strings.Contains(msg, "npm") || strings.Contains(msg, "ENOTFOUND") || strings.Contains(msg, "EAI_AGAIN")) {
			t.Skipf("cannot fetch %s@%s (offline?): %s", Package, Version, msg)
		}
		t.Fatalf("gen/gen.mjs: %v\n%s", err, msg)
	}
	want, err := os.ReadFile("spec_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout.Bytes(), want) {
		gl, wl := strings.Split(stdout.String(), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("spec_gen.go is not what gen/gen.mjs makes from %s@%s (first difference at line %d:\n  committed: %q\n  generated: %q); run go generate ./internal/cfnspec",
					Package, Version, i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("spec_gen.go is not what gen/gen.mjs makes (%d lines committed, %d generated); run go generate ./internal/cfnspec", len(wl), len(gl))
	}
}

// BenchmarkLookup is the cost of decoding one resource type's record.
func BenchmarkLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := Lookup("AWS::ApiGateway::Method"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// TestDocsNameTheVersion keeps docs/rules-schema.md, which tells users where
// the schema comes from, in step with the pinned package.
func TestDocsNameTheVersion(t *testing.T) {
	doc, err := os.ReadFile("../../docs/rules-schema.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{Package + "` " + Version, "published " + Date} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/rules-schema.md does not say %q; update its \"Where the schema comes from\" section", want)
		}
	}
}
