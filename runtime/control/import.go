package control

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// import-rest-api (POST /restapis?mode=import) and put-rest-api (PUT
// /restapis/{id}, mode merge or overwrite): an OpenAPI or Swagger
// document, read by Options.ImportOpenAPI as a template's Body is read
// (the resolver's importer: paths, x-amazon-apigateway-integration,
// authorizers, validators, models, gateway responses). As in API Gateway,
// an imported API has no stage: create-deployment serves it; put-rest-api's
// changes to the tree serve after create-deployment too.

// readImport reads the request's definition, refused with API Gateway's
// wording when it cannot be read (or has warnings and failonwarnings is
// set).
func (rq *request) readImport() (*model.RestAPI, []string, error) {
	imp := rq.p.opts.ImportOpenAPI
	if imp == nil {
		return nil, nil, notFound("cfnrun's control plane does not answer %s %s here: up wires the OpenAPI importer (see docs/control-plane.md)", rq.r.Method, rq.r.URL.Path)
	}
	im, warnings, err := imp(rq.r.Context(), rq.body)
	if err != nil {
		return nil, nil, badRequest("Errors found during import:\n\t%v", err)
	}
	if rq.q.Get("failonwarnings") == "true" && len(warnings) > 0 {
		return nil, nil, badRequest("Warnings found during import:\n\t%s", strings.Join(warnings, "\n\t"))
	}
	return im, warnings, nil
}

// reID gives the imported tree the control plane's resource ids: the ids
// in keep (by path) where the API had the resource, else ids made from
// the path as create-resource makes them.
func reID(apiID string, res []*model.Resource, keep map[string]string) {
	for _, r := range res {
		switch id, ok := keep[r.Path]; {
		case ok:
			r.ID = id
		case r.Parent == nil:
			r.ID = model.StableID(10, "control-plane-root", apiID)
		default:
			r.ID = model.StableID(6, apiID, "resource", r.Path)
		}
	}
}

// relink points the imported integrations and authorizers at the served
// template's functions.
func relink(t *model.Template, a *model.RestAPI, res []*model.Resource, auths []*model.Authorizer) {
	for _, r := range res {
		for _, m := range r.Methods {
			if m.Integration != nil {
				linkLambda(t, m.Integration)
			}
		}
	}
	for _, au := range auths {
		linkAuthorizer(t, au)
	}
}

func importRestAPI(rq *request) (int, any, error) {
	im, warnings, err := rq.readImport()
	if err != nil {
		return 0, nil, err
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
	if im.Name == "" {
		im.Name = "imported"
	}
	id := model.StableID(10, "control-plane", im.Name, now.String(), p.nextMade())
	im.ID, im.LogicalID = id, controlPrefix+id
	im.Deployments, im.Stages = nil, nil
	reID(id, im.Resources, nil)
	relink(t, im, im.Resources, im.Authorizers)
	line := "import-rest-api " + id + " " + strconv.Quote(im.Name) + " (" + strconv.Itoa(len(im.Resources)) + " resources)"
	nt, err := p.addAPI(t, im, line, now)
	p.mu.Unlock()
	if err != nil {
		return 0, nil, err
	}
	p.log.Info("control plane: "+line, "api", id, "drift", driftNote)
	out := p.restAPIOf(nt, im)
	out.Warnings = warnings
	return http.StatusCreated, out, nil
}

func putRestAPI(rq *request) (int, any, error) {
	mode := rq.q.Get("mode")
	if mode == "" {
		mode = "merge" // API Gateway's default
	}
	if mode != "merge" && mode != "overwrite" {
		return 0, nil, badRequest("Invalid mode specified: %s. Valid options are merge,overwrite", mode)
	}
	im, warnings, err := rq.readImport()
	if err != nil {
		return 0, nil, err
	}
	t, a, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		cloneTree(a) // the deployments keep the tree as it was
		keep := map[string]string{}
		for _, r := range a.Resources {
			keep[r.Path] = r.ID
		}
		reID(a.ID, im.Resources, keep)
		relink(t, a, im.Resources, im.Authorizers)
		if mode == "overwrite" {
			a.Root, a.Resources = im.Root, im.Resources
			a.Authorizers, a.Validators, a.Models, a.GatewayResponses = im.Authorizers, im.Validators, im.Models, im.GatewayResponses
			a.BinaryMediaTypes = im.BinaryMediaTypes
			if im.Description != "" {
				a.Description = im.Description
			}
			return "put-rest-api overwrite (" + strconv.Itoa(len(a.Resources)) + " resources)", a.ID, nil
		}
		mergeAPI(a, im)
		return "put-rest-api merge (" + strconv.Itoa(len(im.Resources)) + " resources)", a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	out := rq.p.restAPIOf(t, a)
	out.Warnings = warnings
	return http.StatusOK, out, nil
}

// mergeAPI adds im's resources, methods, authorizers, validators, models
// and gateway responses to a (a cloned tree): what a has of the same path
// and verb, or name, is replaced, the rest kept.
func mergeAPI(a, im *model.RestAPI) {
	authID := map[string]string{}
	a.Authorizers = slices.Clone(a.Authorizers)
	for _, au := range im.Authorizers {
		if i := slices.IndexFunc(a.Authorizers, func(x *model.Authorizer) bool { return x.Name == au.Name }); i >= 0 {
			authID[au.ID], au.ID = a.Authorizers[i].ID, a.Authorizers[i].ID
			a.Authorizers[i] = au
		} else {
			a.Authorizers = append(a.Authorizers, au)
		}
	}
	valID := map[string]string{}
	a.Validators = slices.Clone(a.Validators)
	for _, v := range im.Validators {
		if i := slices.IndexFunc(a.Validators, func(x *model.RequestValidator) bool { return x.Name == v.Name }); i >= 0 {
			valID[v.ID], v.ID = a.Validators[i].ID, a.Validators[i].ID
			a.Validators[i] = v
		} else {
			a.Validators = append(a.Validators, v)
		}
	}
	a.Models = slices.Clone(a.Models)
	for _, m := range im.Models {
		a.Models = slices.DeleteFunc(a.Models, func(x *model.APIModel) bool { return x.Name == m.Name })
		a.Models = append(a.Models, m)
	}
	a.GatewayResponses = slices.Clone(a.GatewayResponses)
	for _, gr := range im.GatewayResponses {
		a.GatewayResponses = slices.DeleteFunc(a.GatewayResponses, func(x *model.GatewayResponse) bool { return x.ResponseType == gr.ResponseType })
		a.GatewayResponses = append(a.GatewayResponses, gr)
	}
	for _, mt := range im.BinaryMediaTypes {
		if !slices.Contains(a.BinaryMediaTypes, mt) {
			a.BinaryMediaTypes = append(slices.Clone(a.BinaryMediaTypes), mt)
		}
	}
	byPath := map[string]*model.Resource{}
	for _, r := range a.Resources {
		byPath[r.Path] = r
	}
	// im.Resources is sorted by path: a parent comes before its children.
	for _, ir := range im.Resources {
		r := byPath[ir.Path]
		if r == nil {
			parent := byPath[ir.Parent.Path]
			r = &model.Resource{LogicalID: ir.LogicalID, ID: ir.ID, PathPart: ir.PathPart, Path: ir.Path, Parent: parent}
			parent.Children = append(parent.Children, r)
			a.Resources = append(a.Resources, r)
			byPath[r.Path] = r
		}
		for _, m := range ir.Methods {
			if id, ok := authID[m.AuthorizerID]; ok {
				m.AuthorizerID = id
			}
			if id, ok := valID[m.RequestValidatorID]; ok {
				m.RequestValidatorID = id
			}
			r.Methods = slices.DeleteFunc(r.Methods, func(x *model.Method) bool { return x.HTTPMethod == m.HTTPMethod })
			r.Methods = append(r.Methods, m)
		}
	}
	sortTree(a)
}
