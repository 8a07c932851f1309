package resolver

import (
	"cmp"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Custom domain names (AWS::ApiGateway::DomainName,
// AWS::ApiGatewayV2::DomainName) and the mappings that put a stage of an
// API under them (AWS::ApiGateway::BasePathMapping, BasePathMappingV2,
// AWS::ApiGatewayV2::ApiMapping), lowered into model.DomainName once
// every API and stage is. The checks are the model's (rules_domain.go),
// shared with Terraform.

func (l *lowerer) lowerDomains() {
	define := func(r *resource, p *props, name string) *model.DomainName {
		if name == "" || unresolved(name) {
			return nil
		}
		d := l.t.AddDomain(name) // defined twice: the first wins (Finalize); uniqueness is AWS's to enforce
		d.LogicalID, d.Range, d.Props = r.id, r.keyRange, p.ranges()
		return d
	}
	for _, r := range l.live("AWS::ApiGateway::DomainName") {
		p := l.propsOf(r)
		if d := define(r, p, p.str("DomainName")); d != nil {
			d.EndpointType = "EDGE"
			if types := p.sub("EndpointConfiguration").list("Types"); len(types) > 0 {
				d.EndpointType = strings.ToUpper(types[0])
			}
			if d.EndpointType == "REGIONAL" {
				d.Certificate = p.str("RegionalCertificateArn")
			} else {
				d.Certificate = p.str("CertificateArn")
			}
		}
	}
	for _, r := range l.live("AWS::ApiGatewayV2::DomainName") {
		p := l.propsOf(r)
		if d := define(r, p, p.str("DomainName")); d != nil {
			d.V2, d.EndpointType = true, "REGIONAL"
			if cs := p.items("DomainNameConfigurations"); len(cs) > 0 {
				d.EndpointType = cmp.Or(strings.ToUpper(cs[0].str("EndpointType")), "REGIONAL")
				d.Certificate = cs[0].str("CertificateArn")
			}
		}
	}
	l.lowerSAMDomains()
	mapping := func(r *resource, p *props, domainName, apiID, stage, basePath string) {
		if unresolved(domainName) || l.s.fromPlaceholder(p.node.Get("DomainName")) {
			l.s.infof(ruleNotServed, p.at("DomainName", p.at("DomainNameArn", r.keyRange)), r.id, "Give the parameter it comes from a value (--param) to have cfnrun serve the mapping.",
				"the domain name of %s is not known (%s): the mapping is not served", r.id, domainName)
			return
		}
		if domainName == "" {
			return
		}
		d := l.t.AddDomain(domainName)
		unknown := false
		for _, k := range []string{"Stage", "BasePath", "ApiMappingKey"} {
			unknown = unknown || l.s.fromPlaceholder(p.node.Get(k))
		}
		d.Mappings = append(d.Mappings, &model.BasePathMapping{LogicalID: r.id, BasePath: model.CanonicalBasePath(basePath), APIID: apiID,
			Stage: model.CanonicalStage(stage), Unknown: unknown, Range: r.keyRange, Props: p.ranges()})
	}
	for _, r := range l.live("AWS::ApiGateway::BasePathMapping") {
		p := l.propsOf(r)
		mapping(r, p, p.str("DomainName"), p.str("RestApiId"), p.str("Stage"), p.str("BasePath"))
	}
	for _, r := range l.live("AWS::ApiGateway::BasePathMappingV2") {
		// A private custom domain, named by its ARN:
		// arn:aws:apigateway:{region}:{account}:/domainnames/{name}+{id}.
		p := l.propsOf(r)
		name := p.str("DomainNameArn")
		if _, after, ok := strings.Cut(name, ":/domainnames/"); ok {
			name, _, _ = strings.Cut(after, "+")
		} else {
			name = ""
		}
		mapping(r, p, name, p.str("RestApiId"), p.str("Stage"), p.str("BasePath"))
	}
	for _, r := range l.live("AWS::ApiGatewayV2::ApiMapping") {
		p := l.propsOf(r)
		mapping(r, p, p.str("DomainName"), p.str("ApiId"), p.str("Stage"), p.str("ApiMappingKey"))
	}
}

// fromPlaceholder reports whether n's value comes from something not known
// before deploy: a parameter without a value (evaluated to a placeholder)
// or an import (Fn::ImportValue).
func (s *stack) fromPlaceholder(n *cfn.Node) bool {
	if n == nil {
		return false
	}
	if name, arg, ok := n.Intrinsic(false); ok {
		switch name {
		case "Fn::ImportValue":
			return true
		case "Ref":
			if arg.Kind == cfn.Scalar {
				p, ok := s.param(arg.Value)
				return ok && p.source == "placeholder"
			}
		case "Fn::Sub":
			tmpl := arg
			if arg.Kind == cfn.Sequence && len(arg.Items) > 0 {
				tmpl = arg.Items[0]
				for _, it := range arg.Items[1:] {
					if s.fromPlaceholder(it) {
						return true
					}
				}
			}
			for rest := tmpl.Value; ; {
				i := strings.Index(rest, "${")
				if i < 0 {
					break
				}
				j := strings.IndexByte(rest[i:], '}')
				if j < 0 {
					break
				}
				if p, ok := s.param(rest[i+2 : i+j]); ok && p.source == "placeholder" {
					return true
				}
				rest = rest[i+j:]
			}
			return false
		}
		return s.fromPlaceholder(arg)
	}
	for _, f := range n.Fields {
		if s.fromPlaceholder(f.Value) {
			return true
		}
	}
	for _, it := range n.Items {
		if s.fromPlaceholder(it) {
			return true
		}
	}
	return false
}
