package runtime

import (
	"net/http"
	"strings"
)

// How header names are spelled where they reach a function or a template.
//
// API Gateway (REST APIs) keeps the names of a request's headers as the
// client wrote them: a handler reading event.headers['x-api-key'] finds the
// header a client sent as "x-api-key", and every HTTP/2 client sends names
// in lower case (RFC 9113 §8.2.1), so over HTTP/2 the event's names are
// lower case. A few names are API Gateway's own and always read as it
// writes them, whatever the client sent: Host, User-Agent and Authorization
// (which it reads itself; in the integration's event, not in a REQUEST
// authorizer's), and the X-Amzn-Trace-Id and X-Forwarded-* headers it adds. Events recorded on AWS show both: LocalStack's
// AWS-validated snapshot of test_lambda_aws_proxy_integration (a client's
// "tEsT-HEADeR" arrives as "tEsT-HEADeR", its "aUThorization" as
// "Authorization"), and events logged from browsers over HTTP/2 ("accept",
// "referer", "User-Agent", "Host", "Authorization").
//
// net/http and the HTTP/2 server give handlers r.Header with canonical
// keys ("X-Api-Key"). The spelling is recovered per request: over HTTP/2
// it is the lower-case key (the names as they were on the wire); over
// HTTP/1.1 the connection keeps each request's header section as received
// (h1names.go) and the names are read from it.

// headerSpelling spells one request's header names.
type headerSpelling struct {
	// lower: the names were lower case on the wire (HTTP/2).
	lower bool
	// authorizer: for a REQUEST authorizer's event, where API Gateway
	// leaves Authorization and User-Agent as the client wrote them (an
	// execution log of an HTTP/2 request shows "authorization" there and
	// "Authorization" in the integration's event); only the headers it
	// adds are spelled its way.
	authorizer bool
	// names are the header names as an HTTP/1.1 client wrote them, in
	// order (several may differ only in case); nil when not known (the
	// canonical key is used then).
	names []string
}

// requestSpelling finds how r's header names were written.
func requestSpelling(r *http.Request) headerSpelling {
	if r.ProtoMajor == 2 {
		return headerSpelling{lower: true}
	}
	if nc, ok := r.Context().Value(nameConnKey{}).(*nameConn); ok {
		if head, ok := nc.head(r); ok {
			return headerSpelling{names: headNames(head)}
		}
	}
	return headerSpelling{}
}

// gatewayName reports whether API Gateway writes the header named by the
// canonical key k itself, whatever the client's spelling.
func (hs *headerSpelling) gatewayName(k string) bool {
	switch k {
	case "Host", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto":
		return true
	case "User-Agent", "Authorization":
		return !hs.authorizer
	}
	return false
}

// name is how the header with canonical key k reaches the function: the
// client's spelling (the first, when the request has the name in more than
// one spelling: r.Header merged them, and so does the event).
func (hs *headerSpelling) name(k string) string {
	if hs.gatewayName(k) {
		return k
	}
	if hs.lower {
		return strings.ToLower(k)
	}
	for _, n := range hs.names {
		if len(n) == len(k) && strings.EqualFold(n, k) {
			return n
		}
	}
	return k
}

// appendName appends name(k) as a JSON string, without allocating.
func (hs *headerSpelling) appendName(b []byte, k string) []byte {
	if hs.lower && !hs.gatewayName(k) {
		start := len(b)
		b = appendJSONString(b, k)
		for i := start + 1; i < len(b)-1; i++ {
			if c := b[i]; 'A' <= c && c <= 'Z' {
				b[i] = c + ('a' - 'A')
			}
		}
		return b
	}
	return appendJSONString(b, hs.name(k))
}

// headNames lists the field names of an HTTP/1.1 header section (the lines
// after the request line; obsolete line folding skipped).
func headNames(head string) []string {
	names := make([]string, 0, strings.Count(head, "\n")+1)
	for line := range strings.SplitSeq(head, "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if name, _, ok := strings.Cut(line, ":"); ok && name != "" {
			names = append(names, name)
		}
	}
	return names
}
