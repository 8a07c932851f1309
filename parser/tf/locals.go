package tf

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Local values, evaluated lazily with cycle detection.

func (mi *modInst) local(name string, from hcl.Range) cty.Value {
	key := "local." + name
	switch mi.state[key] {
	case stateDone:
		return mi.locals[name]
	case stateBusy:
		mi.l.diagOnce(ruleCycle.errorf(from, "", "A local value cannot refer to itself, directly or through other locals.", "cycle: local.%s refers to itself", name))
		return cty.DynamicVal
	}
	a, ok := mi.m.locals[name]
	if !ok {
		return cty.DynamicVal
	}
	mi.state[key] = stateBusy
	v := mi.eval(a.Expr, nil, "")
	mi.locals[name] = v
	mi.state[key] = stateDone
	return v
}
