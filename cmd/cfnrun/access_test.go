package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cfnrunOut runs cfnrun in-process and returns its stdout.
func cfnrunOut(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, nil, &out, &errb); code != 0 {
		t.Fatalf("cfnrun %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return strings.TrimSpace(out.String())
}

type accessAnswer struct {
	status int
	body   string
	header http.Header
}

func call(t *testing.T, method, url, body string, hdr ...string) accessAnswer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := h2c().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 {
		t.Errorf("%s %s: %s, want HTTP/2", method, url, resp.Proto)
	}
	return accessAnswer{resp.StatusCode, string(b), resp.Header}
}

// TestUpAccessExample serves examples/access (CloudFormation and its
// Terraform twin) and calls it as a client would: API keys, the request
// validator, the Cognito authorizer with a token from `cfnrun token`.
func TestUpAccessExample(t *testing.T) {
	for _, file := range []string{"template.yaml", "main.tf"} {
		t.Run(file, func(t *testing.T) {
			key := filepath.Join(t.TempDir(), "token-key.pem")
			path := filepath.Join(repoRoot, "examples", "access", file)
			up := startUp(t, "--no-watch", "--token-key", key, path)
			out := up.output()
			for _, want := range []string{
				"API keys (send as x-api-key):",
				"  partner          partner-key-0123456789abcdef  for ",
				"Authorizers (401 without a valid token; mint one with cfnrun token):",
				"usage plan basic: per key rate=10 burst=20; quota 1000 per day; prod /pets/GET per key rate=2 burst=4",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("start-up output lacks %q:\n%s", want, out)
				}
			}
			gen := regexp.MustCompile(`(?m)^  generated +([A-Za-z0-9]{40})  \(generated`).FindStringSubmatch(out)
			if gen == nil {
				t.Fatalf("no generated key in:\n%s", out)
			}
			base := "http://" + up.http + "/prod"
			if a := call(t, "GET", base+"/pets", "", "x-api-key", gen[1]); a.status != 200 {
				t.Errorf("generated key: %d %s", a.status, a.body)
			}
			if a := call(t, "GET", base+"/pets", "", "x-api-key", "wrong"); a.status != 403 || a.body != `{"message":"Forbidden"}` ||
				a.header.Get("x-amzn-ErrorType") != "ForbiddenException" || a.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("wrong key: %d %s %v", a.status, a.body, a.header)
			}
			// POST /pets: the stage lets 2 through at once (MethodSettings
			// burst 2), then 5 per second; these two pass the throttle
			// whatever the machine's speed (throttling itself is tested
			// with an injected clock in runtime/access_test.go).
			src := []string{"x-api-key", "partner-key-0123456789abcdef", "Content-Type", "application/json", "X-Request-Source", "test"}
			if a := call(t, "POST", base+"/pets", `{"name":"Rex","type":"cow"}`, src...); a.status != 422 || !strings.Contains(a.body, `not found in enum`) {
				t.Errorf("invalid body: %d %s", a.status, a.body)
			}
			if a := call(t, "POST", base+"/pets", `{"name":"Rex","type":"dog","tags":["good"]}`, src...); a.status != 201 || a.body != `{"created": true}` {
				t.Errorf("valid body: %d %s", a.status, a.body)
			}
			tok := cfnrunOut(t, "token", "--token-key", key, "--scope", "access-demo/profile", "--sub", "u-42", path)
			if a := call(t, "GET", base+"/me", "", "Authorization", tok); a.status != 200 || !strings.Contains(a.body, `"sub": "u-42"`) {
				t.Errorf("token: %d %s", a.status, a.body)
			}
			if a := call(t, "GET", base+"/me", ""); a.status != 401 || a.body != `{"message":"Unauthorized"}` {
				t.Errorf("no token: %d %s", a.status, a.body)
			}
			// The template's app client is what the token carries; another
			// client id is refused.
			other := cfnrunOut(t, "token", "--token-key", key, "--scope", "access-demo/profile", "--client", "someotherclient", path)
			if a := call(t, "GET", base+"/me", "", "Authorization", other); a.status != 401 {
				t.Errorf("token of a client the template does not define: %d %s", a.status, a.body)
			}
			if !strings.Contains(out, "aud / client_id must be one of its app clients: ") {
				t.Errorf("start-up output does not say aud / client_id are checked:\n%s", out)
			}
			idTok := cfnrunOut(t, "token", "--token-key", key, path)
			if a := call(t, "GET", base+"/me", "", "Authorization", idTok); a.status != 401 {
				t.Errorf("ID token on a scoped method: %d %s", a.status, a.body)
			}
		})
	}
}

// TestUpJWKS: with --jwks, a pool accepts only tokens its keys (or the
// cfnrun token key) signed.
func TestUpJWKS(t *testing.T) {
	dir := t.TempDir()
	poolKey, otherKey, localKey := filepath.Join(dir, "pool.pem"), filepath.Join(dir, "other.pem"), filepath.Join(dir, "local.pem")
	jwks := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwks, []byte(cfnrunOut(t, "token", "--token-key", poolKey, "--jwks")), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(repoRoot, "examples", "access", "template.yaml")
	pool := regexp.MustCompile(`us-east-1_[A-Za-z0-9]{9}`).FindString(cfnrunOut(t, "routes", "--format", "model", path))
	up := startUp(t, "--no-watch", "--token-key", localKey, "--jwks", pool+"="+jwks, path)
	if !strings.Contains(up.output(), "tokens are verified against the pool's JWKS (--jwks) or the `cfnrun token` key") {
		t.Errorf("start-up output:\n%s", up.output())
	}
	me := "http://" + up.http + "/prod/me"
	for _, tc := range []struct {
		key  string
		want int
	}{{poolKey, 200}, {localKey, 200}, {otherKey, 401}} {
		tok := cfnrunOut(t, "token", "--token-key", tc.key, "--scope", "access-demo/profile", path)
		if a := call(t, "GET", me, "", "Authorization", tok); a.status != tc.want {
			t.Errorf("token signed with %s: %d %s, want %d", filepath.Base(tc.key), a.status, a.body, tc.want)
		}
	}
}
