package tf

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// File functions read regular files only, and only so much of them: a
// configuration must not make cfnrun read /dev/zero forever, block on a
// FIFO, or hold a huge file in memory.
const (
	// maxFileBytes bounds what file, filebase64 and templatefile read.
	maxFileBytes = 16 << 20
	// maxHashBytes bounds what the file hash functions (filesha256,
	// filebase64sha256, ...) stream through the hash: a Lambda package is
	// at most 250 MB unzipped.
	maxHashBytes = 512 << 20
)

// fileError is what a file function fails with; addEvalDiags reads it
// (a missing file is a warning: a build artifact not built yet).
type fileError struct {
	path    string
	missing bool
	msg     string
}

func (e *fileError) Error() string { return e.msg }

// fileReader reads the files file functions name, relative to base (the
// root module's directory, Terraform's working directory).
type fileReader struct {
	base string
	// charge is told the size of every file read into memory; it returns
	// an error when the load's evaluation budget is spent.
	charge func(bytes int64) error
	// cache holds the files read, by resolved path: a file read for every
	// instance is read (and charged) once.
	cache map[string][]byte
}

// resolve returns the path a file function argument names: ~ expanded,
// relative paths under the root module's directory.
func (fr fileReader) resolve(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(fr.base, p)
	}
	return p
}

// open opens p if it is a regular file no larger than limit.
func (fr fileReader) open(p string, limit int64) (*os.File, string, error) {
	full := fr.resolve(p)
	st, err := os.Stat(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, full, &fileError{path: p, missing: true, msg: fmt.Sprintf("no file exists at %s", p)}
		}
		return nil, full, &fileError{path: p, msg: fmt.Sprintf("cannot read %s: %s", p, errText(err))}
	}
	if !st.Mode().IsRegular() {
		return nil, full, &fileError{path: p, msg: fmt.Sprintf("%s is not a regular file (%s); file functions read regular files only", p, kindOf(st.Mode()))}
	}
	if st.Size() > limit {
		return nil, full, &fileError{path: p, msg: fmt.Sprintf("%s is %d bytes; cfnrun's file functions read at most %d", p, st.Size(), limit)}
	}
	f, err := openRegular(full)
	if err != nil {
		return nil, full, &fileError{path: p, msg: fmt.Sprintf("cannot read %s: %s", p, errText(err))}
	}
	return f, full, nil
}

// openRegular opens path for reading if it is a regular file. The open
// does not block (a FIFO put there between a Stat and the open would block
// a plain open until a writer comes), and the check is made on the opened
// file, so a file swapped after an earlier Stat is caught too.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: path, Err: fmt.Errorf("%s, not a regular file", kindOf(st.Mode()))}
	}
	return f, nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}

// read returns the contents of the regular file p, at most maxFileBytes.
func (fr fileReader) read(p string) ([]byte, error) {
	if b, ok := fr.cache[fr.resolve(p)]; ok {
		return b, nil
	}
	f, _, err := fr.open(p, maxFileBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, &fileError{path: p, msg: fmt.Sprintf("cannot read %s: %s", p, errText(err))}
	}
	if len(b) > maxFileBytes {
		return nil, &fileError{path: p, msg: fmt.Sprintf("%s is larger than %d bytes, the most cfnrun's file functions read", p, maxFileBytes)}
	}
	if fr.charge != nil {
		if err := fr.charge(int64(len(b))); err != nil {
			return nil, err
		}
	}
	if fr.cache != nil {
		fr.cache[fr.resolve(p)] = b
	}
	return b, nil
}

// hash streams the regular file p (at most maxHashBytes) through h.
func (fr fileReader) hash(p string, h hash.Hash) error {
	f, _, err := fr.open(p, maxHashBytes)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(h, io.LimitReader(f, maxHashBytes+1))
	if err != nil {
		return &fileError{path: p, msg: fmt.Sprintf("cannot read %s: %s", p, errText(err))}
	}
	if n > maxHashBytes {
		return &fileError{path: p, msg: fmt.Sprintf("%s is larger than %d bytes, the most cfnrun's file hash functions read", p, maxHashBytes)}
	}
	return nil
}

func pathParam() []function.Parameter {
	return []function.Parameter{{Name: "path", Type: cty.String}}
}

// fileFunc is Terraform's file (b64 false: the contents as UTF-8 text) or
// filebase64 (b64 true).
func (fr fileReader) fileFunc(b64 bool) function.Function {
	return function.New(&function.Spec{
		Params: pathParam(),
		Type:   function.StaticReturnType(cty.String),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder {
			return b.NotNull()
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			b, err := fr.read(p)
			if err != nil {
				return cty.NilVal, err
			}
			if b64 {
				return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
			}
			if !utf8.Valid(b) {
				return cty.NilVal, &fileError{path: p, msg: fmt.Sprintf("contents of %s are not valid UTF-8; use filebase64 for its Base64 encoding, or a file hash function such as filesha256", p)}
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// fileExistsFunc is Terraform's fileexists: false when nothing is there,
// an error when something other than a regular file is.
func (fr fileReader) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Params: pathParam(),
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			st, err := os.Stat(fr.resolve(p))
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return cty.False, nil
				}
				return cty.NilVal, &fileError{path: p, msg: fmt.Sprintf("cannot stat %s: %s", p, errText(err))}
			}
			if !st.Mode().IsRegular() {
				return cty.NilVal, &fileError{path: p, msg: fmt.Sprintf("%s is not a regular file, but %s", p, kindOf(st.Mode()))}
			}
			return cty.True, nil
		},
	})
}

// fileHashFunc is filemd5, filesha1, filesha256, filesha512 (hex) and
// filebase64sha256, filebase64sha512 (b64).
func (fr fileReader) fileHashFunc(newHash func() hash.Hash, b64 bool) function.Function {
	return function.New(&function.Spec{
		Params: pathParam(),
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			h := newHash()
			if err := fr.hash(args[0].AsString(), h); err != nil {
				return cty.NilVal, err
			}
			if b64 {
				return cty.StringVal(base64.StdEncoding.EncodeToString(h.Sum(nil))), nil
			}
			return cty.StringVal(hex.EncodeToString(h.Sum(nil))), nil
		},
	})
}

// fileFunctions returns the file functions reading through fr.
func (fr fileReader) fileFunctions() map[string]function.Function {
	return map[string]function.Function{
		"file":             fr.fileFunc(false),
		"filebase64":       fr.fileFunc(true),
		"fileexists":       fr.fileExistsFunc(),
		"filemd5":          fr.fileHashFunc(md5.New, false),
		"filesha1":         fr.fileHashFunc(sha1.New, false),
		"filesha256":       fr.fileHashFunc(sha256.New, false),
		"filesha512":       fr.fileHashFunc(sha512.New, false),
		"filebase64sha256": fr.fileHashFunc(sha256.New, true),
		"filebase64sha512": fr.fileHashFunc(sha512.New, true),
	}
}
