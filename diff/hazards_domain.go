package diff

import (
	"fmt"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Hazards about custom domain names: the public URLs clients use
// (https://{domain}/{basePath}), which outlive the APIs behind them.

var hazardDomainMappingRemoved = hazardKind{
	Kind: "domain-mapping-removed", Severity: SeverityDanger,
	When:   "a base path of a custom domain stops being mapped (the mapping, or the whole domain, is removed)",
	Detail: "Clients calling that URL get 403 Forbidden once the change is deployed (API Gateway's answer for a path no mapping has). Map the base path to the new API or stage first.",
	check: func(in *hazardInput, report func(Hazard)) {
		now := domainMappings(in.new)
		for _, d := range in.old.DomainNames {
			for _, m := range d.Mappings {
				if now[d.Name+"\x00"+m.BasePath] == nil {
					report(Hazard{Address: m.LogicalID, Location: loc(m.Range),
						Message: fmt.Sprintf("%s is no longer mapped (it served %s)", m.URL(), mappingTarget(m))})
				}
			}
		}
	},
}

var hazardDomainMappingMoved = hazardKind{
	Kind: "domain-mapping-moved", Severity: SeverityWarning,
	When:   "a base path of a custom domain is mapped to another API or stage",
	Detail: "Every client of that URL reaches the other API or stage at once, without changing anything on its side. Make sure the new target serves what they call.",
	check: func(in *hazardInput, report func(Hazard)) {
		was := domainMappings(in.old)
		for _, d := range in.new.DomainNames {
			for _, m := range d.Mappings {
				old := was[d.Name+"\x00"+m.BasePath]
				if old == nil || mappingTarget(old) == mappingTarget(m) {
					continue
				}
				report(Hazard{Address: m.LogicalID, Location: loc(m.Range),
					Message: fmt.Sprintf("%s now serves %s (was %s)", m.URL(), mappingTarget(m), mappingTarget(old))})
			}
		}
	},
}

// domainMappings indexes t's mappings by domain and base path.
func domainMappings(t *model.Template) map[string]*model.BasePathMapping {
	out := map[string]*model.BasePathMapping{}
	for _, d := range t.DomainNames {
		for _, m := range d.Mappings {
			out[d.Name+"\x00"+m.BasePath] = m
		}
	}
	return out
}

// mappingTarget names what m serves: its API (by logical id or address,
// the same on both sides of a diff, unlike generated ids) and stage.
func mappingTarget(m *model.BasePathMapping) string {
	api := m.APIID
	switch {
	case m.API != nil:
		api = m.API.LogicalID
	case m.WebSocket != nil:
		api = m.WebSocket.LogicalID
	}
	return "API " + api + " stage " + m.Stage
}
