package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// remote sends invocations to a server that speaks the Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations): sam local start-lambda,
// LocalStack, the Runtime Interface Emulator.
type remote struct {
	client *http.Client
	url    string // the full invocations URL
	name   string
}

func defaultHTTPClient() *http.Client {
	t := &http.Transport{
		Proxy:               nil, // local endpoints; never through a proxy
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// newRemote makes the invocations URL: base is either an endpoint
// ("http://127.0.0.1:3001") or a full invocations URL, kept as given.
func newRemote(c *http.Client, base, name string) *remote {
	u := base
	if !strings.Contains(base, "/2015-03-31/functions/") {
		u = strings.TrimRight(base, "/") + "/2015-03-31/functions/" + url.PathEscape(name) + "/invocations"
	}
	return &remote{client: c, url: u, name: name}
}

// maxRemoteBody bounds what cfnrun reads of a remote answer.
const maxRemoteBody = MaxPayloadBytes + 64<<10

func (r *remote) invoke(ctx context.Context, payload []byte, opts InvokeOptions) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(payload))
	if err != nil {
		return Result{}, &Error{Type: TypeService, Status: 500, Function: r.name, Message: "bad --lambda URL: " + err.Error()}
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	if opts.Async {
		h.Set("X-Amz-Invocation-Type", "Event")
	} else {
		h.Set("X-Amz-Invocation-Type", "RequestResponse")
	}
	if opts.LogTail {
		h.Set("X-Amz-Log-Type", "Tail")
	}
	if opts.ClientContext != "" {
		h.Set("X-Amz-Client-Context", base64.StdEncoding.EncodeToString([]byte(opts.ClientContext)))
	}
	if opts.TraceID != "" {
		h.Set("X-Amzn-Trace-Id", opts.TraceID)
	}
	start := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		return Result{}, &Error{Type: TypeService, Status: 502, Function: r.name,
			Message: "the Lambda Invoke API at " + r.url + " did not answer: " + err.Error()}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRemoteBody+1))
	if err != nil {
		return Result{}, &Error{Type: TypeService, Status: 502, Function: r.name,
			Message: "reading the answer of " + r.url + ": " + err.Error()}
	}
	if len(body) > maxRemoteBody {
		return Result{}, &Error{Type: TypeService, Status: 502, Function: r.name,
			Message: "the answer of " + r.url + " is larger than Lambda's " + strconv.Itoa(MaxPayloadBytes) + " bytes"}
	}
	res := Result{Status: resp.StatusCode, Payload: body, Duration: time.Since(start),
		RequestID: resp.Header.Get("X-Amzn-Requestid")}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusAccepted, http.StatusNoContent:
	default:
		return Result{}, remoteError(r, resp, body)
	}
	if fe := resp.Header.Get("X-Amz-Function-Error"); fe != "" {
		res.FunctionError = fe
		var doc struct {
			ErrorType string `json:"errorType"`
		}
		json.Unmarshal(body, &doc)
		res.ErrorType = doc.ErrorType
		if res.ErrorType == "" {
			res.ErrorType = fe
		}
		res.TimedOut = res.ErrorType == "Sandbox.Timedout"
	}
	if lr := resp.Header.Get("X-Amz-Log-Result"); lr != "" && opts.LogTail {
		res.LogTail, _ = base64.StdEncoding.DecodeString(lr)
	}
	return res, nil
}

// remoteError turns an Invoke API error answer (JSON with "Type"/"__type"
// and "message"/"Message", or x-amzn-ErrorType) into an *Error.
func remoteError(r *remote, resp *http.Response, body []byte) error {
	var doc struct {
		Type     string `json:"__type"`
		Type2    string `json:"Type"`
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	json.Unmarshal(body, &doc)
	typ := resp.Header.Get("X-Amzn-Errortype")
	if typ == "" {
		typ = doc.Type
	}
	if typ == "" && doc.Type2 != "" && doc.Type2 != "User" && doc.Type2 != "Service" {
		typ = doc.Type2
	}
	if i := strings.IndexAny(typ, ":#"); i >= 0 {
		if typ[i] == '#' {
			typ = typ[i+1:]
		} else {
			typ = typ[:i]
		}
	}
	if typ == "" {
		typ = TypeService
	}
	msg := doc.Message
	if msg == "" {
		msg = doc.Message2
	}
	if msg == "" {
		msg = strings.TrimSpace(string(body))
		if len(msg) > 512 {
			msg = msg[:512] + "…"
		}
	}
	return &Error{Type: typ, Status: resp.StatusCode, Function: r.name,
		Message: "the Lambda Invoke API at " + r.url + " answered " + strconv.Itoa(resp.StatusCode) + " " + typ + ": " + msg}
}
