package runtime

// Lambda integrations: AWS_PROXY (the proxy event in, the proxy response
// out; see lambdaproxy.go) and AWS with a Lambda URI (a mapping template
// builds the payload; the result, or the error's errorMessage, selects the
// integration response). Both invoke through Config.Lambda.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/internal/h2"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// compileLambda compiles the Lambda target of an AWS or AWS_PROXY
// integration into ep (fn, fnLabel). It returns false when the method is
// not served (ep.fail set, a finding added).
func compileLambda(ep *endpoint, cs *cstage, res *model.Resource, m *model.Method, in *model.Integration, g *Gateway, t *model.Template, ls *lambdaSet, ds *diag.Diagnostics) bool {
	// what names the caller in findings: a REST method or HTTP API
	// route, or the WebSocket route or authorizer compileWSRoute and
	// compileWSAuthorizer pass as a method "route" / "authorizer".
	what := "method " + m.HTTPMethod + " " + res.Path
	switch m.HTTPMethod {
	case "route":
		what = "WebSocket route " + res.Path
	case "authorizer":
		what = "WebSocket authorizer " + res.Path
	}
	notServed := func(reason, hint string) bool {
		ep.fail, ep.reason = errConfig, reason
		*ds = append(*ds, diag.NewWarning(ruleNotServed, in.Props.At("Uri", in.Range),
			"%s is not served: %s", what, reason).
			WithResource(m.LogicalID).
			WithHint(hint))
		return false
	}
	lt := in.Lambda
	if lt != nil && lt.StageVariable {
		// The function is named per stage.
		ep.perStage = true
		lt = t.ResolveLambdaURI(model.SubstituteStageVariables(in.URI, cs.vars))
		if lt == nil || lt.StageVariable {
			return notServed("the Uri names its function with a stage variable that stage "+cs.name+" does not define",
				"Define the stage variable in the stage's Variables (or with --stage-var), so that the Uri names a function.")
		}
	}
	if lt == nil && strings.HasPrefix(in.URI, "${") {
		// Not known before deployment (a Terraform value known only
		// after apply, such as an output of a module terraform init
		// has not installed; an attribute CloudFormation alone knows):
		// it may name a function, so do not call it an AWS service.
		return notServed("its Uri is known only once deployed ("+in.URI+"), so cfnrun cannot tell which function it names",
			"Write the Uri so that it names a function of the template (a Terraform invoke_arn, !GetAtt Fn.Arn in !Sub); a value from a Terraform module needs terraform init first (TF022).")
	}
	if lt == nil {
		ep.fail, ep.reason = errConfig, in.Type+" integrations with AWS services are not run locally"
		*ds = append(*ds, diag.NewWarning(ruleNotServed, in.Props.At("Type", in.Range),
			"%s uses an %s integration with an AWS service, which cfnrun up does not serve", what, in.Type).
			WithResource(m.LogicalID).
			WithHint("cfnrun runs Lambda functions but does not call other AWS services; the route answers 500 {\"message\": \"Internal server error\"} as API Gateway does when an integration fails. Point it at a local server with an HTTP_PROXY integration to run it."))
		return false
	}
	name, qual := lt.Name, lt.Qualifier
	if lt.Function != nil {
		name = lt.Function.Name
		if !lt.Function.HasQualifier(qual) {
			*ds = append(*ds, diag.NewInfo(ruleIgnored, in.Props.At("Uri", in.Range),
				"%s names %s:%s, an alias or version the template does not define; cfnrun runs the function's current code", what, name, qual).
				WithResource(m.LogicalID).
				WithHint("Every alias and version runs the function's current code locally."))
		}
	} else if !ls.external[name] {
		return notServed("the Uri names function "+lt.ARN+", which the template does not define",
			"Run it elsewhere and pass --lambda "+name+"=URL (a Lambda Invoke API endpoint: sam local start-lambda, LocalStack) or --lambda "+name+"=COMMAND.")
	}
	if g.cfg.Lambda == nil {
		return notServed("no Lambda service runs the function "+name, "Serve the template with cfnrun up, which runs Lambda functions.")
	}
	if why := ls.unusable[name]; why != "" {
		return notServed("function "+name+": "+why,
			"cfnrun runs nodejs*, python3*, provided* (a bootstrap) and go1.x functions from local code; pass --code NAME=PATH for code that is not local, or --lambda "+name+"=URL|COMMAND to run the function elsewhere.")
	}
	ep.fn = name
	ep.fnStrs = ls.respStrings(name)
	ep.fnRuntime = ls.runtimes[name]
	label := name
	if qual != "" {
		label += ":" + qual
	}
	ep.fnLabel = "function " + label
	switch {
	case ls.remote[name] != "":
		ep.fnLabel += " (via " + ls.remote[name] + ")"
	case ep.fnRuntime != "":
		ep.fnLabel += " (" + ep.fnRuntime + ")"
	}
	return true
}

// eventPool holds proxy event buffers.
var eventPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// invoke calls the endpoint's function with the integration timeout.
// A nil error is a Result (a response or a function error); otherwise the
// error is the gateway's answer.
func (g *Gateway) invoke(rs *reqState, fn string, payload []byte, async bool) (lambda.Result, error) {
	ctx, cancel := context.WithTimeout(rs.r.Context(), rs.ep.timeout)
	defer cancel()
	res, err := g.cfg.Lambda.Invoke(ctx, fn, payload, lambda.InvokeOptions{TraceID: traceID(rs), Async: async})
	if err == nil {
		return res, nil
	}
	return res, g.invokeFailed(rs, fn, err)
}

// invokeFailed is the gateway's answer when invoking fn failed with err.
func (g *Gateway) invokeFailed(rs *reqState, fn string, err error) error {
	var le *lambda.Error
	switch {
	case rs.r.Context().Err() != nil:
		return rs.fail(errBadGateway, "the client went away while function "+fn+" ran")
	case errors.Is(err, context.DeadlineExceeded):
		return rs.fail(errTimeout, "function "+fn+" did not answer within the integration timeout ("+rs.ep.timeout.String()+")")
	case errors.As(err, &le):
		g.log.Warn("Lambda invocation failed", slog.String("function", fn), slog.String("errorType", le.Type),
			slog.String("error", le.Message), slog.String("requestId", rs.requestID()))
		return rs.fail(errLambdaFailure, "Lambda "+le.Type+": "+le.Message)
	}
	return rs.fail(errLambdaFailure, "invoking "+fn+": "+err.Error())
}

// functionFailed logs a function error as API Gateway's execution log does
// and returns the 502 answer.
func (g *Gateway) functionFailed(rs *reqState, res *lambda.Result) error {
	doc := res.Payload
	if len(doc) > 1024 {
		doc = doc[:1024]
	}
	g.log.Warn("Lambda execution failed due to a function error", slog.String("function", rs.ep.fn),
		slog.String("errorType", res.ErrorType), slog.String("error", string(doc)),
		slog.String("lambdaRequestId", res.RequestID), slog.String("requestId", rs.requestID()))
	return rs.fail(errBadGateway, "function "+rs.ep.fn+" failed ("+res.ErrorType+")")
}

// sendEvent sends the proxy event in *bp (from eventPool) to rs's
// function. A request without a body, on an endpoint that allows it, is
// detached: the HTTP/2 connection's reader goes on, and whichever goroutine
// learns the outcome answers (rs.onLambda, lambdaDone by default);
// sendEvent then returns errDetached. Otherwise it waits for the result and
// puts the buffer back, except when the invocation was cut short (the
// timeout, the client): it goes on in the background with the event, whose
// buffer is then not reused.
func (g *Gateway) sendEvent(w http.ResponseWriter, rs *reqState, bp *[]byte, traceID string, noBody bool) (lambda.Result, error) {
	ep := rs.ep
	if ep.detach && noBody {
		if st, ok := g.cfg.Lambda.(lambdaStarter); ok && h2.Detach(w) {
			rs.w, rs.event = w, bp
			if rs.onLambda == nil {
				rs.onLambda = rs.lambdaDone
			}
			st.Start(ep.fn, *bp, lambda.InvokeOptions{TraceID: traceID}, ep.timeout, rs.onLambda)
			return lambda.Result{}, errDetached
		}
	}
	res, err := g.invoke(rs, ep.fn, *bp, false)
	if err != nil {
		return res, err
	}
	if cap(*bp) <= 1<<20 {
		eventPool.Put(bp)
	}
	return res, nil
}

// serveLambdaProxy runs an AWS_PROXY integration.
func (g *Gateway) serveLambdaProxy(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	body, kind := g.readBody(w, r)
	if kind != errNone {
		return rs.fail(kind, "reading the request body")
	}
	bp := eventPool.Get().(*[]byte)
	ev := rs.proxyEvent(body)
	*bp = appendProxyEvent((*bp)[:0], &ev)
	res, err := g.sendEvent(w, rs, bp, ev.traceID, len(body) == 0)
	if err != nil {
		return err
	}
	return g.proxyAnswer(w, r, rs, &res)
}

// lambdaStarter is a LambdaService that runs an invocation without a
// goroutine waiting for it (*lambda.Service.Start): done is called once
// with what Invoke would return, from the goroutine that learns it; the
// Result's Payload is only valid until done returns.
type lambdaStarter interface {
	Start(function string, payload []byte, opts lambda.InvokeOptions, timeout time.Duration, done func(lambda.Result, error))
}

// lambdaDone is a detached AWS_PROXY request's callback (reqState.onLambda):
// it answers the client as serveLambdaProxy does, on the goroutine that
// learned the outcome (most often the Lambda service's reader of the
// function's answer), which must not block.
func (rs *reqState) lambdaDone(res lambda.Result, err error) {
	g, w := rs.g, rs.w
	defer g.recoverDetached(w, rs)
	if err != nil {
		// The invocation may go on (timeout): the event stays its.
		rs.event = nil
		g.finishDetached(w, rs, g.invokeFailed(rs, rs.ep.fn, err))
		return
	}
	if bp := rs.event; bp != nil && cap(*bp) <= 1<<20 {
		eventPool.Put(bp)
	}
	rs.event = nil
	if rs.r.Context().Err() != nil {
		g.finishDetached(w, rs, rs.fail(errBadGateway, "the client went away while function "+rs.ep.fn+" ran"))
		return
	}
	if rs.ep.payload2 { // an HTTP API's payload format 2.0 (httpapi_event.go)
		g.finishDetached(w, rs, g.httpLambdaAnswer(w, rs, &res))
		return
	}
	g.finishDetached(w, rs, g.proxyAnswer(w, rs.r, rs, &res))
}

// proxyAnswer maps an AWS_PROXY invocation's Result to the answer.
func (g *Gateway) proxyAnswer(w http.ResponseWriter, r *http.Request, rs *reqState, res *lambda.Result) error {
	ep := rs.ep
	rs.backendProto = "lambda"
	if res.FunctionError != "" {
		return g.functionFailed(rs, res)
	}
	sc := respScratchPool.Get().(*respScratch)
	defer sc.release() // after the body was written (a copy)
	pr, err := sc.parse(res.Payload, binaryAccepted(r, rs.api.binary), ep.fnStrs)
	if err != nil {
		p := res.Payload
		if len(p) > 1024 {
			p = p[:1024]
		}
		g.log.Warn("Execution failed due to configuration error: Malformed Lambda proxy response",
			slog.String("function", ep.fn), slog.String("response", string(p)), slog.String("requestId", rs.requestID()))
		return rs.fail(errBadGateway, "malformed Lambda proxy response from function "+ep.fn)
	}
	h := w.Header()
	// The values of the headers set here share one backing array: one
	// allocation for all (a header written twice grows its own).
	vals := make([]string, 0, len(pr.headers)+2)
	set := func(k, v string) {
		if old, ok := h[k]; ok {
			h[k] = append(old, v)
			return
		}
		vals = append(vals, v)
		h[k] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	for _, kv := range pr.headers {
		k := ep.fnStrs.canonical(kv[0])
		if droppedResponseHeader(k) {
			continue
		}
		if to, ok := remappedResponseHeader(k); ok {
			k = to
		}
		set(k, kv[1])
	}
	if _, ok := h["Content-Type"]; !ok {
		set("Content-Type", "application/json")
	}
	delete(h, "Content-Length")
	set("Content-Length", strconv.Itoa(len(pr.body)))
	w.WriteHeader(pr.status)
	rs.status = pr.status
	if rs.method != "HEAD" {
		w.Write(pr.body)
	}
	return nil
}

// forwarded is what a Lambda proxy event says of the client and the
// listener: the client's address, X-Forwarded-For with it appended, and
// X-Forwarded-Proto and -Port.
func (rs *reqState) forwarded() (ip, fwd, proto, port string) {
	r := rs.r
	ip = clientIP(r)
	fwd = ip
	if prior := r.Header["X-Forwarded-For"]; len(prior) > 0 {
		fwd = strings.Join(prior, ", ") + ", " + ip
	}
	proto, port = "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
		port = rs.g.portString(a.Port)
	}
	return ip, fwd, proto, port
}

// proxyEvent fills the proxy event of this request.
func (rs *reqState) proxyEvent(body []byte) proxyEvent {
	r := rs.r
	ip, fwd, proto, port := rs.forwarded()
	ev := proxyEvent{
		r: r, names: requestSpelling(r), method: rs.method, resource: rs.resourcePath(), path: rs.rest, domain: rs.domain, stage: rs.stage.name,
		stageVars: rs.stage.vars, params: &rs.ps, requestID: rs.requestID(), extendedID: rs.apigwID(),
		apiID: rs.api.id, accountID: rs.g.cfg.AccountID, resourceID: rs.ep.resourceID,
		deploymentID: rs.stage.deploymentID, operationName: rs.ep.operationName, start: rs.start,
		sourceIP: ip, forwardedFor: fwd, forwardedPort: port, forwardedProto: proto, traceID: traceID(rs),
		body: body, binary: rs.api.binary,
	}
	if rs.domain {
		ev.path = rs.domainPath()
	}
	if rs.authRes != nil {
		ev.authorizer = rs.authRes.json
	}
	if k := rs.access.key; k != nil {
		ev.apiKey, ev.apiKeyID = k.value, k.id
	}
	ev.accessKey = rs.accessKey()
	return ev
}

// serveLambdaAWS runs an AWS integration with a Lambda URI (a "custom" or
// non-proxy Lambda integration).
func (g *Gateway) serveLambdaAWS(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	ep := rs.ep
	t, kind := ep.selectRequestTemplate(r)
	if kind != errNone {
		return rs.fail(kind, "no request template for "+requestContentType(r))
	}
	body, kind := g.readBody(w, r)
	if kind != errNone {
		return rs.fail(kind, "reading the request body")
	}
	rs.mapBody = body // method.request.body[.PATH] (X-Amz-Invocation-Type's mapping)
	payload := body
	if t != nil {
		var out bytes.Buffer
		if _, err := executeOverrides(t, &out, rs.input(body)); err != nil {
			return g.templateFailed(rs, "request template "+requestContentType(r), err)
		}
		payload = out.Bytes()
	}
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		return g.invalidLambdaPayload(w, rs, payload)
	}
	async := ep.invocationType != nil && strings.EqualFold(rs.sourceValue(*ep.invocationType), "Event")
	res, err := g.invoke(rs, ep.fn, payload, async)
	if err != nil {
		return err
	}
	rs.backendProto = "lambda"
	result := res.Payload
	var cr *cresponse
	if res.FunctionError != "" {
		// The error document's errorMessage selects the response; with
		// no match the default response carries the error document, as
		// on AWS.
		msg, _ := jsonField(res.Payload, "errorMessage")
		g.log.Info("Lambda function error, selecting the integration response on errorMessage",
			slog.String("function", ep.fn), slog.String("errorType", res.ErrorType), slog.String("errorMessage", msg),
			slog.String("requestId", rs.requestID()))
		cr = ep.selectResponse(msg)
	} else {
		cr = ep.defaultResp
	}
	if cr == nil {
		return rs.fail(errConfig, "function "+ep.fn+": no integration response matches and none is the default (Execution failed due to configuration error: No match for output mapping and no default output mapping configured)")
	}
	return g.writeMapped(w, rs, cr, nil, result)
}

// invalidLambdaPayload answers a custom integration whose payload (the
// request body passed through, or what the request template made of it)
// is not JSON: Lambda's Invoke refuses it (400
// InvalidRequestContentException) before any function runs, and API
// Gateway passes Lambda's answer on as
// 400 {"message": "Could not parse request body into json: ..."}.
func (g *Gateway) invalidLambdaPayload(w http.ResponseWriter, rs *reqState, payload []byte) error {
	msg := "Could not parse request body into json: Could not parse payload into json: "
	var se *json.SyntaxError
	if err := json.Unmarshal(payload, new(any)); errors.As(err, &se) && se.Offset > 0 && int(se.Offset) <= len(payload) {
		c := payload[se.Offset-1]
		msg += fmt.Sprintf("Unexpected character (%q (code %d)) at offset %d", rune(c), c, se.Offset)
	} else {
		msg += "Unexpected end of input"
	}
	body, _ := json.Marshal(map[string]string{"message": msg})
	g.log.Warn("Lambda invocation failed: the payload is not JSON (add a request template for this content type, or send JSON)",
		slog.String("function", rs.ep.fn), slog.String("error", msg), slog.String("requestId", rs.requestID()))
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusBadRequest)
	rs.status, rs.reason = http.StatusBadRequest, "function "+rs.ep.fn+": InvalidRequestContentException (the payload is not JSON)"
	if rs.method != "HEAD" {
		w.Write(body)
	}
	return nil
}
