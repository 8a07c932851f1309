package control_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// withDomains is the petstore and the HTTP API with two domains: a
// regional one mapping the REST API at its root and at v1, and a v2 one
// mapping the HTTP API at shop/v2.
func withDomains() *model.Template {
	t := withHTTPAPI()
	t.DomainNames = []*model.DomainName{
		{LogicalID: "Api", Name: "api.example.com", EndpointType: "REGIONAL", Certificate: "arn:aws:acm:us-east-1:123456789012:certificate/r", Mappings: []*model.BasePathMapping{
			{LogicalID: "Root", APIID: "abcdef1234", Stage: "prod"},
			{LogicalID: "V1", BasePath: "v1", APIID: "abcdef1234", Stage: "prod"},
		}},
		{LogicalID: "Shop", Name: "shop.example.com", V2: true, EndpointType: "REGIONAL", Certificate: "arn:aws:acm:us-east-1:123456789012:certificate/s", Mappings: []*model.BasePathMapping{
			{LogicalID: "ShopMap", BasePath: "shop/v2", APIID: "httpapi01", Stage: model.StageDefault},
		}},
	}
	t.Finalize()
	return t
}

// TestDomainNamesAWSCLI reads the domains with the AWS CLI (skipped when
// it is not installed), v1 and v2, as a LocalStack user's script would;
// an unknown domain is NotFoundException.
func TestDomainNamesAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws is not on PATH")
	}
	e := start(t, withDomains())
	run := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(aws, append([]string{"--endpoint-url", e.base, "--region", "us-east-1", "--output", "json"}, args...)...)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_PROFILE=") && !strings.HasPrefix(kv, "AWS_DEFAULT_PROFILE=") {
				cmd.Env = append(cmd.Env, kv) // a profile set around the test names none of /dev/null's
			}
		}
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	var names struct {
		Items []struct {
			DomainName, RegionalDomainName, RegionalCertificateArn, DomainNameStatus string
			EndpointConfiguration                                                    struct{ Types []string }
		}
	}
	if err := json.Unmarshal([]byte(must("apigateway", "get-domain-names")), &names); err != nil || len(names.Items) != 2 ||
		names.Items[0].DomainName != "api.example.com" || !strings.HasSuffix(names.Items[0].RegionalDomainName, ".execute-api.us-east-1.amazonaws.com") ||
		names.Items[0].RegionalCertificateArn == "" || names.Items[0].EndpointConfiguration.Types[0] != "REGIONAL" || names.Items[0].DomainNameStatus != "AVAILABLE" {
		t.Fatalf("get-domain-names: %v %+v", err, names)
	}
	var maps struct {
		Items []struct{ BasePath, RestApiId, Stage string }
	}
	if err := json.Unmarshal([]byte(must("apigateway", "get-base-path-mappings", "--domain-name", "API.example.com")), &maps); err != nil || len(maps.Items) != 2 ||
		maps.Items[0].BasePath != "v1" || maps.Items[1].BasePath != "(none)" || maps.Items[1].RestApiId != "abcdef1234" || maps.Items[1].Stage != "prod" {
		t.Errorf("get-base-path-mappings: %v %+v", err, maps)
	}
	if out := must("apigateway", "get-base-path-mapping", "--domain-name", "api.example.com", "--base-path", "(none)"); !strings.Contains(out, `"stage": "prod"`) {
		t.Errorf("get-base-path-mapping (none): %s", out)
	}
	var v2 struct {
		Items []struct {
			DomainName               string
			DomainNameConfigurations []struct{ EndpointType, CertificateArn, ApiGatewayDomainName string }
		}
	}
	if err := json.Unmarshal([]byte(must("apigatewayv2", "get-domain-names")), &v2); err != nil || len(v2.Items) != 2 || v2.Items[1].DomainName != "shop.example.com" ||
		v2.Items[1].DomainNameConfigurations[0].CertificateArn != "arn:aws:acm:us-east-1:123456789012:certificate/s" {
		t.Errorf("apigatewayv2 get-domain-names: %v %+v", err, v2)
	}
	var am struct {
		Items []struct{ ApiId, ApiMappingId, ApiMappingKey, Stage string }
	}
	if err := json.Unmarshal([]byte(must("apigatewayv2", "get-api-mappings", "--domain-name", "shop.example.com")), &am); err != nil || len(am.Items) != 1 ||
		am.Items[0].ApiId != "httpapi01" || am.Items[0].ApiMappingKey != "shop/v2" || am.Items[0].Stage != "$default" || am.Items[0].ApiMappingId == "" {
		t.Fatalf("get-api-mappings: %v %+v", err, am)
	}
	if out := must("apigatewayv2", "get-api-mapping", "--domain-name", "shop.example.com", "--api-mapping-id", am.Items[0].ApiMappingId); !strings.Contains(out, `"ApiMappingKey": "shop/v2"`) {
		t.Errorf("get-api-mapping: %s", out)
	}
	if out, err := run("apigateway", "get-domain-name", "--domain-name", "nope.example.com"); err == nil || !strings.Contains(out, "NotFoundException") {
		t.Errorf("get-domain-name of an unknown domain: %v %s", err, out)
	}
}
