// Package schema checks CloudFormation resources against the typed property
// schema of every resource type: unknown types and properties (with
// did-you-mean), missing required properties, values of the wrong shape,
// and values outside a property's allowed set.
//
// The schema is internal/cfnspec's table, generated from the AWS CDK
// team's service spec database (the CloudFormation registry schemas of
// every resource type, and the SAM specification). This package adds what
// that data does not say (tables.go): cfnrun's own extensions, documented
// values and properties the data lacks, and corrections to SAM's
// hand-written specification. Templates are read by parser/cfn, which
// keeps positions and references.
//
// Invariants: a Checker decodes the schema of a type once, on first use,
// and holds it for its lifetime; nothing is built at start-up and there is
// no package-level mutable state. Checks never panic and report every
// problem with the tightest range the positioned tree has. Values
// CloudFormation converts (StatusCode: 200 for a string, "true" for a
// boolean, "5" for a number) are never flagged, and an intrinsic function
// is checked by what it can return. A Checker is safe for concurrent use.
package schema

import (
	"slices"
	"strings"
	"sync"

	"github.com/cfnrun/cfnrun/internal/cfnspec"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Rule ids of schema findings (documented in docs/rules.md). They mirror
// cfn-lint's ids for the same checks.
const (
	RuleUnknownType     = "E3001" // unknown resource type
	RuleUnknownProperty = "E3002" // unknown property
	RuleRequired        = "E3003" // required property missing
	RuleValueType       = "E3012" // value of the wrong shape
	RuleEnum            = "E3030" // value outside the documented set
	RulePackaged        = "W3002" // a local path only the package command turns into what CloudFormation takes
)

// RuleDoc documents one rule (see resolver.Rules).
type RuleDoc struct{ ID, Level, Summary, Why string }

var rules = []RuleDoc{
	{RuleUnknownType, "error (warning for third-party types)", "unknown resource type", "CloudFormation fails with \"Unrecognized resource types\"; a did-you-mean names the closest type."},
	{RuleUnknownProperty, "error (warning outside AWS::ApiGateway::* and AWS::ApiGatewayV2::* without a close match)",
		"unknown property",
		"CloudFormation fails with \"Encountered unsupported property\". When the property belongs to a " +
			"sibling type (AutoDeploy on AWS::ApiGateway::Stage belongs to AWS::ApiGatewayV2::Stage) the hint " +
			"says so. cfnrun's schema is generated from the CloudFormation registry schemas in " +
			cfnspec.Package + " " + cfnspec.Version + " (published " + cfnspec.Date + "; see rules-schema.md); " +
			"a property newer than that is a warning."},
	{RuleRequired, "error",
		"required property missing",
		"CloudFormation fails with \"Property X cannot be empty\". Under the SAM transform, AWS::Serverless::* properties may come from Globals and are not reported."},
	{RuleValueType, "error",
		"property value of the wrong type (a list for a string, a map for a list ...)",
		"CloudFormation fails with \"Value of property X must be of type ...\". Numbers and booleans written " +
			"as strings, and intrinsics that return the right type, are accepted as CloudFormation accepts them."},
	{RulePackaged, "warning",
		"a string where `aws cloudformation package` takes a local path and writes what CloudFormation needs: AWS::Lambda::Function `Code`, " +
			"AWS::Lambda::LayerVersion `Content`, AWS::ApiGateway::RestApi `BodyS3Location`, AWS::CloudFormation::Stack `TemplateURL`, " +
			"AWS::StepFunctions::StateMachine and AWS::AppSync::GraphQLSchema `DefinitionS3Location`, AWS::AppSync::Resolver and " +
			"FunctionConfiguration `Request`/`ResponseMappingTemplateS3Location`, AWS::ElasticBeanstalk::ApplicationVersion `SourceBundle`, " +
			"AWS::CodeCommit::Repository `Code.S3`, AWS::Glue::Job `Command.ScriptLocation`",
		"Deploying the template as is fails (CloudFormation wants an S3 location there); templates are often validated before " +
			"`package` runs, so this is a warning, as cfn-lint's W3002, not the wrong-shape error E3012. An s3:// or https:// URL " +
			"where the property takes a string is not reported; an s3:// URL where it takes a map is (the package command converts it). " +
			"Not reported under the SAM transform (`sam deploy` packages), as cfn-lint. `cfnrun up` runs such Lambda code from the path."},
	{RuleEnum, "error (warning outside API Gateway and Lambda for a value only the generated schema lists, without a close match)",
		"value outside the allowed set (the registry schemas' enums; API Gateway's documented values: " +
			"Integration Type, ConnectionType, PassthroughBehavior, AuthorizationType, HttpMethod, " +
			"EndpointConfiguration Types ...)",
		"CloudFormation or the service rejects the value."},
}

// Rules documents the property-schema rules.
func Rules() []RuleDoc { return slices.Clone(rules) }

// Checker checks resources against the schema. The zero value is not
// usable; call New.
type Checker struct {
	// noSAM: the template does not declare the SAM transform, so
	// AWS::Serverless::* types are unknown to CloudFormation. Set before
	// the first check (SetSAMTransform).
	noSAM bool

	mu    sync.Mutex
	b     builder  // guarded by mu
	segs  []seg    // the walkers' path stack, reused; guarded by mu
	names []string // sorted type names for did-you-mean, built on first need; guarded by mu
}

// New returns a Checker. It costs next to nothing: the schema of a type
// is decoded from the generated table when a resource of that type is
// first checked.
func New() *Checker {
	return &Checker{b: newBuilder()}
}

// SetSAMTransform says whether the template declares Transform:
// AWS::Serverless-2016-10-31 (New assumes it does). Without it,
// CloudFormation knows no AWS::Serverless::* type, and the Checker reports
// them (E3001). Call it before checking.
func (c *Checker) SetSAMTransform(declared bool) { c.noSAM = !declared }

// KnownType reports whether typ is a resource type cfnrun can accept:
// every type in the generated table, the types AWS added after it that
// cfnrun lists, and custom resources (Custom::Name,
// AWS::CloudFormation::CustomResource).
func (c *Checker) KnownType(typ string) bool {
	return isCustom(typ) || newerType(typ) || cfnspec.Has(typ)
}

func isCustom(typ string) bool {
	return typ == "AWS::CloudFormation::CustomResource" || (strings.HasPrefix(typ, "Custom::") && len(typ) > len("Custom::"))
}

// CheckResource checks one resource's Type and Properties. typeNode is the
// Type value; props the Properties value, or nil when the resource has
// none. A required property that is missing altogether is reported at
// typeNode, since this signature does not carry the Properties key; the
// resolver should prefer CheckEntry, which does.
func (c *Checker) CheckResource(logicalID string, typeNode, props *cfn.Node) diag.Diagnostics {
	if typeNode == nil {
		return nil
	}
	return c.check(logicalID, typeNode, props, typeNode.Range())
}

// CheckEntry checks one entry of the Resources section: logicalID and
// idRange are its key, resource its value (the mapping with Type and
// Properties). A missing required property is reported at the Properties
// key, or at the logical id when there is no Properties. A resource
// without Type is left to the caller.
func (c *Checker) CheckEntry(logicalID string, idRange diag.Range, resource *cfn.Node) diag.Diagnostics {
	tf := resource.Field("Type")
	if tf == nil || tf.Value == nil {
		return nil
	}
	at := idRange
	var props *cfn.Node
	if pf := resource.Field("Properties"); pf != nil {
		at, props = pf.KeyRange(), pf.Value
	}
	return c.check(logicalID, tf.Value, props, at)
}

func (c *Checker) check(id string, typeNode, props *cfn.Node, missingAt diag.Range) diag.Diagnostics {
	w := &walker{c: c, id: id}
	if _, _, ok := typeNode.Intrinsic(false); ok || typeNode.Kind != cfn.Scalar {
		w.ds = append(w.ds, diag.NewError(RuleUnknownType, typeNode.Range(), "resource type must be a literal string, not %s", typeNode.KindName()).
			WithResource(id).
			WithHint("Write the type as a literal string such as AWS::ApiGateway::RestApi; CloudFormation does not evaluate intrinsic functions or parameters in Type."))
		return w.ds
	}
	typ := strings.TrimSpace(typeNode.Value)
	w.typ = typ
	switch {
	case c.noSAM && strings.HasPrefix(typ, "AWS::Serverless::"):
		w.ds = append(w.ds, diag.NewError(RuleUnknownType, typeNode.Range(), "%s needs the SAM transform, which the template does not declare", typ).
			WithResource(id).
			WithHint("Add \"Transform: AWS::Serverless-2016-10-31\" at the top level of the template: CloudFormation knows SAM's types only through the SAM transform."))
		return w.ds
	case isCustom(typ):
		w.custom(props, missingAt)
	case newerType(typ):
		// Known to AWS, newer than cfnrun's schema: nothing to check.
	default:
		// A type decoded before is in the table: the search of the table
		// (cfnspec.Has) is for its first resource.
		c.mu.Lock()
		obj := c.b.resources[typ]
		if obj == nil {
			c.mu.Unlock()
			if !cfnspec.Has(typ) {
				w.unknownType(typeNode, typ)
				return w.ds
			}
			c.mu.Lock()
			obj = c.b.resource(typ)
		}
		defer c.mu.Unlock()
		if obj == nil {
			return w.ds // undecodable: left unchecked (see builder.resource)
		}
		w.segs = c.segs[:0] // reuse the path stack across resources
		w.properties(props, obj, missingAt)
		c.segs = w.segs
	}
	return w.ds
}

// typeNames returns every known type name, sorted. Caller holds no lock.
func (c *Checker) typeNames() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil {
		c.names = cfnspec.Names()
	}
	return c.names
}

func (w *walker) unknownType(typeNode *cfn.Node, typ string) {
	r := typeNode.Range()
	if s := diag.Suggest(typ, w.c.typeNames()); s != "" {
		w.ds = append(w.ds, diag.NewError(RuleUnknownType, r, "unknown resource type %q", typ).
			WithResource(w.id).
			WithHint("Did you mean \""+s+"\"? Type names are case-sensitive."))
		return
	}
	if len(typ) > len("Custom::") && strings.EqualFold(typ[:len("Custom::")], "Custom::") {
		w.ds = append(w.ds, diag.NewError(RuleUnknownType, r, "unknown resource type %q", typ).
			WithResource(w.id).
			WithHint("Did you mean \"Custom::"+typ[len("Custom::"):]+"\"? Custom resource types start with Custom:: exactly."))
		return
	}
	parts := strings.Split(typ, "::")
	switch {
	case len(parts) == 3 && parts[0] == "AWS" && (parts[1] == "ApiGateway" || parts[1] == "ApiGatewayV2"):
		w.ds = append(w.ds, diag.NewError(RuleUnknownType, r, "unknown resource type %q", typ).
			WithResource(w.id).
			WithHint("API Gateway's resource types are "+strings.Join(w.serviceTypes("AWS::"+parts[1]+"::"), ", ")+"."))
	case len(parts) == 3 && parts[0] == "AWS" && parts[1] != "" && parts[2] != "":
		w.ds = append(w.ds, diag.NewWarning(RuleUnknownType, r, "unknown resource type %q", typ).
			WithResource(w.id).
			WithHint("cfnrun's schema ("+schemaSource+") may predate this type; if AWS documents it, this warning is safe to ignore, but its properties are not checked."))
	case len(parts) == 4 && parts[3] == "MODULE":
		w.ds = append(w.ds, diag.NewWarning(RuleUnknownType, r, "module type %q is not checked", typ).
			WithResource(w.id).
			WithHint("Modules are expanded by CloudFormation from the registry; cfnrun cannot see inside them, so their properties are not checked."))
	case len(parts) == 3 && parts[0] != "" && parts[1] != "" && parts[2] != "":
		w.ds = append(w.ds, diag.NewWarning(RuleUnknownType, r, "third-party resource type %q is not checked", typ).
			WithResource(w.id).
			WithHint("Third-party types come from the CloudFormation registry; make sure it is activated in the account. Its properties are not checked."))
	default:
		w.ds = append(w.ds, diag.NewError(RuleUnknownType, r, "%q is not a valid resource type", typ).
			WithResource(w.id).
			WithHint("Resource types look like AWS::Service::Resource (for example AWS::ApiGateway::RestApi), Custom::Name for custom resources, or Organization::Service::Resource for registry types."))
	}
}

// serviceTypes lists the known types with prefix, sorted.
func (w *walker) serviceTypes(prefix string) []string {
	var out []string
	for _, n := range w.c.typeNames() {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// siblingWith returns a sibling type of typ that has property key, or "".
// Caller holds mu.
func (c *Checker) siblingWith(typ, key string) string {
	for _, s := range siblingTypes(typ, cfnspec.Has) {
		if o := c.b.resource(s); o != nil && o.prop(key) != nil {
			return s
		}
	}
	return ""
}

// listNames renders property names for a hint, eliding long lists.
func listNames(names []string) string {
	const most = 24
	if len(names) > most {
		return strings.Join(names[:most], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}
