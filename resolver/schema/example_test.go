package schema_test

import (
	"fmt"

	"github.com/cfnrun/cfnrun/parser/cfn"
	"github.com/cfnrun/cfnrun/resolver/schema"
)

// The resolver checks every entry of the Resources section with one
// Checker; each finding carries the tightest range the template has.
func ExampleChecker_CheckEntry() {
	src := []byte(`Resources:
  MyStage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref MyApi
      AutoDeploy: true
`)
	root, _ := cfn.Parse("template.yaml", src)
	c := schema.New()
	for _, f := range root.Get("Resources").Fields {
		for _, d := range c.CheckEntry(f.Key, f.KeyRange(), f.Value) {
			fmt.Printf("%s: %s[%s]: %s\n  %s\n", d.Range, d.Severity, d.Rule, d.Summary, d.Detail)
		}
	}
	// Output:
	// template.yaml:6:7: error[E3002]: AutoDeploy is not a property of AWS::ApiGateway::Stage
	//   AutoDeploy is a property of AWS::ApiGatewayV2::Stage, not AWS::ApiGateway::Stage. Remove it, or change the resource type if you meant AWS::ApiGatewayV2::Stage.
}

func ExampleChecker_KnownType() {
	c := schema.New()
	fmt.Println(c.KnownType("AWS::ApiGateway::RestApi"), c.KnownType("Custom::Seeder"), c.KnownType("AWS::ApiGateway::RestAPI"))
	// Output: true true false
}
