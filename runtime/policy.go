package runtime

// Resource policies: a REST API's Policy (CloudFormation Policy, SAM
// Auth.ResourcePolicy as the transform writes it, Terraform policy or
// aws_api_gateway_rest_api_policy), evaluated per request as API Gateway
// does for callers that are not IAM principals: a statement applies when
// its Principal is "*", its Action (or NotAction) covers
// execute-api:Invoke, its Resource (or NotResource) matches the method's
// ARN, arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path},
// and its aws:SourceIp conditions (IpAddress / NotIpAddress) hold for the
// connection's source address. An explicit Deny wins; without a matching
// Allow the answer is 403 AccessDeniedException.
//
// The source address is the TCP peer of the connection, as API Gateway
// uses the address of the client that reached it: X-Forwarded-For is not
// read (behind a local proxy, the proxy's address is what is checked).
// The Region and account of an ARN are not compared (cfnrun's are
// stand-ins): "arn:aws:execute-api:*:*:{apiId}/..." and
// "execute-api:/{stage}/..." mean the same here.
//
// The policy is compiled once per version (internal/policy; patterns kept
// as strings, CIDRs parsed); a request builds its ARN in a stack buffer
// and walks the statements without allocating.

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"unsafe"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/internal/policy"
)

// cpolicy is an API's compiled resource policy.
type cpolicy struct {
	statements []cstatement
}

// cstatement is a statement that concerns execute-api:Invoke.
type cstatement struct {
	deny bool
	// signedOnly: the statement names IAM principals, not "*": it applies
	// to AWS_IAM requests that carry an Authorization header (signatures
	// are not verified).
	signedOnly  bool
	resources   []resourcePat
	notResource bool
	ips         []policy.IPCondition
}

// compilePolicy compiles api's resource policy; nil when it has none, or
// none cfnrun can evaluate (with findings that say why).
func compilePolicy(api *model.RestAPI, ds *diag.Diagnostics) *cpolicy {
	if api.Policy == "" {
		return nil
	}
	rng := api.Props.At("Policy", api.Range)
	p, err := policy.Parse(api.Policy)
	if err != nil {
		*ds = append(*ds, diag.NewWarning(ruleIgnored, rng,
			"the resource policy of API %s is not evaluated: %v", api.LogicalID, err).
			WithResource(api.LogicalID).
			WithHint("Write the Policy as an IAM policy document: {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "+
				"\"Principal\": \"*\", \"Action\": \"execute-api:Invoke\", \"Resource\": \"execute-api:/*\"}]}; API Gateway refuses a policy it cannot read."))
		return nil
	}
	cp := &cpolicy{}
	for _, st := range p.Statements {
		name := statementName(st)
		if len(st.Unevaluated) > 0 {
			*ds = append(*ds, diag.NewInfo(ruleUnsupported, rng,
				"%s of the resource policy of API %s is skipped: cfnrun up does not evaluate %s", name, api.LogicalID, strings.Join(st.Unevaluated, ", ")).
				WithResource(api.LogicalID).
				WithHint("cfnrun evaluates Principal \"*\", Action, Resource and the IpAddress / NotIpAddress conditions on aws:SourceIp; "+
					"a statement with anything else neither allows nor denies locally."))
			continue
		}
		invoke := false
		for _, a := range st.Actions {
			if policy.Match(a, "execute-api:invoke") {
				invoke = true
				break
			}
		}
		if invoke == st.NotAction {
			continue // not about invoking the API
		}
		cs := cstatement{deny: st.Deny, notResource: st.NotResource, ips: st.IPs, signedOnly: !st.Anonymous}
		if !st.Anonymous {
			*ds = append(*ds, diag.NewInfo(ruleIgnored, rng,
				"%s of the resource policy of API %s names principals (%s): cfnrun up applies it to AWS_IAM requests that carry an Authorization header, "+
					"whose signature it does not verify", name, api.LogicalID, strings.Join(st.Principals, ", ")).
				WithResource(api.LogicalID).
				WithHint("Anonymous callers match only statements with \"Principal\": \"*\"."))
		}
		for _, r := range st.Resources {
			cs.resources = append(cs.resources, resourcePattern(r, api.ID))
		}
		cp.statements = append(cp.statements, cs)
	}
	return cp
}

func statementName(st policy.Statement) string {
	name := "statement " + strconv.Itoa(st.Index+1)
	if st.Sid != "" {
		name += " (" + st.Sid + ")"
	}
	return name
}

// resourcePat is a policy Resource as a pattern over the resource part of
// the method ARN ({apiId}/{stage}/{METHOD}/{path}), or, when full, over
// the whole ARN.
type resourcePat struct {
	pat  string
	full bool
}

// resourcePattern compiles a policy Resource: "execute-api:/{rest}" is
// relative to the API; a full execute-api ARN keeps its resource part
// (partition, Region and account are not compared); "*" is everything.
func resourcePattern(r, apiID string) resourcePat {
	if rest, ok := strings.CutPrefix(r, "execute-api:/"); ok {
		return resourcePat{pat: apiID + "/" + rest}
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[2] == "execute-api" {
		return resourcePat{pat: parts[5]}
	}
	if r == "*" {
		return resourcePat{pat: "*"}
	}
	return resourcePat{pat: r, full: true} // a pattern over the whole ARN ("arn:aws:execute-api:*")
}

// arnResource is the resource part of a method ARN, after its fifth colon.
func arnResource(arn string) string {
	n := 0
	for i := 0; i < len(arn); i++ {
		if arn[i] == ':' {
			if n++; n == 5 {
				return arn[i+1:]
			}
		}
	}
	return arn
}

// policyARNPrefix is the start of the ARNs of a stage's methods:
// arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/.
func policyARNPrefix(region, account, apiID, stage string) string {
	return "arn:aws:execute-api:" + region + ":" + account + ":" + apiID + "/" + stage + "/"
}

type policyVerdict uint8

const (
	verdictNone policyVerdict = iota // no statement allows: implicit deny
	verdictAllow
	verdictDeny // an explicit Deny
)

// evaluate decides the policy for the method ARN arn, a caller at addr,
// signed telling whether the request is an AWS_IAM one with an
// Authorization header.
func (cp *cpolicy) evaluate(arn string, addr netip.Addr, signed bool) policyVerdict {
	v := verdictNone
	res := arnResource(arn)
	for i := range cp.statements {
		st := &cp.statements[i]
		if st.signedOnly && !signed {
			continue
		}
		if !st.deny && v == verdictAllow {
			continue
		}
		matched := false
		for _, p := range st.resources {
			s := res
			if p.full {
				s = arn
			}
			if policy.Match(p.pat, s) {
				matched = true
				break
			}
		}
		if matched == st.notResource {
			continue
		}
		holds := true
		for _, c := range st.ips {
			if !c.Holds(addr) {
				holds = false
				break
			}
		}
		if !holds {
			continue
		}
		if st.deny {
			return verdictDeny
		}
		v = verdictAllow
	}
	return v
}

// checkPolicy evaluates the API's resource policy for the request.
func (g *Gateway) checkPolicy(r *http.Request, rs *reqState) error {
	cp := rs.api.policy
	var buf [256]byte
	b := append(buf[:0], rs.stage.access.arnPrefix...)
	b = append(b, rs.method...)
	if rs.rest == "" {
		b = append(b, '/')
	} else {
		b = append(b, rs.rest...)
	}
	addr := netip.Addr{}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		addr = ap.Addr()
	}
	signed := rs.ep.iam && r.Header.Get("Authorization") != ""
	// The ARN is only read while evaluating: no copy.
	switch cp.evaluate(unsafe.String(unsafe.SliceData(b), len(b)), addr, signed) {
	case verdictAllow:
		return nil
	case verdictDeny:
		msg := "User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + maskedARN(string(b), g.cfg.AccountID) + " with an explicit deny"
		return rs.failMessage(errAccessDenied, msg, "the resource policy denies "+string(b)+" to "+addr.String())
	}
	msg := "User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + maskedARN(string(b), g.cfg.AccountID)
	return rs.failMessage(errAccessDenied, msg, "no statement of the resource policy allows "+string(b)+" to "+addr.String())
}

// maskedARN hides the account id in an ARN but its last four digits, as
// API Gateway's AccessDenied messages show it (********9012).
func maskedARN(arn, account string) string {
	if len(account) <= 4 {
		return arn
	}
	return strings.Replace(arn, ":"+account+":", ":********"+account[len(account)-4:]+":", 1)
}
