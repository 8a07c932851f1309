package model

import (
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Route is one (stage, method, path) endpoint of the route table.
type Route struct {
	API     string `json:"api"`
	APIID   string `json:"apiId"`
	APIName string `json:"apiName"`
	Stage   string `json:"stage"`
	// StageStandsFor is set when the stage's name is not known before
	// apply: Stage is a stand-in and this is the expression it stands for.
	StageStandsFor    string `json:"stageStandsFor,omitempty"`
	Method            string `json:"method"`
	Path              string `json:"path"`
	Integration       string `json:"integration"`
	IntegrationMethod string `json:"integrationMethod,omitempty"`
	URI               string `json:"uri"`
	ConnectionType    string `json:"connectionType"`
	TimeoutMs         int    `json:"timeoutMs"`
	Authorization     string `json:"authorization"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
	// HTTP2 is false when the stage sets Http2Enabled: false.
	HTTP2  bool       `json:"http2"`
	Source diag.Range `json:"-"`
	// LogicalID is the method's logical id / address.
	LogicalID string `json:"logicalId"`
	// RouteKey is an HTTP API route's key ("GET /pets/{id}", "$default");
	// Path of the $default route is "$default". "" for REST APIs.
	RouteKey string `json:"routeKey,omitempty"`
	// PayloadFormatVersion is an HTTP API integration's ("1.0", "2.0").
	PayloadFormatVersion string `json:"payloadFormatVersion,omitempty"`

	RestAPI  *RestAPI  `json:"-"`
	Stg      *Stage    `json:"-"`
	Resource *Resource `json:"-"`
	Meth     *Method   `json:"-"`
}

// Routes returns the route table of t: for every API, every stage (sorted
// by name), every method of every resource (sorted by path, then method).
// An API without stages contributes its routes with Stage "". Stage
// variables in integration URIs are substituted per stage.
func Routes(t *Template) []Route {
	// Sized first: a Route is a few hundred bytes, and growing the slice
	// by appending copied thousands of them.
	n := 0
	for _, api := range t.APIs {
		methods := 0
		for _, res := range api.Resources {
			methods += len(res.Methods)
		}
		if api.DefaultRoute != nil {
			methods++
		}
		n += methods * max(1, len(EffectiveStages(api)))
	}
	var out []Route
	if n > 0 {
		out = make([]Route, 0, n)
	}
	for _, api := range t.APIs {
		stages := EffectiveStages(api)
		if len(stages) == 0 {
			stages = []*Stage{nil}
		}
		for _, st := range stages {
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					out = append(out, route(api, st, res, m, res.Path))
				}
			}
			if m := api.DefaultRoute; m != nil {
				out = append(out, route(api, st, api.Root, m, RouteKeyDefault))
			}
		}
	}
	return out
}

// route is the Route of method m on res (path) in stage st of api.
func route(api *RestAPI, st *Stage, res *Resource, m *Method, path string) Route {
	r := Route{
		API: api.LogicalID, APIID: api.ID, APIName: api.Name,
		Method: m.HTTPMethod, Path: path, RouteKey: m.RouteKey,
		Authorization: m.AuthorizationType, APIKeyRequired: m.APIKeyRequired,
		HTTP2: true, Source: m.Range, LogicalID: m.LogicalID,
		RestAPI: api, Stg: st, Resource: res, Meth: m,
	}
	if st != nil {
		r.Stage = st.Name
		r.StageStandsFor = st.NameStandsFor
		r.HTTP2 = st.HTTP2Enabled == nil || *st.HTTP2Enabled
	}
	if in := m.Integration; in != nil {
		r.Integration = in.Type
		r.IntegrationMethod = in.HTTPMethod
		r.URI = in.URI
		if st != nil {
			r.URI = SubstituteStageVariables(in.URI, st.Variables)
		}
		r.ConnectionType = in.ConnectionType
		r.TimeoutMs = in.TimeoutMillis
		r.PayloadFormatVersion = in.PayloadFormatVersion
	}
	return r
}

// SubstituteStageVariables replaces ${stageVariables.name} with the
// variable's value. References to undefined variables are left as written.
func SubstituteStageVariables(s string, vars map[string]string) string {
	const prefix = "${stageVariables."
	if !strings.Contains(s, prefix) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, prefix)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+len(prefix) : i+j]
		b.WriteString(s[:i])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// EffectiveStages returns the stages that are served, one per name: where a
// template creates a stage twice (a Deployment's StageName and a Stage
// resource), the explicit Stage resource wins, as its settings are the
// ones the user wrote for the stage. Sorted by name.
func EffectiveStages(api *RestAPI) []*Stage {
	var out []*Stage
	for _, st := range api.Stages {
		replaced := false
		for i, prev := range out {
			if prev.Name == st.Name {
				if prev.Implicit && !st.Implicit {
					out[i] = st
				}
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, st)
		}
	}
	return out
}
