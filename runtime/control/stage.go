package control

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Stage and deployment changes.

// stagePaths are the patch paths update-stage accepts, for the error that
// lists them.
const stagePaths = "/description, /deploymentId, /variables/{name}, /tracingEnabled, /cacheClusterEnabled, /cacheClusterSize, " +
	"/{resourcePath}/{httpMethod}/{throttling/rateLimit|throttling/burstLimit|logging/loglevel|logging/dataTrace|metrics/enabled|caching/...}, " +
	"/http2Enabled (cfnrun)"

func updateStage(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	name := rq.segs[3]
	t, a, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		st := cloneStage(a, name)
		if st == nil {
			return "", "", notFound("Invalid stage identifier specified")
		}
		var done []string
		for _, op := range ops {
			d, err := patchStage(a, st, op)
			if err != nil {
				return "", "", err
			}
			done = append(done, d)
		}
		return "update-stage " + name + " " + strings.Join(done, " "), a.ID + "/" + name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	for _, st := range servedStages(a) {
		if st.Name == name {
			return http.StatusOK, rq.p.stageOf(t, a, st), nil
		}
	}
	return 0, nil, notFound("Invalid stage identifier specified")
}

// patchStage applies one operation to st and says what it did
// ("http2Enabled=true").
func patchStage(a *model.RestAPI, st *model.Stage, op patchOp) (string, error) {
	path := op.Path
	if op.Op != "replace" && op.Op != "add" && op.Op != "remove" {
		return "", badRequest("Invalid patch operation specified: %s is not supported on a stage (use replace, add or remove)", op.Op)
	}
	if name, ok := strings.CutPrefix(path, "/variables/"); ok {
		name = unescapePointer(name)
		if name == "" {
			return "", badRequest("Invalid patch path %s: a stage variable needs a name", path)
		}
		if op.Op == "remove" {
			delete(st.Variables, name)
			return "variables." + name + " removed", nil
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if st.Variables == nil {
			st.Variables = map[string]string{}
		}
		st.Variables[name] = v
		return "variables." + name + "=" + v, nil
	}
	switch path {
	case "/description":
		if op.Op == "remove" {
			st.Description = ""
			return "description removed", nil
		}
		v, err := op.value()
		st.Description = v
		return "description=" + strconv.Quote(v), err
	case "/deploymentId":
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if !slices.ContainsFunc(a.Deployments, func(d *model.Deployment) bool { return d.ID == v }) {
			return "", badRequest("Invalid deployment identifier specified: %s", v)
		}
		st.DeploymentID = v
		return "deploymentId=" + v, nil
	case "/tracingEnabled":
		b, err := op.boolValue()
		st.TracingEnabled = b
		return "tracingEnabled=" + strconv.FormatBool(b) + " (recorded; cfnrun does not trace)", err
	case "/cacheClusterEnabled":
		b, err := op.boolValue()
		st.CacheClusterEnabled = b
		return "cacheClusterEnabled=" + strconv.FormatBool(b) + " (accepted and ignored: cfnrun does not cache)", err
	case "/cacheClusterSize":
		v, err := op.value()
		st.CacheClusterSize = v
		return "cacheClusterSize=" + v + " (recorded; cfnrun does not cache)", err
	case "/http2Enabled":
		b, err := op.boolValue()
		if err != nil {
			return "", err
		}
		st.HTTP2Enabled = &b
		return "http2Enabled=" + strconv.FormatBool(b), nil
	}
	return patchMethodSetting(st, op)
}

// patchMethodSetting applies /{resourcePath}/{httpMethod}/{group}/{name}
// (or removes /{resourcePath}/{httpMethod}).
func patchMethodSetting(st *model.Stage, op patchOp) (string, error) {
	parts := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
	invalid := badRequest("Invalid patch path %s specified for op '%s'. Must be one of: %s", op.Path, op.Op, stagePaths)
	if len(parts) != 2 && len(parts) != 4 || parts[0] == "" || parts[1] == "" {
		return "", invalid
	}
	resPath, verb := "/"+parts[0], strings.ToUpper(parts[1])
	if verb != "*" && !slices.Contains([]string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"}, verb) {
		return "", invalid
	}
	i := slices.IndexFunc(st.MethodSettings, func(ms model.MethodSetting) bool {
		return ms.ResourcePath == resPath && ms.HTTPMethod == verb
	})
	if len(parts) == 2 {
		if op.Op != "remove" {
			return "", invalid
		}
		if i >= 0 {
			st.MethodSettings = slices.Delete(st.MethodSettings, i, i+1)
		}
		return "methodSettings " + parts[0] + "/" + verb + " removed", nil
	}
	if i < 0 {
		st.MethodSettings = append(st.MethodSettings, model.MethodSetting{ResourcePath: resPath, HTTPMethod: verb,
			ThrottlingBurstLimit: -1, ThrottlingRateLimit: -1})
		i = len(st.MethodSettings) - 1
	}
	ms := &st.MethodSettings[i]
	setting := parts[2] + "/" + parts[3]
	label := parts[0] + "/" + verb + "/" + setting
	if op.Op == "remove" {
		switch setting {
		case "throttling/rateLimit":
			ms.ThrottlingRateLimit = -1
		case "throttling/burstLimit":
			ms.ThrottlingBurstLimit = -1
		}
		return label + " removed", nil
	}
	v, err := op.value()
	if err != nil {
		return "", err
	}
	bad := func() (string, error) { return "", badRequest("Invalid value for %s: %q", op.Path, v) }
	switch setting {
	case "throttling/rateLimit":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return bad()
		}
		ms.ThrottlingRateLimit = f
	case "throttling/burstLimit":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return bad()
		}
		ms.ThrottlingBurstLimit = n
	case "logging/loglevel":
		l := strings.ToUpper(v)
		if l != "OFF" && l != "ERROR" && l != "INFO" {
			return bad()
		}
		ms.LoggingLevel = l
	case "logging/dataTrace", "metrics/enabled", "caching/enabled":
		b, err := op.boolValue()
		if err != nil {
			return "", err
		}
		switch setting {
		case "logging/dataTrace":
			ms.DataTraceEnabled = b
		case "metrics/enabled":
			ms.MetricsEnabled = b
		default:
			ms.CachingEnabled = b
			return label + "=" + v + " (accepted and ignored: cfnrun does not cache)", nil
		}
	case "caching/ttlInSeconds", "caching/dataEncrypted", "caching/requireAuthorizationForCacheControl",
		"caching/unauthorizedCacheControlHeaderStrategy":
		return label + "=" + v + " (accepted and ignored: cfnrun does not cache)", nil
	default:
		return "", invalid
	}
	return label + "=" + v, nil
}

// unescapePointer undoes JSON Pointer escaping (~1 is /, ~0 is ~), which
// patch paths use.
func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

type createDeploymentRequest struct {
	StageName        string            `json:"stageName"`
	StageDescription string            `json:"stageDescription"`
	Description      string            `json:"description"`
	Variables        map[string]string `json:"variables"`
	TracingEnabled   *bool             `json:"tracingEnabled"`
}

// createDeployment records a deployment; with stageName it points that
// stage at it, creating the stage when needed.
func createDeployment(rq *request) (int, any, error) {
	var body createDeploymentRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	now := rq.p.opts.Now()
	var dep *model.Deployment
	_, a, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		// The deployment is a snapshot: the tree as it is now (every
		// change clones the tree, so this one stays as it is).
		dep = &model.Deployment{ID: model.StableID(6, a.ID, "deployment", strconv.Itoa(len(a.Deployments)), now.String()),
			Description: body.Description, StageName: body.StageName, Resources: a.Resources}
		a.Deployments = append(slices.Clone(a.Deployments), dep)
		rq.p.created[a.ID+"/deployment/"+dep.ID] = now
		line := "create-deployment " + dep.ID
		if body.StageName == "" {
			return line, a.ID, nil
		}
		if st := cloneStage(a, body.StageName); st != nil {
			st.DeploymentID = dep.ID
			for k, v := range body.Variables {
				if st.Variables == nil {
					st.Variables = map[string]string{}
				}
				st.Variables[k] = v
			}
			return line + " stage " + body.StageName, a.ID + "/" + body.StageName, nil
		}
		if err := checkStageName(body.StageName); err != nil {
			return "", "", err
		}
		st := &model.Stage{Name: body.StageName, DeploymentID: dep.ID, Description: body.StageDescription, Variables: body.Variables}
		if body.TracingEnabled != nil {
			st.TracingEnabled = *body.TracingEnabled
		}
		addStage(a, st)
		rq.p.created[a.ID+"/stage/"+st.Name] = now
		return line + " stage " + body.StageName + " (new)", a.ID + "/" + body.StageName, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, rq.p.deploymentOf(a, dep, false), nil
}

func addStage(a *model.RestAPI, st *model.Stage) {
	a.Stages = append(slices.Clone(a.Stages), st)
	slices.SortStableFunc(a.Stages, func(x, y *model.Stage) int { return strings.Compare(x.Name, y.Name) })
}

// checkStageName applies API Gateway's rule for stage names.
func checkStageName(name string) error {
	if name == "" || len(name) > 128 {
		return badRequest("Stage name only allows a-zA-Z0-9_ and must be 1 to 128 characters")
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return badRequest("Stage name only allows a-zA-Z0-9_ and must be 1 to 128 characters")
		}
	}
	return nil
}

type createStageRequest struct {
	StageName      string            `json:"stageName"`
	DeploymentID   string            `json:"deploymentId"`
	Description    string            `json:"description"`
	Variables      map[string]string `json:"variables"`
	TracingEnabled bool              `json:"tracingEnabled"`
}

func createStage(rq *request) (int, any, error) {
	var body createStageRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if err := checkStageName(body.StageName); err != nil {
		return 0, nil, err
	}
	now := rq.p.opts.Now()
	t, a, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		if slices.ContainsFunc(a.Stages, func(s *model.Stage) bool { return s.Name == body.StageName }) {
			return "", "", conflict("Stage already exists")
		}
		if !slices.ContainsFunc(a.Deployments, func(d *model.Deployment) bool { return d.ID == body.DeploymentID }) {
			return "", "", badRequest("Invalid deployment identifier specified: %q", body.DeploymentID)
		}
		addStage(a, &model.Stage{Name: body.StageName, DeploymentID: body.DeploymentID, Description: body.Description,
			Variables: body.Variables, TracingEnabled: body.TracingEnabled})
		rq.p.created[a.ID+"/stage/"+body.StageName] = now
		return "create-stage " + body.StageName, a.ID + "/" + body.StageName, nil
	})
	if err != nil {
		return 0, nil, err
	}
	for _, st := range servedStages(a) {
		if st.Name == body.StageName {
			return http.StatusCreated, rq.p.stageOf(t, a, st), nil
		}
	}
	return 0, nil, fmt.Errorf("stage %s not in the model after create-stage", body.StageName)
}

func deleteStage(rq *request) (int, any, error) {
	name := rq.segs[3]
	_, _, err := rq.change(func(t *model.Template, a *model.RestAPI) (string, string, error) {
		n := len(a.Stages)
		a.Stages = slices.DeleteFunc(slices.Clone(a.Stages), func(s *model.Stage) bool { return s.Name == name })
		if len(a.Stages) == n {
			return "", "", notFound("Invalid stage identifier specified")
		}
		return "delete-stage " + name, a.ID + "/" + name, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}
