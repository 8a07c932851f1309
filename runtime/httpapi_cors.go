package runtime

// CORS for HTTP APIs ("Configure CORS for HTTP APIs"): with a
// CorsConfiguration, API Gateway answers preflight requests itself (an
// OPTIONS request with Origin and Access-Control-Request-Method, whether or
// not an OPTIONS route exists), and adds the configured headers to every
// answer to a request with an allowed Origin, ignoring the CORS headers the
// integration returned.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// ccors is a compiled CorsConfiguration.
type ccors struct {
	anyOrigin bool
	origins   []string // lower case; "https://*.example.com" matches subdomains
	// methods, headers, expose and maxAge are the header values, "" when
	// not configured.
	methods, headers, expose, maxAge string
	credentials                      bool
}

func compileCORS(c *model.CORSConfig) *ccors {
	if c == nil {
		return nil
	}
	cc := &ccors{credentials: c.AllowCredentials,
		methods: strings.Join(c.AllowMethods, ","), headers: strings.Join(c.AllowHeaders, ","),
		expose: strings.Join(c.ExposeHeaders, ",")}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			cc.anyOrigin = true
		}
		cc.origins = append(cc.origins, strings.ToLower(strings.TrimSuffix(o, "/")))
	}
	if c.MaxAge >= 0 {
		cc.maxAge = strconv.Itoa(c.MaxAge)
	}
	return cc
}

// allowOrigin is the Access-Control-Allow-Origin value for origin, "" when
// the origin is not allowed.
func (c *ccors) allowOrigin(origin string) string {
	if c.anyOrigin && !c.credentials {
		return "*"
	}
	o := strings.ToLower(origin)
	for _, a := range c.origins {
		if a == "*" || a == o {
			return origin
		}
		if pre, suf, ok := strings.Cut(a, "*"); ok && len(o) > len(pre)+len(suf) && strings.HasPrefix(o, pre) && strings.HasSuffix(o, suf) {
			return origin
		}
	}
	return ""
}

// preflight answers a CORS preflight request: 204 with the configured
// headers when the origin is allowed, without them otherwise.
func (c *ccors) preflight(w http.ResponseWriter, r *http.Request, rs *reqState) error {
	h := w.Header()
	if ao := c.allowOrigin(r.Header.Get("Origin")); ao != "" {
		h["Access-Control-Allow-Origin"] = []string{ao}
		if c.methods != "" {
			h["Access-Control-Allow-Methods"] = []string{c.methods}
		}
		if c.headers != "" {
			h["Access-Control-Allow-Headers"] = []string{c.headers}
		}
		if c.maxAge != "" {
			h["Access-Control-Max-Age"] = []string{c.maxAge}
		}
		if c.credentials {
			h["Access-Control-Allow-Credentials"] = []string{"true"}
		}
		if ao != "*" {
			h["Vary"] = []string{"Origin"}
		}
	}
	w.WriteHeader(http.StatusNoContent)
	rs.status, rs.backendProto = http.StatusNoContent, "cors"
	return nil
}

// addHeaders sets the CORS headers of an actual (not preflight) request's
// answer.
func (c *ccors) addHeaders(h http.Header, r *http.Request) {
	ao := c.allowOrigin(r.Header.Get("Origin"))
	if ao == "" {
		return
	}
	h["Access-Control-Allow-Origin"] = []string{ao}
	if c.expose != "" {
		h["Access-Control-Expose-Headers"] = []string{c.expose}
	}
	if c.credentials {
		h["Access-Control-Allow-Credentials"] = []string{"true"}
	}
	if ao != "*" {
		h["Vary"] = []string{"Origin"}
	}
}
