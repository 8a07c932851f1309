package runtime

import (
	"strings"
	"testing"
)

// TestMinimumCompressionSizeNotApplied: a REST API with
// MinimumCompressionSize (aws/aws-cdk integ.restapi snapshot: 1024, with
// a Lambda answer of ~1.5 KB) is served uncompressed, and up says so
// instead of answering without Content-Encoding in silence.
func TestMinimumCompressionSizeNotApplied(t *testing.T) {
	b := newTB("compress01", stage("beta", nil))
	b.api.MinimumCompressionSize = 1024
	b.method("/v1/books", "GET", mock200())
	r := start(t, nil, nil)
	ds, err := r.g.Load(b.build())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		found = found || d.Rule == ruleIgnored && strings.Contains(d.Summary, "has MinimumCompressionSize 1024, which cfnrun up does not apply")
	}
	if !found {
		t.Errorf("no finding about MinimumCompressionSize in %v", ds)
	}
	res := do(t, h2cClient(t), "GET", "http://"+r.http+"/beta/v1/books", nil, "Accept-Encoding", "gzip")
	if res.status != 200 || res.header.Get("Content-Encoding") != "" {
		t.Errorf("GET /beta/v1/books: %d %v", res.status, res.header)
	}
}
