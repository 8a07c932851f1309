package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// cacheSizeTemplate is aws/aws-cdk
// packages/@aws-cdk-testing/framework-integ/test/aws-apigateway/test/integ.restapi.js.snapshot/test-apigateway-restapi.template.json,
// trimmed to its beta stage (CacheClusterEnabled with CacheClusterSize 0.5)
// and one MOCK method.
const cacheSizeTemplate = `{
 "Resources": {
  "myapi4C7BF186": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Description": "api description", "Name": "my-api"}},
  "myapiv1toysPOST55128058": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "POST", "ResourceId": {"Fn::GetAtt": ["myapi4C7BF186", "RootResourceId"]},
    "RestApiId": {"Ref": "myapi4C7BF186"}, "AuthorizationType": "NONE", "Integration": {"Type": "MOCK"}}},
  "myapiDeployment92F2CB4993c0f175ba8d5964f5e1cc7bc64fe6e6": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "myapi4C7BF186"}, "Description": "beta stage"},
    "DependsOn": ["myapiv1toysPOST55128058"]},
  "myapiDeploymentStagebeta96434BEB": {"Type": "AWS::ApiGateway::Stage", "Properties": {"RestApiId": {"Ref": "myapi4C7BF186"}, "CacheClusterEnabled": true, "CacheClusterSize": "0.5",
    "DeploymentId": {"Ref": "myapiDeployment92F2CB4993c0f175ba8d5964f5e1cc7bc64fe6e6"}, "Description": "beta stage", "StageName": "beta"}}
 }
}`

// TestControlStageCacheClusterSize: get-stage answers the stage's
// CacheClusterSize (it answered none), and update-stage
// /cacheClusterSize records the new size.
func TestControlStageCacheClusterSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.json")
	if err := os.WriteFile(path, []byte(cacheSizeTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	up := startUp(t, "--no-watch", path)
	// The control plane answers requests signed as the AWS CLI signs them.
	sig := []string{"Authorization", "AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/apigateway/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
	var apis struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"item"`
	}
	if err := json.Unmarshal([]byte(call(t, "GET", "http://"+up.http+"/restapis", "", sig...).body), &apis); err != nil || len(apis.Items) != 1 {
		t.Fatalf("get-rest-apis: %v %+v", err, apis)
	}
	stageURL := "http://" + up.http + "/restapis/" + apis.Items[0].ID + "/stages/beta"
	var st struct {
		CacheClusterEnabled bool   `json:"cacheClusterEnabled"`
		CacheClusterSize    string `json:"cacheClusterSize"`
	}
	a := call(t, "GET", stageURL, "", sig...)
	if err := json.Unmarshal([]byte(a.body), &st); err != nil || !st.CacheClusterEnabled || st.CacheClusterSize != "0.5" {
		t.Errorf("get-stage: %d %s", a.status, a.body)
	}
	a = call(t, "PATCH", stageURL, `{"patchOperations":[{"op":"replace","path":"/cacheClusterSize","value":"1.6"}]}`, sig...)
	st.CacheClusterSize = ""
	if err := json.Unmarshal([]byte(a.body), &st); err != nil || a.status != 200 || st.CacheClusterSize != "1.6" {
		t.Errorf("update-stage /cacheClusterSize: %d %s", a.status, a.body)
	}
}
