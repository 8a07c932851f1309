package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cfnrun/cfnrun/parser/cfn"
	"golang.org/x/tools/txtar"
)

// FuzzCheck feeds arbitrary templates through the parser and the checker:
// whatever the tree, checking must not panic and every finding must have
// a position and a rule.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range txtar.Parse(raw).Files {
			if s.Name != "want" {
				f.Add(s.Data)
			}
		}
	}
	f.Add([]byte("Resources: {A: {Type: AWS::ApiGateway::Method, Properties: !If [c, {Integration: [1]}, !Ref AWS::NoValue]}}"))
	f.Add([]byte("Resources: {A: {Type: [x]}, B: {Type: Custom::X, Properties: [1]}, C: {Type: AWS::Serverless::Function, Properties: {CodeUri: [1], Policies: {a: b}}}}"))
	c := New()
	f.Fuzz(func(t *testing.T, src []byte) {
		root, _ := cfn.Parse("fuzz.yaml", src)
		res := root.Get("Resources")
		if res == nil {
			return
		}
		for _, fl := range res.Fields {
			for _, d := range c.CheckEntry(fl.Key, fl.KeyRange(), fl.Value) {
				if d.Rule == "" || d.Range.Start.Line == 0 {
					t.Fatalf("finding without rule or position: %+v", d)
				}
			}
			if typ := fl.Value.Get("Type"); typ != nil {
				c.CheckResource(fl.Key, typ, fl.Value.Get("Properties"))
			}
		}
	})
}
