package runtime

import (
	"io"

	"github.com/cfnrun/cfnrun/runtime/vtl"
)

// vtlInput is the input of a mapping template.
type vtlInput = vtl.Input

// parseVTL compiles a Velocity mapping template with runtime/vtl.
func parseVTL(src string) (mappingTemplate, error) {
	t, err := vtl.Parse(src)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// executeOverrides runs t and returns the $context.responseOverride values
// it set, when the template can set any.
func executeOverrides(t mappingTemplate, w io.Writer, in *vtlInput) (vtl.Overrides, error) {
	if vt, ok := t.(*vtl.Template); ok {
		return vt.ExecuteOverrides(w, in)
	}
	return vtl.Overrides{}, t.Execute(w, in)
}
