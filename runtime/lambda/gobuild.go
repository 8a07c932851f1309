package lambda

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// goBuildTimeout bounds one `go build` (a cold module cache downloads).
const goBuildTimeout = 5 * time.Minute

// goBuild builds the Go package in dir into a directory of the cache
// holding `bootstrap` (and a copy named handler, for go1.x functions whose
// Handler names the executable), as `sam build` does for BuildMethod
// go1.x. The directory is named by the hash of the package's Go files and
// of the enclosing module's go.mod and go.sum, so an unchanged package is
// built once. When the code does not compile, out holds the compiler's
// output and err is not nil; other failures (no go on PATH) have out "".
func (c *codeCache) goBuild(ctx context.Context, dir, handler string) (root, out string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", "", errors.New("the function is Go source to build (Metadata BuildMethod go1.x) and `go` is not on PATH: install Go, or build it yourself and pass --code NAME=DIR_WITH_BOOTSTRAP")
	}
	h := sha256.New()
	h.Write([]byte("go-build-1\x00" + handler + "\x00"))
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != abs && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		n := d.Name()
		if !strings.HasSuffix(n, ".go") && n != "go.mod" && n != "go.sum" {
			return nil
		}
		return hashFile(h, p)
	})
	if err != nil {
		return "", "", err
	}
	for m := abs; ; {
		if _, err := os.Stat(filepath.Join(m, "go.mod")); err == nil {
			hashFile(h, filepath.Join(m, "go.mod"))
			hashFile(h, filepath.Join(m, "go.sum"))
			break
		}
		up := filepath.Dir(m)
		if up == m {
			break
		}
		m = up
	}
	dst := filepath.Join(c.dir, "gobuild", hex.EncodeToString(h.Sum(nil))[:32])
	var output []byte
	err = c.build(dst, func(tmp string) error {
		ctx, cancel := context.WithTimeout(ctx, goBuildTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, gobin, "build", "-tags", "lambda.norpc", "-trimpath",
			"-o", filepath.Join(tmp, "bootstrap"), ".")
		cmd.Dir = abs
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Run(); err != nil {
			output = buf.Bytes()
			if len(output) == 0 {
				output = []byte(err.Error())
			}
			return err
		}
		if handler != "" && handler != "bootstrap" && !strings.ContainsAny(handler, `/\`) {
			b, err := os.ReadFile(filepath.Join(tmp, "bootstrap"))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(tmp, handler), b, 0o755)
		}
		return nil
	})
	if err != nil {
		return "", strings.TrimSpace(string(output)), err
	}
	return dst, "", nil
}

func hashFile(h io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	defer f.Close()
	io.WriteString(h, p+"\x00")
	_, err = io.Copy(h, f)
	return err
}
