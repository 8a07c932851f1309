package resolver

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// SAM's Domain property (on AWS::Serverless::Api and HttpApi, or in
// Globals): the transform generates the domain name, a mapping per base
// path and, with Route53, a record set group. Here they become the same
// model.DomainName an explicit AWS::ApiGateway::DomainName does, and graph
// nodes with the transform's logical ids (checked against
// aws-sam-translator by TestSAMShapeOracle).

// samDomain is the Domain setting of SAM API r (its own, else Globals'
// Api or HttpApi), or nil.
func (s *stack) samDomain(r *resource) *cfn.Node {
	key := "Api"
	if r.typ == "AWS::Serverless::HttpApi" {
		key = "HttpApi"
	}
	n := mergeGlobal(s.root.Get("Globals").Get(key).Get("Domain"), r.props.Get("Domain"))
	if n == nil || n.Kind != cfn.Mapping || n.Get("DomainName") == nil {
		return nil
	}
	return n
}

// mergeGlobal is a setting as the transform merges Globals' into a
// resource's: maps merge key by key (recursively), lists are Globals'
// then the resource's, and anything else is the resource's.
func mergeGlobal(global, local *cfn.Node) *cfn.Node {
	switch {
	case global == nil:
		return local
	case local == nil:
		return global
	case global.Kind == cfn.Mapping && local.Kind == cfn.Mapping:
		if _, _, fn := local.Intrinsic(false); fn {
			return local
		}
		m := &cfn.Node{Span: local.Span, Kind: cfn.Mapping}
		for _, f := range global.Fields {
			if local.Get(f.Key) == nil {
				m.Fields = append(m.Fields, f)
			}
		}
		for _, f := range local.Fields {
			f.Value = mergeGlobal(global.Get(f.Key), f.Value)
			m.Fields = append(m.Fields, f)
		}
		return m
	case global.Kind == cfn.Sequence && local.Kind == cfn.Sequence:
		return &cfn.Node{Span: local.Span, Kind: cfn.Sequence, Items: append(append([]*cfn.Node(nil), global.Items...), local.Items...)}
	}
	return local
}

// samHash is the transform's LogicalIdGenerator suffix for n: the first
// ten hex digits of the SHA-1 of a string as written, or of the compact
// JSON (sorted keys) of anything else, such as an intrinsic.
func samHash(n *cfn.Node) string {
	s := n.Value
	if _, _, fn := n.Intrinsic(true); fn || n.Kind != cfn.Scalar {
		b, _ := json.Marshal(rawValue(n))
		s = string(b)
	}
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])[:10]
}

// rawValue is n as the transform reads it, intrinsics unevaluated
// ({"Fn::Sub": ...}).
func rawValue(n *cfn.Node) any {
	if name, arg, ok := n.Intrinsic(true); ok {
		return map[string]any{name: rawValue(arg)}
	}
	switch n.Kind {
	case cfn.Mapping:
		m := make(map[string]any, len(n.Fields))
		for _, f := range n.Fields {
			m[f.Key] = rawValue(f.Value)
		}
		return m
	case cfn.Sequence:
		out := make([]any, 0, len(n.Items))
		for _, it := range n.Items {
			out = append(out, rawValue(it))
		}
		return out
	}
	return n.Value
}

// samBasePaths are Domain.BasePath's entries (a string or a list), as
// written; nil when absent.
func samBasePaths(d *cfn.Node) []*cfn.Node {
	bp := d.Get("BasePath")
	switch {
	case bp == nil:
		return nil
	case bp.Kind == cfn.Sequence:
		return bp.Items
	}
	return []*cfn.Node{bp}
}

// samMappingID and samMappingPath are the logical id and base path the
// transform gives the mapping of base path p of API api: REST mappings
// keep only letters and digits unless NormalizeBasePath is false (the id
// always); HTTP API mappings drop -, _ and / from the id and the slashes
// at the ends of the key.
func samMappingID(api string, http bool, p string) string {
	if http {
		return api + strings.NewReplacer("-", "", "_", "", "/", "").Replace(p) + "ApiMapping"
	}
	return api + alnumOnly(p) + "BasePathMapping"
}

func samMappingPath(http, normalize bool, p string) string {
	switch {
	case http:
		return strings.Trim(p, "/")
	case normalize:
		return alnumOnly(p)
	}
	return p
}

func alnumOnly(p string) string {
	var b strings.Builder
	for _, c := range p {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// samDomainIDs returns the logical id of the domain name the transform
// generates for d, and its type.
func samDomainID(d *cfn.Node, http bool) (id, typ string) {
	if http {
		return "ApiGatewayDomainNameV2" + samHash(d.Get("DomainName")), "AWS::ApiGatewayV2::DomainName"
	}
	return "ApiGatewayDomainName" + samHash(d.Get("DomainName")), "AWS::ApiGateway::DomainName"
}

// lowerSAMDomains adds the domains of the template's SAM APIs to the
// model (several APIs may name one domain: Finalize merges them).
func (l *lowerer) lowerSAMDomains() {
	if !l.s.isSAM() {
		return
	}
	for _, typ := range []string{"AWS::Serverless::Api", "AWS::Serverless::HttpApi"} {
		http := typ == "AWS::Serverless::HttpApi"
		for _, r := range l.live(typ) {
			dn := l.s.samDomain(r)
			if dn == nil {
				continue
			}
			var api *model.RestAPI
			for _, a := range l.t.APIs {
				if a.LogicalID == r.id {
					api = a
				}
			}
			if api == nil || len(api.Stages) == 0 {
				continue
			}
			p := l.bareProps(r.id, dn)
			name := p.str("DomainName")
			if name == "" || unresolved(name) {
				continue
			}
			d := l.t.AddDomain(name)
			d.LogicalID, _ = samDomainID(dn, http)
			d.V2, d.Range = http, r.keyRange
			d.EndpointType = strings.ToUpper(p.str("EndpointConfiguration"))
			if d.EndpointType == "" {
				d.EndpointType = "REGIONAL"
			}
			d.Certificate = p.str("CertificateArn")
			d.Props = model.Ranges{{Key: "DomainName", Range: p.at("DomainName", r.keyRange)}}
			normalize := !strings.EqualFold(p.str("NormalizeBasePath"), "false")
			stage := api.Stages[0].Name
			paths := samBasePaths(dn)
			if len(paths) == 0 {
				suffix := "BasePathMapping"
				if http {
					suffix = "ApiMapping"
				}
				d.Mappings = append(d.Mappings, &model.BasePathMapping{LogicalID: r.id + suffix, APIID: api.ID, Stage: stage, Range: r.keyRange})
				continue
			}
			for _, bp := range paths {
				d.Mappings = append(d.Mappings, &model.BasePathMapping{LogicalID: samMappingID(r.id, http, bp.Value),
					BasePath: model.CanonicalBasePath(samMappingPath(http, normalize, bp.Value)), APIID: api.ID, Stage: stage,
					Range: bp.Range(), Props: model.Ranges{{Key: "BasePath", Range: bp.Range()}}})
			}
		}
	}
}

// samDomainNodes adds to the graph what the transform generates for SAM
// API r's Domain: the domain name (with the references of its settings),
// its mappings (to the domain, the API and its stage) and the Route53
// record set group (to the domain's DNS attributes). stage is the
// logical id of the API's generated stage.
func (g *samGraph) samDomainNodes(r *resource, stage string) {
	dn := g.s.samDomain(r)
	if dn == nil {
		return
	}
	http := r.typ == "AWS::Serverless::HttpApi"
	id, typ := samDomainID(dn, http)
	d := g.node(id, typ, r.id, r.keyRange)
	if len(d.Deps) == 0 {
		for _, f := range dn.Fields {
			switch f.Key {
			case "BasePath", "Route53", "NormalizeBasePath":
			default:
				d.Deps = append(d.Deps, g.walk(id, f.Value)...)
			}
		}
	}
	mapping := func(mid string, rng diag.Range) {
		m := g.node(mid, map[bool]string{false: "AWS::ApiGateway::BasePathMapping", true: "AWS::ApiGatewayV2::ApiMapping"}[http], r.id, rng)
		m.Deps = append(m.Deps, model.Edge{To: id, Kind: model.EdgeRef, Range: rng}, model.Edge{To: r.id, Kind: model.EdgeRef, Range: rng},
			model.Edge{To: stage, Kind: model.EdgeRef, Range: rng})
	}
	if paths := samBasePaths(dn); len(paths) > 0 {
		for _, bp := range paths {
			mapping(samMappingID(r.id, http, bp.Value), bp.Range())
		}
	} else if http {
		mapping(r.id+"ApiMapping", r.keyRange)
	} else {
		mapping(r.id+"BasePathMapping", r.keyRange)
	}
	if r53 := dn.Get("Route53"); r53 != nil && r53.Kind == cfn.Mapping {
		zone := r53.Get("HostedZoneId")
		if zone == nil {
			zone = r53.Get("HostedZoneName")
		}
		if zone == nil {
			return
		}
		rs := g.node("RecordSetGroup"+samHash(zone), "AWS::Route53::RecordSetGroup", r.id, r53.Range())
		rs.Deps = append(rs.Deps, g.walk(rs.Address, zone)...)
		rs.Deps = append(rs.Deps, model.Edge{To: id, Kind: model.EdgeGetAtt, Range: r53.Range()})
	}
}
