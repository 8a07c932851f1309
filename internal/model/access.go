package model

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Access and traffic: API keys, usage plans and their keys. They belong to
// the account, not to one API (a usage plan may span stages of several
// APIs), so they hang off the Template. Resource policies, request
// validators, models, gateway responses and authorizers hang off their
// RestAPI.

// API Gateway's account-level throttle, applied when nothing narrower is
// set (AWS's default quota per account and Region).
const (
	AccountRateLimit  = 10000
	AccountBurstLimit = 5000
)

// Quota periods.
const (
	QuotaDay   = "DAY"
	QuotaWeek  = "WEEK"
	QuotaMonth = "MONTH"
)

// APIKey is an AWS::ApiGateway::ApiKey / aws_api_gateway_api_key, or the
// key the SAM transform generates for an API's Auth.UsagePlan.
type APIKey struct {
	// LogicalID is the logical id or the Terraform address.
	LogicalID string
	// ID is the key id AWS assigns: 10 lowercase alphanumerics, stable for
	// the same template.
	ID          string
	Name        string
	Description string
	// Value is what clients send in x-api-key. When the template sets no
	// Value, API Gateway generates one; cfnrun generates a 40-character
	// value that stays the same for the same template (like API ids), and
	// sets GeneratedValue.
	Value          string
	GeneratedValue bool
	// Enabled is the key's Enabled / enabled (default true). A disabled
	// key is refused like an unknown one.
	Enabled    bool
	CustomerID string
	// StageKeys are the key's legacy StageKeys (RestApiId + StageName),
	// kept for the control plane: they grant nothing. Only a usage plan
	// that covers the stage and has the key lets it call the stage.
	StageKeys []StageKey
	Tags      Tags
	Range     diag.Range
	Props     Ranges
}

// StageKey is one ApiKey StageKeys entry.
type StageKey struct {
	APIID string
	Stage string
	Range diag.Range
}

// UsagePlan is an AWS::ApiGateway::UsagePlan / aws_api_gateway_usage_plan
// (or SAM's Auth.UsagePlan), with its keys (UsagePlanKey /
// aws_api_gateway_usage_plan_key) folded in.
type UsagePlan struct {
	LogicalID string
	// ID is the plan id (6 lowercase alphanumerics), stable for the same
	// template.
	ID          string
	Name        string
	Description string
	// Stages are the API stages the plan covers (ApiStages / api_stages).
	Stages []UsagePlanStage
	// Throttle is the plan-wide limit, applied per API key; nil when the
	// plan sets none.
	Throttle *Throttle
	// Quota is the number of requests a key may make per period; nil when
	// the plan sets none.
	Quota *Quota
	// Keys are the API keys associated with the plan, sorted by KeyID.
	Keys  []UsagePlanKey
	Tags  Tags
	Range diag.Range
	Props Ranges
}

// UsagePlanStage is one ApiStages entry.
type UsagePlanStage struct {
	// APIID is the REST API's id, as ApiId / api_id evaluates.
	APIID string
	// Stage is the stage name.
	Stage string
	// Methods are the per-method limits ("Throttle" / throttle blocks),
	// sorted by Path.
	Methods []MethodThrottle
	Range   diag.Range
	// Props are where ApiId and Stage were written.
	Props Ranges
}

// MethodThrottle is a usage plan's limit for one method of a stage.
type MethodThrottle struct {
	// Path is "{resourcePath}/{httpMethod}" as AWS writes it: "/pets/GET",
	// "/pets/{id}/DELETE", "/*/*" for every method.
	Path     string
	Throttle Throttle
	Range    diag.Range
}

// Throttle is a token bucket: RateLimit requests per second on average,
// BurstLimit at once.
type Throttle struct {
	// BurstLimit is -1 when unset.
	BurstLimit int
	// RateLimit is -1 when unset.
	RateLimit float64
}

// String is "rate=R burst=B", leaving out what is unset.
func (t Throttle) String() string {
	var parts []string
	if t.RateLimit >= 0 {
		parts = append(parts, "rate="+strconv.FormatFloat(t.RateLimit, 'f', -1, 64))
	}
	if t.BurstLimit >= 0 {
		parts = append(parts, "burst="+strconv.Itoa(t.BurstLimit))
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, " ")
}

// Quota limits the requests per period.
type Quota struct {
	Limit int
	// Offset is the day a period starts: 0 for DAY; 0 (Sunday) to 6 for
	// WEEK; 0 (the first) to 27 for MONTH. Periods start at 00:00 UTC.
	Offset int
	// Period is QuotaDay, QuotaWeek or QuotaMonth.
	Period string
	Range  diag.Range
}

// UsagePlanKey associates an API key with a usage plan.
type UsagePlanKey struct {
	LogicalID string
	// KeyID is the API key's id as KeyId / key_id evaluates.
	KeyID string
	// KeyType is "API_KEY", the only type AWS knows.
	KeyType string
	Range   diag.Range
}

// finalizeAccess sorts the account-level access elements.
func (t *Template) finalizeAccess() {
	slices.SortFunc(t.APIKeys, func(a, b *APIKey) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.LogicalID, b.LogicalID))
	})
	slices.SortFunc(t.UsagePlans, func(a, b *UsagePlan) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.LogicalID, b.LogicalID))
	})
	slices.SortFunc(t.UserPoolClients, func(a, b *UserPoolClient) int {
		return cmp.Or(cmp.Compare(a.PoolID, b.PoolID), cmp.Compare(a.LogicalID, b.LogicalID))
	})
	for _, k := range t.APIKeys {
		slices.SortFunc(k.StageKeys, func(a, b StageKey) int { return cmp.Or(cmp.Compare(a.APIID, b.APIID), cmp.Compare(a.Stage, b.Stage)) })
	}
	for _, p := range t.UsagePlans {
		slices.SortStableFunc(p.Stages, func(a, b UsagePlanStage) int {
			return cmp.Or(cmp.Compare(a.APIID, b.APIID), cmp.Compare(a.Stage, b.Stage))
		})
		for i := range p.Stages {
			slices.SortFunc(p.Stages[i].Methods, func(a, b MethodThrottle) int { return cmp.Compare(a.Path, b.Path) })
		}
		slices.SortFunc(p.Keys, func(a, b UsagePlanKey) int {
			return cmp.Or(cmp.Compare(a.KeyID, b.KeyID), cmp.Compare(a.LogicalID, b.LogicalID))
		})
	}
}

// APIKey returns the template's API key with id, or nil.
func (t *Template) APIKey(id string) *APIKey {
	for _, k := range t.APIKeys {
		if k.ID == id {
			return k
		}
	}
	return nil
}

// API returns the template's REST API with id, or nil.
func (t *Template) API(id string) *RestAPI {
	for _, a := range t.APIs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// WebSocketAPI returns the WebSocket API whose ID is id, or nil.
func (t *Template) WebSocketAPI(id string) *WebSocketAPI {
	for _, a := range t.WebSocketAPIs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// PlansFor returns the usage plans that cover stage of the API with id
// apiID, in the template's order.
func (t *Template) PlansFor(apiID, stage string) []*UsagePlan {
	var out []*UsagePlan
	for _, p := range t.UsagePlans {
		for _, s := range p.Stages {
			if s.APIID == apiID && s.Stage == stage {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// UserPoolClient is a Cognito user pool app client. Its tokens carry its
// ID: as aud (ID tokens) or client_id (access tokens).
type UserPoolClient struct {
	LogicalID string
	// ID is the client id (26 lowercase alphanumerics, stable for the same
	// template: a stand-in for the one Cognito assigns, unless set).
	ID   string
	Name string
	// PoolID is the user pool's id ("us-east-1_AbCdEf123") as UserPoolId
	// / user_pool_id evaluates; "" when not known.
	PoolID string
	Range  diag.Range
}

// PoolClients returns the app clients of the user pool with id poolID.
func (t *Template) PoolClients(poolID string) []*UserPoolClient {
	var out []*UserPoolClient
	for _, c := range t.UserPoolClients {
		if c.PoolID == poolID {
			out = append(out, c)
		}
	}
	return out
}

// StableClientID derives a Cognito app client id as Cognito makes them (26
// lowercase letters and digits) from the given parts.
func StableClientID(parts ...string) string {
	return strings.ToLower(StableKeyValue(append([]string{"userpoolclient"}, parts...)...))[:26]
}

// CognitoPool is what a Cognito user pool ARN names.
type CognitoPool struct {
	// ARN as written in ProviderARNs.
	ARN string
	// Region and ID ("us-east-1_AbCdEf123") come from the ARN; ID is ""
	// when the ARN does not name a pool.
	Region, ID string
}

// Issuer is the iss claim of the pool's tokens.
func (p CognitoPool) Issuer() string {
	return "https://cognito-idp." + p.Region + ".amazonaws.com/" + p.ID
}

// ParseCognitoIssuer reads the pool an issuer URL names
// (https://cognito-idp.REGION.amazonaws.com/POOL_ID, an HTTP API JWT
// authorizer's Issuer); ok is false for any other issuer.
func ParseCognitoIssuer(iss string) (p CognitoPool, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(iss, "/"), "https://cognito-idp.")
	if !ok {
		return p, false
	}
	host, id, ok := strings.Cut(rest, "/")
	region, ok2 := strings.CutSuffix(host, ".amazonaws.com")
	if !ok || !ok2 || region == "" || strings.Contains(region, ".") || id == "" || strings.ContainsAny(id, "/:") {
		return p, false
	}
	return CognitoPool{ARN: iss, Region: region, ID: id}, true
}

// ParseCognitoPoolARN reads arn:PARTITION:cognito-idp:REGION:ACCOUNT:userpool/ID.
func ParseCognitoPoolARN(arn string) CognitoPool {
	p := CognitoPool{ARN: arn}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "cognito-idp" {
		return p
	}
	id, ok := strings.CutPrefix(parts[5], "userpool/")
	if !ok || id == "" || strings.ContainsAny(id, "/:") {
		return p
	}
	p.Region, p.ID = parts[3], id
	return p
}

// Pools returns the user pools of a COGNITO_USER_POOLS authorizer.
func (a *Authorizer) Pools() []CognitoPool {
	out := make([]CognitoPool, 0, len(a.ProviderARNs))
	for _, arn := range a.ProviderARNs {
		out = append(out, ParseCognitoPoolARN(arn))
	}
	return out
}

// CanonicalJSON re-renders a JSON document with sorted object keys and no
// insignificant space, so the same document written in YAML, JSON or HCL
// (jsonencode) compares equal. Text that is not JSON is returned as is.
func CanonicalJSON(s string) string {
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil || d.More() {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return s
	}
	return string(b)
}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// StableKeyValue derives an API key value as API Gateway generates them
// (40 letters and digits) from the given parts: the same parts always give
// the same value, so a key cfnrun generates survives restarts.
func StableKeyValue(parts ...string) string {
	out := make([]byte, 40)
	for i := 0; i < len(out); i += 16 {
		h := sha256.New()
		h.Write([]byte{byte(i)})
		writeParts(h, parts)
		sum := h.Sum(nil)
		for j := 0; j < 16 && i+j < len(out); j++ {
			out[i+j] = keyAlphabet[int(binary.BigEndian.Uint16(sum[2*j:]))%len(keyAlphabet)]
		}
	}
	return string(out)
}

// StableUserPoolID derives a Cognito user pool id as Cognito makes them,
// "REGION_" and 9 letters and digits, from the given parts.
func StableUserPoolID(region string, parts ...string) string {
	return region + "_" + StableKeyValue(append([]string{"userpool"}, parts...)...)[:9]
}
