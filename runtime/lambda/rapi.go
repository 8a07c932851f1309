package lambda

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Lambda Runtime API, version 2018-06-01, as each instance serves it
// on its own loopback port. Status codes and error bodies follow the API's
// OpenAPI document and the Runtime Interface Emulator:
//
//	GET  /2018-06-01/runtime/invocation/next           200 event; headers below
//	POST /2018-06-01/runtime/invocation/{id}/response  202 {"status":"OK"}; 400 unknown id; 413 too large
//	POST /2018-06-01/runtime/invocation/{id}/error     202; 400 unknown id
//	POST /2018-06-01/runtime/init/error                202; 403 after init
//
// Errors are {"errorMessage": "...", "errorType": "..."}.
const (
	apiPrefix = "/2018-06-01/runtime/"

	hdrRequestID     = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline      = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN   = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID       = "Lambda-Runtime-Trace-Id"
	hdrClientContext = "Lambda-Runtime-Client-Context"
	hdrCognito       = "Lambda-Runtime-Cognito-Identity"
	hdrErrorType     = "Lambda-Runtime-Function-Error-Type"
	hdrErrorBody     = "Lambda-Runtime-Function-Error-Body"
)

// Header values shared by every response; net/http only reads them.
var (
	jsonType     = []string{"application/json"}
	acceptedBody = []byte(`{"status":"OK"}` + "\n")
	acceptedLen  = []string{strconv.Itoa(len(acceptedBody))}
)

func (in *instance) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	if !ok {
		apiError(w, http.StatusNotFound, "InvalidRequest", "cfnrun serves the Runtime API (/2018-06-01/runtime/...) only, not "+r.URL.Path)
		return
	}
	switch {
	case rest == "invocation/next":
		if r.Method != http.MethodGet {
			apiError(w, http.StatusMethodNotAllowed, "InvalidRequest", "invocation/next takes GET")
			return
		}
		in.next(w, r)
	case rest == "init/error":
		if r.Method != http.MethodPost {
			apiError(w, http.StatusMethodNotAllowed, "InvalidRequest", "init/error takes POST")
			return
		}
		in.initError(w, r)
	case strings.HasPrefix(rest, "invocation/"):
		id, action, _ := strings.Cut(rest[len("invocation/"):], "/")
		if r.Method != http.MethodPost {
			apiError(w, http.StatusMethodNotAllowed, "InvalidRequest", "invocation/{id}/"+action+" takes POST")
			return
		}
		switch action {
		case "response":
			in.response(w, r, id)
		case "error":
			in.invocationError(w, r, id)
		default:
			apiError(w, http.StatusNotFound, "InvalidRequest", "unknown invocation action "+strconv.Quote(action))
		}
	default:
		apiError(w, http.StatusNotFound, "InvalidRequest", "unknown Runtime API path "+r.URL.Path)
	}
}

// next hands the runtime its next invocation, waiting for one.
func (in *instance) next(w http.ResponseWriter, r *http.Request) {
	in.readyOnce.Do(func() {
		in.mu.Lock()
		in.initDur = time.Since(in.started)
		in.mu.Unlock()
		close(in.ready)
	})
	in.mu.Lock()
	if cur := in.cur; cur != nil && cur.delivered {
		in.mu.Unlock()
		apiError(w, http.StatusForbidden, "InvalidStateTransition",
			"State transition from Invoke to Ready failed for runtime. Error: the runtime asked for the next invocation before answering "+cur.id)
		return
	}
	in.mu.Unlock()
	in.markPolling()
	var inv *invocation
	select {
	case inv = <-in.work:
	case <-in.stopCh:
		return
	case <-r.Context().Done():
		return
	}
	in.mu.Lock()
	inv.delivered = true
	in.mu.Unlock()

	h := w.Header()
	hv := &inv.hv
	hv[0] = inv.id
	hv[1] = strconv.FormatInt(inv.deadline.UnixMilli(), 10)
	hv[2] = inv.arn
	hv[3] = inv.traceID
	hv[4] = strconv.Itoa(len(inv.payload))
	h[hdrRequestID] = hv[0:1:1]
	h[hdrDeadline] = hv[1:2:2]
	h[hdrFunctionARN] = hv[2:3:3]
	h[hdrTraceID] = hv[3:4:4]
	h["Content-Type"] = jsonType
	h["Content-Length"] = hv[4:5:5]
	if inv.clientCtx != "" {
		h[hdrClientContext] = []string{inv.clientCtx}
	}
	if inv.cognito != "" {
		h[hdrCognito] = []string{inv.cognito}
	}
	w.WriteHeader(http.StatusOK)
	w.Write(inv.payload)
}

// current returns the invocation the runtime was handed, if its id is id.
func (in *instance) current(id string) *invocation {
	in.mu.Lock()
	defer in.mu.Unlock()
	if cur := in.cur; cur != nil && cur.delivered && cur.id == id {
		return cur
	}
	return nil
}

// response takes the function's result.
func (in *instance) response(w http.ResponseWriter, r *http.Request, id string) {
	inv := in.current(id)
	if inv == nil {
		io.Copy(io.Discard, io.LimitReader(r.Body, MaxPayloadBytes))
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, tooLarge, err := readBody(r)
	if err != nil {
		return // the runtime went away; the process's exit fails the invocation
	}
	if tooLarge {
		if in.claim(inv) {
			msg := "Response payload size exceeded maximum allowed payload size (" + strconv.Itoa(MaxPayloadBytes) + " bytes)."
			in.resp <- outcome{payload: errorDoc("Function.ResponseSizeTooLarge", msg), errType: "Function.ResponseSizeTooLarge", isErr: true}
		}
		apiError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			"Exceeded maximum allowed payload size ("+strconv.Itoa(MaxPayloadBytes)+" bytes).")
		return
	}
	o := outcome{payload: body}
	// aws-lambda-go reports a failure while streaming the response in
	// trailers.
	if t := r.Trailer.Get(hdrErrorType); t != "" {
		o = outcome{errType: t, isErr: true}
		if b, err := base64.StdEncoding.DecodeString(r.Trailer.Get(hdrErrorBody)); err == nil && len(b) > 0 {
			o.payload = b
		} else {
			o.payload = errorDoc(t, "the function failed while streaming its response")
		}
	}
	if !in.claim(inv) {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	in.resp <- o
	accepted(w)
}

// invocationError takes the function's error.
func (in *instance) invocationError(w http.ResponseWriter, r *http.Request, id string) {
	inv := in.current(id)
	if inv == nil {
		io.Copy(io.Discard, io.LimitReader(r.Body, MaxPayloadBytes))
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, _, err := readBody(r)
	if err != nil {
		return
	}
	o := errorOutcome(body, r.Header.Get(hdrErrorType))
	if !in.claim(inv) {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	in.resp <- o
	accepted(w)
}

// initError takes the runtime's report that it could not start.
func (in *instance) initError(w http.ResponseWriter, r *http.Request) {
	body, _, err := readBody(r)
	if err != nil {
		return
	}
	select {
	case <-in.ready:
		apiError(w, http.StatusForbidden, "InvalidStateTransition",
			"State transition from Ready to InitError failed for runtime. Error: init/error after the runtime asked for an invocation")
		return
	default:
	}
	o := errorOutcome(body, r.Header.Get(hdrErrorType))
	o.fatal = true
	in.mu.Lock()
	first := in.initErr == nil
	if first {
		in.initErr = &o
	}
	in.mu.Unlock()
	if first {
		close(in.initFailed)
	}
	accepted(w)
}

// errorOutcome makes the error document of a function error: the body the
// runtime posted when it is a JSON object, else one made from the
// Lambda-Runtime-Function-Error-Type header and the body's text.
func errorOutcome(body []byte, hdrType string) outcome {
	var doc struct {
		ErrorType string `json:"errorType"`
	}
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '{' && json.Unmarshal(t, &doc) == nil {
		typ := doc.ErrorType
		if typ == "" {
			typ = hdrType
		}
		if typ == "" {
			typ = "Unhandled"
		}
		return outcome{payload: body, errType: typ, isErr: true}
	}
	typ := hdrType
	if typ == "" {
		typ = "Unhandled"
	}
	msg := string(t)
	if msg == "" {
		msg = typ
	}
	return outcome{payload: errorDoc(typ, msg), errType: typ, isErr: true}
}

// readBody reads a request body of at most MaxPayloadBytes. tooLarge is set
// (and the rest drained, up to a bound) when it is longer.
func readBody(r *http.Request) (body []byte, tooLarge bool, err error) {
	if n := r.ContentLength; n > MaxPayloadBytes {
		io.Copy(io.Discard, io.LimitReader(r.Body, 4*MaxPayloadBytes))
		return nil, true, nil
	} else if n >= 0 {
		body = make([]byte, n)
		_, err = io.ReadFull(r.Body, body)
		return body, false, err
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, MaxPayloadBytes+1))
	if err != nil {
		return nil, false, err
	}
	if len(body) > MaxPayloadBytes {
		io.Copy(io.Discard, io.LimitReader(r.Body, 4*MaxPayloadBytes))
		return nil, true, nil
	}
	return body, false, nil
}

func accepted(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Content-Length"] = acceptedLen
	w.WriteHeader(http.StatusAccepted)
	w.Write(acceptedBody)
}

func apiError(w http.ResponseWriter, status int, typ, msg string) {
	b, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{msg, typ})
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	w.Write(b)
}
