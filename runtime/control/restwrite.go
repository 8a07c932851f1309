package control

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Writes to a REST API itself: delete-rest-api and update-rest-api.

// deleteRestAPI stops serving the API and takes its stages out of every
// usage plan (API Gateway drops a deleted API's stages from its plans).
func deleteRestAPI(rq *request) (int, any, error) {
	id := rq.segs[1]
	_, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		a := t.API(id)
		if a == nil || a.IsHTTP() {
			return "", "", "", notFound("Invalid API identifier specified %s:%s", rq.p.opts.AccountID, id)
		}
		t.APIs = slices.DeleteFunc(slices.Clone(t.APIs), func(x *model.RestAPI) bool { return x == a })
		t.UsagePlans = slices.Clone(t.UsagePlans)
		for i, up := range t.UsagePlans {
			if slices.ContainsFunc(up.Stages, func(s model.UsagePlanStage) bool { return s.APIID == id }) {
				c := *up
				c.Stages = slices.DeleteFunc(slices.Clone(up.Stages), func(s model.UsagePlanStage) bool { return s.APIID == id })
				t.UsagePlans[i] = &c
			}
		}
		return "delete-rest-api " + id + " " + strconv.Quote(a.Name), id, id, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

const restAPIPaths = "[/name, /description, /apiKeySource, /binaryMediaTypes/{type}, /minimumCompressionSize, " +
	"/disableExecuteApiEndpoint, /policy, /endpointConfiguration/types/0]"

func updateRestAPI(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	t, a, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		var done []string
		for _, op := range ops {
			d, err := patchRestAPI(a, op)
			if err != nil {
				return "", "", err
			}
			done = append(done, d)
		}
		return "update-rest-api " + strings.Join(done, " "), a.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.restAPIOf(t, a), nil
}

func patchRestAPI(a *model.RestAPI, op patchOp) (string, error) {
	invalid := badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: %s", op.Path, op.Op, restAPIPaths)
	set := op.Op == "replace" || op.Op == "add"
	if mt, ok := strings.CutPrefix(op.Path, "/binaryMediaTypes/"); ok {
		mt = unescapePointer(mt)
		if mt == "" {
			return "", invalid
		}
		a.BinaryMediaTypes = slices.Clone(a.BinaryMediaTypes)
		switch op.Op {
		case "add":
			if !slices.Contains(a.BinaryMediaTypes, mt) {
				a.BinaryMediaTypes = append(a.BinaryMediaTypes, mt)
			}
			return "binaryMediaTypes " + mt + " added", nil
		case "remove":
			a.BinaryMediaTypes = slices.DeleteFunc(a.BinaryMediaTypes, func(x string) bool { return x == mt })
			return "binaryMediaTypes " + mt + " removed", nil
		case "replace":
			v, err := op.value()
			if err != nil {
				return "", err
			}
			i := slices.Index(a.BinaryMediaTypes, mt)
			if i < 0 {
				return "", badRequest("Invalid binary media type specified: %s", mt)
			}
			a.BinaryMediaTypes[i] = unescapePointer(v)
			return "binaryMediaTypes " + mt + "=" + v, nil
		}
		return "", invalid
	}
	switch op.Path {
	case "/name", "/description", "/policy":
		f := map[string]*string{"/name": &a.Name, "/description": &a.Description, "/policy": &a.Policy}[op.Path]
		if op.Op == "remove" && op.Path != "/name" {
			*f = ""
			return op.Path[1:] + " removed", nil
		}
		if !set {
			return "", invalid
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if op.Path == "/name" && strings.TrimSpace(v) == "" {
			return "", badRequest("Invalid REST API name specified: a name is required")
		}
		*f = v
		if op.Path == "/policy" {
			return "policy replaced", nil
		}
		return op.Path[1:] + "=" + strconv.Quote(v), nil
	case "/apiKeySource":
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if v != "HEADER" && v != "AUTHORIZER" {
			return "", badRequest("Invalid API key source specified: %s. Valid options are HEADER,AUTHORIZER", v)
		}
		a.APIKeySource = v
		return "apiKeySource=" + v, nil
	case "/minimumCompressionSize":
		if op.Op == "remove" {
			a.MinimumCompressionSize = -1
			return "minimumCompressionSize removed", nil
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if v == "" {
			a.MinimumCompressionSize = -1
			return "minimumCompressionSize removed", nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10485760 {
			return "", badRequest("Invalid minimum compression size specified: %s (0 to 10485760)", v)
		}
		a.MinimumCompressionSize = n
		return "minimumCompressionSize=" + v, nil
	case "/disableExecuteApiEndpoint":
		b, err := op.boolValue()
		a.DisableExecuteAPIEndpoint = b
		return "disableExecuteApiEndpoint=" + strconv.FormatBool(b), err
	case "/endpointConfiguration/types/0", "/endpointConfiguration/types/EDGE", "/endpointConfiguration/types/REGIONAL", "/endpointConfiguration/types/PRIVATE":
		if op.Op != "replace" {
			return "", invalid
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if v != "EDGE" && v != "REGIONAL" && v != "PRIVATE" {
			return "", badRequest("Invalid endpoint type specified: %s. Valid options are EDGE,REGIONAL,PRIVATE", v)
		}
		a.EndpointTypes = []string{v}
		return "endpointConfiguration.types=" + v, nil
	}
	return "", invalid
}
