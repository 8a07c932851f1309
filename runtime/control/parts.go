package control

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Writes to the parts of a REST API that hang off the API rather than its
// resource tree: authorizers (create-authorizer, update-authorizer,
// delete-authorizer), request validators, models and gateway responses.
// The gateway compiles them from the served model, so a change applies
// from the next request (the deployments' snapshots hold the resource
// tree, and the methods in it name these by id).

// methodsUsing lists, as API Gateway names them in its errors
// ("GET//pets"), the methods of the API's tree that use what uses
// reports. As in API Gateway, the deployments' snapshots do not count: a
// method changed (update-method) but not deployed again no longer holds
// it, and a stage still serving the old snapshot finds it gone (the
// method answers as one whose authorizer is missing).
func methodsUsing(a *model.RestAPI, uses func(m *model.Method) bool) []string {
	var out []string
	for _, r := range a.Resources {
		for _, m := range r.Methods {
			if uses(m) {
				out = append(out, m.HTTPMethod+"/"+r.Path)
			}
		}
	}
	return out
}

type createAuthorizerRequest struct {
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs"`
	AuthType                     string   `json:"authType"`
	AuthorizerURI                string   `json:"authorizerUri"`
	AuthorizerCredentials        string   `json:"authorizerCredentials"`
	IdentitySource               string   `json:"identitySource"`
	IdentityValidationExpression string   `json:"identityValidationExpression"`
	AuthorizerResultTTLInSeconds *int     `json:"authorizerResultTtlInSeconds"`
}

// checkAuthorizer applies API Gateway's checks of a REST API authorizer.
func checkAuthorizer(au *model.Authorizer) error {
	if strings.TrimSpace(au.Name) == "" {
		return badRequest("Authorizer name must be non-empty")
	}
	switch au.Type {
	case "TOKEN", "REQUEST":
		if au.AuthorizerURI == "" {
			return badRequest("Authorizer URI must be specified for authorizer type %s", au.Type)
		}
		if !strings.HasPrefix(au.AuthorizerURI, "arn:") {
			return badRequest("Invalid Authorizer URI specified: %s", au.AuthorizerURI)
		}
		if au.Type == "TOKEN" && !strings.HasPrefix(au.IdentitySource, "method.request.header.") {
			return badRequest("Invalid identity source specified for TOKEN authorizer: %q (want method.request.header.NAME)", au.IdentitySource)
		}
	case "COGNITO_USER_POOLS":
		if len(au.ProviderARNs) == 0 {
			return badRequest("Provider ARNs must be specified for authorizer type COGNITO_USER_POOLS")
		}
		for _, pool := range au.Pools() {
			if pool.ID == "" {
				return badRequest("Invalid provider ARN specified: %s", pool.ARN)
			}
		}
	default:
		return badRequest("Invalid authorizer type specified: %s. Valid options are TOKEN,REQUEST,COGNITO_USER_POOLS", au.Type)
	}
	if au.ResultTTLSeconds < 0 || au.ResultTTLSeconds > 3600 {
		return badRequest("Authorizer TTL must be between 0 and 3600 seconds")
	}
	return nil
}

// linkAuthorizer points the authorizer at the function its URI names, as
// model.Template.Finalize does for a template's.
func linkAuthorizer(t *model.Template, au *model.Authorizer) {
	au.Function = nil
	if au.Type == "TOKEN" || au.Type == "REQUEST" {
		au.Function = t.ResolveLambdaURI(au.AuthorizerURI)
	}
}

func createAuthorizer(rq *request) (int, any, error) {
	var body createAuthorizerRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	au := &model.Authorizer{Name: body.Name, Type: strings.ToUpper(body.Type), ProviderARNs: body.ProviderARNs,
		AuthorizerURI: body.AuthorizerURI, Credentials: body.AuthorizerCredentials, IdentitySource: body.IdentitySource,
		IdentityValidationExpression: body.IdentityValidationExpression, ResultTTLSeconds: model.DefaultAuthorizerTTL}
	if body.AuthorizerResultTTLInSeconds != nil {
		au.ResultTTLSeconds = *body.AuthorizerResultTTLInSeconds
	}
	if err := checkAuthorizer(au); err != nil {
		return 0, nil, err
	}
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		if slices.ContainsFunc(a.Authorizers, func(x *model.Authorizer) bool { return x.Name == au.Name }) {
			return "", "", conflict("Authorizer name already exists: %s", au.Name)
		}
		au.ID = model.StableID(6, "control-plane-authorizer", a.ID, au.Name, rq.p.nextMade())
		au.LogicalID = controlPrefix + au.ID
		linkAuthorizer(t, au)
		a.Authorizers = append(slices.Clone(a.Authorizers), au)
		return "create-authorizer " + au.ID + " " + strconv.Quote(au.Name) + " " + au.Type, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, authorizerOf(au), nil
}

// editAuthorizer gives a its own copy of the authorizer named by segment
// 3.
func editAuthorizer(a *model.RestAPI, id string) (*model.Authorizer, error) {
	a.Authorizers = slices.Clone(a.Authorizers)
	for i, au := range a.Authorizers {
		if au.ID == id {
			c := *au
			c.ProviderARNs = slices.Clone(au.ProviderARNs)
			a.Authorizers[i] = &c
			return &c, nil
		}
	}
	return nil, notFound("Invalid Authorizer identifier specified")
}

const authorizerPaths = "[/name, /type, /authorizerUri, /authorizerCredentials, /identitySource, /identityValidationExpression, " +
	"/authorizerResultTtlInSeconds, /providerARNs/{arn}]"

func updateAuthorizer(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	var au *model.Authorizer
	_, _, err = rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		var err error
		if au, err = editAuthorizer(a, rq.segs[3]); err != nil {
			return "", "", err
		}
		var done []string
		for _, op := range ops {
			d, err := patchAuthorizer(au, op)
			if err != nil {
				return "", "", err
			}
			done = append(done, d)
		}
		if err := checkAuthorizer(au); err != nil {
			return "", "", err
		}
		linkAuthorizer(t, au)
		return "update-authorizer " + au.ID + " " + strings.Join(done, " "), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, authorizerOf(au), nil
}

func patchAuthorizer(au *model.Authorizer, op patchOp) (string, error) {
	invalid := badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: %s", op.Path, op.Op, authorizerPaths)
	if arn, ok := strings.CutPrefix(op.Path, "/providerARNs/"); ok {
		arn = unescapePointer(arn)
		switch op.Op {
		case "add":
			if !slices.Contains(au.ProviderARNs, arn) {
				au.ProviderARNs = append(au.ProviderARNs, arn)
			}
			return "providerARNs " + arn + " added", nil
		case "remove":
			au.ProviderARNs = slices.DeleteFunc(au.ProviderARNs, func(x string) bool { return x == arn })
			return "providerARNs " + arn + " removed", nil
		}
		return "", invalid
	}
	field := map[string]*string{"/name": &au.Name, "/type": &au.Type, "/authorizerUri": &au.AuthorizerURI,
		"/authorizerCredentials": &au.Credentials, "/identitySource": &au.IdentitySource,
		"/identityValidationExpression": &au.IdentityValidationExpression}[op.Path]
	switch {
	case field != nil && op.Op == "replace":
		v, err := op.value()
		if op.Path == "/type" {
			v = strings.ToUpper(v)
		}
		*field = v
		return op.Path[1:] + "=" + v, err
	case field != nil && op.Op == "remove" && (op.Path == "/authorizerCredentials" || op.Path == "/identityValidationExpression"):
		*field = ""
		return op.Path[1:] + " removed", nil
	case op.Path == "/authorizerResultTtlInSeconds" && op.Op == "replace":
		v, err := op.value()
		if err != nil {
			return "", err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", badRequest("Invalid value for %s: %q", op.Path, v)
		}
		au.ResultTTLSeconds = n
		return "authorizerResultTtlInSeconds=" + v, nil
	}
	return "", invalid
}

func deleteAuthorizer(rq *request) (int, any, error) {
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		i := slices.IndexFunc(a.Authorizers, func(au *model.Authorizer) bool { return au.ID == rq.segs[3] })
		if i < 0 {
			return "", "", notFound("Invalid Authorizer identifier specified")
		}
		au := a.Authorizers[i]
		if used := methodsUsing(a, func(m *model.Method) bool {
			return m.AuthorizerID != "" && (m.AuthorizerID == au.ID || m.AuthorizerID == au.LogicalID)
		}); len(used) > 0 {
			return "", "", conflict("Cannot delete authorizer '%s', is referenced in method: %s", au.Name, strings.Join(used, ", "))
		}
		a.Authorizers = slices.Delete(slices.Clone(a.Authorizers), i, i+1)
		return "delete-authorizer " + au.ID + " " + strconv.Quote(au.Name), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

type createValidatorRequest struct {
	Name                      string `json:"name"`
	ValidateRequestBody       bool   `json:"validateRequestBody"`
	ValidateRequestParameters bool   `json:"validateRequestParameters"`
}

func createRequestValidator(rq *request) (int, any, error) {
	var body createValidatorRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	v := &model.RequestValidator{Name: body.Name, ValidateRequestBody: body.ValidateRequestBody,
		ValidateRequestParameters: body.ValidateRequestParameters}
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		if v.Name != "" && slices.ContainsFunc(a.Validators, func(x *model.RequestValidator) bool { return x.Name == v.Name }) {
			return "", "", conflict("Validator with the name %s already exists", v.Name)
		}
		v.ID = model.StableID(6, "control-plane-validator", a.ID, v.Name, rq.p.nextMade())
		v.LogicalID = controlPrefix + v.ID
		a.Validators = append(slices.Clone(a.Validators), v)
		return "create-request-validator " + v.ID + " " + strconv.Quote(v.Name), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, validatorOf(v), nil
}

func updateRequestValidator(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	var v *model.RequestValidator
	_, _, err = rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		a.Validators = slices.Clone(a.Validators)
		i := slices.IndexFunc(a.Validators, func(x *model.RequestValidator) bool { return x.ID == rq.segs[3] })
		if i < 0 {
			return "", "", notFound("Invalid Request Validator identifier specified")
		}
		c := *a.Validators[i]
		v = &c
		a.Validators[i] = v
		var done []string
		for _, op := range ops {
			if op.Op != "replace" {
				return "", "", badRequest("Invalid patch operation specified: %s is not supported on a request validator (use replace)", op.Op)
			}
			switch op.Path {
			case "/name":
				s, err := op.value()
				if err != nil {
					return "", "", err
				}
				v.Name = s
				done = append(done, "name="+strconv.Quote(s))
			case "/validateRequestBody", "/validateRequestParameters":
				b, err := op.boolValue()
				if err != nil {
					return "", "", err
				}
				if op.Path == "/validateRequestBody" {
					v.ValidateRequestBody = b
				} else {
					v.ValidateRequestParameters = b
				}
				done = append(done, op.Path[1:]+"="+strconv.FormatBool(b))
			default:
				return "", "", badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: [/name, /validateRequestBody, /validateRequestParameters]", op.Path, op.Op)
			}
		}
		return "update-request-validator " + v.ID + " " + strings.Join(done, " "), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, validatorOf(v), nil
}

func deleteRequestValidator(rq *request) (int, any, error) {
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		i := slices.IndexFunc(a.Validators, func(x *model.RequestValidator) bool { return x.ID == rq.segs[3] })
		if i < 0 {
			return "", "", notFound("Invalid Request Validator identifier specified")
		}
		v := a.Validators[i]
		if used := methodsUsing(a, func(m *model.Method) bool {
			return m.RequestValidatorID != "" && (m.RequestValidatorID == v.ID || m.RequestValidatorID == v.LogicalID)
		}); len(used) > 0 {
			return "", "", conflict("Cannot delete request validator '%s', is referenced in method: %s", v.Name, strings.Join(used, ", "))
		}
		a.Validators = slices.Delete(slices.Clone(a.Validators), i, i+1)
		return "delete-request-validator " + v.ID, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

type createModelRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Schema      string `json:"schema"`
	ContentType string `json:"contentType"`
}

func createModel(rq *request) (int, any, error) {
	var body createModelRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if body.Name == "" || strings.IndexFunc(body.Name, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}) >= 0 {
		return 0, nil, badRequest("Model name must be alphanumeric: %q", body.Name)
	}
	if body.ContentType == "" {
		return 0, nil, badRequest("Content type must be non-empty")
	}
	m := &model.APIModel{Name: body.Name, ContentType: body.ContentType, Schema: body.Schema, Description: body.Description}
	var out *apiModel
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		if slices.ContainsFunc(a.Models, func(x *model.APIModel) bool { return x.Name == m.Name }) ||
			slices.ContainsFunc(builtinModels, func(x model.APIModel) bool { return x.Name == m.Name }) {
			return "", "", conflict("Model name already exists for this REST API")
		}
		m.LogicalID = controlPrefix + m.Name
		a.Models = append(slices.Clone(a.Models), m)
		slices.SortFunc(a.Models, func(x, y *model.APIModel) int { return cmp.Compare(x.Name, y.Name) })
		for _, x := range modelsOf(a) {
			if x.Name == m.Name {
				out = x
			}
		}
		return "create-model " + m.Name, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, out, nil
}

// updateModel changes a model's /schema or /description (the validators
// read the schema from the next request).
func updateModel(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	name := rq.segs[3]
	var out *apiModel
	_, _, err = rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		i := slices.IndexFunc(a.Models, func(x *model.APIModel) bool { return x.Name == name })
		if i < 0 {
			return "", "", notFound("Invalid model name specified: %s", name)
		}
		a.Models = slices.Clone(a.Models)
		c := *a.Models[i]
		a.Models[i] = &c
		var done []string
		for _, op := range ops {
			if op.Op != "replace" || op.Path != "/schema" && op.Path != "/description" {
				return "", "", badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: [/schema, /description]", op.Path, op.Op)
			}
			v, err := op.value()
			if err != nil {
				return "", "", err
			}
			if op.Path == "/schema" {
				c.Schema = v
				done = append(done, "schema replaced")
			} else {
				c.Description = v
				done = append(done, "description="+strconv.Quote(v))
			}
		}
		for _, x := range modelsOf(a) {
			if x.Name == name {
				out = x
			}
		}
		return "update-model " + name + " " + strings.Join(done, " "), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func deleteModel(rq *request) (int, any, error) {
	name := rq.segs[3]
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		i := slices.IndexFunc(a.Models, func(x *model.APIModel) bool { return x.Name == name })
		if i < 0 {
			return "", "", notFound("Invalid model name specified: %s", name)
		}
		if used := methodsUsing(a, func(m *model.Method) bool {
			return slices.Contains(slices.Collect(maps.Values(m.RequestModels)), name)
		}); len(used) > 0 {
			return "", "", conflict("Cannot delete model '%s', is referenced in method request: %s", name, strings.Join(used, ", "))
		}
		a.Models = slices.Delete(slices.Clone(a.Models), i, i+1)
		return "delete-model " + name, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

type putGatewayResponseRequest struct {
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
}

// checkResponseType is the error for a type API Gateway does not know.
func checkResponseType(typ string) error {
	if !slices.ContainsFunc(defaultGatewayResponses, func(d struct{ typ, status string }) bool { return d.typ == typ }) {
		return badRequest("Invalid response type specified: %s", typ)
	}
	return nil
}

func gatewayResponseFor(a *model.RestAPI, typ string) *gatewayResponse {
	for _, gr := range gatewayResponsesOf(a) {
		if gr.ResponseType == typ {
			return gr
		}
	}
	return nil
}

func putGatewayResponse(rq *request) (int, any, error) {
	var body putGatewayResponseRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	typ := rq.segs[3]
	if err := checkResponseType(typ); err != nil {
		return 0, nil, err
	}
	if body.StatusCode != "" {
		if err := checkStatusCode(body.StatusCode); err != nil {
			return 0, nil, err
		}
	}
	_, a, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		gr := &model.GatewayResponse{LogicalID: controlPrefix + typ, ResponseType: typ, StatusCode: body.StatusCode,
			ResponseParameters: body.ResponseParameters, ResponseTemplates: body.ResponseTemplates}
		a.GatewayResponses = slices.DeleteFunc(slices.Clone(a.GatewayResponses), func(x *model.GatewayResponse) bool { return x.ResponseType == typ })
		a.GatewayResponses = append(a.GatewayResponses, gr)
		slices.SortFunc(a.GatewayResponses, func(x, y *model.GatewayResponse) int { return cmp.Compare(x.ResponseType, y.ResponseType) })
		return "put-gateway-response " + typ + " " + body.StatusCode, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, gatewayResponseFor(a, typ), nil
}

func updateGatewayResponse(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	typ := rq.segs[3]
	if err := checkResponseType(typ); err != nil {
		return 0, nil, err
	}
	_, a, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		a.GatewayResponses = slices.Clone(a.GatewayResponses)
		i := slices.IndexFunc(a.GatewayResponses, func(x *model.GatewayResponse) bool { return x.ResponseType == typ })
		var gr *model.GatewayResponse
		if i < 0 {
			gr = &model.GatewayResponse{LogicalID: controlPrefix + typ, ResponseType: typ}
			a.GatewayResponses = append(a.GatewayResponses, gr)
			slices.SortFunc(a.GatewayResponses, func(x, y *model.GatewayResponse) int { return cmp.Compare(x.ResponseType, y.ResponseType) })
		} else {
			c := *a.GatewayResponses[i]
			gr = &c
			a.GatewayResponses[i] = gr
		}
		gr.ResponseParameters = maps.Clone(gr.ResponseParameters)
		gr.ResponseTemplates = maps.Clone(gr.ResponseTemplates)
		var done []string
		for _, op := range ops {
			d, err := patchStringMaps(op, map[string]*map[string]string{
				"/responseParameters/": &gr.ResponseParameters, "/responseTemplates/": &gr.ResponseTemplates})
			if err == errNoMapPath && op.Path == "/statusCode" && op.Op == "replace" {
				v, verr := op.value()
				if verr == nil {
					verr = checkStatusCode(v)
				}
				gr.StatusCode, d, err = v, "statusCode="+v, verr
			} else if err == errNoMapPath {
				err = badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: [/statusCode, /responseParameters/{name}, /responseTemplates/{contentType}]", op.Path, op.Op)
			}
			if err != nil {
				return "", "", err
			}
			done = append(done, d)
		}
		return "update-gateway-response " + typ + " " + strings.Join(done, " "), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gatewayResponseFor(a, typ), nil
}

func deleteGatewayResponse(rq *request) (int, any, error) {
	typ := rq.segs[3]
	if err := checkResponseType(typ); err != nil {
		return 0, nil, err
	}
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		n := len(a.GatewayResponses)
		a.GatewayResponses = slices.DeleteFunc(slices.Clone(a.GatewayResponses), func(x *model.GatewayResponse) bool { return x.ResponseType == typ })
		if len(a.GatewayResponses) == n {
			return "", "", notFound("GatewayResponse not found")
		}
		return "delete-gateway-response " + typ, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

// errNoMapPath is patchStringMaps's answer for a path outside its maps.
var errNoMapPath = badRequest("no map path")

// patchStringMaps applies op to the map whose prefix its path has
// (/responseParameters/NAME: add or replace the value, remove it); the
// maps must be the edit's own copies.
func patchStringMaps(op patchOp, maps map[string]*map[string]string) (string, error) {
	for prefix, m := range maps {
		key, ok := strings.CutPrefix(op.Path, prefix)
		if !ok {
			continue
		}
		key = unescapePointer(key)
		if key == "" {
			return "", badRequest("Invalid patch path %s", op.Path)
		}
		label := strings.TrimPrefix(prefix, "/") + key
		switch op.Op {
		case "remove":
			delete(*m, key)
			return label + " removed", nil
		case "add", "replace":
			v, err := op.value()
			if err != nil {
				return "", err
			}
			if *m == nil {
				*m = map[string]string{}
			}
			(*m)[key] = v
			return label + "=" + v, nil
		}
		return "", badRequest("Invalid patch operation specified: %s is not supported on %s", op.Op, op.Path)
	}
	return "", errNoMapPath
}
