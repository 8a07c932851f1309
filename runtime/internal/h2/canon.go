package h2

import (
	"net/http"

	"golang.org/x/net/http2/hpack"
)

// commonCanonical returns http.CanonicalHeaderKey(name) for the lower-case
// field names most requests and responses carry, "" for any other. A
// string switch compares lengths first and hashes nothing: a connection's
// cache map cost a hash per field (with the duplicate check, two of the
// three map operations per header of a request; maps were 11-13% of a
// proxied or MOCK request's CPU under h2load).
func commonCanonical(name string) string {
	switch name {
	case "accept":
		return "Accept"
	case "accept-encoding":
		return "Accept-Encoding"
	case "accept-language":
		return "Accept-Language"
	case "authorization":
		return "Authorization"
	case "cache-control":
		return "Cache-Control"
	case "content-encoding":
		return "Content-Encoding"
	case "content-length":
		return "Content-Length"
	case "content-type":
		return "Content-Type"
	case "date":
		return "Date"
	case "etag":
		return "Etag"
	case "host":
		return "Host"
	case "if-none-match":
		return "If-None-Match"
	case "last-modified":
		return "Last-Modified"
	case "location":
		return "Location"
	case "origin":
		return "Origin"
	case "referer":
		return "Referer"
	case "server":
		return "Server"
	case "set-cookie":
		return "Set-Cookie"
	case "user-agent":
		return "User-Agent"
	case "vary":
		return "Vary"
	case "x-amzn-trace-id":
		return "X-Amzn-Trace-Id"
	case "x-api-key":
		return "X-Api-Key"
	case "x-forwarded-for":
		return "X-Forwarded-For"
	case "x-forwarded-port":
		return "X-Forwarded-Port"
	case "x-forwarded-proto":
		return "X-Forwarded-Proto"
	}
	return ""
}

// dupScanMax is the longest field list whose duplicate names are found by
// comparing names with the fields before (seenBefore); longer lists ask
// the header map, so that a request with thousands of fields costs no
// quadratic work.
const dupScanMax = 16

// seenBefore reports whether a field before fields[i] has its name, for
// lists of at most dupScanMax fields; for longer ones, whether h has k.
// Both mean the same when every field before i went into h under its
// canonical name (one lower-case name, one canonical key).
func seenBefore(fields []hpack.HeaderField, i int, h http.Header, k string) bool {
	if len(fields) > dupScanMax {
		_, ok := h[k]
		return ok
	}
	name := fields[i].Name
	for _, pf := range fields[:i] {
		if pf.Name == name {
			return true
		}
	}
	return false
}

// seenBeforeReq is seenBefore for the server's decoded request fields.
func seenBeforeReq(fields []reqField, i int, h http.Header, k string) bool {
	if len(fields) > dupScanMax {
		_, ok := h[k]
		return ok
	}
	name := fields[i].name
	for _, pf := range fields[:i] {
		if pf.name == name {
			return true
		}
	}
	return false
}
