package tf

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Custom domain names in Terraform: aws_api_gateway_domain_name and
// aws_apigatewayv2_domain_name, with the aws_api_gateway_base_path_mapping
// and aws_apigatewayv2_api_mapping resources that put a stage under them,
// lowered into model.DomainName as resolver/domain.go lowers their
// CloudFormation twins. The model's Finalize links mappings to APIs, and
// the shared model rules check them.

func (lw *lowering) domains(byType map[string][]*instance) {
	define := func(in *instance) *model.DomainName {
		if in.unknown("domain_name") {
			lw.pending(in, "domain_name", "no request is served under the domain")
			return nil
		}
		if in.str("domain_name") == "" {
			return nil
		}
		d := lw.t.AddDomain(in.str("domain_name")) // defined twice: the first wins (Finalize)
		d.LogicalID, d.Range, d.Props = in.addr, in.rng(), in.cfnRanges()
		return d
	}
	for _, in := range byType["aws_api_gateway_domain_name"] {
		if d := define(in); d != nil {
			d.EndpointType = "EDGE"
			if ec := in.block("endpoint_configuration"); ec != cty.NilVal {
				if types := valList(attrOf(ec, "types")); len(types) > 0 {
					d.EndpointType = strings.ToUpper(types[0])
				}
			}
			if d.EndpointType == "REGIONAL" {
				d.Certificate = in.text("regional_certificate_arn")
			} else {
				d.Certificate = orDefault(in.text("certificate_arn"), in.str("certificate_name"))
			}
		}
	}
	for _, in := range byType["aws_apigatewayv2_domain_name"] {
		if d := define(in); d != nil {
			d.V2, d.EndpointType = true, "REGIONAL"
			if c := in.block("domain_name_configuration"); c != cty.NilVal {
				d.EndpointType = orDefault(strings.ToUpper(ctyString(attrOf(c, "endpoint_type"))), "REGIONAL")
				d.Certificate = ctyString(attrOf(c, "certificate_arn"))
				if v := attrOf(c, "certificate_arn"); v != cty.NilVal && !v.IsWhollyKnown() {
					d.Certificate = "(known after apply)"
				}
			}
		}
	}
	mapping := func(in *instance, apiArg, stageArg, baseArg string) {
		if in.unknown("domain_name") {
			lw.pending(in, "domain_name", "the mapping is not served")
			return
		}
		if in.str("domain_name") == "" {
			return
		}
		if in.unknown(baseArg) {
			lw.pending(in, baseArg, "the mapping is not served")
			return
		}
		stage := in.str(stageArg)
		if in.unknown(stageArg) {
			// stage_name = aws_api_gateway_stage.s.stage_name, itself not
			// known before apply: the stand-in that stage is served as.
			stage = ""
			for _, e := range in.deps {
				for _, api := range lw.t.APIs {
					for _, st := range api.Stages {
						if st.LogicalID == e.To && (e.Attr == "stage_name" || e.Attr == "name") {
							stage = st.Name
						}
					}
				}
			}
		}
		d := lw.t.AddDomain(in.str("domain_name"))
		d.Mappings = append(d.Mappings, &model.BasePathMapping{LogicalID: in.addr, BasePath: model.CanonicalBasePath(in.str(baseArg)),
			APIID: in.text(apiArg), Stage: model.CanonicalStage(stage), Unknown: in.unknown(stageArg) && stage == "", Range: in.rng(), Props: in.cfnRanges()})
	}
	for _, in := range byType["aws_api_gateway_base_path_mapping"] {
		mapping(in, "api_id", "stage_name", "base_path")
	}
	for _, in := range byType["aws_apigatewayv2_api_mapping"] {
		mapping(in, "api_id", "stage", "api_mapping_key")
	}
}
