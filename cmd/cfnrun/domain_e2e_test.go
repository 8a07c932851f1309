package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// domainTemplate maps a REST API (SAM Api, stage prod) to base path v1 of
// a REGIONAL custom domain, and an HTTP API's $default stage to the
// two-level key shop/v2 of a v2 domain; one Node function tells what its
// events carry.
const domainTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
  Http:
    Type: AWS::Serverless::HttpApi
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async (e) => ({ statusCode: 200, body: JSON.stringify({
          path: e.path || null, rawPath: e.rawPath || null, resource: e.resource || e.routeKey,
          ctxPath: e.requestContext.path || e.requestContext.http.path, stage: e.requestContext.stage }) });
      Events:
        Pets:
          Type: Api
          Properties: {RestApiId: !Ref Rest, Path: '/pets/{id}', Method: GET}
        Orders:
          Type: HttpApi
          Properties: {ApiId: !Ref Http, Path: '/orders/{id}', Method: GET}
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      RegionalCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/0d1e2f
      EndpointConfiguration: {Types: [REGIONAL]}
  V1:
    Type: AWS::ApiGateway::BasePathMapping
    DependsOn: RestprodStage
    Properties:
      DomainName: !Ref Domain
      RestApiId: !Ref Rest
      Stage: prod
      BasePath: v1
  Shop:
    Type: AWS::ApiGatewayV2::DomainName
    Properties:
      DomainName: shop.example.com
      DomainNameConfigurations:
        - CertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/3a4b5c
          EndpointType: REGIONAL
  ShopMapping:
    Type: AWS::ApiGatewayV2::ApiMapping
    DependsOn: HttpApiGatewayDefaultStage
    Properties:
      DomainName: !Ref Shop
      ApiId: !Ref Http
      Stage: $default
      ApiMappingKey: shop/v2
`

// TestUpCustomDomain serves the template's custom domain names over
// HTTP/2: a request whose Host is a domain reaches the stage its base path
// maps, and the function sees the whole path (base path included) in
// path, rawPath and requestContext, as behind API Gateway; a path no
// mapping has is 403 Forbidden; the stage URLs still work.
func TestUpCustomDomain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts functions")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	dir := t.TempDir()
	tpl := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(tpl, []byte(domainTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := cfnrun(t, "validate", tpl); v.code != 0 || !strings.Contains(v.stdout+v.stderr, "no findings") {
		t.Fatalf("validate: %d\n%s%s", v.code, v.stdout, v.stderr)
	}
	var listed struct {
		Domains []struct {
			URL, API, Stage string
			Served          bool
		}
	}
	if v := cfnrun(t, "routes", "--format", "json", tpl); v.code != 0 || json.Unmarshal([]byte(v.stdout), &listed) != nil || len(listed.Domains) != 2 ||
		listed.Domains[0].URL != "https://api.example.com/v1" || listed.Domains[1].URL != "https://shop.example.com/shop/v2" || !listed.Domains[1].Served {
		t.Errorf("routes --format json: %+v\n%s", listed, v.stdout)
	}
	p := startUp(t, "--no-watch", tpl)
	out := p.output()
	if !strings.Contains(out, "https://api.example.com/v1") || !strings.Contains(out, "https://shop.example.com/shop/v2") {
		t.Fatalf("up does not list the domains:\n%s", out)
	}
	c := lambdaClient()
	base := "http://" + p.http
	for _, tc := range []struct {
		host, path string
		want       map[string]any
	}{
		{"api.example.com", "/v1/pets/7", map[string]any{"path": "/v1/pets/7", "resource": "/pets/{id}", "ctxPath": "/v1/pets/7", "stage": "prod"}},
		{"API.Example.com:443", "/v1/pets/8", map[string]any{"path": "/v1/pets/8", "resource": "/pets/{id}", "ctxPath": "/v1/pets/8", "stage": "prod"}},
		{"shop.example.com", "/shop/v2/orders/9", map[string]any{"rawPath": "/shop/v2/orders/9", "resource": "GET /orders/{id}", "ctxPath": "/shop/v2/orders/9", "stage": "$default"}},
	} {
		r := lambdaDo(t, c, "GET", base+tc.path, "", "Host", tc.host)
		if r.status != 200 || r.proto != "HTTP/2.0" {
			t.Fatalf("GET %s%s: %d %s %s\n%s", tc.host, tc.path, r.status, r.proto, r.raw, p.output())
		}
		for k, v := range tc.want {
			if r.body[k] != v {
				t.Errorf("GET %s%s: %s = %v, want %v (%s)", tc.host, tc.path, k, r.body[k], v, r.raw)
			}
		}
	}
	for _, tc := range []struct{ host, path string }{
		{"api.example.com", "/v2/pets/7"},      // no mapping has base path v2
		{"api.example.com", "/v1pets/7"},       // a base path is a whole segment
		{"shop.example.com", "/shop/orders/9"}, // shop alone is not shop/v2
		{"shop.example.com", "/orders/9"},      // no mapping at the root
	} {
		r := lambdaDo(t, c, "GET", base+tc.path, "", "Host", tc.host)
		if r.status != 403 || r.raw != `{"message":"Forbidden"}` {
			t.Errorf("GET %s%s: %d %s, want 403 Forbidden", tc.host, tc.path, r.status, r.raw)
		}
	}
	if r := lambdaDo(t, c, "GET", base+"/prod/pets/7", ""); r.status != 200 || r.body["path"] != "/pets/7" || r.body["ctxPath"] != "/prod/pets/7" {
		t.Errorf("the stage URL: %d %s", r.status, r.raw)
	}
}

// TestUpCustomDomainExample serves examples/custom-domain (the template
// and its Terraform twin) and checks the table in its README over
// HTTP/2: each domain's base paths reach their stage, with the whole path
// in $context.path.
func TestUpCustomDomainExample(t *testing.T) {
	for _, file := range []string{"template.yaml", "main.tf"} {
		t.Run(file, func(t *testing.T) {
			p := startUp(t, "--no-watch", filepath.Join(repoRoot, "examples", "custom-domain", file))
			c := lambdaClient()
			for _, tc := range []struct {
				host, path string
				status     int
				want       string
			}{
				{"api.example.com", "/items", 200, `{"stage": "prod", "path": "/items", "resource": "/items", "domain": "api.example.com"}`},
				{"api.example.com", "/beta/items", 200, `{"stage": "beta", "path": "/beta/items", "resource": "/items", "domain": "api.example.com"}`},
				{"shop.example.com", "/shop/v1/items", 200, `{"stage": "prod", "path": "/shop/v1/items", "resource": "/items", "domain": "shop.example.com"}`},
				{"shop.example.com", "/items", 403, `{"message":"Forbidden"}`},
			} {
				r := lambdaDo(t, c, "GET", "http://"+p.http+tc.path, "", "Host", tc.host)
				if r.status != tc.status || r.raw != tc.want || r.proto != "HTTP/2.0" {
					t.Errorf("%s%s: %d %s %s, want %d %s", tc.host, tc.path, r.status, r.proto, r.raw, tc.status, tc.want)
				}
			}
			upDomainTLS(t, p)
		})
	}
}

// TestUpCustomDomainCertFiles: with --cert and --key the gateway serves
// that certificate for every name, custom domains too, so up prints no
// "over TLS" line promising each domain a certificate of its own (its
// --cacert file would be the user's certificate, which need not name the
// domain: curl's verification would fail).
func TestUpCustomDomainCertFiles(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startUp(t, "--no-watch", "--cert", certFile, "--key", keyFile, filepath.Join(repoRoot, "examples", "custom-domain", "template.yaml"))
	out := p.output()
	if !strings.Contains(out, "api.example.com") || !strings.Contains(out, certFile) {
		t.Fatalf("up lists no domains or not the --cert file:\n%s", out)
	}
	if strings.Contains(out, "  over TLS, ") {
		t.Errorf("with --cert, up promises each domain a certificate of its own:\n%s", out)
	}
}

// upDomainTLS follows up's "over TLS" line for its custom domains: the
// CA file it names verifies each domain's own certificate, the client
// naming the domain and dialling the gateway (as curl --resolve does).
// The printed curl command itself runs where curl is installed.
func upDomainTLS(t *testing.T, p *upProc) {
	t.Helper()
	var line string
	for _, l := range strings.Split(p.output(), "\n") {
		if strings.HasPrefix(l, "  over TLS, ") {
			line = l
		}
	}
	f := strings.Fields(line)
	i := slices.Index(f, "--cacert")
	if i < 0 || i+1 >= len(f) || !strings.HasSuffix(f[len(f)-1], "/...") {
		t.Fatalf("no over-TLS line with --cacert in:\n%s", p.output())
	}
	pemBytes, err := os.ReadFile(f[i+1])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("%s holds no certificate", f[i+1])
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, p.https)
		}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: time.Minute}
	_, port, _ := net.SplitHostPort(p.https)
	for _, u := range []string{"https://api.example.com:" + port + "/items", "https://shop.example.com:" + port + "/shop/v1/items"} {
		resp, err := c.Get(u)
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		host := strings.Split(strings.TrimPrefix(u, "https://"), ":")[0]
		if resp.StatusCode != 200 || resp.ProtoMajor != 2 || resp.TLS.PeerCertificates[0].DNSNames[0] != host {
			t.Errorf("%s: %s %d %s, certificate for %v", u, resp.Proto, resp.StatusCode, b, resp.TLS.PeerCertificates[0].DNSNames)
		}
	}
	if _, err := exec.LookPath("curl"); err != nil {
		return
	}
	args := append([]string{"-sS", "--http2", "-o", "/dev/null", "-w", "%{http_code} %{http_version}"}, f[slices.Index(f, "curl")+1:]...)
	args[len(args)-1] = strings.TrimSuffix(args[len(args)-1], "...") + "items"
	out, err := exec.Command("curl", args...).CombinedOutput()
	if err != nil || string(out) != "200 2" {
		t.Errorf("curl %s: %v %s", strings.Join(args, " "), err, out)
	}
}
