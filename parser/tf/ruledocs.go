package tf

// Rule documents one rule id the Terraform front end emits, for
// docs/rules.md and SARIF's rule table.
type Rule struct {
	ID       string
	Severity string // "error", "warning" or "info"
	What     string
	Why      string
}

// Rules returns every rule id Load may emit, in id order.
func Rules() []Rule {
	return []Rule{
		{"TF000", "error", "internal error in the Terraform front end", "A bug in cfnrun; the finding names the panic instead of crashing."},
		{"TF001", "error/info", "a file cannot be read, or HCL syntax error (error); an override of a .tf.json block, which cfnrun does not merge (info)", "Terraform cannot parse the configuration."},
		{"TF002", "error", "malformed block: unknown top-level block, duplicate declaration, override of an undeclared block, bad depends_on, incomplete dynamic block, count with for_each", "terraform validate rejects the configuration."},
		{"TF003", "error", "reference to an undeclared variable, local, resource, data source or module (with did-you-mean)", "terraform validate fails with \"Reference to undeclared ...\". --set ADDR.ATTR=VALUE supplies a value for an undeclared resource locally."},
		{"TF004", "error", "call to an unknown function (with did-you-mean)", "terraform validate fails with \"Call to unknown function\"."},
		{"TF005", "error/warning/info", "type error or invalid value: wrong argument type, bad count/for_each, a function failing on its arguments (error); a file function on a file that does not exist yet, such as a build artifact (warning: unknown value); count/for_each derived from attributes only AWS knows (info: no instances)", "Terraform or the AWS provider rejects the value; cfnrun invents no values for attributes of resources it does not model."},
		{"TF006", "error", "a variable's validation condition is false", "terraform plan fails with the variable's error_message."},
		{"TF007", "error/warning/info", "variable value problem: a module call without a required input, a -var for an undeclared variable (error); a tfvars entry for an undeclared variable (warning); a root variable without a value (info: cfnrun uses the variable's name as a placeholder)", "Terraform asks for (or rejects) the value at plan time."},
		{"TF010", "error", "unsupported argument in an aws_api_gateway_* resource or module call (with did-you-mean)", "terraform validate fails with \"Unsupported argument\"."},
		{"TF011", "error", "missing required argument of an aws_api_gateway_* resource", "terraform validate fails with \"Missing required argument\"."},
		{"TF012", "error", "invalid enum value (http_method, authorization, type, passthrough_behavior, logging_level, ...)", "The AWS provider rejects the value at plan time."},
		{"TF013", "error", "unsupported block type, or a block written as an argument (or the reverse)", "terraform validate fails with \"Unsupported block type\"."},
		{"TF020", "error", "remote module source, or modules nested too deep", "cfnrun reads local modules only: vendor the module and point source at its directory."},
		{"TF021", "error", "local module directory not found", "terraform init fails to install the module."},
		{"TF030", "warning", "deployment whose triggers (or depends_on) would not change when the API's methods and integrations change", "aws_api_gateway_deployment is immutable: terraform apply updates the methods but never redeploys, so the change does not go live."},
		{"TF040", "error", "dependency cycle between resources, or a local value that refers to itself", "Terraform fails with \"Cycle: ...\"; the cycle is printed starting at its smallest address."},
		{"TF050", "warning", "an element refers to a REST API or resource that is not in the configuration", "It may deploy (the API exists elsewhere), but cfnrun cannot serve it."},
		{"TF051", "error", "duplicate method, an integration or response for a method that is not declared, or an integration response without an integration", "API Gateway fails with \"Invalid Method identifier specified\" or \"No integration defined for method\"."},
		{"TF052", "error", "method settings for a stage that does not exist", "API Gateway fails with \"Invalid stage identifier specified\"."},
		{"TF053", "warning", "a REST API body that is not a JSON or YAML document", "API Gateway rejects the import; cfnrun serves no routes from it."},
		{"TF054", "info", "an API Gateway v2 (HTTP or WebSocket) API", "cfnrun serves REST APIs; aws_apigatewayv2_* resources stay in the graph without routes."},
	}
}
