package tf

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseGoBuilds(t *testing.T) {
	tests := []struct {
		name, cmd string
		want      []goBuild
	}{
		{"plain", "go build -o bootstrap", []goBuild{{".", "bootstrap", "."}}},
		{"env and package", "GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o build/bootstrap ./src", []goBuild{{".", "build/bootstrap", "./src"}}},
		{"quoted ldflags, -o=", `go build -ldflags="-s -w" -o=bin/bootstrap ./cmd/fn`, []goBuild{{".", "bin/bootstrap", "./cmd/fn"}}},
		{"-C directory", "go build -C fn -o ../out/bootstrap .", []goBuild{{"fn", "../out/bootstrap", "."}}},
		{"several statements", "mkdir -p out && env GOOS=linux go build -o out/a ./a; go build -o out/b ./b", []goBuild{{".", "out/a", "./a"}, {".", "out/b", "./b"}}},
		{"import path is skipped", "go build -o bootstrap github.com/x/y/cmd", nil},
		{"no -o is skipped", "go build ./src", nil},
		{"not go build", "go test ./... && zip -r f.zip .", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, parseGoBuilds(tt.cmd), cmp.AllowUnexported(goBuild{})); d != "" {
				t.Errorf("parseGoBuilds(%q) (-want +got):\n%s", tt.cmd, d)
			}
		})
	}
}
