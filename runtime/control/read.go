package control

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Read operations: everything is answered from the served model.

func getRestAPIs(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	all := make([]*restAPI, 0, len(t.APIs))
	for _, a := range t.APIs {
		if !a.IsHTTP() { // HTTP APIs are apigatewayv2's (v2.go)
			all = append(all, rq.p.restAPIOf(t, a))
		}
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf[*restAPI]{Position: next, Items: items}, nil
}

func getRestAPI(rq *request) (int, any, error) {
	t, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.restAPIOf(t, a), nil
}

// embedsMethods reports whether the request asks for embed=methods.
func (rq *request) embedsMethods() bool {
	for _, e := range rq.q["embed"] {
		for _, s := range strings.Split(e, ",") {
			if strings.TrimSpace(s) == "methods" {
				return true
			}
		}
	}
	return false
}

func getResources(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	embed := rq.embedsMethods()
	all := make([]*resource, 0, len(a.Resources))
	for _, r := range a.Resources {
		all = append(all, resourceOf(r, embed))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf[*resource]{Position: next, Items: items}, nil
}

// resource finds the resource named by segment 3.
func (rq *request) resource() (*model.Template, *model.RestAPI, *model.Resource, error) {
	t, a, err := rq.api()
	if err != nil {
		return nil, nil, nil, err
	}
	id := rq.segs[3]
	for _, r := range a.Resources {
		if r.ID == id {
			return t, a, r, nil
		}
	}
	return nil, nil, nil, notFound("Invalid Resource identifier specified")
}

func getResource(rq *request) (int, any, error) {
	_, _, r, err := rq.resource()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, resourceOf(r, rq.embedsMethods()), nil
}

// method finds the method named by segment 5.
func (rq *request) method() (*model.RestAPI, *model.Resource, *model.Method, error) {
	_, a, r, err := rq.resource()
	if err != nil {
		return nil, nil, nil, err
	}
	verb := strings.ToUpper(rq.segs[5])
	for _, m := range r.Methods {
		if m.HTTPMethod == verb {
			return a, r, m, nil
		}
	}
	return nil, nil, nil, notFound("Invalid Method identifier specified")
}

func getMethod(rq *request) (int, any, error) {
	_, r, m, err := rq.method()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, methodOf(r, m), nil
}

func getMethodResponse(rq *request) (int, any, error) {
	_, _, m, err := rq.method()
	if err != nil {
		return 0, nil, err
	}
	for _, mr := range m.MethodResponses {
		if mr.StatusCode == rq.segs[7] {
			return http.StatusOK, methodResponseOf(mr), nil
		}
	}
	return 0, nil, notFound("Invalid Response status code specified")
}

func getIntegration(rq *request) (int, any, error) {
	_, r, m, err := rq.method()
	if err != nil {
		return 0, nil, err
	}
	if m.Integration == nil {
		return 0, nil, notFound("No integration defined for method")
	}
	return http.StatusOK, integrationOf(r, m.Integration), nil
}

func getIntegrationResponse(rq *request) (int, any, error) {
	_, _, m, err := rq.method()
	if err != nil {
		return 0, nil, err
	}
	if m.Integration == nil {
		return 0, nil, notFound("No integration defined for method")
	}
	for _, ir := range m.Integration.Responses {
		if ir.StatusCode == rq.segs[8] {
			return http.StatusOK, integrationResponseOf(ir), nil
		}
	}
	return 0, nil, notFound("Invalid Response status code specified")
}

// servedStages are the API's stages, one per name, as the gateway serves
// them (an explicit Stage wins over a Deployment's StageName).
func servedStages(a *model.RestAPI) []*model.Stage {
	return model.EffectiveStages(a)
}

func getStages(rq *request) (int, any, error) {
	t, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	out := stages{Item: []*stage{}}
	dep := rq.q.Get("deploymentId")
	for _, st := range servedStages(a) {
		if dep != "" && st.DeploymentID != dep {
			continue
		}
		out.Item = append(out.Item, rq.p.stageOf(t, a, st))
	}
	return http.StatusOK, out, nil
}

// stage finds the stage named by segment 3.
func (rq *request) stage() (*model.Template, *model.RestAPI, *model.Stage, error) {
	t, a, err := rq.api()
	if err != nil {
		return nil, nil, nil, err
	}
	for _, st := range servedStages(a) {
		if st.Name == rq.segs[3] {
			return t, a, st, nil
		}
	}
	return nil, nil, nil, notFound("Invalid stage identifier specified")
}

func getStage(rq *request) (int, any, error) {
	t, a, st, err := rq.stage()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.stageOf(t, a, st), nil
}

func (p *Plane) deploymentOf(a *model.RestAPI, d *model.Deployment, summary bool) *deployment {
	out := &deployment{ID: d.ID, Description: d.Description, CreatedDate: epochOf(p.created0(a.ID + "/deployment/" + d.ID))}
	if summary {
		out.APISummary = map[string]map[string]*methodSnapshot{}
		tree := d.Resources // what the deployment captured
		if tree == nil {
			tree = a.Resources
		}
		for _, r := range tree {
			if len(r.Methods) == 0 {
				continue
			}
			ms := map[string]*methodSnapshot{}
			for _, m := range r.Methods {
				at := m.AuthorizationType
				if at == "" {
					at = "NONE"
				}
				ms[m.HTTPMethod] = &methodSnapshot{AuthorizationType: at, APIKeyRequired: m.APIKeyRequired}
			}
			out.APISummary[r.Path] = ms
		}
	}
	return out
}

func getDeployments(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	all := make([]*deployment, 0, len(a.Deployments))
	for _, d := range a.Deployments {
		all = append(all, rq.p.deploymentOf(a, d, false))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf[*deployment]{Position: next, Items: items}, nil
}

func getDeployment(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	summary := slices.Contains(strings.Split(strings.Join(rq.q["embed"], ","), ","), "apisummary")
	for _, d := range a.Deployments {
		if d.ID == rq.segs[3] {
			return http.StatusOK, rq.p.deploymentOf(a, d, summary), nil
		}
	}
	return 0, nil, notFound("Invalid Deployment identifier specified")
}

func authorizerOf(au *model.Authorizer) *authorizer {
	return &authorizer{ID: au.ID, Name: au.Name, Type: au.Type, ProviderARNs: au.ProviderARNs,
		AuthorizerURI: au.AuthorizerURI, AuthorizerCredentials: au.Credentials, IdentitySource: au.IdentitySource,
		IdentityValidationExpression: au.IdentityValidationExpression, AuthorizerResultTTLInSeconds: au.ResultTTLSeconds}
}

func getAuthorizers(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	all := make([]*authorizer, 0, len(a.Authorizers))
	for _, au := range a.Authorizers {
		all = append(all, authorizerOf(au))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf[*authorizer]{Position: next, Items: items}, nil
}

func getAuthorizer(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	for _, au := range a.Authorizers {
		if au.ID == rq.segs[3] {
			return http.StatusOK, authorizerOf(au), nil
		}
	}
	return 0, nil, notFound("Invalid Authorizer identifier specified")
}

// Every REST API has the models Empty and Error, which API Gateway
// creates with it.
var builtinModels = []model.APIModel{
	{Name: "Empty", ContentType: "application/json", Schema: "{\n  \"$schema\": \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Empty Schema\",\n  \"type\" : \"object\"\n}"},
	{Name: "Error", ContentType: "application/json", Schema: "{\n  \"$schema\" : \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Error Schema\",\n  \"type\" : \"object\",\n  \"properties\" : {\n    \"message\" : { \"type\" : \"string\" }\n  }\n}"},
}

// modelsOf lists the API's models by name, the built-in ones included.
func modelsOf(a *model.RestAPI) []*apiModel {
	var out []*apiModel
	have := map[string]bool{}
	for _, m := range a.Models {
		have[m.Name] = true
		out = append(out, &apiModel{ID: model.StableID(6, a.ID, "model", m.Name), Name: m.Name, Description: m.Description, Schema: m.Schema, ContentType: m.ContentType})
	}
	for _, m := range builtinModels {
		if !have[m.Name] {
			out = append(out, &apiModel{ID: model.StableID(6, a.ID, "model", m.Name), Name: m.Name, Description: "This is a default " + strings.ToLower(m.Name) + " schema model", Schema: m.Schema, ContentType: m.ContentType})
		}
	}
	slices.SortFunc(out, func(x, y *apiModel) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func getModels(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	items, next, err := page(rq, modelsOf(a))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf[*apiModel]{Position: next, Items: items}, nil
}

func getModel(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	for _, m := range modelsOf(a) {
		if m.Name == rq.segs[3] {
			return http.StatusOK, m, nil
		}
	}
	return 0, nil, notFound("Invalid model name specified: %s", rq.segs[3])
}

func validatorOf(v *model.RequestValidator) *requestValidator {
	return &requestValidator{ID: v.ID, Name: v.Name, ValidateRequestBody: v.ValidateRequestBody, ValidateRequestParameters: v.ValidateRequestParameters}
}

func getRequestValidators(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	all := make([]*requestValidator, 0, len(a.Validators))
	for _, v := range a.Validators {
		all = append(all, validatorOf(v))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf[*requestValidator]{Position: next, Items: items}, nil
}

func getRequestValidator(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	for _, v := range a.Validators {
		if v.ID == rq.segs[3] {
			return http.StatusOK, validatorOf(v), nil
		}
	}
	return 0, nil, notFound("Invalid Request Validator identifier specified")
}

// defaultGatewayResponses are API Gateway's gateway response types with
// their default status codes ("Gateway response types for API Gateway").
var defaultGatewayResponses = []struct{ typ, status string }{
	{"ACCESS_DENIED", "403"}, {"API_CONFIGURATION_ERROR", "500"}, {"AUTHORIZER_CONFIGURATION_ERROR", "500"},
	{"AUTHORIZER_FAILURE", "500"}, {"BAD_REQUEST_BODY", "400"}, {"BAD_REQUEST_PARAMETERS", "400"},
	{"DEFAULT_4XX", ""}, {"DEFAULT_5XX", ""}, {"EXPIRED_TOKEN", "403"}, {"INTEGRATION_FAILURE", "504"},
	{"INTEGRATION_TIMEOUT", "504"}, {"INVALID_API_KEY", "403"}, {"INVALID_SIGNATURE", "403"},
	{"MISSING_AUTHENTICATION_TOKEN", "403"}, {"QUOTA_EXCEEDED", "429"}, {"REQUEST_TOO_LARGE", "413"},
	{"RESOURCE_NOT_FOUND", "404"}, {"THROTTLED", "429"}, {"UNAUTHORIZED", "401"},
	{"UNSUPPORTED_MEDIA_TYPE", "415"}, {"WAF_FILTERED", "403"},
}

// gatewayResponsesOf lists every response type: the API's own, and AWS's
// default for the others (defaultResponse true).
func gatewayResponsesOf(a *model.RestAPI) []*gatewayResponse {
	var out []*gatewayResponse
	for _, d := range defaultGatewayResponses {
		gr := &gatewayResponse{ResponseType: d.typ, StatusCode: d.status, ResponseParameters: map[string]string{},
			ResponseTemplates: map[string]string{"application/json": `{"message":$context.error.messageString}`}, DefaultResponse: true}
		for _, c := range a.GatewayResponses {
			if c.ResponseType == d.typ {
				gr.DefaultResponse = false
				if c.StatusCode != "" {
					gr.StatusCode = c.StatusCode
				}
				gr.ResponseParameters = nonNil(c.ResponseParameters)
				gr.ResponseTemplates = nonNil(c.ResponseTemplates)
			}
		}
		out = append(out, gr)
	}
	return out
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func getGatewayResponses(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	items, next, err := page(rq, gatewayResponsesOf(a))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf[*gatewayResponse]{Position: next, Items: items}, nil
}

func getGatewayResponse(rq *request) (int, any, error) {
	_, a, err := rq.api()
	if err != nil {
		return 0, nil, err
	}
	for _, gr := range gatewayResponsesOf(a) {
		if gr.ResponseType == rq.segs[3] {
			return http.StatusOK, gr, nil
		}
	}
	return 0, nil, badRequest("Invalid response type specified: %s", rq.segs[3])
}

func (p *Plane) apiKeyOf(t *model.Template, k *model.APIKey, value bool) *apiKey {
	created := epochOf(p.created0(apiKeyDrift(k.ID)))
	out := &apiKey{ID: k.ID, Name: k.Name, CustomerID: k.CustomerID, Description: k.Description, Enabled: k.Enabled,
		CreatedDate: created, LastUpdatedDate: created, StageKeys: []string{}, Tags: tagsOf(k.Tags)}
	if d := p.driftOf(t, apiKeyDrift(k.ID)); d != "" {
		out.Tags = withTag(out.Tags, tagDrift, d)
		out.LastUpdatedDate = epochOf(p.opts.Now())
	}
	if value {
		out.Value = k.Value
	}
	for _, sk := range k.StageKeys {
		out.StageKeys = append(out.StageKeys, sk.APIID+"/"+sk.Stage)
	}
	return out
}

func getAPIKeys(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	values := rq.q.Get("includeValues") == "true"
	name, customer := rq.q.Get("name"), rq.q.Get("customerId")
	var all []*apiKey
	for _, k := range t.APIKeys {
		if name != "" && !strings.HasPrefix(k.Name, name) || customer != "" && k.CustomerID != customer {
			continue
		}
		all = append(all, rq.p.apiKeyOf(t, k, values))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	if items == nil {
		items = []*apiKey{}
	}
	return http.StatusOK, listOf[*apiKey]{Position: next, Items: items}, nil
}

func getAPIKey(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	k := t.APIKey(rq.segs[1])
	if k == nil {
		return 0, nil, notFound("Invalid API Key identifier specified")
	}
	return http.StatusOK, rq.p.apiKeyOf(t, k, rq.q.Get("includeValue") == "true"), nil
}

func throttleOf(th model.Throttle) *throttle {
	out := &throttle{}
	if th.BurstLimit >= 0 {
		b := th.BurstLimit
		out.BurstLimit = &b
	}
	if th.RateLimit >= 0 {
		r := th.RateLimit
		out.RateLimit = &r
	}
	return out
}

func (p *Plane) usagePlanOf(t *model.Template, up *model.UsagePlan) *usagePlan {
	out := &usagePlan{ID: up.ID, Name: up.Name, Description: up.Description, APIStages: []apiStage{}, Tags: tagsOf(up.Tags)}
	if d := p.driftOf(t, usagePlanDrift(up.ID)); d != "" {
		out.Tags = withTag(out.Tags, tagDrift, d)
	}
	for _, s := range up.Stages {
		as := apiStage{APIID: s.APIID, Stage: s.Stage}
		if len(s.Methods) > 0 {
			as.Throttle = map[string]*throttle{}
			for _, m := range s.Methods {
				as.Throttle[m.Path] = throttleOf(m.Throttle)
			}
		}
		out.APIStages = append(out.APIStages, as)
	}
	if up.Throttle != nil {
		out.Throttle = throttleOf(*up.Throttle)
	}
	if up.Quota != nil {
		out.Quota = &quota{Limit: up.Quota.Limit, Offset: up.Quota.Offset, Period: up.Quota.Period}
	}
	return out
}

func getUsagePlans(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	keyID := rq.q.Get("keyId")
	var all []*usagePlan
	for _, up := range t.UsagePlans {
		if keyID != "" && !slices.ContainsFunc(up.Keys, func(k model.UsagePlanKey) bool { return k.KeyID == keyID }) {
			continue
		}
		all = append(all, rq.p.usagePlanOf(t, up))
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	if items == nil {
		items = []*usagePlan{}
	}
	return http.StatusOK, listOf[*usagePlan]{Position: next, Items: items}, nil
}

// usagePlan finds the plan named by segment 1.
func (rq *request) usagePlan() (*model.Template, *model.UsagePlan, error) {
	t, err := rq.template()
	if err != nil {
		return nil, nil, err
	}
	for _, up := range t.UsagePlans {
		if up.ID == rq.segs[1] {
			return t, up, nil
		}
	}
	return nil, nil, notFound("Invalid Usage Plan ID specified")
}

func getUsagePlan(rq *request) (int, any, error) {
	t, up, err := rq.usagePlan()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.usagePlanOf(t, up), nil
}

func usagePlanKeysOf(t *model.Template, up *model.UsagePlan) []*usagePlanKey {
	var out []*usagePlanKey
	for _, k := range up.Keys {
		pk := &usagePlanKey{ID: k.KeyID, Type: "API_KEY"}
		if ak := t.APIKey(k.KeyID); ak != nil {
			pk.Name, pk.Value = ak.Name, ak.Value
		}
		out = append(out, pk)
	}
	return out
}

func getUsagePlanKeys(rq *request) (int, any, error) {
	t, up, err := rq.usagePlan()
	if err != nil {
		return 0, nil, err
	}
	name := rq.q.Get("name")
	var all []*usagePlanKey
	for _, k := range usagePlanKeysOf(t, up) {
		if name == "" || strings.HasPrefix(k.Name, name) {
			all = append(all, k)
		}
	}
	items, next, err := page(rq, all)
	if err != nil {
		return 0, nil, err
	}
	if items == nil {
		items = []*usagePlanKey{}
	}
	return http.StatusOK, listOf[*usagePlanKey]{Position: next, Items: items}, nil
}

func getUsagePlanKey(rq *request) (int, any, error) {
	t, up, err := rq.usagePlan()
	if err != nil {
		return 0, nil, err
	}
	for _, k := range usagePlanKeysOf(t, up) {
		if k.ID == rq.segs[3] {
			return http.StatusOK, k, nil
		}
	}
	return 0, nil, notFound("Invalid Usage Plan Key identifier specified")
}

// getTags answers for the ARNs of REST APIs and their stages
// (arn:aws:apigateway:REGION::/restapis/ID[/stages/NAME]), API keys and
// usage plans.
func getTags(rq *request) (int, any, error) {
	t, err := rq.template()
	if err != nil {
		return 0, nil, err
	}
	arn := rq.segs[1]
	_, path, ok := strings.Cut(arn, "::/")
	if !ok || !strings.HasPrefix(arn, "arn:aws:apigateway:") {
		return 0, nil, badRequest("Invalid ARN specified in the request")
	}
	parts := strings.Split(path, "/")
	var tg model.Tags
	found := false
	switch {
	case len(parts) == 2 && parts[0] == "restapis":
		if a := t.API(parts[1]); a != nil {
			tg, found = a.Tags, true
		}
	case len(parts) == 4 && parts[0] == "restapis" && parts[2] == "stages":
		if a := t.API(parts[1]); a != nil {
			for _, st := range servedStages(a) {
				if st.Name == parts[3] {
					tg, found = st.Tags, true
				}
			}
		}
	case len(parts) == 2 && parts[0] == "apikeys":
		if k := t.APIKey(parts[1]); k != nil {
			tg, found = k.Tags, true
		}
	case len(parts) == 2 && parts[0] == "usageplans":
		for _, up := range t.UsagePlans {
			if up.ID == parts[1] {
				tg, found = up.Tags, true
			}
		}
	}
	if !found {
		return 0, nil, notFound("Invalid resource identifier specified: %s", arn)
	}
	if tg == nil {
		tg = model.Tags{}
	}
	return http.StatusOK, tags{Tags: tg}, nil
}

// withTag is tags with k=v added (tags is the answer's own copy).
func withTag(tags map[string]string, k, v string) map[string]string {
	if tags == nil {
		tags = map[string]string{}
	}
	tags[k] = v
	return tags
}
