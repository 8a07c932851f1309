package resolver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// OpenAPIImporter returns the control plane's import-rest-api and
// put-rest-api importer (runtime/control's Options.ImportOpenAPI): the
// OpenAPI (or Swagger) document becomes the Body of a REST API in a
// template of its own, resolved as `up` resolves a template, so the
// definition is read by the same importer a RestApi's Body is. It
// returns the API and the findings' summaries as warnings. opts gives the
// Region and AccountID; the template's parameters do not apply.
func OpenAPIImporter(opts Options) func(ctx context.Context, body []byte) (*model.RestAPI, []string, error) {
	opts.AllowExtensions = true
	opts.StackName = "cfnrun-import"
	return func(ctx context.Context, body []byte) (*model.RestAPI, []string, error) {
		text := strings.TrimPrefix(strings.ReplaceAll(string(body), "\r\n", "\n"), "\ufeff")
		if strings.TrimSpace(text) == "" {
			return nil, nil, errors.New("the request body holds no API definition")
		}
		// The document, indented under Body: (JSON is YAML too).
		var tpl strings.Builder
		tpl.WriteString("Resources:\n  ImportedApi:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Body:\n")
		for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			if strings.TrimSpace(line) == "---" {
				continue
			}
			tpl.WriteString("        " + line + "\n")
		}
		dir, err := os.MkdirTemp("", "cfnrun-import-")
		if err != nil {
			return nil, nil, err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "import.yaml")
		if err := os.WriteFile(path, []byte(tpl.String()), 0o600); err != nil {
			return nil, nil, err
		}
		r := Resolve(ctx, []string{path}, opts)
		var warnings []string
		for _, d := range r.Diags {
			// An imported API has no stage until create-deployment
			// (W3220 says so of every import).
			if (d.Severity == diag.Error || d.Severity == diag.Warning) && d.Rule != "W3220" {
				warnings = append(warnings, d.Rule+": "+d.Summary)
			}
		}
		if r.Template == nil || len(r.Template.APIs) != 1 {
			msg := "the API definition cannot be read"
			if len(warnings) > 0 {
				msg += ": " + warnings[0]
			}
			return nil, warnings, errors.New(msg)
		}
		return r.Template.APIs[0], warnings, nil
	}
}
