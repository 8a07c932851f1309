package lambda

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// InvokeAPI returns an http.Handler serving the Lambda Invoke API for the
// loaded functions:
//
//	POST /2015-03-31/functions/{FunctionName}/invocations
//
// with X-Amz-Invocation-Type (RequestResponse, Event, DryRun),
// X-Amz-Log-Type (None, Tail) and X-Amz-Client-Context (base64), answering
// as Lambda does: 200 (202 for Event, 204 for DryRun) with
// X-Amz-Function-Error, X-Amz-Log-Result and X-Amz-Executed-Version, or an
// error status with x-amzn-ErrorType and {"Type": ..., "message": ...}. It
// is what `aws lambda invoke --endpoint-url` and the AWS SDKs talk to, so
// other tools can call the functions cfnrun runs.
func (s *Service) InvokeAPI() http.Handler {
	return http.HandlerFunc(s.serveInvoke)
}

func (s *Service) serveInvoke(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/2015-03-31/functions/")
	name, tail, _ := strings.Cut(rest, "/")
	if !ok || tail != "invocations" {
		invokeAPIError(w, &Error{Type: "UnknownOperationException", Status: 404, Message: "cfnrun serves POST /2015-03-31/functions/{FunctionName}/invocations only"})
		return
	}
	if r.Method != http.MethodPost {
		invokeAPIError(w, &Error{Type: "UnknownOperationException", Status: 405, Message: "Invoke takes POST"})
		return
	}
	name, err := url.PathUnescape(name)
	if err != nil || name == "" {
		invokeAPIError(w, &Error{Type: "InvalidParameterValueException", Status: 400, Message: "bad FunctionName"})
		return
	}
	var opts InvokeOptions
	switch t := r.Header.Get("X-Amz-Invocation-Type"); t {
	case "", "RequestResponse", "DryRun":
	case "Event":
		opts.Async = true
	default:
		invokeAPIError(w, &Error{Type: "InvalidParameterValueException", Status: 400, Function: name,
			Message: "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not " + strconv.Quote(t)})
		return
	}
	opts.LogTail = r.Header.Get("X-Amz-Log-Type") == "Tail"
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		b, err := base64.StdEncoding.DecodeString(cc)
		if err != nil {
			invokeAPIError(w, &Error{Type: "InvalidRequestContentException", Status: 400, Function: name,
				Message: "Client context must be a valid Base64-encoded JSON object."})
			return
		}
		opts.ClientContext = string(b)
	}
	opts.TraceID = r.Header.Get("X-Amzn-Trace-Id")
	limit := int64(MaxRequestBytes)
	if opts.Async {
		limit = MaxAsyncRequestBytes
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return
	}
	if int64(len(payload)) > limit {
		invokeAPIError(w, errTooLarge(name, len(payload), int(limit)).(*Error))
		return
	}
	if len(payload) > 0 && !json.Valid(payload) {
		invokeAPIError(w, &Error{Type: TypeInvalidRequest, Status: 400, Function: name,
			Message: "Could not parse request body into json: the payload is not JSON"})
		return
	}
	if r.Header.Get("X-Amz-Invocation-Type") == "DryRun" {
		if s.lookup(name) == nil {
			invokeAPIError(w, errNotFound(name).(*Error))
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	res, err := s.Invoke(r.Context(), name, payload, opts)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Type: TypeService, Status: 500, Function: name, Message: err.Error()}
		}
		invokeAPIError(w, e)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amz-Executed-Version", "$LATEST")
	if res.RequestID != "" {
		h.Set("X-Amzn-RequestId", res.RequestID)
	}
	if res.FunctionError != "" {
		h.Set("X-Amz-Function-Error", res.FunctionError)
	}
	if opts.LogTail && len(res.LogTail) > 0 {
		h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(res.LogTail))
	}
	status := res.Status
	if status == 0 {
		status = http.StatusOK
	}
	h.Set("Content-Length", strconv.Itoa(len(res.Payload)))
	w.WriteHeader(status)
	w.Write(res.Payload)
}

// invokeAPIError writes an Invoke API error as Lambda's REST-JSON protocol
// does: the type in x-amzn-ErrorType, and {"Type": "User"|"Service",
// "message": ...}.
func invokeAPIError(w http.ResponseWriter, e *Error) {
	side := "User"
	if e.Status >= 500 {
		side = "Service"
	}
	b, _ := json.Marshal(struct {
		Type    string `json:"Type"`
		Message string `json:"message"`
	}{side, e.Message})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", e.Type)
	w.WriteHeader(e.Status)
	w.Write(b)
}
