package control

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// operation answers one management API operation: status, a JSON-encodable
// answer (or rawBody, or nil for no body), or an error.
type operation func(rq *request) (int, any, error)

// routes are the operations cfnrun answers, as botocore's service model
// for apigateway 2015-07-09 writes their request URIs ("*" is one path
// parameter).
var routes = []struct {
	method, pattern string
	op              operation
}{
	{"GET", "restapis", getRestAPIs},
	{"GET", "restapis/*", getRestAPI},
	{"GET", "restapis/*/resources", getResources},
	{"GET", "restapis/*/resources/*", getResource},
	{"GET", "restapis/*/resources/*/methods/*", getMethod},
	{"GET", "restapis/*/resources/*/methods/*/responses/*", getMethodResponse},
	{"GET", "restapis/*/resources/*/methods/*/integration", getIntegration},
	{"GET", "restapis/*/resources/*/methods/*/integration/responses/*", getIntegrationResponse},
	{"GET", "restapis/*/stages", getStages},
	{"GET", "restapis/*/stages/*", getStage},
	{"GET", "restapis/*/deployments", getDeployments},
	{"GET", "restapis/*/deployments/*", getDeployment},
	{"GET", "restapis/*/authorizers", getAuthorizers},
	{"GET", "restapis/*/authorizers/*", getAuthorizer},
	{"GET", "restapis/*/models", getModels},
	{"GET", "restapis/*/models/*", getModel},
	{"GET", "restapis/*/requestvalidators", getRequestValidators},
	{"GET", "restapis/*/requestvalidators/*", getRequestValidator},
	{"GET", "restapis/*/gatewayresponses", getGatewayResponses},
	{"GET", "restapis/*/gatewayresponses/*", getGatewayResponse},
	{"GET", "apikeys", getAPIKeys},
	{"GET", "apikeys/*", getAPIKey},
	{"GET", "usageplans", getUsagePlans},
	{"GET", "usageplans/*", getUsagePlan},
	{"GET", "usageplans/*/keys", getUsagePlanKeys},
	{"GET", "usageplans/*/keys/*", getUsagePlanKey},
	{"GET", "tags/*", getTags},
	{"GET", "domainnames", getDomainNames},
	{"GET", "domainnames/*", getDomainName},
	{"GET", "domainnames/*/basepathmappings", getBasePathMappings},
	{"GET", "domainnames/*/basepathmappings/*", getBasePathMapping},
	{"GET", "restapis/*/stages/*/exports/*", getExport},
	{"POST", "restapis/*/resources/*/methods/*", testInvokeMethod},
	{"POST", "restapis", createRestAPI},
	{"POST", "restapis/*/resources/*", createResource},
	{"DELETE", "restapis/*/resources/*", deleteResource},
	{"PUT", "restapis/*/resources/*/methods/*", putMethod},
	{"DELETE", "restapis/*/resources/*/methods/*", deleteMethod},
	{"PUT", "restapis/*/resources/*/methods/*/responses/*", putMethodResponse},
	{"PUT", "restapis/*/resources/*/methods/*/integration", putIntegration},
	{"PATCH", "restapis/*/resources/*/methods/*/integration", updateIntegration},
	{"PUT", "restapis/*/resources/*/methods/*/integration/responses/*", putIntegrationResponse},
	{"PATCH", "restapis/*/stages/*", updateStage},
	{"POST", "restapis/*/stages", createStage},
	{"DELETE", "restapis/*/stages/*", deleteStage},
	{"POST", "restapis/*/deployments", createDeployment},
	{"DELETE", "restapis/*", deleteRestAPI},
	{"PUT", "tags/*", tagResource},
	{"DELETE", "tags/*", untagResource},
	{"PUT", "restapis/*", putRestAPI},
	{"PATCH", "restapis/*", updateRestAPI},
	{"POST", "apikeys", createAPIKey}, // and import-api-keys (?mode=import)
	{"PATCH", "apikeys/*", updateAPIKey},
	{"DELETE", "apikeys/*", deleteAPIKey},
	{"POST", "usageplans", createUsagePlan},
	{"PATCH", "usageplans/*", updateUsagePlan},
	{"DELETE", "usageplans/*", deleteUsagePlan},
	{"POST", "usageplans/*/keys", createUsagePlanKey},
	{"DELETE", "usageplans/*/keys/*", deleteUsagePlanKey},
	{"POST", "restapis/*/authorizers", createAuthorizer},
	{"PATCH", "restapis/*/authorizers/*", updateAuthorizer},
	{"DELETE", "restapis/*/authorizers/*", deleteAuthorizer},
	{"POST", "restapis/*/requestvalidators", createRequestValidator},
	{"PATCH", "restapis/*/requestvalidators/*", updateRequestValidator},
	{"DELETE", "restapis/*/requestvalidators/*", deleteRequestValidator},
	{"POST", "restapis/*/models", createModel},
	{"DELETE", "restapis/*/models/*", deleteModel},
	{"PATCH", "restapis/*/models/*", updateModel},
	{"PUT", "restapis/*/gatewayresponses/*", putGatewayResponse},
	{"PATCH", "restapis/*/gatewayresponses/*", updateGatewayResponse},
	{"DELETE", "restapis/*/gatewayresponses/*", deleteGatewayResponse},
	{"PATCH", "restapis/*/resources/*/methods/*", updateMethod},
	{"PATCH", "restapis/*/resources/*", updateResource},
	{"DELETE", "restapis/*/resources/*/methods/*/integration", deleteIntegration},
	{"DELETE", "restapis/*/resources/*/methods/*/responses/*", deleteMethodResponse},
	{"PATCH", "restapis/*/resources/*/methods/*/responses/*", updateMethodResponse},
	{"DELETE", "restapis/*/resources/*/methods/*/integration/responses/*", deleteIntegrationResponse},
	{"PATCH", "restapis/*/resources/*/methods/*/integration/responses/*", updateIntegrationResponse},
}

// route finds the operation for method and the unescaped path segments.
// A tags ARN holds slashes: everything after "tags" is one parameter.
func route(method string, segs []string) (operation, bool) {
	if len(segs) >= 2 && segs[0] == "tags" {
		segs = []string{"tags", strings.Join(segs[1:], "/")}
	}
	for _, rt := range routes {
		if rt.method != method {
			continue
		}
		pat := strings.Split(rt.pattern, "/")
		if len(pat) != len(segs) {
			continue
		}
		ok := true
		for i, s := range pat {
			if s != "*" && s != segs[i] || s == "*" && segs[i] == "" {
				ok = false
				break
			}
		}
		if ok {
			return rt.op, true
		}
	}
	return nil, false
}

// requestID is a version 4 UUID, as AWS sends in x-amzn-RequestId.
func requestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
