package diff

import (
	"cmp"
	"fmt"
	"strings"
)

// Hazards about what clients can call: APIs, stages and routes that vanish,
// routes that lose their protection.

var hazardAPIRemoved = hazardKind{
	Kind: "api-removed", Severity: SeverityDanger,
	When:   "a REST, HTTP or WebSocket API disappears",
	Detail: "Clients calling its invoke URL get 403/404 once the change is deployed. Keep the API until clients have moved.",
	check: func(in *hazardInput, report func(Hazard)) {
		for _, p := range in.rd.pairs {
			if p.new == nil {
				report(Hazard{Address: p.old.LogicalID, Location: loc(p.old.Range),
					Message: fmt.Sprintf("REST API %s is removed: every endpoint of every stage stops answering", p.name)})
			}
		}
		wsAPIRemoved(in, report)
	},
}

var hazardStageRemoved = hazardKind{
	Kind: "stage-removed", Severity: SeverityDanger,
	When:   "a stage of a surviving API (REST, HTTP or WebSocket) disappears",
	Detail: "Every client of this stage gets errors after the deploy. Keep the stage, or move clients to another stage first.",
	check: func(in *hazardInput, report func(Hazard)) {
		for _, s := range in.rd.stages {
			if s.Action != ActionRemove || apiGone(in.rd, s.API) {
				continue
			}
			report(Hazard{Location: s.Location,
				Message: fmt.Sprintf("stage %s of API %s is removed: its invoke URL stops answering", s.Stage, s.API)})
		}
		wsStageRemoved(in, report)
	},
}

var hazardRouteRemoved = hazardKind{
	Kind: "route-removed", Severity: SeverityDanger,
	When:   "a (method, path) disappears from a surviving stage, or a route key from a surviving WebSocket API",
	Detail: hazardRouteRemovedDetail,
	check: func(in *hazardInput, report func(Hazard)) {
		removedStage := map[string]bool{}
		for _, s := range in.rd.stages {
			if s.Action == ActionRemove {
				removedStage[s.API+"\x00"+s.Stage] = true
			}
		}
		for _, r := range in.rd.routes {
			if r.Action != ActionRemove || apiGone(in.rd, r.API) || removedStage[r.API+"\x00"+r.Stage] {
				continue
			}
			h := Hazard{Location: r.Location,
				Message: fmt.Sprintf("route %s %s removed%s", r.Method, r.Path, onStage(r.API, r.Stage, len(in.rd.pairs)))}
			h.Detail = r.gone
			if r.MovedTo != "" {
				h.Message += " (moved to " + r.MovedTo + ")"
				h.Detail = cmp.Or(r.gone, hazardRouteRemovedDetail) + " Keep the old path until clients use " + r.MovedTo + "."
			}
			report(h)
		}
		wsRouteRemoved(in, report)
	},
}

// hazardRouteRemovedDetail is hazardRouteRemoved's Detail, which a moved
// route extends (an entry cannot name itself in its own check).
const hazardRouteRemovedDetail = "Clients calling it will get 403 Missing Authentication Token (API Gateway's answer for an unknown route)."

var hazardAuthWeakened = hazardKind{
	Kind: "auth-weakened", Severity: SeverityDanger,
	When:   "a route's authorization becomes `NONE` or it stops requiring an API key (a WebSocket API's `$connect` included)",
	Detail: "Anyone who can reach the endpoint can call it without the credential it required before. Make sure that is intended.",
	check: func(in *hazardInput, report func(Hazard)) {
		for _, r := range in.rd.weakened {
			var what []string
			for _, f := range r.Changes {
				if f.Field == "authorization" || f.Field == "apiKeyRequired" || f.Field == "authorizer" {
					what = append(what, fmt.Sprintf("%s %s -> %s", f.Field, orNone(f.Old), orNone(f.New)))
				}
			}
			report(Hazard{Location: r.Location,
				Message: fmt.Sprintf("route %s %s%s is less protected: %s", r.Method, r.Path, onStage(r.API, r.Stage, len(in.rd.pairs)), strings.Join(what, ", "))})
		}
		wsAuthWeakened(in, report)
	},
}
