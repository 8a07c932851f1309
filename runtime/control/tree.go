package control

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// More writes to the resource tree: update-method, update-resource,
// delete-integration, delete-method-response, delete-integration-response,
// update-method-response, update-integration-response. As the others
// (resource.go), they are served once create-deployment captures them.

// methodEdit applies f to the method named by segments 3 and 5 of a
// cloned tree, and returns them as changed.
func (rq *request) methodEdit(f func(t *model.Template, a *model.RestAPI, r *model.Resource, m *model.Method) (string, error)) (*model.Resource, *model.Method, error) {
	var r *model.Resource
	var m *model.Method
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		var err error
		if r, err = treeResource(a, rq.segs[3]); err != nil {
			return "", "", err
		}
		if m, err = treeMethod(r, rq.segs[5]); err != nil {
			return "", "", err
		}
		line, err := f(t, a, r, m)
		return line, a.ID, err
	})
	return r, m, err
}

const methodPaths = "[/authorizationType, /authorizerId, /apiKeyRequired, /requestValidatorId, /operationName, " +
	"/requestParameters/{name}, /requestModels/{contentType}, /authorizationScopes]"

func updateMethod(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	r, m, err := rq.methodEdit(func(t *model.Template, a *model.RestAPI, r *model.Resource, m *model.Method) (string, error) {
		m.RequestParameters = maps.Clone(m.RequestParameters)
		m.RequestModels = maps.Clone(m.RequestModels)
		m.AuthorizationScopes = slices.Clone(m.AuthorizationScopes)
		var done []string
		for _, op := range ops {
			d, err := patchMethod(m, op)
			if err != nil {
				return "", err
			}
			done = append(done, d)
		}
		switch m.AuthorizationType {
		case "NONE", "AWS_IAM":
			m.AuthorizerID = ""
		case "CUSTOM", "COGNITO_USER_POOLS":
			if !slices.ContainsFunc(a.Authorizers, func(au *model.Authorizer) bool { return au.ID == m.AuthorizerID || au.LogicalID == m.AuthorizerID }) {
				return "", badRequest("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.")
			}
		default:
			return "", badRequest("Invalid authorization type specified. Valid options are NONE,AWS_IAM,CUSTOM,COGNITO_USER_POOLS")
		}
		if m.RequestValidatorID != "" && !slices.ContainsFunc(a.Validators, func(v *model.RequestValidator) bool {
			return v.ID == m.RequestValidatorID || v.LogicalID == m.RequestValidatorID
		}) {
			return "", badRequest("Invalid Request Validator identifier specified")
		}
		return "update-method " + m.HTTPMethod + " " + r.Path + " " + strings.Join(done, " "), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, methodOf(r, m), nil
}

// patchBoolEntry applies op to the entry name of *m (a method's
// requestParameters or a method response's responseParameters: whether
// the parameter is required): remove deletes it, anything else sets it to
// the op's value (false when none is given). m must be the edit's own
// copy; the result is the drift line's part.
func patchBoolEntry(m *map[string]bool, label, name string, op patchOp) (string, error) {
	if op.Op == "remove" {
		delete(*m, name)
		return label + "." + name + " removed", nil
	}
	req := false
	if op.Value != nil && *op.Value != "" {
		b, err := op.boolValue()
		if err != nil {
			return "", err
		}
		req = b
	}
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[name] = req
	return label + "." + name + "=" + strconv.FormatBool(req), nil
}

func patchMethod(m *model.Method, op patchOp) (string, error) {
	invalid := badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: %s", op.Path, op.Op, methodPaths)
	set := op.Op == "replace" || op.Op == "add"
	if name, ok := strings.CutPrefix(op.Path, "/requestParameters/"); ok {
		name = unescapePointer(name)
		if name == "" {
			return "", invalid
		}
		if op.Op != "remove" && !set {
			return "", invalid
		}
		return patchBoolEntry(&m.RequestParameters, "requestParameters", name, op)
	}
	if ct, ok := strings.CutPrefix(op.Path, "/requestModels/"); ok {
		ct = unescapePointer(ct)
		if ct == "" {
			return "", invalid
		}
		if op.Op == "remove" {
			delete(m.RequestModels, ct)
			return "requestModels." + ct + " removed", nil
		}
		if !set {
			return "", invalid
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if m.RequestModels == nil {
			m.RequestModels = map[string]string{}
		}
		m.RequestModels[ct] = v
		return "requestModels." + ct + "=" + v, nil
	}
	switch op.Path {
	case "/authorizationType", "/authorizerId", "/requestValidatorId", "/operationName":
		f := map[string]*string{"/authorizationType": &m.AuthorizationType, "/authorizerId": &m.AuthorizerID,
			"/requestValidatorId": &m.RequestValidatorID, "/operationName": &m.OperationName}[op.Path]
		if op.Op == "remove" && op.Path != "/authorizationType" {
			*f = ""
			return op.Path[1:] + " removed", nil
		}
		if !set {
			return "", invalid
		}
		v, err := op.value()
		if op.Path == "/authorizationType" {
			v = strings.ToUpper(v)
		}
		*f = v
		return op.Path[1:] + "=" + v, err
	case "/apiKeyRequired":
		if op.Op != "replace" {
			return "", invalid
		}
		b, err := op.boolValue()
		m.APIKeyRequired = b
		return "apiKeyRequired=" + strconv.FormatBool(b), err
	case "/authorizationScopes":
		v, err := op.value()
		if err != nil {
			return "", err
		}
		switch op.Op {
		case "add":
			if !slices.Contains(m.AuthorizationScopes, v) {
				m.AuthorizationScopes = append(m.AuthorizationScopes, v)
			}
			return "authorizationScopes " + v + " added", nil
		case "remove":
			m.AuthorizationScopes = slices.DeleteFunc(m.AuthorizationScopes, func(x string) bool { return x == v })
			return "authorizationScopes " + v + " removed", nil
		}
	}
	return "", invalid
}

// updateResource renames a resource (/pathPart) or moves it under another
// parent (/parentId); its subtree's paths follow, its ids stay.
func updateResource(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	var r *model.Resource
	_, _, err = rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a)
		var err error
		if r, err = treeResource(a, rq.segs[3]); err != nil {
			return "", "", err
		}
		if r.Parent == nil {
			return "", "", badRequest("Cannot update the root resource")
		}
		var done []string
		for _, op := range ops {
			if op.Op != "replace" || op.Path != "/pathPart" && op.Path != "/parentId" {
				return "", "", badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: [/pathPart, /parentId]", op.Path, op.Op)
			}
			v, err := op.value()
			if err != nil {
				return "", "", err
			}
			parent := r.Parent
			part := r.PathPart
			if op.Path == "/pathPart" {
				if err := checkPathPart(v); err != nil {
					return "", "", err
				}
				part = v
			} else {
				if parent, err = treeResource(a, v); err != nil {
					return "", "", err
				}
				for p := parent; p != nil; p = p.Parent {
					if p == r {
						return "", "", badRequest("Cannot move a resource under itself")
					}
				}
			}
			for _, c := range parent.Children {
				if c != r && c.PathPart == part {
					return "", "", conflict("Another resource with the same parent already has this name: %s", part)
				}
				if c != r && isParam(c.PathPart) && isParam(part) {
					return "", "", badRequest("A sibling (%s) of this resource already has a variable path part -- only one is allowed", c.PathPart)
				}
			}
			if strings.HasSuffix(parent.PathPart, "+}") {
				return "", "", badRequest("Cannot create a child of a resource with a greedy path variable: %s", parent.Path)
			}
			if parent != r.Parent {
				r.Parent.Children = slices.DeleteFunc(r.Parent.Children, func(x *model.Resource) bool { return x == r })
				parent.Children = append(parent.Children, r)
				r.Parent = parent
			}
			r.PathPart = part
			repath(r)
			done = append(done, op.Path[1:]+"="+v)
		}
		sortTree(a)
		return "update-resource " + r.ID + " " + strings.Join(done, " ") + " (now " + r.Path + ")", a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, resourceOf(r, false), nil
}

// repath sets the paths of r and its subtree from their parents'.
func repath(r *model.Resource) {
	r.Path = strings.TrimSuffix(r.Parent.Path, "/") + "/" + r.PathPart
	for _, c := range r.Children {
		repath(c)
	}
}

func deleteIntegration(rq *request) (int, any, error) {
	_, _, err := rq.methodEdit(func(t *model.Template, a *model.RestAPI, r *model.Resource, m *model.Method) (string, error) {
		if m.Integration == nil {
			return "", notFound("No integration defined for method")
		}
		m.Integration = nil
		return "delete-integration " + m.HTTPMethod + " " + r.Path, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func deleteMethodResponse(rq *request) (int, any, error) {
	code := rq.segs[7]
	_, _, err := rq.methodEdit(func(t *model.Template, a *model.RestAPI, r *model.Resource, m *model.Method) (string, error) {
		n := len(m.MethodResponses)
		m.MethodResponses = slices.DeleteFunc(m.MethodResponses, func(x model.MethodResponse) bool { return x.StatusCode == code })
		if len(m.MethodResponses) == n {
			return "", notFound("Invalid Response status code specified")
		}
		return "delete-method-response " + m.HTTPMethod + " " + r.Path + " " + code, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func deleteIntegrationResponse(rq *request) (int, any, error) {
	code := rq.segs[8]
	_, _, err := rq.methodEdit(func(t *model.Template, a *model.RestAPI, r *model.Resource, m *model.Method) (string, error) {
		if m.Integration == nil {
			return "", notFound("No integration defined for method")
		}
		n := len(m.Integration.Responses)
		m.Integration.Responses = slices.DeleteFunc(m.Integration.Responses, func(x model.IntegrationResponse) bool { return x.StatusCode == code })
		if len(m.Integration.Responses) == n {
			return "", notFound("Invalid Response status code specified")
		}
		return "delete-integration-response " + m.HTTPMethod + " " + r.Path + " " + code, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func updateMethodResponse(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	code := rq.segs[7]
	var out model.MethodResponse
	_, _, err = rq.methodEdit(func(t *model.Template, a *model.RestAPI, r *model.Resource, m *model.Method) (string, error) {
		i := slices.IndexFunc(m.MethodResponses, func(x model.MethodResponse) bool { return x.StatusCode == code })
		if i < 0 {
			return "", notFound("Invalid Response status code specified")
		}
		mr := &m.MethodResponses[i]
		mr.ResponseParameters = maps.Clone(mr.ResponseParameters)
		mr.ResponseModels = maps.Clone(mr.ResponseModels)
		var done []string
		for _, op := range ops {
			if name, ok := strings.CutPrefix(op.Path, "/responseParameters/"); ok && unescapePointer(name) != "" {
				d, err := patchBoolEntry(&mr.ResponseParameters, "responseParameters", unescapePointer(name), op)
				if err != nil {
					return "", err
				}
				done = append(done, d)
				continue
			}
			d, err := patchStringMaps(op, map[string]*map[string]string{"/responseModels/": &mr.ResponseModels})
			if err == errNoMapPath {
				err = badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: [/responseParameters/{name}, /responseModels/{contentType}]", op.Path, op.Op)
			}
			if err != nil {
				return "", err
			}
			done = append(done, d)
		}
		out = *mr
		return "update-method-response " + m.HTTPMethod + " " + r.Path + " " + code + " " + strings.Join(done, " "), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, methodResponseOf(out), nil
}

func updateIntegrationResponse(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	code := rq.segs[8]
	var out model.IntegrationResponse
	_, _, err = rq.methodEdit(func(t *model.Template, a *model.RestAPI, r *model.Resource, m *model.Method) (string, error) {
		if m.Integration == nil {
			return "", notFound("No integration defined for method")
		}
		in := m.Integration
		i := slices.IndexFunc(in.Responses, func(x model.IntegrationResponse) bool { return x.StatusCode == code })
		if i < 0 {
			return "", notFound("Invalid Response status code specified")
		}
		ir := &in.Responses[i]
		ir.ResponseParameters = maps.Clone(ir.ResponseParameters)
		ir.ResponseTemplates = maps.Clone(ir.ResponseTemplates)
		var done []string
		for _, op := range ops {
			d, err := patchStringMaps(op, map[string]*map[string]string{
				"/responseParameters/": &ir.ResponseParameters, "/responseTemplates/": &ir.ResponseTemplates})
			if err == errNoMapPath && (op.Path == "/selectionPattern" || op.Path == "/contentHandling") {
				f := &ir.SelectionPattern
				if op.Path == "/contentHandling" {
					f = &ir.ContentHandling
				}
				if op.Op == "remove" {
					*f, d, err = "", op.Path[1:]+" removed", nil
				} else {
					v, verr := op.value()
					*f, d, err = v, op.Path[1:]+"="+v, verr
				}
			} else if err == errNoMapPath {
				err = badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: [/selectionPattern, /contentHandling, /responseParameters/{name}, /responseTemplates/{contentType}]", op.Path, op.Op)
			}
			if err != nil {
				return "", err
			}
			done = append(done, d)
		}
		out = *ir
		model.SortIntegrationResponses(in.Responses)
		return "update-integration-response " + m.HTTPMethod + " " + r.Path + " " + code + " " + strings.Join(done, " "), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, integrationResponseOf(out), nil
}
