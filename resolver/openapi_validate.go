package resolver

import (
	"encoding/json"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/internal/openapi"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Request validation in an OpenAPI definition (validators, models, each
// operation's request models) is read by internal/openapi, the walk
// parser/tf uses for a Terraform body; oaNode hands it the template's
// nodes, their values evaluated as props evaluates them.

// openAPIImport is the walk over body for api.
func (l *lowerer) openAPIImport(api *model.RestAPI, owner string, body *props) *openapi.Import {
	return &openapi.Import{API: api, Root: oaNode{l.bareProps(owner, body.node)}, Owner: owner,
		Schema: func(n openapi.Node) (string, bool) { return l.openAPISchema(api, body, n.(oaNode).p.node), true },
		InPlaceName: func(verb, path, ct string) string {
			return "Model" + model.StableID(8, "model", l.s.stackName, owner, verb, path, ct)
		}}
}

// openAPISchema is schema n as a model's JSON, its local references
// rewritten to model URLs.
func (l *lowerer) openAPISchema(api *model.RestAPI, body *props, n *cfn.Node) string {
	v := model.SchemaRefsToModelURLs(api.ID, body.typed(n))
	b, err := json.Marshal(v)
	if err != nil || !l.s.spendBytes(len(b), n) {
		return ""
	}
	return string(b)
}

// oaNode is a template node as an openapi.Node.
type oaNode struct{ p *props }

func (x oaNode) node(n *cfn.Node) openapi.Node {
	if n == nil {
		return nil
	}
	return oaNode{x.p.l.bareProps(x.p.id, n)}
}

func (x oaNode) Get(key string) openapi.Node { return x.node(x.p.node.Get(key)) }

func (x oaNode) Each(f func(string, openapi.Node, diag.Range)) {
	if x.p.node == nil || x.p.node.Kind != cfn.Mapping {
		return
	}
	for i := range x.p.node.Fields {
		fl := &x.p.node.Fields[i]
		f(fl.Key, x.node(fl.Value), fl.KeyRange())
	}
}

func (x oaNode) Items() []openapi.Node {
	if x.p.node == nil || x.p.node.Kind != cfn.Sequence {
		return nil
	}
	out := make([]openapi.Node, len(x.p.node.Items))
	for i, it := range x.p.node.Items {
		out[i] = x.node(it)
	}
	return out
}

func (x oaNode) IsMap() bool              { return x.p.node != nil && x.p.node.Kind == cfn.Mapping }
func (x oaNode) Str(key string) string    { return x.p.str(key) }
func (x oaNode) Strs(key string) []string { return x.p.list(key) }
func (x oaNode) Bool(key string) bool     { return x.p.boolean(key) }
func (x oaNode) Range() diag.Range        { return x.p.node.Range() }
