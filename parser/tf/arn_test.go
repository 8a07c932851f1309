package tf

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// TestComputedARNs: a resource's arn, known before apply, is written as
// AWS writes that type's ARNs (service, resource type and separators
// differ by service).
func TestComputedARNs(t *testing.T) {
	src := `
resource "aws_cloudwatch_log_group" "g" { name = "/aws/apigateway/orders" }
resource "aws_kinesis_firehose_delivery_stream" "f" {
  name        = "logs"
  destination = "extended_s3"
}
resource "aws_sfn_state_machine" "m" {
  name       = "flow"
  role_arn   = "arn:aws:iam::123456789012:role/r"
  definition = "{}"
}
resource "aws_sqs_queue" "q" { name = "jobs" }
resource "aws_dynamodb_table" "d" {
  name     = "pets"
  hash_key = "id"
}
output "log_group" { value = aws_cloudwatch_log_group.g.arn }
output "firehose" { value = aws_kinesis_firehose_delivery_stream.f.arn }
output "state_machine" { value = aws_sfn_state_machine.m.arn }
output "queue" { value = aws_sqs_queue.q.arn }
output "table" { value = aws_dynamodb_table.d.arn }
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl, ds := Load(context.Background(), []string{dir}, Options{Region: "us-east-1", AccountID: "123456789012"}, diag.NewFiles())
	if tpl == nil {
		t.Fatalf("not loaded: %v", ds)
	}
	want := map[string]string{
		"log_group":     "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/orders",
		"firehose":      "arn:aws:firehose:us-east-1:123456789012:deliverystream/logs",
		"state_machine": "arn:aws:states:us-east-1:123456789012:stateMachine:flow",
		"queue":         "arn:aws:sqs:us-east-1:123456789012:jobs",
		"table":         "arn:aws:dynamodb:us-east-1:123456789012:table/pets",
	}
	got := map[string]string{}
	for _, o := range tpl.Outputs {
		got[o.Name] = o.Value
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("output %s = %q, want %q", k, got[k], w)
		}
	}
}
