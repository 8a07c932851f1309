package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The hazards of WebSocket APIs: the same kinds as REST and HTTP APIs'
// (api-removed, stage-removed, route-removed, auth-weakened), each
// kind's check calling the WebSocket part here, and the change of a route
// selection expression. APIs pair by name, as compareWebSocketRoutes
// pairs their routes.

// wsPair is a WebSocket API on either side (nil: absent).
type wsPair struct {
	name     string
	old, new *model.WebSocketAPI
}

// wsPairs pairs the WebSocket APIs of old and new by name, in the order
// of old then new.
func wsPairs(old, new *model.Template) []wsPair {
	if len(old.WebSocketAPIs) == 0 && len(new.WebSocketAPIs) == 0 {
		return nil
	}
	name := func(a *model.WebSocketAPI) string { return cmp.Or(a.Name, a.LogicalID) }
	var out []wsPair
	idx := map[string]int{}
	for _, a := range old.WebSocketAPIs {
		idx[name(a)] = len(out)
		out = append(out, wsPair{name: name(a), old: a})
	}
	for _, a := range new.WebSocketAPIs {
		if i, ok := idx[name(a)]; ok {
			out[i].new = a
		} else {
			out = append(out, wsPair{name: name(a), new: a})
		}
	}
	return out
}

// wsCommonStages are the names of the stages p has on both sides.
func (p wsPair) commonStages() []string {
	var out []string
	for _, st := range p.old.Stages {
		if p.new.Stage(st.Name) != nil {
			out = append(out, st.Name)
		}
	}
	return out
}

func wsAPIRemoved(in *hazardInput, report func(Hazard)) {
	for _, p := range wsPairs(in.old, in.new) {
		if p.new == nil {
			report(Hazard{Address: p.old.LogicalID, Location: loc(p.old.Range),
				Message: fmt.Sprintf("WebSocket API %s is removed: no client can connect to any of its stages", p.name),
				Detail:  "Clients connecting to its wss:// URL fail the handshake once the change is deployed, and open connections end. Keep the API until clients have moved."})
		}
	}
}

func wsStageRemoved(in *hazardInput, report func(Hazard)) {
	for _, p := range wsPairs(in.old, in.new) {
		if p.old == nil || p.new == nil {
			continue
		}
		for _, st := range p.old.Stages {
			if p.new.Stage(st.Name) == nil {
				report(Hazard{Address: st.LogicalID, Location: loc(st.Range),
					Message: fmt.Sprintf("stage %s of WebSocket API %s is removed: clients can no longer connect to it", st.Name, p.name),
					Detail:  "Every client of this stage fails the handshake after the deploy, and open connections end. Keep the stage, or move clients to another stage first."})
			}
		}
	}
}

// wsRouteGone says what a client meets when route key of a stage of
// api is gone.
func wsRouteGone(key string, now *model.WebSocketAPI) string {
	switch key {
	case model.RouteKeyConnect:
		return "Every client is admitted without running $connect: its authorization, API key, required parameters and the integration's refusals no longer apply, and the backend no longer learns of new connections."
	case model.RouteKeyDisconnect:
		return "API Gateway no longer runs $disconnect: whatever it cleaned up (a connections table, subscriptions) is left behind when clients leave."
	case model.RouteKeyDefault:
		return "Messages that name no route get {\"message\": \"Forbidden\"} instead of reaching $default."
	}
	if now.Route(model.RouteKeyDefault) != nil {
		return "Messages that name it go to $default instead."
	}
	return "Messages that name it get {\"message\": \"Forbidden\"} (the API has no $default route)."
}

func wsRouteRemoved(in *hazardInput, report func(Hazard)) {
	pairs := wsPairs(in.old, in.new)
	if len(pairs) == 0 {
		return
	}
	// A key renamed with the same behaviour (compareWebSocketRoutes's
	// "moved"): its clients still break.
	moved := map[string]string{}
	for _, rc := range compareWebSocketRoutes(in.old, in.new) {
		if rc.Action == ActionRemove && rc.MovedTo != "" {
			moved[rc.API+"\x00"+rc.Path] = strings.TrimPrefix(rc.MovedTo, "WS ")
		}
	}
	for _, p := range pairs {
		if p.old == nil || p.new == nil || len(p.commonStages()) == 0 && (len(p.old.Stages) > 0 || len(p.new.Stages) > 0) {
			continue // gone with its API or every stage (api-removed, stage-removed)
		}
		for _, m := range p.old.Routes {
			if p.new.Route(m.RouteKey) != nil {
				continue
			}
			h := Hazard{Address: m.LogicalID, Location: loc(m.Range),
				Message: fmt.Sprintf("WebSocket route %s of API %s is removed", m.RouteKey, p.name),
				Detail:  wsRouteGone(m.RouteKey, p.new)}
			if to := moved[p.name+"\x00"+m.RouteKey]; to != "" {
				h.Message += " (moved to " + to + ")"
				h.Detail += " Keep the old key until clients send " + to + "."
			}
			report(h)
		}
	}
}

func wsAuthWeakened(in *hazardInput, report func(Hazard)) {
	for _, p := range wsPairs(in.old, in.new) {
		if p.old == nil || p.new == nil {
			continue
		}
		for _, o := range p.old.Routes {
			n := p.new.Route(o.RouteKey)
			if n == nil {
				continue
			}
			var what []string
			if auth := cmp.Or(n.AuthorizationType, "NONE"); auth == "NONE" && cmp.Or(o.AuthorizationType, "NONE") != "NONE" {
				what = append(what, fmt.Sprintf("authorization %s -> NONE", o.AuthorizationType))
			}
			if o.APIKeyRequired && !n.APIKeyRequired {
				what = append(what, "apiKeyRequired true -> false")
			}
			if len(what) == 0 {
				continue
			}
			report(Hazard{Address: n.LogicalID, Location: loc(n.Range),
				Message: fmt.Sprintf("WebSocket route %s of API %s is less protected: %s", n.RouteKey, p.name, listSome(what))})
		}
	}
}

var hazardWSRouteSelection = hazardKind{
	Kind: "websocket-route-selection-changed", Severity: SeverityWarning,
	When: "a WebSocket API's `RouteSelectionExpression` changes",
	Detail: "Messages are routed by another field from the deploy on: clients that still send the old field reach $default " +
		"(or get {\"message\": \"Forbidden\"} without one). Change the clients with the API, or keep the old field.",
	check: func(in *hazardInput, report func(Hazard)) {
		for _, p := range wsPairs(in.old, in.new) {
			if p.old == nil || p.new == nil || p.old.RouteSelectionExpression == p.new.RouteSelectionExpression {
				continue
			}
			oldPath, oldConst, _ := model.WebSocketSelection(p.old.RouteSelectionExpression)
			newPath, newConst, _ := model.WebSocketSelection(p.new.RouteSelectionExpression)
			if slices.Equal(oldPath, newPath) && oldConst == newConst {
				continue // "$request.body.action" and "${request.body.action}" select alike
			}
			report(Hazard{Address: p.new.LogicalID, Location: loc(p.new.Props.At("RouteSelectionExpression", p.new.Range)),
				Message: fmt.Sprintf("WebSocket API %s routes messages by %s instead of %s", p.name, p.new.RouteSelectionExpression, p.old.RouteSelectionExpression)})
		}
	},
}
