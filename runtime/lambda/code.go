package lambda

import (
	"archive/zip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Bounds on what a deployment package may hold once extracted.
const (
	// maxZipEntries bounds the entries of one zip (a zip bomb made of
	// millions of empty files stays cheap to refuse).
	maxZipEntries = 200000
	// maxSymlinkTarget bounds a symlink entry's target.
	maxSymlinkTarget = 4096
	// extractVersion is part of the cache key, so a change in how zips are
	// laid out never reuses an older extraction.
	extractVersion = "v1"
)

//go:embed bootstrap
var bootstrapFS embed.FS

// codeCache materialises code (zips, inline files, the embedded
// bootstraps) under one directory, each under its content hash, so that
// restarts and other cfnrun processes reuse what is already there.
type codeCache struct {
	dir string

	mu      sync.Mutex
	rtDir   string // the extracted bootstraps
	zipHash map[string]string
}

func newCodeCache(dir string) *codeCache {
	return &codeCache{dir: dir, zipHash: map[string]string{}}
}

// runtimeDir returns the directory holding the embedded bootstraps
// (LAMBDA_RUNTIME_DIR), writing them on first use.
func (c *codeCache) runtimeDir() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rtDir != "" {
		return c.rtDir, nil
	}
	h := sha256.New()
	var files []string
	err := fs.WalkDir(bootstrapFS, "bootstrap", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files = append(files, p)
		b, err := bootstrapFS.ReadFile(p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write([]byte{0})
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	dst := filepath.Join(c.dir, "runtime", hex.EncodeToString(h.Sum(nil))[:16])
	err = c.build(dst, func(tmp string) error {
		for _, p := range files {
			b, _ := bootstrapFS.ReadFile(p)
			out := filepath.Join(tmp, filepath.FromSlash(strings.TrimPrefix(p, "bootstrap/")))
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	c.rtDir = dst
	return dst, nil
}

// inline writes inline code into a directory named by its content hash.
func (c *codeCache) inline(files map[string][]byte) (string, error) {
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(files[n])
		h.Write([]byte{0})
	}
	dst := filepath.Join(c.dir, "inline", hex.EncodeToString(h.Sum(nil))[:32])
	err := c.build(dst, func(tmp string) error {
		for _, n := range names {
			rel, err := safeRel(n)
			if err != nil {
				return fmt.Errorf("inline file %q: %w", n, err)
			}
			out := filepath.Join(tmp, rel)
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			mode := os.FileMode(0o644)
			if path.Base(n) == "bootstrap" {
				mode = 0o755
			}
			if err := os.WriteFile(out, files[n], mode); err != nil {
				return err
			}
		}
		return nil
	})
	return dst, err
}

// zip extracts a deployment package into a directory named by the zip's
// content hash and returns it.
func (c *codeCache) zip(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	h.Write([]byte(extractVersion))
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))[:32]
	dst := filepath.Join(c.dir, "zip", sum)
	err = c.build(dst, func(tmp string) error { return extractZip(file, tmp, MaxUnzippedBytes) })
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return dst, nil
}

// build makes dst by running fill on a fresh temporary directory next to it
// and renaming that into place, so a half-written directory is never used.
// A dst that exists is complete and kept.
func (c *codeCache) build(dst string, fill func(tmp string) error) error {
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".tmp-")
	if err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.RemoveAll(tmp)
		if st, err2 := os.Stat(dst); err2 == nil && st.IsDir() {
			return nil // another process made it first
		}
		return err
	}
	return nil
}

// safeRel turns a slash-separated archive path into a relative OS path that
// stays inside the extraction root, or says why it cannot.
func safeRel(name string) (string, error) {
	if strings.Contains(name, "\\") {
		return "", errors.New("the path contains a backslash (zip it on Linux or macOS, or with forward slashes)")
	}
	if strings.HasPrefix(name, "/") {
		return "", errors.New("the path is absolute")
	}
	clean := path.Clean(name)
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", errors.New("the path leaves the package (zip slip)")
	}
	for _, part := range strings.Split(clean, "/") {
		if part == ".." {
			return "", errors.New("the path leaves the package (zip slip)")
		}
	}
	return filepath.FromSlash(clean), nil
}

// extractZip extracts file into dir, refusing entries that would land
// outside dir, symlinks that point outside it, and more than max bytes in
// all (counted as written, not as the zip claims). Symlinks are made after
// every file, so no write ever goes through one.
func extractZip(file, dir string, max int64) error {
	r, err := zip.OpenReader(file)
	if err != nil {
		return err
	}
	defer r.Close()
	if len(r.File) > maxZipEntries {
		return fmt.Errorf("the package has %d entries, more than the %d cfnrun extracts", len(r.File), maxZipEntries)
	}
	type link struct{ at, target string }
	var links []link
	var total int64
	for _, zf := range r.File {
		rel, err := safeRel(zf.Name)
		if err != nil {
			if zf.Name == "./" || zf.Name == "." {
				continue
			}
			return fmt.Errorf("entry %q: %w", zf.Name, err)
		}
		out := filepath.Join(dir, rel)
		mode := zf.Mode()
		switch {
		case mode.IsDir():
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			continue
		case mode&fs.ModeSymlink != 0:
			rc, err := zf.Open()
			if err != nil {
				return fmt.Errorf("entry %q: %w", zf.Name, err)
			}
			b, err := io.ReadAll(io.LimitReader(rc, maxSymlinkTarget+1))
			rc.Close()
			if err != nil {
				return fmt.Errorf("entry %q: %w", zf.Name, err)
			}
			if len(b) > maxSymlinkTarget {
				return fmt.Errorf("entry %q: symlink target longer than %d bytes", zf.Name, maxSymlinkTarget)
			}
			target := string(b)
			if strings.HasPrefix(target, "/") {
				return fmt.Errorf("entry %q: symlink to the absolute path %q leaves the package", zf.Name, target)
			}
			if _, err := safeRel(path.Join(path.Dir(path.Clean(zf.Name)), target)); err != nil {
				return fmt.Errorf("entry %q: symlink to %q: %w", zf.Name, target, err)
			}
			links = append(links, link{out, filepath.FromSlash(target)})
			continue
		case !mode.IsRegular():
			return fmt.Errorf("entry %q: not a regular file, directory or symlink (%v)", zf.Name, mode)
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		perm := mode.Perm()
		if perm == 0 {
			perm = 0o644
		}
		perm |= 0o600 // the owner can always read and rewrite what it extracted
		n, err := writeEntry(zf, out, perm, max-total)
		total += n
		if err == errOverBudget {
			return fmt.Errorf("the package unzips to more than %d bytes (Lambda's limit for a function and its layers is %d)", max, MaxUnzippedBytes)
		}
		if err != nil {
			return fmt.Errorf("entry %q: %w", zf.Name, err)
		}
	}
	for _, l := range links {
		if err := os.MkdirAll(filepath.Dir(l.at), 0o755); err != nil {
			return err
		}
		os.Remove(l.at)
		if err := os.Symlink(l.target, l.at); err != nil {
			return err
		}
	}
	return nil
}

var errOverBudget = errors.New("over the size budget")

func writeEntry(zf *zip.File, out string, perm fs.FileMode, budget int64) (int64, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, io.LimitReader(rc, budget+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if n > budget {
		return n, errOverBudget
	}
	return n, nil
}
