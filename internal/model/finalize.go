package model

import (
	"cmp"
	"slices"
	"strings"
)

// Finalize establishes the model's invariants after a front end has filled
// it: AWS defaults are applied (ApplyDefaults), every resource's Path is
// computed from its Parent chain, Children are filled, and every slice is
// sorted. Front ends call it once, after which the Template is read-only.
func (t *Template) Finalize() {
	t.SortNodes()
	slices.SortStableFunc(t.APIs, func(a, b *RestAPI) int { return cmp.Compare(a.LogicalID, b.LogicalID) })
	for _, api := range t.APIs {
		api.Finalize()
	}
	t.finalizeFunctions()
	t.finalizeAccess()
	t.linkLambda()
	t.finalizeDomains()
}

// SortNodes puts the dependency graph in Finalize's order: the nodes by
// address, each node's edges by target, kind and attribute. Finalize
// calls it; a front end that adds Nodes after Finalize (the resolver's
// ResolveStaged, whose graph comes after the model it serves) calls it
// then.
func (t *Template) SortNodes() { SortGraph(t.Nodes) }

// SortGraph sorts nodes as SortNodes does. The CloudFormation resolver
// sorts its graph on the core that built it; Finalize then finds the
// nodes in order, which costs it one comparison per element.
func SortGraph(nodes []*Node) {
	slices.SortFunc(nodes, func(a, b *Node) int { return strings.Compare(a.Address, b.Address) })
	for _, n := range nodes {
		sortEdges(n.Deps)
	}
}

// sortEdges sorts edges by compareEdges, stably: their numbers are
// sorted, and the edges permuted in place once (sorting the 112-byte edges
// themselves moves each many times, and Finalize sorts the edges of every
// node of a large template).
func sortEdges(edges []Edge) {
	n := len(edges)
	if n < 2 {
		return
	}
	var buf [32]int32
	order := buf[:0]
	if n > len(buf) {
		order = make([]int32, 0, n)
	}
	for i := range n {
		order = append(order, int32(i))
	}
	if n <= 12 {
		// Insertion sort, stable: a node has a handful of edges.
		for i := 1; i < n; i++ {
			for j := i; j > 0 && compareEdges(&edges[order[j-1]], &edges[order[j]]) > 0; j-- {
				order[j-1], order[j] = order[j], order[j-1]
			}
		}
	} else {
		slices.SortFunc(order, func(a, b int32) int {
			if c := compareEdges(&edges[a], &edges[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b) // stable
		})
	}
	// edges[i] becomes edges[order[i]]: follow each cycle of the
	// permutation with one edge put aside, marking the places done.
	for i := range order {
		if order[i] == int32(i) || order[i] < 0 {
			continue
		}
		first, j := edges[i], i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				edges[j] = first
				break
			}
			edges[j] = edges[k]
			j = k
		}
	}
}

// compareEdges orders edges by target, kind and attribute. (It compares
// the kinds and attributes only of edges to one target, and each pair of
// strings once: cmp.Or of cmp.Compare would compare all three, each up to
// twice.)
func compareEdges(a, b *Edge) int {
	if c := strings.Compare(a.To, b.To); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	return strings.Compare(a.Attr, b.Attr)
}

// linkLambda points every Lambda integration and authorizer at what its
// URI names, so the runtime never parses ARNs itself.
func (t *Template) linkLambda() {
	fns := t.NewFunctionIndex()
	t.finalizeWebSockets(fns)
	for _, api := range t.APIs {
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				if in := m.Integration; in != nil {
					in.Lambda = nil
					if in.Type == IntegrationAWS || in.Type == IntegrationAWSProxy {
						in.Lambda = fns.ResolveLambdaURI(in.URI)
					}
				}
			}
		}
		if m := api.DefaultRoute; m != nil && m.Integration != nil {
			in := m.Integration
			in.Lambda = nil
			if in.Type == IntegrationAWSProxy {
				in.Lambda = fns.ResolveLambdaURI(in.URI)
			}
		}
		for _, a := range api.Authorizers {
			a.Function = nil
			if a.Type != "COGNITO_USER_POOLS" && a.AuthorizerURI != "" {
				a.Function = fns.ResolveLambdaURI(a.AuthorizerURI)
			}
		}
	}
}

// Finalize computes paths and sorts the API's slices; see Template.Finalize.
func (api *RestAPI) Finalize() {
	for _, r := range api.Resources {
		r.Children = r.Children[:0]
	}
	for _, r := range api.Resources {
		r.Path = pathOf(r)
		if r.Parent != nil {
			r.Parent.Children = append(r.Parent.Children, r)
		}
		slices.SortFunc(r.Methods, func(a, b *Method) int { return cmp.Compare(a.HTTPMethod, b.HTTPMethod) })
		for _, m := range r.Methods {
			m.applyDefaults(api.IsHTTP())
			slices.SortFunc(m.MethodResponses, func(a, b MethodResponse) int { return cmp.Compare(a.StatusCode, b.StatusCode) })
			if m.Integration != nil {
				SortIntegrationResponses(m.Integration.Responses)
			}
		}
	}
	if m := api.DefaultRoute; m != nil {
		m.applyDefaults(api.IsHTTP())
	}
	for _, r := range api.Resources {
		slices.SortFunc(r.Children, func(a, b *Resource) int { return cmp.Compare(a.PathPart, b.PathPart) })
	}
	slices.SortStableFunc(api.Resources, func(a, b *Resource) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.LogicalID, b.LogicalID))
	})
	slices.SortFunc(api.Deployments, func(a, b *Deployment) int { return cmp.Compare(a.LogicalID, b.LogicalID) })
	slices.SortStableFunc(api.Stages, func(a, b *Stage) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.LogicalID, b.LogicalID))
	})
	slices.SortFunc(api.Authorizers, func(a, b *Authorizer) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(api.GatewayResponses, func(a, b *GatewayResponse) int { return cmp.Compare(a.ResponseType, b.ResponseType) })
	slices.SortFunc(api.Models, func(a, b *APIModel) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(api.Validators, func(a, b *RequestValidator) int { return cmp.Compare(a.Name, b.Name) })
}

// SortIntegrationResponses orders responses as API Gateway evaluates them
// for display: patterned responses by pattern, the default (empty
// pattern) last.
func SortIntegrationResponses(rs []IntegrationResponse) {
	slices.SortStableFunc(rs, func(a, b IntegrationResponse) int {
		da, db := a.SelectionPattern == "", b.SelectionPattern == ""
		if da != db {
			if da {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.SelectionPattern, b.SelectionPattern), cmp.Compare(a.StatusCode, b.StatusCode))
	})
}

func pathOf(r *Resource) string {
	if r.Parent == nil {
		if r.PathPart == "" {
			return "/"
		}
		return "/" + r.PathPart
	}
	var parts []string
	seen := 0
	for x := r; x != nil && x.Parent != nil; x = x.Parent {
		parts = append(parts, x.PathPart)
		if seen++; seen > 1000 { // a parent cycle; resolvers report it
			break
		}
	}
	slices.Reverse(parts)
	p := ""
	for _, s := range parts {
		p += "/" + s
	}
	return p
}

// Stage returns the API's stage named name, or nil.
func (api *RestAPI) Stage(name string) *Stage {
	for _, s := range api.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Node returns the template's node with address a, or nil.
func (t *Template) Node(a string) *Node {
	i, ok := slices.BinarySearchFunc(t.Nodes, a, func(n *Node, a string) int { return cmp.Compare(n.Address, a) })
	if !ok {
		return nil
	}
	return t.Nodes[i]
}

// ApplyDefaults fills what AWS fills when a property is omitted, so both
// front ends produce the same model for the same API. Finalize calls it for
// every method of the tree.
func (m *Method) ApplyDefaults() { m.applyDefaults(false) }

// applyDefaults is ApplyDefaults for a REST API's method, or for an HTTP
// API's route when http is set: HTTP APIs have no mapping templates, so
// their integrations get no PassthroughBehavior (AWS documents it for
// WebSocket APIs only) and none is shown for them.
func (m *Method) applyDefaults(http bool) {
	m.HTTPMethod = strings.ToUpper(m.HTTPMethod)
	if m.AuthorizationType == "" {
		m.AuthorizationType = "NONE"
	}
	in := m.Integration
	if in == nil {
		return
	}
	in.Type = strings.ToUpper(in.Type)
	in.HTTPMethod = strings.ToUpper(in.HTTPMethod)
	if in.ConnectionType == "" {
		in.ConnectionType = ConnectionInternet
	}
	if in.TimeoutMillis == 0 {
		in.TimeoutMillis = DefaultTimeoutMillis
	}
	if in.PassthroughBehavior == "" && !http {
		in.PassthroughBehavior = "WHEN_NO_MATCH"
	}
}
