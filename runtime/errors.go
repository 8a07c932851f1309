package runtime

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// errKind is an API Gateway error response. Handlers return one; writeError
// is the only function that turns it into bytes on the wire.
type errKind uint8

const (
	errNone errKind = iota
	errMissingAuth
	errForbidden
	errTimeout
	errBadGateway
	errTooLarge
	errUnsupportedMedia
	errConfig
	errInternal
	errBadRequest
	errBadParams
	nErrKinds
)

var errUnsupportedTemplate = errors.New("the mapping template uses VTL that cfnrun does not implement")

// errSpec is the AWS default for an error kind.
type errSpec struct {
	responseType string // the GatewayResponse type that customizes it
	fallback     string // DEFAULT_4XX or DEFAULT_5XX
	status       int
	errorType    string // x-amzn-ErrorType, or ""
	message      string
	body         string
}

// awsErrors are API Gateway's default gateway responses, bodies byte for
// byte as AWS sends them.
var awsErrors = [nErrKinds]errSpec{
	errMissingAuth:      {"MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", 403, "MissingAuthenticationTokenException", "Missing Authentication Token", `{"message":"Missing Authentication Token"}`},
	errForbidden:        {"INVALID_API_KEY", "DEFAULT_4XX", 403, "ForbiddenException", "Forbidden", `{"message":"Forbidden"}`},
	errTimeout:          {"INTEGRATION_TIMEOUT", "DEFAULT_5XX", 504, "", "Endpoint request timed out", `{"message": "Endpoint request timed out"}`},
	errBadGateway:       {"INTEGRATION_FAILURE", "DEFAULT_5XX", 502, "InternalServerErrorException", "Internal server error", `{"message": "Internal server error"}`},
	errTooLarge:         {"REQUEST_TOO_LARGE", "DEFAULT_4XX", 413, "", "Request Too Long", `{"message":"Request Too Long"}`},
	errUnsupportedMedia: {"UNSUPPORTED_MEDIA_TYPE", "DEFAULT_4XX", 415, "", "Unsupported Media Type", `{"message":"Unsupported Media Type"}`},
	errConfig:           {"API_CONFIGURATION_ERROR", "DEFAULT_5XX", 500, "InternalServerErrorException", "Internal server error", `{"message": "Internal server error"}`},
	errInternal:         {"", "DEFAULT_5XX", 500, "InternalServerErrorException", "Internal server error", `{"message": "Internal server error"}`},
	errBadRequest:       {"BAD_REQUEST_BODY", "DEFAULT_4XX", 400, "BadRequestException", "Bad Request", `{"message": "Bad Request"}`},
	errBadParams:        {"BAD_REQUEST_PARAMETERS", "DEFAULT_4XX", 400, "BadRequestException", "Bad Request", `{"message": "Bad Request"}`},
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
		gr := byType[s.responseType]
		if gr == nil {
			gr = byType[s.fallback]
		}
		if gr == nil || s.fallback == "" {
			continue
		}
		er := *t[k]
		if gr.StatusCode != "" {
			if n, err := strconv.Atoi(gr.StatusCode); err == nil && n >= 100 && n <= 599 {
				er.status = n
			}
		}
		for _, name := range slices.Sorted(maps.Keys(gr.ResponseParameters)) {
			src := gr.ResponseParameters[name]
			h, ok := strings.CutPrefix(name, "gatewayresponse.header.")
			if !ok || len(src) < 2 || src[0] != '\'' || src[len(src)-1] != '\'' {
				*ds = append(*ds, diag.Warnf(ruleIgnored, gr.Range, gr.LogicalID,
					"cfnrun applies static values ('value') to gatewayresponse.header.NAME.",
					"gateway response parameter %s = %s is ignored", name, src))
				continue
			}
			er.headers = append(er.headers, [2]string{h, src[1 : len(src)-1]})
		}
		if tpl, ok := gr.ResponseTemplates["application/json"]; ok {
			er.body = tpl
		} else {
			for _, ct := range slices.Sorted(maps.Keys(gr.ResponseTemplates)) {
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

// writeError writes the gateway response for kind and returns its status.
// api may be nil (unknown API or stage).
func writeError(w http.ResponseWriter, rs *reqState, api *capi, kind errKind) int {
	return writeErrorMessage(w, rs, api, kind, "")
}

// writeErrorMessage is writeError with a message for this request (as
// $context.error.message), used instead of the default body when the
// gateway response is not customized.
func writeErrorMessage(w http.ResponseWriter, rs *reqState, api *capi, kind errKind, msg string) int {
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
