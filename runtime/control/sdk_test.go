package control_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// TestAWSSDKForGo drives the control plane with the AWS SDK for Go v2 and
// a custom endpoint, as a Go program would.
func TestAWSSDKForGo(t *testing.T) {
	e := start(t, petstore())
	ctx := t.Context()
	c := apigateway.New(apigateway.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})

	apis, err := c.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(apis.Items) != 1 || aws.ToString(apis.Items[0].Id) != "abcdef1234" || aws.ToString(apis.Items[0].RootResourceId) != "rootid0000" {
		t.Fatalf("GetRestApis: %+v", apis.Items)
	}

	res, err := c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("abcdef1234"), Embed: []string{"methods"}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range res.Items {
		paths = append(paths, aws.ToString(r.Path))
	}
	if strings.Join(paths, " ") != "/ /pets /pets/{id}" || res.Items[2].ResourceMethods["GET"].MethodIntegration == nil {
		t.Errorf("GetResources: %v", paths)
	}

	pages := apigateway.NewGetResourcesPaginator(c, &apigateway.GetResourcesInput{RestApiId: aws.String("abcdef1234"), Limit: aws.Int32(2)})
	n, npages := 0, 0
	for pages.HasMorePages() {
		pg, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.Items)
		npages++
	}
	if n != 3 || npages != 2 {
		t.Errorf("resources: %d in %d pages, want 3 in 2", n, npages)
	}

	st, err := c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: aws.String("abcdef1234"), StageName: aws.String("prod"),
		PatchOperations: []types.PatchOperation{{Op: types.OpReplace, Path: aws.String("/http2Enabled"), Value: aws.String("false")}}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Tags["cfnrun:http2Enabled"] != "false" {
		t.Errorf("UpdateStage: tags %v", st.Tags)
	}

	_, err = c.GetStage(ctx, &apigateway.GetStageInput{RestApiId: aws.String("abcdef1234"), StageName: aws.String("nope")})
	var nf *types.NotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "Invalid stage identifier specified" {
		t.Errorf("GetStage nope: %v", err)
	}

	exp, err := c.GetExport(ctx, &apigateway.GetExportInput{RestApiId: aws.String("abcdef1234"), StageName: aws.String("prod"),
		ExportType: aws.String("swagger"), Parameters: map[string]string{"extensions": "integrations"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(exp.Body, &doc); err != nil || doc["swagger"] != "2.0" || aws.ToString(exp.ContentType) != "application/json" {
		t.Errorf("GetExport: %v %s", err, exp.Body)
	}

	inv, err := c.TestInvokeMethod(ctx, &apigateway.TestInvokeMethodInput{RestApiId: aws.String("abcdef1234"), ResourceId: aws.String("pets01"),
		HttpMethod: aws.String("GET")})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != 200 || !strings.Contains(aws.ToString(inv.Body), "green") {
		t.Errorf("TestInvokeMethod: %d %s", inv.Status, aws.ToString(inv.Body))
	}
}
