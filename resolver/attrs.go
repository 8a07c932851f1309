package resolver

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

func stableHex(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	h := fmt.Sprintf("%x", sum)
	for len(h) < n {
		h += h
	}
	return h[:n]
}

// apiGatewayAttrs lists the GetAtt attributes AWS documents for the API
// Gateway types; Ref is always available.
var apiGatewayAttrs = lazy.Value[map[string][]string]{New: func() map[string][]string {
	return map[string][]string{
		"AWS::ApiGateway::RestApi":              {"RestApiId", "RootResourceId"},
		"AWS::ApiGateway::Resource":             {"ResourceId"},
		"AWS::ApiGateway::Method":               {},
		"AWS::ApiGateway::Deployment":           {"DeploymentId"},
		"AWS::ApiGateway::Stage":                {},
		"AWS::ApiGateway::Authorizer":           {"AuthorizerId"},
		"AWS::ApiGateway::RequestValidator":     {"RequestValidatorId"},
		"AWS::ApiGateway::Model":                {},
		"AWS::ApiGateway::GatewayResponse":      {"Id"},
		"AWS::ApiGateway::ApiKey":               {"APIKeyId"},
		"AWS::ApiGateway::UsagePlan":            {"Id"},
		"AWS::ApiGateway::UsagePlanKey":         {"Id"},
		"AWS::ApiGateway::VpcLink":              {"VpcLinkId"},
		"AWS::ApiGateway::DomainName":           {"DistributionDomainName", "DistributionHostedZoneId", "RegionalDomainName", "RegionalHostedZoneId", "DomainNameArn"},
		"AWS::ApiGateway::BasePathMapping":      {},
		"AWS::ApiGateway::Account":              {"Id"},
		"AWS::ApiGateway::ClientCertificate":    {},
		"AWS::ApiGateway::DocumentationPart":    {"DocumentationPartId"},
		"AWS::ApiGateway::DocumentationVersion": {},
	}
}}

// placeholderAttrs describes common non-API Gateway types: what Ref
// returns and which attributes exist, so references resolve to plausible
// values. kind: "name", "arn", "url", "id".
type typeInfo struct {
	service, resource string
	ref               string
	attrs             []string
}

var commonTypes = lazy.Value[map[string]typeInfo]{New: func() map[string]typeInfo {
	return map[string]typeInfo{
		"AWS::Serverless::Function":                 {"lambda", "function", "name", []string{"Arn"}},
		"AWS::Lambda::Function":                     {"lambda", "function", "name", []string{"Arn", "SnapStartResponse", "SnapStartResponse.ApplyOn", "SnapStartResponse.OptimizationStatus"}},
		"AWS::Lambda::Alias":                        {"lambda", "function", "arn", []string{"AliasArn"}},
		"AWS::Lambda::Version":                      {"lambda", "function", "arn", []string{"FunctionArn", "Version"}},
		"AWS::Lambda::Permission":                   {"lambda", "permission", "id", []string{"Id"}},
		"AWS::IAM::Role":                            {"iam", "role", "name", []string{"Arn", "RoleId"}},
		"AWS::IAM::Policy":                          {"iam", "policy", "id", []string{"Id"}},
		"AWS::IAM::ManagedPolicy":                   {"iam", "policy", "arn", []string{"PolicyArn"}},
		"AWS::S3::Bucket":                           {"s3", "", "name", []string{"Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL"}},
		"AWS::SQS::Queue":                           {"sqs", "", "url", []string{"Arn", "QueueName", "QueueUrl"}},
		"AWS::SNS::Topic":                           {"sns", "", "arn", []string{"TopicArn", "TopicName"}},
		"AWS::DynamoDB::Table":                      {"dynamodb", "table", "name", []string{"Arn", "StreamArn"}},
		"AWS::Logs::LogGroup":                       {"logs", "log-group", "name", []string{"Arn"}},
		"AWS::Cognito::UserPool":                    {"cognito-idp", "userpool", "id", []string{"Arn", "ProviderName", "ProviderURL", "UserPoolId"}},
		"AWS::Cognito::UserPoolClient":              {"cognito-idp", "userpool", "id", []string{"ClientId", "ClientSecret", "Name"}},
		"AWS::Events::Rule":                         {"events", "rule", "name", []string{"Arn"}},
		"AWS::StepFunctions::StateMachine":          {"states", "stateMachine", "arn", []string{"Arn", "Name"}},
		"AWS::EC2::VPC":                             {"ec2", "vpc", "id", []string{"CidrBlock", "DefaultSecurityGroup", "VpcId"}},
		"AWS::EC2::SecurityGroup":                   {"ec2", "security-group", "id", []string{"GroupId", "VpcId"}},
		"AWS::EC2::Subnet":                          {"ec2", "subnet", "id", []string{"SubnetId", "AvailabilityZone", "VpcId"}},
		"AWS::ElasticLoadBalancingV2::LoadBalancer": {"elasticloadbalancing", "loadbalancer/app", "arn", []string{"DNSName", "LoadBalancerArn", "LoadBalancerName", "CanonicalHostedZoneID", "LoadBalancerFullName"}},
		"AWS::ElasticLoadBalancingV2::Listener":     {"elasticloadbalancing", "listener/app", "arn", []string{"ListenerArn"}},
		"AWS::ElasticLoadBalancingV2::TargetGroup":  {"elasticloadbalancing", "targetgroup", "arn", []string{"TargetGroupArn", "TargetGroupName", "TargetGroupFullName", "LoadBalancerArns"}},
		"AWS::ECS::Service":                         {"ecs", "service", "arn", []string{"Name", "ServiceArn"}},
		"AWS::ECS::Cluster":                         {"ecs", "cluster", "name", []string{"Arn"}},
		"AWS::SecretsManager::Secret":               {"secretsmanager", "secret", "arn", []string{"Id"}},
		"AWS::KMS::Key":                             {"kms", "key", "id", []string{"Arn", "KeyId"}},
		"AWS::CertificateManager::Certificate":      {"acm", "certificate", "arn", []string{"Id"}},
		"AWS::Route53::HostedZone":                  {"route53", "hostedzone", "id", []string{"Id", "NameServers"}},
		"AWS::ServiceDiscovery::Service":            {"servicediscovery", "service", "id", []string{"Arn", "Id", "Name"}},
	}
}}

// attr returns the value of attribute attr ("Ref" for Ref) of r.
func (s *stack) attr(r *resource, attr string, rng diag.Range, c evalCtx) string {
	if len(s.opts.Sets) > 0 { // most runs set none: no key to build per reference
		if v, ok := s.opts.Sets[r.id+"."+attr]; ok {
			s.setUsed[r.id+"."+attr] = true
			return v
		}
	}
	if attr == "Ref" && r.refKept {
		return r.ref
	}
	if r.attrs == nil && !r.computing {
		s.setAttrs(r)
	}
	if v, ok := r.attrs[attr]; ok {
		if attr == "Ref" {
			r.ref, r.refKept = v, true
		}
		return v
	}
	if !strings.HasPrefix(r.typ, "AWS::ApiGateway::") {
		if _, known := commonTypes.Get()[r.typ]; !known {
			// Unmodelled type: any attribute resolves to a placeholder.
			v := fmt.Sprintf("%s-%s-%s", r.id, attr, stableHex(s.stackName+r.id+attr, 8))
			if r.attrs != nil { // not while they are computed (a cycle)
				r.attrs[attr] = v
			}
			return v
		}
	}
	return "${" + r.id + "." + attr + "}"
}

// setAttrs computes r's attributes into r.attrs. A reference to r met
// meanwhile (a cycle through r's own properties) reads no attributes of
// r: computing marks it, without a map made for that alone.
func (s *stack) setAttrs(r *resource) {
	r.computing = true
	r.attrs = s.computeAttrs(r)
	r.computing = false
}

// computeAttrs computes r's Ref and documented attributes; what they copy
// from r's properties is charged to the budget.
func (s *stack) computeAttrs(r *resource) map[string]string {
	a := s.attrsOf(r)
	size := 0
	for _, v := range a {
		size += len(v)
	}
	if !s.spendBytes(size, r.typeNode) {
		return map[string]string{}
	}
	return a
}

// apiGatewayIDs returns the attributes of an API Gateway resource of type
// typ, logical id id, in stack stackName whose attributes are ids AWS
// generates (every type but Stage, Model and DomainName, which read their
// properties), and ok; false for any other type. They depend on nothing
// else, so assignAttrs computes some of them ahead on another core.
func apiGatewayIDs(typ, stackName, id string) (_ map[string]string, ok bool) {
	gen := func(n int, kind string) string { return model.StableID(n, kind, stackName, id) }
	a := map[string]string{}
	switch typ {
	case "AWS::ApiGateway::RestApi", "AWS::Serverless::Api":
		a["Ref"] = gen(10, "restapi")
		a["RestApiId"] = a["Ref"]
		a["RootResourceId"] = gen(10, "root")
		if typ == "AWS::Serverless::Api" {
			// SAM's !Ref Api.Deployment: the deployment the transform
			// generates (see lowerSAM).
			a["Deployment"] = gen(6, "deployment")
		}
	case "AWS::ApiGateway::Resource":
		a["Ref"] = gen(6, "resource")
		a["ResourceId"] = a["Ref"]
	case "AWS::ApiGateway::Method":
		a["Ref"] = gen(6, "method")
	case "AWS::ApiGateway::Deployment":
		a["Ref"] = gen(6, "deployment")
		a["DeploymentId"] = a["Ref"]
	case "AWS::ApiGateway::Authorizer":
		a["Ref"] = gen(6, "authorizer")
		a["AuthorizerId"] = a["Ref"]
	case "AWS::ApiGateway::RequestValidator":
		a["Ref"] = gen(6, "validator")
		a["RequestValidatorId"] = a["Ref"]
	case "AWS::ApiGateway::ApiKey":
		a["Ref"] = gen(10, "apikey")
		a["APIKeyId"] = a["Ref"]
	case "AWS::ApiGateway::VpcLink":
		a["Ref"] = gen(6, "vpclink")
		a["VpcLinkId"] = a["Ref"]
	case "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::Model", "AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName":
		return nil, false
	case "AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route",
		"AWS::ApiGatewayV2::Authorizer", "AWS::ApiGatewayV2::Deployment":
		return httpAPIIDs(typ, gen), true
	default:
		if !strings.HasPrefix(typ, "AWS::ApiGateway::") {
			return nil, false
		}
		a["Ref"] = gen(6, strings.ToLower(strings.TrimPrefix(typ, "AWS::ApiGateway::")))
		for _, at := range apiGatewayAttrs.Get()[typ] {
			a[at] = a["Ref"]
		}
	}
	return a, true
}

func (s *stack) attrsOf(r *resource) map[string]string {
	if la, ok := s.lambdaAttrs(r); ok {
		return la
	}
	if a := r.ids; a != nil {
		r.ids = nil
		r.generated = true
		return a
	}
	if a, ok := apiGatewayIDs(r.typ, s.stackName, r.id); ok {
		r.generated = true // ids AWS generates
		if _, api := a["ApiId"]; api {
			a["ApiEndpoint"] = "https://" + a["Ref"] + ".execute-api." + s.region + "." + s.urlSuffix
		}
		return a
	}
	a := map[string]string{}
	prop := func(name string) string {
		if r.props == nil {
			return ""
		}
		if n := r.props.Get(name); n != nil {
			return s.stringify(s.eval(n, evalCtx{resource: r.id}), n)
		}
		return ""
	}
	switch r.typ {
	case "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage":
		// Ref is the stage name, for both (AWS::ApiGatewayV2::Stage:
		// "Ref returns the stage name, such as MyTestStage").
		a["Ref"] = prop("StageName")
		if a["Ref"] == "" {
			// StageName is optional on a REST API's stage: CloudFormation
			// generates one.
			a["Ref"] = s.physicalName(r)
		}
	case "AWS::ApiGateway::Model":
		a["Ref"] = prop("Name")
		if a["Ref"] == "" {
			a["Ref"] = r.id
		}
	case "AWS::Cognito::UserPool":
		// A pool id as Cognito makes them (REGION_XXXXXXXXX), stable for
		// the stack; its tokens' iss is ProviderURL.
		r.placeholder = true
		pid := model.StableUserPoolID(s.region, s.stackName, r.id)
		a["Ref"], a["UserPoolId"] = pid, pid
		a["Arn"] = fmt.Sprintf("arn:%s:cognito-idp:%s:%s:userpool/%s", s.partition, s.region, s.account, pid)
		a["ProviderName"] = "cognito-idp." + s.region + "." + s.urlSuffix + "/" + pid
		a["ProviderURL"] = "https://" + a["ProviderName"]
	case "AWS::Cognito::UserPoolClient":
		// An app client id as Cognito makes them (26 lowercase letters and
		// digits), stable for the stack; ID tokens carry it as aud.
		r.placeholder = true
		cid := model.StableClientID(s.stackName, r.id)
		a["Ref"], a["ClientId"] = cid, cid
		a["Name"] = cmp.Or(prop("ClientName"), r.id)
		a["ClientSecret"] = stableHex("secret"+s.stackName+r.id, 32)
	case "AWS::ApiGateway::DomainName":
		dn := prop("DomainName")
		a["Ref"] = dn
		a["DistributionDomainName"] = model.DistributionDomainName(dn)
		a["DistributionHostedZoneId"] = model.DistributionHostedZoneID
		a["RegionalDomainName"] = model.RegionalDomainName(dn, s.region, s.urlSuffix)
		a["RegionalHostedZoneId"] = model.RegionalHostedZoneID
		a["DomainNameArn"] = fmt.Sprintf("arn:%s:apigateway:%s::/domainnames/%s", s.partition, s.region, dn)
	case "AWS::ApiGatewayV2::DomainName":
		dn := prop("DomainName")
		a["Ref"] = dn
		a["RegionalDomainName"] = model.RegionalDomainName(dn, s.region, s.urlSuffix)
		a["RegionalHostedZoneId"] = model.RegionalHostedZoneID
		a["DomainNameArn"] = fmt.Sprintf("arn:%s:apigateway:%s::/domainnames/%s", s.partition, s.region, dn)
	default:
		r.placeholder = true
		ti, known := commonTypes.Get()[r.typ]
		name := s.physicalName(r)
		svc, res := ti.service, ti.resource
		if !known {
			parts := strings.Split(r.typ, "::")
			if len(parts) == 3 {
				svc, res = strings.ToLower(parts[1]), strings.ToLower(parts[2])
			}
		}
		var arn string
		switch {
		case svc == "s3":
			arn = "arn:" + s.partition + ":s3:::" + name
		case svc == "iam":
			arn = "arn:" + s.partition + ":iam::" + s.account + ":" + res + "/" + name
		case svc == "lambda":
			arn = "arn:" + s.partition + ":lambda:" + s.region + ":" + s.account + ":function:" + name
		case svc == "sns" || svc == "sqs":
			arn = "arn:" + s.partition + ":" + svc + ":" + s.region + ":" + s.account + ":" + name
		case svc == "logs":
			// A log group's Arn attribute ends in ":*", as CloudFormation
			// documents it.
			arn = "arn:" + s.partition + ":logs:" + s.region + ":" + s.account + ":log-group:" + name + ":*"
		case svc == "states":
			arn = "arn:" + s.partition + ":states:" + s.region + ":" + s.account + ":stateMachine:" + name
		default:
			arn = "arn:" + s.partition + ":" + svc + ":" + s.region + ":" + s.account + ":" + res + "/" + name
		}
		switch ti.ref {
		case "arn":
			a["Ref"] = arn
		case "url":
			a["Ref"] = fmt.Sprintf("https://sqs.%s.%s/%s/%s", s.region, s.urlSuffix, s.account, name)
		case "id":
			a["Ref"] = strings.ToLower(strings.SplitN(res, "-", 2)[0]) + "-" + stableHex(r.id, 17)
		default:
			a["Ref"] = name
		}
		for _, at := range ti.attrs {
			switch {
			case strings.HasSuffix(at, "Arn") || at == "Arn":
				a[at] = arn
			case at == "DNSName":
				a[at] = name + "-" + stableHex(r.id, 8) + "." + s.region + ".elb." + s.urlSuffix
			case strings.HasSuffix(at, "Name"):
				a[at] = name
			case strings.HasSuffix(at, "Url") || at == "WebsiteURL":
				a[at] = a["Ref"]
			case at == "DomainName" || at == "RegionalDomainName" || at == "DualStackDomainName":
				a[at] = name + ".s3." + s.region + "." + s.urlSuffix
			default:
				a[at] = a["Ref"]
			}
		}
	}
	return a
}

// physicalName is the name CloudFormation would generate, or the Name-like
// property the user set; a generated one marks r generated.
func (s *stack) physicalName(r *resource) string {
	name, generated := s.nameOf(r)
	if generated {
		r.generated = true
	}
	return name
}

// nameOf is physicalName without marking r: lowering asks it while the
// graph, which reads the mark, runs beside it (graphAsync).
func (s *stack) nameOf(r *resource) (name string, generated bool) {
	// The Name-like properties r has, found in one pass over its
	// properties (most resources have none), are tried in nameKeys' order.
	var found [len(nameKeys)]*cfn.Node
	var seen uint16
	if r.props != nil && r.props.Kind == cfn.Mapping {
		for i := range r.props.Fields {
			f := &r.props.Fields[i]
			if k := nameKeyIndex(f.Key); k >= 0 && seen&(1<<k) == 0 {
				seen |= 1 << k
				found[k] = f.Value
			}
		}
	}
	for _, n := range found {
		if n == nil {
			continue
		}
		// No AWS name is longer than 255 characters; a longer value is not
		// a name, and would be copied into every ARN.
		if v := s.stringify(s.eval(n, evalCtx{resource: r.id}), n); v != "" && len(v) <= 255 && !strings.Contains(v, "${") {
			return v, false
		}
	}
	// stackName-id-ID, ID the stable id in upper case, built in one piece.
	id := model.StableID(12, "physical", s.stackName, r.id)
	var b strings.Builder
	b.Grow(len(s.stackName) + len(r.id) + len(id) + 2)
	b.WriteString(s.stackName)
	b.WriteByte('-')
	b.WriteString(r.id)
	b.WriteByte('-')
	for i := 0; i < len(id); i++ {
		c := id[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	name = b.String()
	if len(name) > 64 {
		name = name[:64]
	}
	return name, true
}

// nameKeys are the properties whose value names a resource, in the order
// nameOf tries them.
var nameKeys = [...]string{"FunctionName", "RoleName", "BucketName", "QueueName", "TopicName", "TableName",
	"LogGroupName", "Name", "ServiceName", "ClusterName", "PolicyName", "UserPoolName", "StateMachineName"}

// nameKeyIndex is key's index in nameKeys, or -1.
func nameKeyIndex(key string) int {
	switch key {
	case "FunctionName":
		return 0
	case "RoleName":
		return 1
	case "BucketName":
		return 2
	case "QueueName":
		return 3
	case "TopicName":
		return 4
	case "TableName":
		return 5
	case "LogGroupName":
		return 6
	case "Name":
		return 7
	case "ServiceName":
		return 8
	case "ClusterName":
		return 9
	case "PolicyName":
		return 10
	case "UserPoolName":
		return 11
	case "StateMachineName":
		return 12
	}
	return -1
}

// resources returns s.res[id] for each id of s.resOrder, in that order:
// the loops over every resource (lowering runs a dozen) without a map
// lookup each. The list is rebuilt, in a new array, when resOrder grew;
// from assignAttrs on (after samImplied added the last) it does not
// change, so the graph's goroutine and lowering may both read it.
func (s *stack) resources() []*resource {
	if len(s.resList) != len(s.resOrder) {
		s.resList = make([]*resource, len(s.resOrder))
		for i, id := range s.resOrder {
			s.resList[i] = s.res[id]
		}
	}
	return s.resList
}

// assignAttrs computes every live resource's attributes up front, so
// evaluation order does not matter for the model.
func (s *stack) assignAttrs() {
	rs := s.resources()
	ahead := s.idsAhead(rs)
	for i, r := range rs {
		ahead.take(i, r)
		if r.attrs == nil {
			s.setAttrs(r)
		}
	}
}

// minIDsAhead is the number of resources from which assignAttrs has
// another core compute API Gateway ids ahead (below, starting it costs
// more than it saves).
const minIDsAhead = 256

// idsAhead computes apiGatewayIDs on another goroutine from the last
// resource of rs backwards, while assignAttrs goes forwards, until they
// meet: the SHA-256 of thousands of ids (model.StableID) off the path
// every other step waits for. It writes only its slots and never one
// assignAttrs has passed; take hands a slot over once it is written.
type idsAhead struct {
	slots []map[string]string
	ready atomic.Int64 // slots from ready on are written
	main  atomic.Int64 // assignAttrs is at or past this index
}

// idsInLine turns idsAhead off, and idsAheadFirst has assignAttrs wait
// until the goroutine has computed every slot, so each one is taken from
// it (tests compare).
var idsInLine, idsAheadFirst bool

func (s *stack) idsAhead(rs []*resource) *idsAhead {
	if len(rs) < minIDsAhead || runtime.GOMAXPROCS(0) < 2 || idsInLine || s.opts.OneCore {
		return nil
	}
	p := &idsAhead{slots: make([]map[string]string, len(rs))}
	p.ready.Store(int64(len(rs)))
	stackName := s.stackName
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := len(rs) - 1; i >= 0 && p.main.Load() < int64(i); i-- {
			p.slots[i], _ = apiGatewayIDs(rs[i].typ, stackName, rs[i].id)
			p.ready.Store(int64(i))
		}
	}()
	if idsAheadFirst {
		<-done
	}
	return p
}

// take gives r, the resource at index i, the ids computed for it if they
// are ready, and tells the goroutine assignAttrs is past i.
func (p *idsAhead) take(i int, r *resource) {
	if p == nil {
		return
	}
	p.main.Store(int64(i + 1))
	if int64(i) >= p.ready.Load() && r.attrs == nil {
		r.ids = p.slots[i]
	}
}

// knownAttrs returns the attributes a GetAtt may read on typ, and whether
// cfnrun knows the full list.
func knownAttrs(typ string) ([]string, bool) {
	if at, ok := apiGatewayAttrs.Get()[typ]; ok {
		return at, true
	}
	if ti, ok := commonTypes.Get()[typ]; ok {
		return ti.attrs, true
	}
	return nil, false
}
