package diff

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// compareWebSocketRoutes lists the WebSocket routes that appear, vanish
// or change between old and new, keyed by API name, stage and route key.
// They join the route changes with Method "WS" and the route key as Path
// ("+ WS sendmessage -> AWS_PROXY ...").
func compareWebSocketRoutes(old, new *model.Template) []RouteChange {
	if len(old.WebSocketAPIs) == 0 && len(new.WebSocketAPIs) == 0 {
		return nil
	}
	type key struct{ api, stage, route string }
	index := func(t *model.Template) (map[key]model.WebSocketRoute, []key) {
		m := map[key]model.WebSocketRoute{}
		var order []key
		for _, r := range model.WebSocketRoutes(t) {
			k := key{cmp.Or(r.APIName, r.API), r.Stage, r.RouteKey}
			m[k] = r
			order = append(order, k)
		}
		return m, order
	}
	was, oldOrder := index(old)
	now, newOrder := index(new)
	target := func(r model.WebSocketRoute) string {
		if r.Integration == "" {
			return "(no integration)"
		}
		return strings.TrimSpace(r.Integration + " " + r.URI) // a MOCK route has no URI
	}
	var out []RouteChange
	for _, k := range newOrder {
		n := now[k]
		rc := RouteChange{API: k.api, Stage: k.stage, Method: "WS", Path: k.route, Target: target(n), Location: loc(n.Source)}
		o, ok := was[k]
		if !ok {
			rc.Action = ActionAdd
			out = append(out, rc)
			continue
		}
		for _, f := range [][3]string{
			{"integration", o.Integration, n.Integration},
			{"uri", o.URI, n.URI},
			{"timeoutMs", strconv.Itoa(o.TimeoutMs), strconv.Itoa(n.TimeoutMs)},
			{"authorization", o.Authorization, n.Authorization},
			{"routeResponse", twoWay(o.TwoWay), twoWay(n.TwoWay)},
			{"routeSelectionExpression", o.RouteSelectionExpression, n.RouteSelectionExpression},
		} {
			if f[1] != f[2] {
				rc.Changes = append(rc.Changes, FieldChange{Field: f[0], Old: f[1], New: f[2]})
			}
		}
		if len(rc.Changes) > 0 {
			rc.Action = ActionUpdate
			out = append(out, rc)
		}
	}
	for _, k := range oldOrder {
		if _, ok := now[k]; !ok {
			o := was[k]
			out = append(out, RouteChange{API: k.api, Stage: k.stage, Method: "WS", Path: k.route, Action: ActionRemove, Target: target(o), Location: loc(o.Source)})
		}
	}
	// A route that vanished and one that appeared on the same stage with
	// the same target, authorization and route response: renamed. Its
	// clients (messages whose selection value is the old key) break.
	for i := range out {
		if out[i].Action != ActionRemove {
			continue
		}
		o := was[key{out[i].API, out[i].Stage, out[i].Path}]
		for j := range out {
			a := &out[j]
			if a.Action != ActionAdd || a.MovedFrom != "" || a.API != out[i].API || a.Stage != out[i].Stage {
				continue
			}
			if n := now[key{a.API, a.Stage, a.Path}]; target(n) == target(o) && n.Authorization == o.Authorization && n.TwoWay == o.TwoWay && n.TimeoutMs == o.TimeoutMs {
				out[i].MovedTo, a.MovedFrom = "WS "+a.Path, "WS "+out[i].Path
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b RouteChange) int {
		return cmp.Or(cmp.Compare(a.API, b.API), cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.Path, b.Path))
	})
	return out
}

// twoWay is a route's route response, as a field value.
func twoWay(b bool) string {
	if b {
		return "$default"
	}
	return ""
}
