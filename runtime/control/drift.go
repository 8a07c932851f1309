package control

import (
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// driftNote ends every drift report: where a change lives and how long.
const driftNote = "changed through the control plane; lasts until the template is edited or cfnrun up restarts"

// stageDrift is what get-stage reports of the changes made to a stage
// through the control plane, "" when none (or when the template was
// reloaded since, which replaced them).
func (p *Plane) stageDrift(t *model.Template, apiID, stage string) string {
	return p.driftOf(t, apiID+"/"+stage)
}

// driftOf is the drift report under key ("apiId" for changes to the API
// itself and its resources, "apiId/stage" for a stage's, "apikeys/ID" and
// "usageplans/ID" for an API key's and a usage plan's).
func (p *Plane) driftOf(t *model.Template, key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t != p.ours {
		return ""
	}
	ch := p.drift[key]
	if len(ch) == 0 {
		return ""
	}
	return strings.Join(ch, "; ") + " (" + driftNote + ")"
}
