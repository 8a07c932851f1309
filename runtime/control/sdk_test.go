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

	"github.com/cfnrun/cfnrun/resolver"
	"github.com/cfnrun/cfnrun/runtime/control"
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

// TestAWSSDKForGoWrites: the writes a Go program makes (keys, plans,
// import, tags, authorizers, gateway responses) parse in the SDK's typed
// shapes.
func TestAWSSDKForGoWrites(t *testing.T) {
	e := startWith(t, keyless(), control.Options{ImportOpenAPI: resolver.OpenAPIImporter(resolver.Options{})})
	ctx := t.Context()
	c := apigateway.New(apigateway.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
	k, err := c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("sdk"), Enabled: true,
		StageKeys: []types.StageKey{{RestApiId: aws.String("abcdef1234"), StageName: aws.String("prod")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(aws.ToString(k.Value)) != 40 || k.CreatedDate == nil || !k.Enabled {
		t.Errorf("CreateApiKey: %+v", k)
	}
	p, err := c.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("sdk"),
		ApiStages: []types.ApiStage{{ApiId: aws.String("abcdef1234"), Stage: aws.String("prod"),
			Throttle: map[string]types.ThrottleSettings{"/pets/GET": {BurstLimit: 3, RateLimit: 1}}}},
		Throttle: &types.ThrottleSettings{BurstLimit: 10, RateLimit: 5},
		Quota:    &types.QuotaSettings{Limit: 100, Period: types.QuotaPeriodTypeWeek, Offset: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Quota == nil || p.Quota.Period != types.QuotaPeriodTypeWeek || p.ApiStages[0].Throttle["/pets/GET"].BurstLimit != 3 {
		t.Errorf("CreateUsagePlan: %+v", p)
	}
	pk, err := c.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: p.Id, KeyId: k.Id, KeyType: aws.String("API_KEY")})
	if err != nil || aws.ToString(pk.Value) != aws.ToString(k.Value) {
		t.Fatalf("CreateUsagePlanKey: %v %+v", err, pk)
	}
	if s := e.pets(t, aws.ToString(k.Value), 1); s != "200" {
		t.Errorf("GET /prod/pets with the SDK's key: %s", s)
	}
	ids, err := c.ImportApiKeys(ctx, &apigateway.ImportApiKeysInput{Format: types.ApiKeysFormatCsv,
		Body: []byte("name,key,enabled\nsdk-imported,sdk-imported-value-0123456789,true\n")})
	if err != nil || len(ids.Ids) != 1 {
		t.Fatalf("ImportApiKeys: %v %+v", err, ids)
	}
	api, err := c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(importDoc)})
	if err != nil || aws.ToString(api.Name) != "imported-pets" {
		t.Fatalf("ImportRestApi: %v %+v", err, api)
	}
	if _, err := c.PutRestApi(ctx, &apigateway.PutRestApiInput{RestApiId: api.Id, Mode: types.PutModeOverwrite, Body: []byte(mergeDoc)}); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:apigateway:us-east-1::/restapis/" + aws.ToString(api.Id)
	if _, err := c.TagResource(ctx, &apigateway.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &apigateway.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	if tg, err := c.GetTags(ctx, &apigateway.GetTagsInput{ResourceArn: aws.String(arn)}); err != nil || tg.Tags["a"] != "1" || tg.Tags["b"] != "" {
		t.Errorf("GetTags: %v %v", err, tg)
	}
	au, err := c.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: api.Id, Name: aws.String("tok"), Type: types.AuthorizerTypeToken,
		AuthorizerUri:  aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"),
		IdentitySource: aws.String("method.request.header.Authorization"), AuthorizerResultTtlInSeconds: aws.Int32(0)})
	if err != nil || au.Type != types.AuthorizerTypeToken || aws.ToInt32(au.AuthorizerResultTtlInSeconds) != 0 {
		t.Fatalf("CreateAuthorizer: %v %+v", err, au)
	}
	gr, err := c.PutGatewayResponse(ctx, &apigateway.PutGatewayResponseInput{RestApiId: api.Id, ResponseType: types.GatewayResponseTypeDefault4xx,
		StatusCode: aws.String("418")})
	if err != nil || aws.ToString(gr.StatusCode) != "418" {
		t.Fatalf("PutGatewayResponse: %v %+v", err, gr)
	}
	if _, err := c.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: api.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUsagePlan(ctx, &apigateway.DeleteUsagePlanInput{UsagePlanId: p.Id})
	var bad *types.BadRequestException
	if !errors.As(err, &bad) || !strings.HasPrefix(bad.ErrorMessage(), "Cannot delete Usage Plan") {
		t.Errorf("DeleteUsagePlan with stages: %v", err)
	}
}
