package runtime

import (
	"io"
)

// vtlInput mirrors runtime/vtl.Input (the agreed API). It becomes an alias
// of vtl.Input when that package lands on main.
type vtlInput struct {
	Body                                             []byte
	PathParams, QueryParams, Headers, StageVariables map[string]string
	Context                                          map[string]any
}

// noEngine stands in for runtime/vtl until it is merged: every template
// that is not literal is reported as unsupported (a startup warning and a
// logged 500 when run), never silently wrong output.
type noEngine struct{}

func (noEngine) Execute(io.Writer, *vtlInput) error { return errUnsupportedTemplate }
func (noEngine) Unsupported() []string {
	return []string{"Velocity templates (this build has no VTL engine)"}
}

func parseVTL(string) (mappingTemplate, error) { return noEngine{}, nil }
