package control

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// API keys and usage plans made, changed and deleted through the control
// plane: create-api-key (and import-api-keys), update-api-key,
// delete-api-key, create-usage-plan, update-usage-plan,
// delete-usage-plan, create-usage-plan-key, delete-usage-plan-key. They
// are the model's APIKeys and UsagePlans, as a template's are, so the
// gateway compiles them as it compiles the template's: a key added to a
// plan admits requests to the plan's stages at once, and the plan's
// throttle and quota apply to it from the next request. Each change is
// drift (get-api-key's and get-usage-plan's tag cfnrun:drift), ended by a
// template reload.

// Drift keys of the account-level elements.
func apiKeyDrift(id string) string    { return "apikeys/" + id }
func usagePlanDrift(id string) string { return "usageplans/" + id }

// controlPrefix starts the LogicalID of what the control plane makes.
const controlPrefix = "control-plane:"

type stageKeyBody struct {
	RestAPIID string `json:"restApiId"`
	StageName string `json:"stageName"`
}

type createAPIKeyRequest struct {
	Name               string            `json:"name"`
	Description        string            `json:"description"`
	Enabled            bool              `json:"enabled"`
	GenerateDistinctID bool              `json:"generateDistinctId"`
	Value              string            `json:"value"`
	StageKeys          []stageKeyBody    `json:"stageKeys"`
	CustomerID         string            `json:"customerId"`
	Tags               map[string]string `json:"tags"`
}

// checkKeyValue applies API Gateway's limits on an API key value.
func checkKeyValue(v string) error {
	if len(v) < 20 {
		return badRequest("API Key value should be at least 20 characters")
	}
	if len(v) > 128 {
		return badRequest("API Key value exceeds maximum size of 128 characters")
	}
	return nil
}

// restStage checks that apiID names a REST API of t with a served stage
// named stage.
func (p *Plane) restStage(t *model.Template, apiID, stage string) error {
	a := t.API(apiID)
	if a == nil || a.IsHTTP() {
		return notFound("Invalid API identifier specified %s:%s", p.opts.AccountID, apiID)
	}
	if !slices.ContainsFunc(servedStages(a), func(st *model.Stage) bool { return st.Name == stage }) {
		return notFound("Invalid stage identifier specified")
	}
	return nil
}

// sortKeys restores the model's order of API keys: by Name, then
// LogicalID.
func sortKeys(keys []*model.APIKey) {
	slices.SortFunc(keys, func(a, b *model.APIKey) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.LogicalID, b.LogicalID))
	})
}

func sortPlans(plans []*model.UsagePlan) {
	slices.SortFunc(plans, func(a, b *model.UsagePlan) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.LogicalID, b.LogicalID))
	})
}

// newAPIKey checks body and makes the key it asks for; p.mu is held.
func (p *Plane) newAPIKey(t *model.Template, body createAPIKeyRequest) (*model.APIKey, error) {
	k := &model.APIKey{Name: body.Name, Description: body.Description, Enabled: body.Enabled,
		CustomerID: body.CustomerID, Value: body.Value}
	if len(body.Tags) > 0 {
		k.Tags = maps.Clone(body.Tags)
	}
	now := p.opts.Now()
	k.ID = model.StableID(10, "control-plane-apikey", body.Name, now.String(), p.nextMade())
	k.LogicalID = controlPrefix + k.ID
	if k.Name == "" {
		k.Name = k.ID // as API Gateway names a key without a name
	}
	if k.Value == "" {
		k.Value = model.StableKeyValue("control-plane-apikey", k.ID)
		k.GeneratedValue = true
	} else if err := checkKeyValue(k.Value); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(t.APIKeys, func(x *model.APIKey) bool { return x.Value == k.Value }) {
		return nil, conflict("API Key already exists")
	}
	for _, sk := range body.StageKeys {
		if err := p.restStage(t, sk.RestAPIID, sk.StageName); err != nil {
			return nil, err
		}
		k.StageKeys = append(k.StageKeys, model.StageKey{APIID: sk.RestAPIID, Stage: sk.StageName})
	}
	slices.SortFunc(k.StageKeys, func(a, b model.StageKey) int {
		return cmp.Or(cmp.Compare(a.APIID, b.APIID), cmp.Compare(a.Stage, b.Stage))
	})
	p.created[apiKeyDrift(k.ID)] = now
	return k, nil
}

func createAPIKey(rq *request) (int, any, error) {
	if rq.q.Get("mode") == "import" {
		return importAPIKeys(rq)
	}
	var body createAPIKeyRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	var k *model.APIKey
	t, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		var err error
		if k, err = rq.p.newAPIKey(t, body); err != nil {
			return "", "", "", err
		}
		t.APIKeys = append(slices.Clone(t.APIKeys), k)
		sortKeys(t.APIKeys)
		return "create-api-key " + k.ID + " " + strconv.Quote(k.Name) + " enabled=" + strconv.FormatBool(k.Enabled), apiKeyDrift(k.ID), k.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, rq.p.apiKeyOf(t, k, true), nil
}

type apiKeyIDs struct {
	IDs      []string `json:"ids"`
	Warnings []string `json:"warnings"`
}

// importAPIKeys reads API Gateway's CSV format: a header naming the
// columns (Name, Key, Description, Enabled, UsagePlanIds, in any order and
// case), then one key a line; usage plan ids are separated by colons.
func importAPIKeys(rq *request) (int, any, error) {
	if f := rq.q.Get("format"); f != "csv" {
		return 0, nil, badRequest("Invalid format specified: %q (API Gateway imports csv)", f)
	}
	failOnWarnings := rq.q.Get("failonwarnings") == "true"
	r := csv.NewReader(bytes.NewReader(rq.body))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return 0, nil, badRequest("Invalid API keys file: no header line")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["key"]; !ok {
		if _, ok := col["name"]; !ok {
			return 0, nil, badRequest("Invalid API keys file: the header names neither a Name nor a Key column")
		}
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, nil, badRequest("Invalid API keys file: %v", err)
		}
		rows = append(rows, rec)
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	out := apiKeyIDs{IDs: []string{}, Warnings: []string{}}
	var names []string
	_, err = rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		t.APIKeys = slices.Clone(t.APIKeys)
		t.UsagePlans = slices.Clone(t.UsagePlans)
		for n, rec := range rows {
			body := createAPIKeyRequest{Name: field(rec, "name"), Value: field(rec, "key"), Description: field(rec, "description"),
				Enabled: strings.EqualFold(field(rec, "enabled"), "true")}
			k, err := rq.p.newAPIKey(t, body)
			if err != nil {
				var ae *apiError
				if failOnWarnings || !errors.As(err, &ae) {
					return "", "", "", err
				}
				out.Warnings = append(out.Warnings, "line "+strconv.Itoa(n+2)+": "+ae.message)
				continue
			}
			for _, planID := range strings.Split(field(rec, "usageplanids"), ":") {
				if planID = strings.TrimSpace(planID); planID == "" {
					continue
				}
				// The plan-key rules of create-usage-plan-key: the
				// same plan twice on a line, or two plans over one
				// stage, are refused (warnings unless failonwarnings).
				if _, err := addPlanKey(t, planID, k.ID); err != nil {
					var ae *apiError
					if failOnWarnings || !errors.As(err, &ae) {
						return "", "", "", err
					}
					out.Warnings = append(out.Warnings, "line "+strconv.Itoa(n+2)+": "+ae.message+": "+planID)
				}
			}
			t.APIKeys = append(t.APIKeys, k)
			out.IDs = append(out.IDs, k.ID)
			names = append(names, k.Name)
		}
		sortKeys(t.APIKeys)
		return "import-api-keys " + strings.Join(out.IDs, " "), "apikeys", "import", nil
	})
	if err != nil {
		return 0, nil, err
	}
	// Each key's own drift (get-api-key), once the change is served.
	rq.p.mu.Lock()
	for i, id := range out.IDs {
		rq.p.drift[apiKeyDrift(id)] = append(rq.p.drift[apiKeyDrift(id)], "import-api-keys "+id+" "+strconv.Quote(names[i]))
	}
	rq.p.mu.Unlock()
	return http.StatusCreated, out, nil
}

func sortPlanKeys(keys []model.UsagePlanKey) {
	slices.SortFunc(keys, func(a, b model.UsagePlanKey) int {
		return cmp.Or(cmp.Compare(a.KeyID, b.KeyID), cmp.Compare(a.LogicalID, b.LogicalID))
	})
}

// editKey gives t its own copy of the key with id (and of the key list).
func editKey(t *model.Template, id string) (*model.APIKey, error) {
	t.APIKeys = slices.Clone(t.APIKeys)
	for i, k := range t.APIKeys {
		if k.ID == id {
			c := *k
			c.StageKeys = slices.Clone(k.StageKeys)
			t.APIKeys[i] = &c
			return &c, nil
		}
	}
	return nil, notFound("Invalid API Key identifier specified")
}

const apiKeyPaths = "[/name, /description, /enabled, /customerId, /stages]"

func updateAPIKey(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	var k *model.APIKey
	t, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		var err error
		if k, err = editKey(t, rq.segs[1]); err != nil {
			return "", "", "", err
		}
		var done []string
		for _, op := range ops {
			d, err := rq.p.patchAPIKey(t, k, op)
			if err != nil {
				return "", "", "", err
			}
			done = append(done, d)
		}
		sortKeys(t.APIKeys)
		return "update-api-key " + k.ID + " " + strings.Join(done, " "), apiKeyDrift(k.ID), k.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.apiKeyOf(t, k, false), nil
}

func (p *Plane) patchAPIKey(t *model.Template, k *model.APIKey, op patchOp) (string, error) {
	invalid := badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: %s", op.Path, op.Op, apiKeyPaths)
	field := map[string]*string{"/name": &k.Name, "/description": &k.Description, "/customerId": &k.CustomerID}[op.Path]
	switch {
	case field != nil && (op.Op == "replace" || op.Op == "add"):
		v, err := op.value()
		*field = v
		return op.Path[1:] + "=" + strconv.Quote(v), err
	case field != nil && op.Op == "remove" && op.Path != "/name":
		*field = ""
		return op.Path[1:] + " removed", nil
	case op.Path == "/enabled" && op.Op == "replace":
		b, err := op.boolValue()
		k.Enabled = b
		return "enabled=" + strconv.FormatBool(b), err
	case op.Path == "/stages" && (op.Op == "add" || op.Op == "remove"):
		v, err := op.value()
		if err != nil {
			return "", err
		}
		apiID, stage, ok := strings.Cut(v, "/")
		if !ok {
			return "", badRequest("Invalid stage key specified: %q (want restApiId/stageName)", v)
		}
		sk := model.StageKey{APIID: apiID, Stage: stage}
		has := slices.ContainsFunc(k.StageKeys, func(x model.StageKey) bool { return x.APIID == apiID && x.Stage == stage })
		if op.Op == "remove" {
			if !has {
				return "", notFound("Invalid stage key specified: %s", v)
			}
			k.StageKeys = slices.DeleteFunc(k.StageKeys, func(x model.StageKey) bool { return x.APIID == apiID && x.Stage == stage })
			return "stages " + v + " removed", nil
		}
		if err := p.restStage(t, apiID, stage); err != nil {
			return "", err
		}
		if !has {
			k.StageKeys = append(k.StageKeys, sk)
			slices.SortFunc(k.StageKeys, func(a, b model.StageKey) int {
				return cmp.Or(cmp.Compare(a.APIID, b.APIID), cmp.Compare(a.Stage, b.Stage))
			})
		}
		return "stages " + v + " added", nil
	}
	return "", invalid
}

// deleteAPIKey removes the key and takes it out of every usage plan, as
// API Gateway does.
func deleteAPIKey(rq *request) (int, any, error) {
	id := rq.segs[1]
	_, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		if t.APIKey(id) == nil {
			return "", "", "", notFound("Invalid API Key identifier specified")
		}
		t.APIKeys = slices.DeleteFunc(slices.Clone(t.APIKeys), func(k *model.APIKey) bool { return k.ID == id })
		t.UsagePlans = slices.Clone(t.UsagePlans)
		for i, up := range t.UsagePlans {
			if slices.ContainsFunc(up.Keys, func(k model.UsagePlanKey) bool { return k.KeyID == id }) {
				c := *up
				c.Keys = slices.DeleteFunc(slices.Clone(up.Keys), func(k model.UsagePlanKey) bool { return k.KeyID == id })
				t.UsagePlans[i] = &c
			}
		}
		return "delete-api-key " + id, apiKeyDrift(id), id, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

type throttleBody struct {
	BurstLimit *int     `json:"burstLimit"`
	RateLimit  *float64 `json:"rateLimit"`
}

func (b *throttleBody) model() (model.Throttle, error) {
	th := model.Throttle{BurstLimit: -1, RateLimit: -1}
	if b.BurstLimit != nil {
		if *b.BurstLimit < 0 {
			return th, badRequest("Invalid throttle burst limit: %d", *b.BurstLimit)
		}
		th.BurstLimit = *b.BurstLimit
	}
	if b.RateLimit != nil {
		if *b.RateLimit < 0 {
			return th, badRequest("Invalid throttle rate limit: %v", *b.RateLimit)
		}
		th.RateLimit = *b.RateLimit
	}
	return th, nil
}

type createUsagePlanRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	APIStages   []struct {
		APIID    string                   `json:"apiId"`
		Stage    string                   `json:"stage"`
		Throttle map[string]*throttleBody `json:"throttle"`
	} `json:"apiStages"`
	Throttle *throttleBody `json:"throttle"`
	Quota    *struct {
		Limit  int    `json:"limit"`
		Offset int    `json:"offset"`
		Period string `json:"period"`
	} `json:"quota"`
	Tags map[string]string `json:"tags"`
}

// checkQuota applies API Gateway's rules for a quota.
func checkQuota(q *model.Quota) error {
	if q == nil {
		return nil
	}
	if q.Limit < 0 {
		return badRequest("Invalid quota limit: %d", q.Limit)
	}
	maxOffset := 0
	switch q.Period {
	case model.QuotaDay:
	case model.QuotaWeek:
		maxOffset = 6
	case model.QuotaMonth:
		maxOffset = 27
	default:
		return badRequest("Invalid quota period specified: %q. Valid options are DAY,WEEK,MONTH", q.Period)
	}
	if q.Offset < 0 || q.Offset > maxOffset {
		return badRequest("Invalid quota offset %d for period %s: 0 to %d", q.Offset, q.Period, maxOffset)
	}
	return nil
}

// checkPlanStage checks an API stage of plan id: a served stage of a REST
// API, or a stage of a WebSocket API (whose plans the gateway applies to
// every route), which no other stage entry of the plan names.
func (p *Plane) checkPlanStage(t *model.Template, id string, stages []model.UsagePlanStage, apiID, stage string) error {
	bad := badRequest("Invalid API Stage {api: %s, stage: %s} specified for usageplan %s", apiID, stage, id)
	ws := t.WebSocketAPI(apiID)
	if p.restStage(t, apiID, stage) != nil && (ws == nil || !slices.ContainsFunc(ws.Stages, func(st *model.Stage) bool { return st.Name == stage })) {
		return bad
	}
	if slices.ContainsFunc(stages, func(s model.UsagePlanStage) bool { return s.APIID == apiID && s.Stage == stage }) {
		return conflict("Stage %s:%s is already in usage plan %s", apiID, stage, id)
	}
	return nil
}

// methodThrottlePath checks a usage plan's per-method throttle key,
// "/{resourcePath}/{httpMethod}" ("/pets/GET", "/*/*").
func methodThrottlePath(path string) error {
	i := strings.LastIndexByte(path, '/')
	if !strings.HasPrefix(path, "/") || i <= 0 {
		return badRequest("Invalid method throttle path %q: want /{resourcePath}/{httpMethod}", path)
	}
	verb := path[i+1:]
	if verb != "*" && !slices.Contains(methodVerbs, verb) {
		return badRequest("Invalid method throttle path %q: want /{resourcePath}/{httpMethod}", path)
	}
	return nil
}

func sortPlanStages(stages []model.UsagePlanStage) {
	slices.SortStableFunc(stages, func(a, b model.UsagePlanStage) int {
		return cmp.Or(cmp.Compare(a.APIID, b.APIID), cmp.Compare(a.Stage, b.Stage))
	})
	for i := range stages {
		slices.SortFunc(stages[i].Methods, func(a, b model.MethodThrottle) int { return cmp.Compare(a.Path, b.Path) })
	}
}

func createUsagePlan(rq *request) (int, any, error) {
	var body createUsagePlanRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if strings.TrimSpace(body.Name) == "" {
		return 0, nil, badRequest("Invalid usage plan name specified: a name is required")
	}
	var up *model.UsagePlan
	t, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		p := rq.p
		now := p.opts.Now()
		id := model.StableID(6, "control-plane-usageplan", body.Name, now.String(), p.nextMade())
		up = &model.UsagePlan{LogicalID: controlPrefix + id, ID: id, Name: body.Name, Description: body.Description}
		if len(body.Tags) > 0 {
			up.Tags = maps.Clone(body.Tags)
		}
		for _, s := range body.APIStages {
			if err := p.checkPlanStage(t, id, up.Stages, s.APIID, s.Stage); err != nil {
				return "", "", "", err
			}
			ps := model.UsagePlanStage{APIID: s.APIID, Stage: s.Stage}
			for path, tb := range s.Throttle {
				if err := methodThrottlePath(path); err != nil {
					return "", "", "", err
				}
				th, err := tb.model()
				if err != nil {
					return "", "", "", err
				}
				ps.Methods = append(ps.Methods, model.MethodThrottle{Path: path, Throttle: th})
			}
			up.Stages = append(up.Stages, ps)
		}
		sortPlanStages(up.Stages)
		if body.Throttle != nil {
			th, err := body.Throttle.model()
			if err != nil {
				return "", "", "", err
			}
			up.Throttle = &th
		}
		if q := body.Quota; q != nil {
			up.Quota = &model.Quota{Limit: q.Limit, Offset: q.Offset, Period: q.Period} // DAY, WEEK, MONTH as written: AWS refuses "week"
			if err := checkQuota(up.Quota); err != nil {
				return "", "", "", err
			}
		}
		t.UsagePlans = append(slices.Clone(t.UsagePlans), up)
		sortPlans(t.UsagePlans)
		p.created[usagePlanDrift(id)] = now
		return "create-usage-plan " + id + " " + strconv.Quote(up.Name) + planSummary(up), usagePlanDrift(id), id, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, rq.p.usagePlanOf(t, up), nil
}

// planSummary is what the log says of a plan's limits.
func planSummary(up *model.UsagePlan) string {
	var s strings.Builder
	for _, st := range up.Stages {
		s.WriteString(" stage " + st.APIID + ":" + st.Stage)
	}
	if up.Throttle != nil {
		s.WriteString(" throttle " + up.Throttle.String())
	}
	if q := up.Quota; q != nil {
		s.WriteString(" quota " + strconv.Itoa(q.Limit) + "/" + q.Period)
	}
	return s.String()
}

// editPlan gives t its own copy of the plan with id (and of the list).
func editPlan(t *model.Template, id string) (*model.UsagePlan, error) {
	t.UsagePlans = slices.Clone(t.UsagePlans)
	for i, up := range t.UsagePlans {
		if up.ID == id {
			c := *up
			c.Stages = slices.Clone(up.Stages)
			for j := range c.Stages {
				c.Stages[j].Methods = slices.Clone(c.Stages[j].Methods)
			}
			c.Keys = slices.Clone(up.Keys)
			if up.Throttle != nil {
				th := *up.Throttle
				c.Throttle = &th
			}
			if up.Quota != nil {
				q := *up.Quota
				c.Quota = &q
			}
			t.UsagePlans[i] = &c
			return &c, nil
		}
	}
	return nil, notFound("Invalid Usage Plan ID specified")
}

const usagePlanPaths = "[/name, /description, /apiStages, /quota, /throttle, /productCode, " +
	"/apiStages/<apiId:stageName>/throttle/<resourcePath>/<httpMethod>, /apiStages/<apiId:stageName>/throttle]"

func updateUsagePlan(rq *request) (int, any, error) {
	ops, err := rq.patchOps()
	if err != nil {
		return 0, nil, err
	}
	var up *model.UsagePlan
	t, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		var err error
		if up, err = editPlan(t, rq.segs[1]); err != nil {
			return "", "", "", err
		}
		var done []string
		for _, op := range ops {
			d, err := rq.p.patchUsagePlan(t, up, op)
			if err != nil {
				return "", "", "", err
			}
			done = append(done, d)
		}
		if err := checkQuota(up.Quota); err != nil {
			return "", "", "", err
		}
		sortPlanStages(up.Stages)
		sortPlans(t.UsagePlans)
		return "update-usage-plan " + up.ID + " " + strings.Join(done, " "), usagePlanDrift(up.ID), up.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rq.p.usagePlanOf(t, up), nil
}

func (p *Plane) patchUsagePlan(t *model.Template, up *model.UsagePlan, op patchOp) (string, error) {
	invalid := badRequest("Invalid patch path '%s' specified for op '%s'. Must be one of: %s", op.Path, op.Op, usagePlanPaths)
	set := op.Op == "replace" || op.Op == "add"
	switch op.Path {
	case "/name", "/description":
		f := &up.Name
		if op.Path == "/description" {
			f = &up.Description
		}
		if op.Op == "remove" && op.Path == "/description" {
			*f = ""
			return "description removed", nil
		}
		if !set {
			return "", invalid
		}
		v, err := op.value()
		if err == nil && op.Path == "/name" && strings.TrimSpace(v) == "" {
			err = badRequest("Invalid usage plan name specified: a name is required")
		}
		*f = v
		return op.Path[1:] + "=" + strconv.Quote(v), err
	case "/productCode":
		return "productCode (accepted and ignored: cfnrun sells nothing)", nil
	case "/apiStages":
		v, err := op.value()
		if err != nil {
			return "", err
		}
		apiID, stage, ok := strings.Cut(v, ":")
		if !ok {
			return "", badRequest("Invalid API Stage specified: %q (want apiId:stageName)", v)
		}
		switch op.Op {
		case "add":
			if err := p.checkPlanStage(t, up.ID, up.Stages, apiID, stage); err != nil {
				return "", err
			}
			up.Stages = append(up.Stages, model.UsagePlanStage{APIID: apiID, Stage: stage})
			return "apiStages " + v + " added", nil
		case "remove":
			n := len(up.Stages)
			up.Stages = slices.DeleteFunc(up.Stages, func(s model.UsagePlanStage) bool { return s.APIID == apiID && s.Stage == stage })
			if len(up.Stages) == n {
				return "", badRequest("Invalid API Stage specified")
			}
			return "apiStages " + v + " removed", nil
		}
		return "", invalid
	case "/throttle", "/quota":
		if op.Op != "remove" {
			return "", invalid
		}
		if op.Path == "/throttle" {
			up.Throttle = nil
		} else {
			up.Quota = nil
		}
		return op.Path[1:] + " removed", nil
	case "/throttle/rateLimit", "/throttle/burstLimit":
		if !set {
			return "", invalid
		}
		if up.Throttle == nil {
			up.Throttle = &model.Throttle{BurstLimit: -1, RateLimit: -1}
		}
		return setThrottle(up.Throttle, op, op.Path[len("/throttle/"):], op.Path[1:])
	case "/quota/limit", "/quota/offset", "/quota/period":
		if !set {
			return "", invalid
		}
		v, err := op.value()
		if err != nil {
			return "", err
		}
		if up.Quota == nil {
			up.Quota = &model.Quota{}
		}
		if op.Path == "/quota/period" {
			up.Quota.Period = v
			return "quota.period=" + up.Quota.Period, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", badRequest("Invalid value for %s: %q", op.Path, v)
		}
		if op.Path == "/quota/limit" {
			up.Quota.Limit = n
		} else {
			up.Quota.Offset = n
		}
		return "quota." + op.Path[len("/quota/"):] + "=" + v, nil
	}
	// /apiStages/{apiId}:{stage}/throttle[/{resourcePath}/{httpMethod}[/rateLimit|/burstLimit]]
	rest, ok := strings.CutPrefix(op.Path, "/apiStages/")
	if !ok {
		return "", invalid
	}
	stageRef, throttlePath, ok := strings.Cut(rest, "/throttle")
	apiID, stage, ok2 := strings.Cut(stageRef, ":")
	if !ok || !ok2 {
		return "", invalid
	}
	i := slices.IndexFunc(up.Stages, func(s model.UsagePlanStage) bool { return s.APIID == apiID && s.Stage == stage })
	if i < 0 {
		return "", badRequest("Invalid API Stage {api: %s, stage: %s} specified for usageplan %s", apiID, stage, up.ID)
	}
	ps := &up.Stages[i]
	label := "apiStages " + stageRef + " throttle"
	if throttlePath == "" {
		if op.Op != "remove" {
			return "", invalid
		}
		ps.Methods = nil
		return label + " removed", nil
	}
	// The resource path is escaped (~1pets/GET is /pets/GET; */* is
	// /*/*), as the model keeps it.
	mpath := unescapePointer(strings.TrimPrefix(throttlePath, "/"))
	if !strings.HasPrefix(mpath, "/") {
		mpath = "/" + mpath
	}
	setting := ""
	if j := strings.LastIndexByte(mpath, '/'); j >= 0 && (mpath[j+1:] == "rateLimit" || mpath[j+1:] == "burstLimit") {
		setting, mpath = mpath[j+1:], mpath[:j]
	}
	if err := methodThrottlePath(mpath); err != nil {
		return "", err
	}
	j := slices.IndexFunc(ps.Methods, func(m model.MethodThrottle) bool { return m.Path == mpath })
	if op.Op == "remove" {
		if setting != "" || j < 0 {
			return "", invalid
		}
		ps.Methods = slices.Delete(ps.Methods, j, j+1)
		return label + " " + mpath + " removed", nil
	}
	if !set || setting == "" {
		return "", invalid
	}
	if j < 0 {
		ps.Methods = append(ps.Methods, model.MethodThrottle{Path: mpath, Throttle: model.Throttle{BurstLimit: -1, RateLimit: -1}})
		j = len(ps.Methods) - 1
	}
	return setThrottle(&ps.Methods[j].Throttle, op, setting, label+" "+mpath+" "+setting)
}

// setThrottle sets th's rateLimit or burstLimit from op's value.
func setThrottle(th *model.Throttle, op patchOp, setting, label string) (string, error) {
	v, err := op.value()
	if err != nil {
		return "", err
	}
	if setting == "rateLimit" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return "", badRequest("Invalid value for %s: %q", op.Path, v)
		}
		th.RateLimit = f
	} else {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return "", badRequest("Invalid value for %s: %q", op.Path, v)
		}
		th.BurstLimit = n
	}
	return label + "=" + v, nil
}

// deleteUsagePlan refuses a plan that still covers a stage, as API
// Gateway does.
func deleteUsagePlan(rq *request) (int, any, error) {
	id := rq.segs[1]
	_, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		i := slices.IndexFunc(t.UsagePlans, func(up *model.UsagePlan) bool { return up.ID == id })
		if i < 0 {
			return "", "", "", notFound("Invalid Usage Plan ID specified")
		}
		if st := t.UsagePlans[i].Stages; len(st) > 0 {
			return "", "", "", badRequest("Cannot delete Usage Plan %s because there are API Stages associated with it, including %s:%s", id, st[0].APIID, st[0].Stage)
		}
		t.UsagePlans = slices.Delete(slices.Clone(t.UsagePlans), i, i+1)
		return "delete-usage-plan " + id, usagePlanDrift(id), id, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

type createUsagePlanKeyRequest struct {
	KeyID   string `json:"keyId"`
	KeyType string `json:"keyType"`
}

// addPlanKey puts the key keyID in the usage plan planID of t (cloning
// what it edits), with API Gateway's checks: a key the plan has already
// is a conflict, and so is a key in another plan that covers one of the
// plan's stages (the gateway could not tell whose limits apply).
func addPlanKey(t *model.Template, planID, keyID string) (*model.UsagePlan, error) {
	up, err := editPlan(t, planID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(up.Keys, func(x model.UsagePlanKey) bool { return x.KeyID == keyID }) {
		return nil, conflict("API Key %s is already in Usage Plan %s", keyID, up.ID)
	}
	for _, other := range t.UsagePlans {
		if other.ID == up.ID || !slices.ContainsFunc(other.Keys, func(x model.UsagePlanKey) bool { return x.KeyID == keyID }) {
			continue
		}
		for _, s := range up.Stages {
			if slices.ContainsFunc(other.Stages, func(o model.UsagePlanStage) bool { return o.APIID == s.APIID && o.Stage == s.Stage }) {
				return nil, conflict("Usage Plan %s cannot be added because API Key %s cannot reference multiple Usage Plans with the same API Stage", up.ID, keyID)
			}
		}
	}
	up.Keys = append(up.Keys, model.UsagePlanKey{LogicalID: controlPrefix + keyID, KeyID: keyID, KeyType: "API_KEY"})
	sortPlanKeys(up.Keys)
	return up, nil
}

func createUsagePlanKey(rq *request) (int, any, error) {
	var body createUsagePlanKeyRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if body.KeyType != "API_KEY" {
		return 0, nil, badRequest("Invalid key type specified: %q. Valid options are API_KEY", body.KeyType)
	}
	var out *usagePlanKey
	_, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		k := t.APIKey(body.KeyID)
		if k == nil {
			return "", "", "", notFound("Invalid API Key identifier specified")
		}
		up, err := addPlanKey(t, rq.segs[1], k.ID)
		if err != nil {
			return "", "", "", err
		}
		out = &usagePlanKey{ID: k.ID, Type: "API_KEY", Name: k.Name, Value: k.Value}
		return "create-usage-plan-key " + up.ID + " " + k.ID, usagePlanDrift(up.ID), up.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, out, nil
}

func deleteUsagePlanKey(rq *request) (int, any, error) {
	keyID := rq.segs[3]
	_, err := rq.changeTemplate(func(t *model.Template) (string, string, string, error) {
		up, err := editPlan(t, rq.segs[1])
		if err != nil {
			return "", "", "", err
		}
		n := len(up.Keys)
		up.Keys = slices.DeleteFunc(up.Keys, func(x model.UsagePlanKey) bool { return x.KeyID == keyID })
		if len(up.Keys) == n {
			return "", "", "", notFound("Invalid Usage Plan Key identifier specified")
		}
		return "delete-usage-plan-key " + up.ID + " " + keyID, usagePlanDrift(up.ID), up.ID, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}
