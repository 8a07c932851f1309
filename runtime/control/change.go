package control

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// A change copies what it touches of the served model (the rest is shared:
// the model is immutable), edits the copy, and loads it as a template
// reload does. edit reports the drift lines it made, keyed as in
// Plane.drift, and the answer.

// edit is a change to one REST API of a model copy. It returns the log
// line ("update-stage prod http2Enabled=true") and the drift key it
// belongs to.
type edit func(t *model.Template, a *model.RestAPI) (logLine, driftKey string, err error)

// forgetIfReloaded drops what the plane made when the served template t
// is not the one its last change loaded: the template was reloaded (or
// nothing was changed yet), and the changes are gone with their version.
// p.mu is held.
func (p *Plane) forgetIfReloaded(t *model.Template) {
	if t != p.ours {
		clear(p.drift)
		clear(p.v2ints)
		clear(p.v2deps)
	}
}

// addAPI serves t with API a added, and records line as a's drift and
// now as its creation; p.mu is held.
func (p *Plane) addAPI(t *model.Template, a *model.RestAPI, line string, now time.Time) (*model.Template, error) {
	nt := *t
	nt.APIs = append(slices.Clone(t.APIs), a)
	slices.SortFunc(nt.APIs, func(x, y *model.RestAPI) int { return cmp.Compare(x.LogicalID, y.LogicalID) })
	if err := p.load(&nt); err != nil {
		return nil, badRequest("The change cannot be served: %v", err)
	}
	p.ours = &nt
	p.drift[a.ID] = append(p.drift[a.ID], line)
	p.created[a.ID+"/api"] = now
	return &nt, nil
}

// change applies e to a copy of the API named by segment 1 and serves the
// result, which it returns.
func (rq *request) change(e edit) (*model.Template, *model.RestAPI, error) {
	return rq.changeAPI(1, false, e)
}

// changeV2 is change for the HTTP API named by segment 2 (v2/apis/{id}).
func (rq *request) changeV2(e edit) (*model.Template, *model.RestAPI, error) {
	return rq.changeAPI(2, true, e)
}

// changeAPI is change for the API named by segment seg: an HTTP API
// when httpOnly, else a REST API.
func (rq *request) changeAPI(seg int, httpOnly bool, e edit) (*model.Template, *model.RestAPI, error) {
	p := rq.p
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.gw.Template()
	if t == nil {
		return nil, nil, notFound("No template is served")
	}
	p.forgetIfReloaded(t)
	old := t.API(rq.segs[seg])
	// v1 writes (/restapis) take REST APIs only, v2 ones HTTP APIs
	// only: each API answers under its own service, as in AWS.
	if old == nil || old.IsHTTP() != httpOnly {
		return nil, nil, notFound("Invalid API identifier specified %s:%s", p.opts.AccountID, rq.segs[seg])
	}
	nt := *t
	nt.APIs = slices.Clone(t.APIs)
	na := *old
	for i, a := range nt.APIs {
		if a == old {
			nt.APIs[i] = &na
		}
	}
	line, key, err := e(&nt, &na)
	if err != nil {
		return nil, nil, err
	}
	if err := p.load(&nt); err != nil {
		return nil, nil, badRequest("The change cannot be served: %v", err)
	}
	p.ours = &nt
	if line != "" {
		p.drift[key] = append(p.drift[key], line)
		p.log.Info("control plane: "+line, "api", na.ID, "drift", driftNote)
	}
	return &nt, &na, nil
}

// cloneStage makes the API's stage name its own copy (and the stage list),
// so it can be edited; nil when the API has no such stage.
func cloneStage(a *model.RestAPI, name string) *model.Stage {
	a.Stages = slices.Clone(a.Stages)
	var out *model.Stage
	for i, st := range a.Stages {
		if st.Name != name {
			continue
		}
		c := *st
		c.Variables = maps.Clone(st.Variables)
		c.MethodSettings = slices.Clone(st.MethodSettings)
		if st.HTTP2Enabled != nil {
			v := *st.HTTP2Enabled
			c.HTTP2Enabled = &v
		}
		a.Stages[i] = &c
		// The served stage of a name is the explicit one (see
		// model.EffectiveStages); edit that one.
		if out == nil || out.Implicit && !c.Implicit {
			out = &c
		}
	}
	return out
}

// patchOp is one PatchOperation.
type patchOp struct {
	Op    string  `json:"op"`
	Path  string  `json:"path"`
	Value *string `json:"value"`
	From  string  `json:"from"`
}

type patchRequest struct {
	PatchOperations []patchOp `json:"patchOperations"`
}

func (op patchOp) value() (string, error) {
	if op.Value == nil {
		return "", badRequest("Invalid patch operation: %s %s needs a value", op.Op, op.Path)
	}
	return *op.Value, nil
}

func (op patchOp) boolValue() (bool, error) {
	v, err := op.value()
	if err != nil {
		return false, err
	}
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badRequest("Invalid value for %s: %q (want true or false)", op.Path, v)
}

// patchOps decodes a PATCH request's patchOperations and checks them
// (checkOps).
func (rq *request) patchOps() ([]patchOp, error) {
	var body patchRequest
	if err := rq.decode(&body); err != nil {
		return nil, err
	}
	if err := checkOps(body.PatchOperations); err != nil {
		return nil, err
	}
	return body.PatchOperations, nil
}

// checkOps checks the operations' shape before any is applied.
func checkOps(ops []patchOp) error {
	if len(ops) == 0 {
		return badRequest("Invalid patch operations: at least one is required")
	}
	for _, op := range ops {
		switch op.Op {
		case "add", "remove", "replace", "move", "copy", "test":
		default:
			return badRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'|'move'|'copy'|'test'")
		}
		if !strings.HasPrefix(op.Path, "/") {
			return badRequest("Invalid patch path %q: a path starts with /", op.Path)
		}
	}
	return nil
}

// accountEdit is a change to the account-level part of a model copy (API
// keys, usage plans, the list of APIs). It returns the log line, the
// drift key it belongs to, and the id the log names.
type accountEdit func(t *model.Template) (logLine, driftKey, id string, err error)

// emptyLoader is a Gateway that can serve a model in which nothing is
// deployed (the runtime's Gateway.LoadEmpty).
type emptyLoader interface {
	LoadEmpty(t *model.Template) (diag.Diagnostics, error)
}

// load serves nt, a change's model. A change that took away the last API
// (delete-rest-api, delete-api), or one on a gateway left with APIs not
// yet deployed, leaves nothing to serve, as on AWS: the gateway then
// answers every data-plane request as one for an unknown API, where Load
// would refuse the model and keep the API served.
func (p *Plane) load(nt *model.Template) error {
	if el, ok := p.gw.(emptyLoader); ok {
		_, err := el.LoadEmpty(nt)
		return err
	}
	_, err := p.gw.Load(nt)
	return err
}

// changeTemplate applies e to a copy of the served model (only its top
// level: e clones what it edits) and serves the result, which it
// returns.
func (rq *request) changeTemplate(e accountEdit) (*model.Template, error) {
	p := rq.p
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.gw.Template()
	if t == nil {
		return nil, notFound("No template is served")
	}
	p.forgetIfReloaded(t)
	nt := *t
	line, key, id, err := e(&nt)
	if err != nil {
		return nil, err
	}
	if err := p.load(&nt); err != nil {
		return nil, badRequest("The change cannot be served: %v", err)
	}
	p.ours = &nt
	if line != "" {
		p.drift[key] = append(p.drift[key], line)
		p.log.Info("control plane: "+line, "id", id, "drift", driftNote)
	}
	return &nt, nil
}
