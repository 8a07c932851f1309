package control

// Integration responses of WebSocket integrations (CreateIntegrationResponse,
// GetIntegrationResponses, GetIntegrationResponse, UpdateIntegrationResponse,
// DeleteIntegrationResponse), with botocore's shapes: what a two-way route's
// HTTP, AWS or MOCK integration sends back (docs/websocket.md).

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

type integrationResponseV2 struct {
	ContentHandlingStrategy     string            `json:"contentHandlingStrategy,omitempty"`
	IntegrationResponseID       string            `json:"integrationResponseId"`
	IntegrationResponseKey      string            `json:"integrationResponseKey"`
	ResponseParameters          map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates           map[string]string `json:"responseTemplates,omitempty"`
	TemplateSelectionExpression string            `json:"templateSelectionExpression,omitempty"`
}

func integrationResponseV2Of(ir model.IntegrationResponse) integrationResponseV2 {
	return integrationResponseV2{ContentHandlingStrategy: ir.ContentHandling, IntegrationResponseID: ir.ID, IntegrationResponseKey: ir.Key,
		ResponseTemplates: ir.ResponseTemplates, TemplateSelectionExpression: ir.TemplateSelectionExpression}
}

// integrationResponseRequest is CreateIntegrationResponse's and
// UpdateIntegrationResponse's body.
type integrationResponseRequest struct {
	IntegrationResponseKey      *string           `json:"integrationResponseKey"`
	ResponseTemplates           map[string]string `json:"responseTemplates"`
	TemplateSelectionExpression *string           `json:"templateSelectionExpression"`
	ContentHandlingStrategy     *string           `json:"contentHandlingStrategy"`
	ResponseParameters          map[string]string `json:"responseParameters"`
}

// apply sets what body says on ir and checks it.
func (body integrationResponseRequest) apply(ir *model.IntegrationResponse) error {
	if len(body.ResponseParameters) > 0 {
		return badRequest("ResponseParameters are not supported by cfnrun for WebSocket integration responses (a WebSocket message has no headers)")
	}
	if body.IntegrationResponseKey != nil {
		ir.Key = *body.IntegrationResponseKey
	}
	if ir.Key == "" {
		return badRequest("IntegrationResponseKey is required: $default, or a regular expression between slashes (/4\\d{2}/)")
	}
	if _, _, err := model.WebSocketResponsePattern(ir.Key); err != nil {
		return badRequest("Invalid IntegrationResponseKey %q: %v", ir.Key, err)
	}
	if body.ResponseTemplates != nil {
		ir.ResponseTemplates = body.ResponseTemplates
	}
	if body.TemplateSelectionExpression != nil {
		ir.TemplateSelectionExpression = *body.TemplateSelectionExpression
	}
	if body.ContentHandlingStrategy != nil {
		ir.ContentHandling = strings.ToUpper(*body.ContentHandlingStrategy)
	}
	switch ir.ContentHandling {
	case "", "CONVERT_TO_BINARY", "CONVERT_TO_TEXT":
	default:
		return badRequest("Invalid ContentHandlingStrategy %q: CONVERT_TO_BINARY or CONVERT_TO_TEXT", ir.ContentHandling)
	}
	return nil
}

// editWSIntegration replaces integration id of na (one made through the
// control plane, or a route's) by a copy that edit changed; every route
// that targets it takes the copy.
func (p *Plane) editWSIntegration(na *model.WebSocketAPI, id string, edit func(in *model.Integration) error) error {
	view := wsView(na)
	old := p.v2ints[na.ID][id]
	for _, m := range na.Routes {
		if old == nil && m.Integration != nil && integrationID(view, m.Integration) == id {
			old = m.Integration
		}
	}
	if old == nil {
		return notFound("Invalid Integration identifier specified %s", id)
	}
	in := *old
	in.ID = id
	in.Responses = append([]model.IntegrationResponse(nil), old.Responses...)
	if err := edit(&in); err != nil {
		return err
	}
	for i, m := range na.Routes {
		if m.Integration != nil && integrationID(view, m.Integration) == id {
			c := *m
			c.Integration = &in
			na.TwoWay[&c] = na.TwoWay[m]
			delete(na.TwoWay, m)
			na.Routes[i] = &c
		}
	}
	if p.v2ints[na.ID][id] != nil {
		p.v2ints[na.ID][id] = &in
	}
	return nil
}

// wsIntegrationOnly answers 404 for an API that is not a WebSocket API.
func (rq *request) wsIntegrationOnly() error {
	if rq.wsAPI() {
		return nil
	}
	t, err := rq.template()
	if err != nil {
		return err
	}
	if t.API(rq.segs[2]) != nil {
		return badRequest("Integration responses are supported only for WebSocket APIs")
	}
	return notFound("Invalid API identifier specified %s:%s", rq.p.opts.AccountID, rq.segs[2])
}

func createIntegrationResponseV2(rq *request) (int, any, error) {
	var body integrationResponseRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if err := rq.wsIntegrationOnly(); err != nil {
		return 0, nil, err
	}
	var out model.IntegrationResponse
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		err := rq.p.editWSIntegration(na, rq.segs[4], func(in *model.Integration) error {
			var ir model.IntegrationResponse
			if err := body.apply(&ir); err != nil {
				return err
			}
			for _, r := range in.Responses {
				if r.Key == ir.Key {
					return conflict("Integration %s already has an integration response with key %s", rq.segs[4], ir.Key)
				}
			}
			ir.ID = model.StableID(7, "control-plane-integration-response", na.ID, rq.p.nextMade(), ir.Key)
			in.Responses = append(in.Responses, ir)
			out = ir
			return nil
		})
		return "create-integration-response " + rq.segs[4] + " " + strconv.Quote(out.Key), err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, integrationResponseV2Of(out), nil
}

func updateIntegrationResponseV2(rq *request) (int, any, error) {
	var body integrationResponseRequest
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if err := rq.wsIntegrationOnly(); err != nil {
		return 0, nil, err
	}
	var out model.IntegrationResponse
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		err := rq.p.editWSIntegration(na, rq.segs[4], func(in *model.Integration) error {
			for i, r := range in.Responses {
				if r.ID != rq.segs[6] {
					continue
				}
				if err := body.apply(&r); err != nil {
					return err
				}
				for j, o := range in.Responses {
					if j != i && o.Key == r.Key {
						return conflict("Integration %s already has an integration response with key %s", rq.segs[4], r.Key)
					}
				}
				in.Responses[i], out = r, r
				return nil
			}
			return notFound("Invalid IntegrationResponse identifier specified %s", rq.segs[6])
		})
		return "update-integration-response " + rq.segs[4] + " " + rq.segs[6], err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, integrationResponseV2Of(out), nil
}

func deleteIntegrationResponseV2(rq *request) (int, any, error) {
	if err := rq.wsIntegrationOnly(); err != nil {
		return 0, nil, err
	}
	_, err := rq.changeWS(func(t *model.Template, na *model.WebSocketAPI) (string, error) {
		err := rq.p.editWSIntegration(na, rq.segs[4], func(in *model.Integration) error {
			for i, r := range in.Responses {
				if r.ID == rq.segs[6] {
					in.Responses = append(in.Responses[:i:i], in.Responses[i+1:]...)
					return nil
				}
			}
			return notFound("Invalid IntegrationResponse identifier specified %s", rq.segs[6])
		})
		return "delete-integration-response " + rq.segs[4] + " " + rq.segs[6], err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// integrationResponses are the integration responses of integration
// segs[4] of WebSocket API segs[2], as served.
func integrationResponses(rq *request) ([]integrationResponseV2, error) {
	if err := rq.wsIntegrationOnly(); err != nil {
		return nil, err
	}
	t, err := rq.template()
	if err != nil {
		return nil, err
	}
	a := t.WebSocketAPI(rq.segs[2])
	if a == nil {
		return nil, notFound("Invalid API identifier specified %s:%s", rq.p.opts.AccountID, rq.segs[2])
	}
	id := rq.segs[4]
	var in *model.Integration
	view := wsView(a)
	for _, m := range a.Routes {
		if in == nil && m.Integration != nil && integrationID(view, m.Integration) == id {
			in = m.Integration
		}
	}
	if in == nil {
		rq.p.mu.Lock()
		if rq.p.gw.Template() == rq.p.ours { // reloaded: what was made before is gone
			in = rq.p.v2ints[a.ID][id]
		}
		rq.p.mu.Unlock()
	}
	if in == nil {
		return nil, notFound("Invalid Integration identifier specified %s", id)
	}
	out := []integrationResponseV2{}
	for _, r := range in.Responses {
		out = append(out, integrationResponseV2Of(r))
	}
	return out, nil
}

func getIntegrationResponsesV2(rq *request) (int, any, error) {
	irs, err := integrationResponses(rq)
	if err != nil {
		return 0, nil, err
	}
	out, err := pageV2(rq, irs)
	return http.StatusOK, out, err
}

func getIntegrationResponseV2(rq *request) (int, any, error) {
	irs, err := integrationResponses(rq)
	if err != nil {
		return 0, nil, err
	}
	for _, ir := range irs {
		if ir.IntegrationResponseID == rq.segs[6] {
			return http.StatusOK, ir, nil
		}
	}
	return 0, nil, notFound("Invalid IntegrationResponse identifier specified %s", rq.segs[6])
}
