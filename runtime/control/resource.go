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

// Changes to the resource tree: create-rest-api, create-resource,
// delete-resource, put-method, delete-method, put-method-response,
// put-integration, update-integration, put-integration-response — enough
// for a LocalStack-style script to build an API from nothing. As in API
// Gateway, they are served once create-deployment captures them (see
// cloneTree).

// cloneTree gives a its own copy of its resource tree (resources and
// methods, integrations, their response lists), so the tree can be
// edited; maps inside are still shared, and an edit that changes one
// clones it first.
//
// The deployments made so far keep the tree as it was: as in API Gateway,
// a change to resources, methods or integrations is served once a
// deployment captures it (create-deployment).
func cloneTree(a *model.RestAPI) {
	a.Deployments = slices.Clone(a.Deployments)
	for i, d := range a.Deployments {
		if d.Resources == nil {
			c := *d
			c.Resources = a.Resources
			a.Deployments[i] = &c
		}
	}
	copies := make(map[*model.Resource]*model.Resource, len(a.Resources))
	res := make([]*model.Resource, len(a.Resources))
	for i, r := range a.Resources {
		c := *r
		c.Children = nil
		c.Methods = make([]*model.Method, len(r.Methods))
		for j, m := range r.Methods {
			c.Methods[j] = cloneMethod(m)
		}
		copies[r] = &c
		res[i] = &c
	}
	for _, c := range res {
		if c.Parent != nil {
			c.Parent = copies[c.Parent]
			c.Parent.Children = append(c.Parent.Children, c)
		}
	}
	a.Root = copies[a.Root]
	a.Resources = res
}

func cloneMethod(m *model.Method) *model.Method {
	c := *m
	c.MethodResponses = slices.Clone(m.MethodResponses)
	if m.Integration != nil {
		in := *m.Integration
		in.Responses = slices.Clone(m.Integration.Responses)
		c.Integration = &in
	}
	return &c
}

// treeEdit finds the resource named by segment 3 in a's (cloned) tree.
func treeResource(a *model.RestAPI, id string) (*model.Resource, error) {
	for _, r := range a.Resources {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, notFound("Invalid Resource identifier specified")
}

func treeMethod(r *model.Resource, verb string) (*model.Method, error) {
	verb = strings.ToUpper(verb)
	for _, m := range r.Methods {
		if m.HTTPMethod == verb {
			return m, nil
		}
	}
	return nil, notFound("Invalid Method identifier specified")
}

// sortTree restores the model's order: resources by path, methods by
// verb, children by path part.
func sortTree(a *model.RestAPI) {
	slices.SortFunc(a.Resources, func(x, y *model.Resource) int { return cmp.Compare(x.Path, y.Path) })
	for _, r := range a.Resources {
		slices.SortFunc(r.Methods, func(x, y *model.Method) int { return cmp.Compare(x.HTTPMethod, y.HTTPMethod) })
		slices.SortFunc(r.Children, func(x, y *model.Resource) int { return cmp.Compare(x.PathPart, y.PathPart) })
	}
}

type createRestAPIRequest struct {
	Name                  string   `json:"name"`
	Description           string   `json:"description"`
	BinaryMediaTypes      []string `json:"binaryMediaTypes"`
	APIKeySource          string   `json:"apiKeySource"`
	EndpointConfiguration *struct {
		Types []string `json:"types"`
	} `json:"endpointConfiguration"`
	DisableExecuteAPIEndpoint bool   `json:"disableExecuteApiEndpoint"`
	MinimumCompressionSize    *int   `json:"minimumCompressionSize"`
	Policy                    string `json:"policy"`
}

// createRestAPI adds an API with only its root resource. It is served once
// a deployment gives it a stage.
func createRestAPI(rq *request) (int, any, error) {
	if rq.q.Get("mode") == "import" {
		return importRestAPI(rq)
	}
	var body createRestAPIRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if strings.TrimSpace(body.Name) == "" {
		return 0, nil, badRequest("Invalid REST API name specified: a name is required")
	}
	p := rq.p
	p.mu.Lock()
	t := p.gw.Template()
	if t == nil {
		p.mu.Unlock()
		return 0, nil, notFound("No template is served")
	}
	p.forgetIfReloaded(t)
	now := p.opts.Now()
	id := model.StableID(10, "control-plane", body.Name, now.String(), strconv.Itoa(len(t.APIs)))
	root := &model.Resource{ID: model.StableID(10, "control-plane-root", id), Path: "/"}
	a := &model.RestAPI{LogicalID: "control-plane:" + id, ID: id, Name: body.Name, Description: body.Description,
		BinaryMediaTypes: body.BinaryMediaTypes, APIKeySource: body.APIKeySource, Policy: body.Policy,
		DisableExecuteAPIEndpoint: body.DisableExecuteAPIEndpoint, MinimumCompressionSize: -1,
		Root: root, Resources: []*model.Resource{root}}
	if body.MinimumCompressionSize != nil {
		a.MinimumCompressionSize = *body.MinimumCompressionSize
	}
	if body.EndpointConfiguration != nil {
		a.EndpointTypes = body.EndpointConfiguration.Types
	}
	line := "create-rest-api " + id + " " + strconv.Quote(body.Name)
	nt, err := p.addAPI(t, a, line, now)
	p.mu.Unlock()
	if err != nil {
		return 0, nil, err
	}
	p.log.Info("control plane: "+line, "api", id, "drift", driftNote)
	return http.StatusCreated, p.restAPIOf(nt, a), nil
}

type createResourceRequest struct {
	PathPart string `json:"pathPart"`
}

func createResource(rq *request) (int, any, error) {
	var body createResourceRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if err := checkPathPart(body.PathPart); err != nil {
		return 0, nil, err
	}
	var made *model.Resource
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		parent, err := treeResource(a, rq.segs[3])
		if err != nil {
			return "", "", err
		}
		for _, c := range parent.Children {
			if c.PathPart == body.PathPart {
				return "", "", conflict("Another resource with the same parent already has this name: %s", body.PathPart)
			}
			if isParam(c.PathPart) && isParam(body.PathPart) {
				return "", "", badRequest("A sibling (%s) of this resource already has a variable path part -- only one is allowed", c.PathPart)
			}
		}
		if strings.HasSuffix(parent.PathPart, "+}") {
			return "", "", badRequest("Cannot create a child of a resource with a greedy path variable: %s", parent.Path)
		}
		path := strings.TrimSuffix(parent.Path, "/") + "/" + body.PathPart
		made = &model.Resource{ID: model.StableID(6, a.ID, "resource", path), PathPart: body.PathPart, Path: path, Parent: parent}
		parent.Children = append(parent.Children, made)
		a.Resources = append(a.Resources, made)
		sortTree(a)
		return "create-resource " + path + " (" + made.ID + ")", a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, resourceOf(made, false), nil
}

func isParam(part string) bool { return strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") }

// checkPathPart applies API Gateway's rule for a path part: letters,
// digits and -._~:@!$&'()*+,;= or one {variable} / {variable+}.
func checkPathPart(p string) error {
	bad := badRequest("Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.")
	if p == "" {
		return bad
	}
	inner := p
	if isParam(p) {
		inner = strings.TrimSuffix(p[1:len(p)-1], "+")
		if inner == "" {
			return bad
		}
	}
	for _, c := range inner {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~:@!$&'()*+,;=", c)) {
			return bad
		}
	}
	return nil
}

func deleteResource(rq *request) (int, any, error) {
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		r, err := treeResource(a, rq.segs[3])
		if err != nil {
			return "", "", err
		}
		if r.Parent == nil {
			return "", "", badRequest("Cannot delete the root resource")
		}
		gone := map[*model.Resource]bool{}
		var mark func(*model.Resource)
		mark = func(x *model.Resource) {
			gone[x] = true
			for _, c := range x.Children {
				mark(c)
			}
		}
		mark(r)
		a.Resources = slices.DeleteFunc(a.Resources, func(x *model.Resource) bool { return gone[x] })
		r.Parent.Children = slices.DeleteFunc(r.Parent.Children, func(x *model.Resource) bool { return x == r })
		return "delete-resource " + r.Path + " (" + r.ID + ")", a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

type putMethodRequest struct {
	AuthorizationType   string            `json:"authorizationType"`
	AuthorizerID        string            `json:"authorizerId"`
	APIKeyRequired      bool              `json:"apiKeyRequired"`
	OperationName       string            `json:"operationName"`
	RequestParameters   map[string]bool   `json:"requestParameters"`
	RequestModels       map[string]string `json:"requestModels"`
	RequestValidatorID  string            `json:"requestValidatorId"`
	AuthorizationScopes []string          `json:"authorizationScopes"`
}

var methodVerbs = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"}

func putMethod(rq *request) (int, any, error) {
	var body putMethodRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	verb := strings.ToUpper(rq.segs[5])
	if !slices.Contains(methodVerbs, verb) {
		return 0, nil, badRequest("Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY")
	}
	switch body.AuthorizationType {
	case "NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS":
	default:
		return 0, nil, badRequest("Invalid authorization type specified. Valid options are NONE,AWS_IAM,CUSTOM,COGNITO_USER_POOLS")
	}
	var m *model.Method
	var r *model.Resource
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		var err error
		if r, err = treeResource(a, rq.segs[3]); err != nil {
			return "", "", err
		}
		if _, err := treeMethod(r, verb); err == nil {
			return "", "", conflict("Method already exists for this resource")
		}
		if body.AuthorizerID != "" && !slices.ContainsFunc(a.Authorizers, func(au *model.Authorizer) bool { return au.ID == body.AuthorizerID }) {
			return "", "", badRequest("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.")
		}
		if body.RequestValidatorID != "" && !slices.ContainsFunc(a.Validators, func(v *model.RequestValidator) bool { return v.ID == body.RequestValidatorID }) {
			return "", "", badRequest("Invalid Request Validator identifier specified")
		}
		m = &model.Method{LogicalID: "control-plane", HTTPMethod: verb, AuthorizationType: body.AuthorizationType, AuthorizerID: body.AuthorizerID,
			APIKeyRequired: body.APIKeyRequired, OperationName: body.OperationName, RequestParameters: body.RequestParameters,
			RequestModels: body.RequestModels, RequestValidatorID: body.RequestValidatorID, AuthorizationScopes: body.AuthorizationScopes}
		m.ApplyDefaults()
		r.Methods = append(r.Methods, m)
		sortTree(a)
		return "put-method " + verb + " " + r.Path, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, methodOf(r, m), nil
}

func deleteMethod(rq *request) (int, any, error) {
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		r, err := treeResource(a, rq.segs[3])
		if err != nil {
			return "", "", err
		}
		m, err := treeMethod(r, rq.segs[5])
		if err != nil {
			return "", "", err
		}
		r.Methods = slices.DeleteFunc(r.Methods, func(x *model.Method) bool { return x == m })
		return "delete-method " + m.HTTPMethod + " " + r.Path, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil // botocore's DeleteMethod: 204
}

type putMethodResponseRequest struct {
	ResponseParameters map[string]bool   `json:"responseParameters"`
	ResponseModels     map[string]string `json:"responseModels"`
}

func putMethodResponse(rq *request) (int, any, error) {
	var body putMethodResponseRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	code := rq.segs[7]
	if err := checkStatusCode(code); err != nil {
		return 0, nil, err
	}
	mr := model.MethodResponse{StatusCode: code, ResponseParameters: body.ResponseParameters, ResponseModels: body.ResponseModels}
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		r, err := treeResource(a, rq.segs[3])
		if err != nil {
			return "", "", err
		}
		m, err := treeMethod(r, rq.segs[5])
		if err != nil {
			return "", "", err
		}
		m.MethodResponses = slices.DeleteFunc(m.MethodResponses, func(x model.MethodResponse) bool { return x.StatusCode == code })
		m.MethodResponses = append(m.MethodResponses, mr)
		slices.SortFunc(m.MethodResponses, func(x, y model.MethodResponse) int { return cmp.Compare(x.StatusCode, y.StatusCode) })
		return "put-method-response " + m.HTTPMethod + " " + r.Path + " " + code, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, methodResponseOf(mr), nil
}

func checkStatusCode(code string) error {
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 100 || n > 599 {
		return badRequest("Invalid status code specified: %s", code)
	}
	return nil
}

type putIntegrationRequest struct {
	Type                string            `json:"type"`
	HTTPMethod          string            `json:"httpMethod"`
	URI                 string            `json:"uri"`
	ConnectionType      string            `json:"connectionType"`
	ConnectionID        string            `json:"connectionId"`
	Credentials         string            `json:"credentials"`
	RequestParameters   map[string]string `json:"requestParameters"`
	RequestTemplates    map[string]string `json:"requestTemplates"`
	PassthroughBehavior string            `json:"passthroughBehavior"`
	CacheNamespace      string            `json:"cacheNamespace"`
	CacheKeyParameters  []string          `json:"cacheKeyParameters"`
	ContentHandling     string            `json:"contentHandling"`
	TimeoutInMillis     *int              `json:"timeoutInMillis"`
}

func putIntegration(rq *request) (int, any, error) {
	var body putIntegrationRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	in := &model.Integration{Type: strings.ToUpper(body.Type), HTTPMethod: strings.ToUpper(body.HTTPMethod), URI: body.URI,
		ConnectionType: body.ConnectionType, ConnectionID: body.ConnectionID, Credentials: body.Credentials,
		RequestParameters: body.RequestParameters, RequestTemplates: body.RequestTemplates,
		PassthroughBehavior: body.PassthroughBehavior, CacheNamespace: body.CacheNamespace,
		CacheKeyParameters: body.CacheKeyParameters, ContentHandling: body.ContentHandling}
	if body.TimeoutInMillis != nil {
		in.TimeoutMillis = *body.TimeoutInMillis
	}
	if err := checkIntegration(in); err != nil {
		return 0, nil, err
	}
	var r *model.Resource
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		var err error
		if r, err = treeResource(a, rq.segs[3]); err != nil {
			return "", "", err
		}
		m, err := treeMethod(r, rq.segs[5])
		if err != nil {
			return "", "", err
		}
		m.Integration = in
		m.ApplyDefaults()
		linkLambda(t, in)
		return "put-integration " + m.HTTPMethod + " " + r.Path + " " + in.Type + " " + in.URI, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, integrationOf(r, in), nil
}

// linkLambda points a Lambda integration at what its URI names, as
// model.Template.Finalize does for a template's.
func linkLambda(t *model.Template, in *model.Integration) {
	in.Lambda = nil
	if in.Type == model.IntegrationAWS || in.Type == model.IntegrationAWSProxy {
		in.Lambda = t.ResolveLambdaURI(in.URI)
	}
}

// checkIntegration applies API Gateway's checks of put-integration.
func checkIntegration(in *model.Integration) error {
	switch in.Type {
	case model.IntegrationHTTP, model.IntegrationHTTPProxy, model.IntegrationAWS, model.IntegrationAWSProxy:
		if in.HTTPMethod == "" {
			return badRequest("Enumeration value for HttpMethod must be non-empty")
		}
		if in.URI == "" {
			return badRequest("Invalid Integration URI specified")
		}
		if (in.Type == model.IntegrationHTTP || in.Type == model.IntegrationHTTPProxy) &&
			!strings.HasPrefix(in.URI, "http://") && !strings.HasPrefix(in.URI, "https://") {
			return badRequest("Invalid HTTP endpoint specified for URI")
		}
		if (in.Type == model.IntegrationAWS || in.Type == model.IntegrationAWSProxy) && !strings.HasPrefix(in.URI, "arn:") {
			return badRequest("Invalid ARN specified in the request")
		}
	case model.IntegrationMock:
	case "":
		return badRequest("Enumeration value for IntegrationType must be non-empty")
	default:
		return badRequest("Invalid integration type specified: %s. Valid options are HTTP,HTTP_PROXY,AWS,AWS_PROXY,MOCK", in.Type)
	}
	if in.TimeoutMillis != 0 && (in.TimeoutMillis < 50 || in.TimeoutMillis > 29000) {
		return badRequest("Timeout should be between 50 ms and 29000 ms")
	}
	switch strings.ToUpper(in.PassthroughBehavior) {
	case "", "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER":
		in.PassthroughBehavior = strings.ToUpper(in.PassthroughBehavior)
	default:
		return badRequest("Invalid passthrough behavior specified: %s. Valid options are WHEN_NO_MATCH,WHEN_NO_TEMPLATES,NEVER", in.PassthroughBehavior)
	}
	return nil
}

// update-integration's patch paths.
func updateIntegration(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	var r *model.Resource
	var in *model.Integration
	_, _, err = rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		var err error
		if r, err = treeResource(a, rq.segs[3]); err != nil {
			return "", "", err
		}
		m, err := treeMethod(r, rq.segs[5])
		if err != nil {
			return "", "", err
		}
		if m.Integration == nil {
			return "", "", notFound("No integration defined for method")
		}
		in = m.Integration
		in.RequestParameters = maps.Clone(in.RequestParameters)
		in.RequestTemplates = maps.Clone(in.RequestTemplates)
		var done []string
		for _, op := range ops {
			d, err := patchIntegration(in, op)
			if err != nil {
				return "", "", err
			}
			done = append(done, d)
		}
		if err := checkIntegration(in); err != nil {
			return "", "", err
		}
		m.ApplyDefaults()
		linkLambda(t, in)
		return "update-integration " + m.HTTPMethod + " " + r.Path + " " + strings.Join(done, " "), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, integrationOf(r, in), nil
}

func patchIntegration(in *model.Integration, op patchOp) (string, error) {
	if op.Op != "replace" && op.Op != "add" && op.Op != "remove" {
		return "", badRequest("Invalid patch operation specified: %s is not supported on an integration (use replace, add or remove)", op.Op)
	}
	for _, mp := range []struct {
		prefix string
		m      *map[string]string
	}{{"/requestParameters/", &in.RequestParameters}, {"/requestTemplates/", &in.RequestTemplates}} {
		key, ok := strings.CutPrefix(op.Path, mp.prefix)
		if !ok {
			continue
		}
		key = unescapePointer(key)
		if key == "" {
			return "", badRequest("Invalid patch path %s", op.Path)
		}
		if op.Op == "remove" {
			delete(*mp.m, key)
			return strings.TrimPrefix(mp.prefix, "/") + key + " removed", nil
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if *mp.m == nil {
			*mp.m = map[string]string{}
		}
		(*mp.m)[key] = v
		return strings.TrimPrefix(mp.prefix, "/") + key + "=" + v, nil
	}
	field := map[string]*string{"/uri": &in.URI, "/httpMethod": &in.HTTPMethod, "/connectionType": &in.ConnectionType,
		"/connectionId": &in.ConnectionID, "/credentials": &in.Credentials, "/passthroughBehavior": &in.PassthroughBehavior,
		"/contentHandling": &in.ContentHandling, "/cacheNamespace": &in.CacheNamespace}[op.Path]
	if field != nil {
		if op.Op == "remove" {
			*field = ""
			return op.Path[1:] + " removed", nil
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if op.Path == "/httpMethod" {
			v = strings.ToUpper(v)
		}
		*field = v
		return op.Path[1:] + "=" + v, nil
	}
	if op.Path == "/timeoutInMillis" {
		v, err := op.value()
		if err != nil {
			return "", err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", badRequest("Invalid value for /timeoutInMillis: %q", v)
		}
		in.TimeoutMillis = n
		return "timeoutInMillis=" + v, nil
	}
	return "", badRequest("Invalid patch path %s specified for op '%s'. Must be one of: /uri, /httpMethod, /connectionType, /connectionId, "+
		"/credentials, /passthroughBehavior, /contentHandling, /cacheNamespace, /timeoutInMillis, /requestParameters/{name}, /requestTemplates/{contentType}", op.Path, op.Op)
}

type putIntegrationResponseRequest struct {
	SelectionPattern   string            `json:"selectionPattern"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
	ContentHandling    string            `json:"contentHandling"`
}

func putIntegrationResponse(rq *request) (int, any, error) {
	var body putIntegrationResponseRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	code := rq.segs[8]
	if err := checkStatusCode(code); err != nil {
		return 0, nil, err
	}
	ir := model.IntegrationResponse{StatusCode: code, SelectionPattern: body.SelectionPattern,
		ResponseParameters: body.ResponseParameters, ResponseTemplates: body.ResponseTemplates, ContentHandling: body.ContentHandling}
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		r, err := treeResource(a, rq.segs[3])
		if err != nil {
			return "", "", err
		}
		m, err := treeMethod(r, rq.segs[5])
		if err != nil {
			return "", "", err
		}
		if m.Integration == nil {
			return "", "", notFound("No integration defined for method")
		}
		in := m.Integration
		in.Responses = slices.DeleteFunc(in.Responses, func(x model.IntegrationResponse) bool { return x.StatusCode == code })
		in.Responses = append(in.Responses, ir)
		model.SortIntegrationResponses(in.Responses)
		return "put-integration-response " + m.HTTPMethod + " " + r.Path + " " + code, a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, integrationResponseOf(ir), nil
}
