package runtime

// Gateway answers.
//
// Every answer the gateway gives on its own behalf, rather than relaying an
// integration's, is a gatewayError: an errKind, named after the API Gateway
// gateway response type (AWS::ApiGateway::GatewayResponse ResponseType) that
// customizes it, plus the reason the access log gives. Handlers return it as
// an error value (rs.fail); g.answer is the only function that turns an error
// into status, headers and body on the wire, and the access log line records
// it. An error that is not a gatewayError is a failure nobody planned for: it
// is answered as DEFAULT_5XX and logged at Error level.
//
// To add an answer: add an errKind and its AWS default to awsErrors. The
// API's GatewayResponse resources then customize it (compileGatewayResponses)
// with no further code.

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// errKind is one kind of gateway answer.
type errKind uint8

const (
	errNone              errKind = iota
	errMissingAuth               // MISSING_AUTHENTICATION_TOKEN: no such resource or method, or AWS_IAM unsigned
	errForbidden                 // no API or stage matches the URL (no API, so never customized)
	errInvalidAPIKey             // INVALID_API_KEY: ApiKeyRequired and no x-api-key
	errAccessDenied              // ACCESS_DENIED: an authorizer denied the request
	errUnauthorized              // UNAUTHORIZED: an authorizer found no or a bad identity
	errAuthorizerFailure         // AUTHORIZER_FAILURE: the authorizer could not decide
	errAuthorizerConfig          // AUTHORIZER_CONFIGURATION_ERROR: the authorizer is unusable
	errTimeout                   // INTEGRATION_TIMEOUT
	errBadGateway                // INTEGRATION_FAILURE: the backend could not be reached or failed
	errTooLarge                  // REQUEST_TOO_LARGE
	errUnsupportedMedia          // UNSUPPORTED_MEDIA_TYPE: no request template and PassthroughBehavior refuses
	errConfig                    // API_CONFIGURATION_ERROR: the method cannot run as configured
	errInternal                  // DEFAULT_5XX: any other gateway failure (a mapping template that fails)
	errBadRequest                // BAD_REQUEST_BODY
	errBadParams                 // BAD_REQUEST_PARAMETERS
	errThrottled                 // THROTTLED
	errQuotaExceeded             // QUOTA_EXCEEDED
	errLambdaFailure             // INTEGRATION_FAILURE at 500: Lambda refused the invocation (throttled, not found, too large)
	nErrKinds
)

var errUnsupportedTemplate = errors.New("the mapping template uses VTL that cfnrun does not implement")

// errSpec is the AWS default for an error kind.
type errSpec struct {
	responseType string // the GatewayResponse type that customizes it; "" for none
	status       int
	errorType    string // x-amzn-ErrorType, or ""
	message      string // $context.error.message
	body         string
}

// awsErrors are API Gateway's default gateway responses, bodies byte for
// byte as AWS sends them. Status codes and x-amzn-ErrorType follow AWS's
// "Gateway response types" table and LocalStack's AWS-validated defaults
// (localstack/services/apigateway/next_gen/execute_api/gateway_response.py).
var awsErrors = [nErrKinds]errSpec{
	errMissingAuth:       {"MISSING_AUTHENTICATION_TOKEN", 403, "MissingAuthenticationTokenException", "Missing Authentication Token", `{"message":"Missing Authentication Token"}`},
	errForbidden:         {"", 403, "ForbiddenException", "Forbidden", `{"message":"Forbidden"}`},
	errInvalidAPIKey:     {"INVALID_API_KEY", 403, "ForbiddenException", "Forbidden", `{"message":"Forbidden"}`},
	errAccessDenied:      {"ACCESS_DENIED", 403, "AccessDeniedException", "User is not authorized to access this resource", `{"Message":"User is not authorized to access this resource"}`},
	errUnauthorized:      {"UNAUTHORIZED", 401, "UnauthorizedException", "Unauthorized", `{"message":"Unauthorized"}`},
	errAuthorizerFailure: {"AUTHORIZER_FAILURE", 500, "AuthorizerConfigurationException", "null", `{"message": null}`},
	errAuthorizerConfig:  {"AUTHORIZER_CONFIGURATION_ERROR", 500, "AuthorizerConfigurationException", "null", `{"message": null}`},
	errTimeout:           {"INTEGRATION_TIMEOUT", 504, "", "Endpoint request timed out", `{"message": "Endpoint request timed out"}`},
	errBadGateway:        {"INTEGRATION_FAILURE", 502, "InternalServerErrorException", "Internal server error", `{"message": "Internal server error"}`},
	errTooLarge:          {"REQUEST_TOO_LARGE", 413, "", "Request Too Long", `{"message":"Request Too Long"}`},
	errUnsupportedMedia:  {"UNSUPPORTED_MEDIA_TYPE", 415, "", "Unsupported Media Type", `{"message":"Unsupported Media Type"}`},
	errConfig:            {"API_CONFIGURATION_ERROR", 500, "InternalServerErrorException", "Internal server error", `{"message": "Internal server error"}`},
	errInternal:          {"DEFAULT_5XX", 500, "InternalServerErrorException", "Internal server error", `{"message": "Internal server error"}`},
	errBadRequest:        {"BAD_REQUEST_BODY", 400, "BadRequestException", "Bad Request", `{"message": "Bad Request"}`},
	errBadParams:         {"BAD_REQUEST_PARAMETERS", 400, "BadRequestException", "Bad Request", `{"message": "Bad Request"}`},
	errThrottled:         {"THROTTLED", 429, "TooManyRequestsException", "Too Many Requests", `{"message":"Too Many Requests"}`},
	errQuotaExceeded:     {"QUOTA_EXCEEDED", 429, "LimitExceededException", "Limit Exceeded", `{"message":"Limit Exceeded"}`},
	// API Gateway answers a Lambda throttle (429 TooManyRequestsException)
	// and Lambda's other refusals with 500; since 2019 the
	// INTEGRATION_FAILURE gateway response customizes it.
	errLambdaFailure: {"INTEGRATION_FAILURE", 500, "InternalServerErrorException", "Internal server error", `{"message": "Internal server error"}`},
}

// fallbackType is the DEFAULT_4XX or DEFAULT_5XX response that customizes
// a kind its own type does not.
func (s errSpec) fallbackType() string {
	if s.status >= 500 {
		return "DEFAULT_5XX"
	}
	return "DEFAULT_4XX"
}

// gatewayError is a gateway answer returned by a handler.
type gatewayError struct {
	kind errKind
	// reason says why, for the access log.
	reason string
	// message replaces the kind's $context.error.message for this request
	// ("Missing required request parameters: [q]"); "" keeps the default.
	message string
}

func (e *gatewayError) Error() string {
	t := awsErrors[e.kind].responseType
	if t == "" {
		t = strconv.Itoa(awsErrors[e.kind].status)
	}
	return t + ": " + e.reason
}

// errAborted is returned by a handler that has reset the stream (or
// already sent the response head) and so has nothing more to write.
var errAborted = errors.New("request aborted")

// fail records a gateway answer for this request and returns it as an
// error. The value lives in the pooled request state: failing allocates
// nothing.
func (rs *reqState) fail(kind errKind, reason string) error {
	rs.gerr = gatewayError{kind: kind, reason: reason}
	return &rs.gerr
}

// failMessage is fail with a $context.error.message of its own.
func (rs *reqState) failMessage(kind errKind, message, reason string) error {
	rs.gerr = gatewayError{kind: kind, reason: reason, message: message}
	return &rs.gerr
}

// abort records why the request ends without a (complete) answer: the
// stream is reset once the access log line is written.
func (rs *reqState) abort(reason string) error {
	rs.reason = reason
	return errAborted
}

// unexpected is answer's slow path: err wraps a gatewayError, or is a
// failure nobody planned for, answered as DEFAULT_5XX and logged.
func (g *Gateway) unexpected(rs *reqState, err error) *gatewayError {
	var ge *gatewayError
	if errors.As(err, &ge) {
		return ge
	}
	g.log.Error("unexpected gateway failure", "requestId", rs.requestID(), "error", err)
	return &gatewayError{kind: errInternal, reason: err.Error()}
}

// answer writes the gateway's answer for err and records status and
// reason for the access log. It is the only place a gateway answer is
// written.
func (g *Gateway) answer(w http.ResponseWriter, rs *reqState, err error) {
	if err == errAborted {
		rs.aborted = true
		return
	}
	ge, ok := err.(*gatewayError)
	if !ok {
		ge = g.unexpected(rs, err)
	}
	api := rs.api
	if ge.kind == errForbidden {
		api = nil
	}
	rs.status, rs.reason = writeGatewayResponse(w, rs, api, ge.kind, ge.message), ge.reason
}

// errResponse is a compiled (possibly customized) gateway response.
type errResponse struct {
	status    int
	errorType string
	headers   [][2]string // static headers from ResponseParameters
	body      string      // may contain $context references
	dynamic   bool        // body needs substitution
	ctype     string
}

// errorTable holds an API's gateway responses, one per errKind.
type errorTable [nErrKinds]*errResponse

func defaultErrorTable() errorTable {
	var t errorTable
	for k := errKind(1); k < nErrKinds; k++ {
		s := awsErrors[k]
		t[k] = &errResponse{status: s.status, errorType: s.errorType, body: s.body, ctype: "application/json"}
	}
	return t
}

// compileGatewayResponses applies the API's AWS::ApiGateway::GatewayResponse
// resources over AWS's defaults.
func compileGatewayResponses(api *model.RestAPI, ds *diag.Diagnostics) errorTable {
	t := defaultErrorTable()
	byType := map[string]*model.GatewayResponse{}
	for _, gr := range api.GatewayResponses {
		byType[gr.ResponseType] = gr
	}
	for k := errKind(1); k < nErrKinds; k++ {
		s := awsErrors[k]
		if s.responseType == "" {
			continue
		}
		gr := byType[s.responseType]
		if gr == nil {
			gr = byType[s.fallbackType()]
		}
		if gr == nil {
			continue
		}
		er := *t[k]
		if gr.StatusCode != "" {
			if n, err := strconv.Atoi(gr.StatusCode); err == nil && n >= 100 && n <= 599 {
				er.status = n
			}
		}
		for _, name := range sortedMapKeys(gr.ResponseParameters) {
			src := gr.ResponseParameters[name]
			h, ok := strings.CutPrefix(name, "gatewayresponse.header.")
			if !ok || len(src) < 2 || src[0] != '\'' || src[len(src)-1] != '\'' {
				*ds = append(*ds, diag.NewWarning(ruleIgnored, gr.Range,
					"gateway response parameter %s = %s is ignored", name, src).
					WithResource(gr.LogicalID).
					WithHint("cfnrun applies static values ('value') to gatewayresponse.header.NAME."))
				continue
			}
			er.headers = append(er.headers, [2]string{h, src[1 : len(src)-1]})
		}
		if tpl, ok := gr.ResponseTemplates["application/json"]; ok {
			er.body = tpl
		} else {
			for _, ct := range sortedMapKeys(gr.ResponseTemplates) {
				er.body, er.ctype = gr.ResponseTemplates[ct], ct
				break
			}
		}
		er.dynamic = strings.Contains(er.body, "$")
		t[k] = &er
	}
	return t
}

var fallbackErrors = defaultErrorTable()

// writeGatewayResponse writes the gateway response for kind and returns its
// status; only answer calls it. api may be nil (unknown API or stage). msg,
// when not empty, is this request's $context.error.message, used instead of
// the default body when the gateway response is not customized.
func writeGatewayResponse(w http.ResponseWriter, rs *reqState, api *capi, kind errKind, msg string) int {
	er := fallbackErrors[kind]
	if api != nil {
		er = api.errs[kind]
	}
	h := w.Header()
	h["Content-Type"] = []string{er.ctype}
	if er.errorType != "" {
		h["x-amzn-ErrorType"] = []string{er.errorType}
	}
	for _, kv := range er.headers {
		h.Set(kv[0], kv[1])
	}
	body := er.body
	message := awsErrors[kind].message
	if msg != "" {
		message = msg
		if !er.dynamic && er.body == awsErrors[kind].body {
			body = `{"message": ` + strconv.Quote(msg) + `}`
			if kind == errAccessDenied {
				// An authorizer's denial, as AWS writes it.
				body = `{"Message":` + strconv.Quote(msg) + `}`
			}
		}
	}
	if er.dynamic {
		body = expandErrorTemplate(body, rs, message)
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(er.status)
	if rs.method != "HEAD" {
		io.WriteString(w, body)
	}
	return er.status
}

// expandErrorTemplate substitutes the $context references gateway
// response templates use.
func expandErrorTemplate(body string, rs *reqState, msg string) string {
	r := strings.NewReplacer(
		"$context.error.messageString", strconv.Quote(msg),
		"$context.error.validationErrorString", rs.access.validation,
		"$context.error.message", msg,
		"$context.requestId", rs.requestID(),
		"$context.stage", rs.stageName(),
		"$context.resourcePath", rs.resourcePath(),
		"$context.httpMethod", rs.method,
	)
	return r.Replace(body)
}

// failingTemplate stands for a mapping template that cannot run.
type failingTemplate struct{ err error }

func (f failingTemplate) Execute(io.Writer, *vtlInput) error { return f.err }
func (failingTemplate) Unsupported() []string                { return nil }
