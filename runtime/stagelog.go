package runtime

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A stage's access log (AccessLogSetting of a REST API stage,
// AccessLogSettings of an HTTP API's): one line per request in the
// stage's Format, its $context variables filled in as API Gateway fills
// them for CloudWatch Logs, written to Config.StageLog. A variable with no
// value here is "-", as AWS writes one.

// logFormat is a compiled Format: literal text and $context variables.
type logFormat struct {
	parts []logPart
}

type logPart struct {
	lit  string
	name string // the variable after "$context.", "" for literal text
}

// compileLogFormat splits f at its $context.NAME variables (NAME runs on
// letters, digits, '_' and '.', a trailing '.' left to the text).
func compileLogFormat(f string) *logFormat {
	lf := &logFormat{}
	for f != "" {
		i := strings.Index(f, "$context.")
		if i < 0 {
			lf.parts = append(lf.parts, logPart{lit: f})
			break
		}
		if i > 0 {
			lf.parts = append(lf.parts, logPart{lit: f[:i]})
		}
		f = f[i+len("$context."):]
		j := 0
		for j < len(f) && (f[j] == '_' || f[j] == '.' || f[j] >= 'a' && f[j] <= 'z' || f[j] >= 'A' && f[j] <= 'Z' || f[j] >= '0' && f[j] <= '9') {
			j++
		}
		name := strings.TrimRight(f[:j], ".")
		if name == "" {
			lf.parts = append(lf.parts, logPart{lit: "$context."})
			continue
		}
		lf.parts = append(lf.parts, logPart{name: name})
		f = f[len(name):]
	}
	return lf
}

// reads reports whether the Format uses $context.name.
func (lf *logFormat) reads(name string) bool {
	for _, p := range lf.parts {
		if p.name == name {
			return true
		}
	}
	return false
}

// countingWriter counts the body written through it.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) WriteString(s string) (int, error) {
	n, err := io.WriteString(c.ResponseWriter, s)
	c.n += int64(n)
	return n, err
}

// Flush passes a flush on (event streams).
func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// render writes rs's line (with a newline) to b.
func (lf *logFormat) render(b []byte, rs *reqState, w http.ResponseWriter, now time.Time) []byte {
	for _, p := range lf.parts {
		if p.name == "" {
			b = append(b, p.lit...)
			continue
		}
		v := rs.logValue(p.name, w, now)
		if v == "" {
			v = "-"
		}
		b = append(b, v...)
	}
	return append(b, '\n')
}

// errorLogValue is $context.error.message, .messageString or
// .responseType of an answer that ended in error kind (errNone: none, "");
// msg overrides the kind's message when set.
func errorLogValue(name string, kind errKind, msg string) string {
	if kind == errNone {
		return ""
	}
	if msg == "" {
		msg = awsErrors[kind].message
	}
	switch name {
	case "error.message":
		return msg
	case "error.messageString":
		return strconv.Quote(msg)
	}
	return awsErrors[kind].responseType
}

// logValue is $context.name for the access log: what the request's answer
// decided (status, length, latency, error), else what mappings read.
func (rs *reqState) logValue(name string, w http.ResponseWriter, now time.Time) string {
	switch name {
	case "status":
		if rs.status == 0 {
			return ""
		}
		return strconv.Itoa(rs.status)
	case "responseLength":
		if c, ok := w.(*countingWriter); ok {
			return strconv.FormatInt(c.n, 10)
		}
		if w != nil {
			return w.Header().Get("Content-Length")
		}
		return ""
	case "responseLatency":
		return strconv.FormatInt(now.Sub(rs.start).Milliseconds(), 10)
	case "error.message", "error.messageString", "error.responseType":
		return errorLogValue(name, rs.gerr.kind, rs.gerr.message)
	case "identity.caller", "identity.user", "identity.userArn", "identity.cognitoIdentityId", "identity.accountId":
		return "" // no IAM identity locally
	}
	if rs.api != nil && rs.api.http != nil {
		return rs.httpContextValue(name)
	}
	return rs.contextValue(name)
}
