package resolver

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLogGroupAndStateMachineARNs: a log group's Arn ends in ":*" and a
// state machine's (its Ref too) is stateMachine:NAME, as CloudFormation
// writes them: the usual DestinationArn of a stage's access log and
// target of a Step Functions integration.
func TestLogGroupAndStateMachineARNs(t *testing.T) {
	src := `Resources:
  G:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: /aws/apigateway/orders}
  M:
    Type: AWS::StepFunctions::StateMachine
    Properties: {StateMachineName: flow, RoleArn: arn:aws:iam::123456789012:role/r, DefinitionString: "{}"}
Outputs:
  G: {Value: !GetAtt G.Arn}
  M: {Value: !Ref M}
  MA: {Value: !GetAtt M.Arn}
`
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := resolveNoPanic(t, path, Options{})
	want := map[string]string{
		"G":  "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/orders:*",
		"M":  "arn:aws:states:us-east-1:123456789012:stateMachine:flow",
		"MA": "arn:aws:states:us-east-1:123456789012:stateMachine:flow",
	}
	for _, o := range r.Template.Outputs {
		if w, ok := want[o.Name]; ok {
			if o.Value != w {
				t.Errorf("output %s = %q, want %q", o.Name, o.Value, w)
			}
			delete(want, o.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("outputs missing: %v", want)
	}
}
