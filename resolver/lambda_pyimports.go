package resolver

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// rulePyImport: a Python handler that imports, at module level, a package
// its code does not hold. cfnrun runs Python functions under the host's
// python3, whose installed packages import as well (they stand for the
// boto3 Lambda provides), so such a function answers locally and fails on
// Lambda; the rule says so before it is deployed.
var rulePyImport = define(Rule{ID: "W3420", Level: "warning",
	Summary: "a Python handler module imports, at module level, a package that is neither in the function's code, the standard library, nor what Lambda's Python runtime provides (boto3, botocore and their dependencies); functions with layers are not checked",
	Why:     "It deploys, then every invocation fails with Runtime.ImportModuleError (502), as under sam local start-api without sam build. cfnrun up may still answer, from a package installed on this machine. cfn-lint does not read code."})

// pythonStdlib is sys.stdlib_module_names (Python 3.11): a superset of
// what later versions keep is harmless here, a package is only reported
// when nothing provides it.
var pythonStdlib = lazy.Value[map[string]bool]{New: func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
	__future__ _abc _aix_support _ast _asyncio _bisect _blake2 _bootsubprocess _bz2 _codecs _codecs_cn
	_codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw _collections _collections_abc
	_compat_pickle _compression _contextvars _crypt _csv _ctypes _curses _curses_panel _datetime _dbm
	_decimal _elementtree _frozen_importlib _frozen_importlib_external _functools _gdbm _hashlib _heapq
	_imp _io _json _locale _lsprof _lzma _markupbase _md5 _msi _multibytecodec _multiprocessing _opcode
	_operator _osx_support _overlapped _pickle _posixshmem _posixsubprocess _py_abc _pydecimal _pyio
	_queue _random _scproxy _sha1 _sha256 _sha3 _sha512 _signal _sitebuiltins _socket _sqlite3 _sre _ssl
	_stat _statistics _string _strptime _struct _symtable _thread _threading_local _tkinter _tokenize
	_tracemalloc _typing _uuid _warnings _weakref _weakrefset _winapi _zoneinfo abc aifc antigravity
	argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect builtins bz2
	cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall
	concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses
	datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum errno faulthandler
	fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass gettext
	glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect io
	ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math
	mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path
	numbers opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools pipes pkgutil
	platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc
	pydoc_data pyexpat queue quopri random re readline reprlib resource rlcompleter runpy sched secrets
	select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket socketserver spwd
	sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep struct subprocess
	sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios textwrap this
	threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty turtle
	turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser
	winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo
`) {
		m[n] = true
	}
	return m
}}

// lambdaPythonProvided are the packages Lambda's Python runtimes have on
// their path besides the standard library (the SDK and its dependencies,
// the runtime interface client), and what pip leaves beside them.
var lambdaPythonProvided = lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{"boto3": true, "botocore": true, "s3transfer": true, "jmespath": true, "dateutil": true,
		"urllib3": true, "six": true, "awslambdaric": true, "pip": true, "setuptools": true, "pkg_resources": true, "_distutils_hack": true,
		"simplejson": true, "bootstrap": true}
}}

var pyImportRe = lazy.Value[*regexp.Regexp]{New: func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^(?:import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)|from[ \t]+(\w[\w.]*)[ \t]+import\b)`)
}}

// pyTopImports returns the top-level packages src imports at module level
// (lines that start at column 0: an import inside try/except or a function
// may be optional, and is not read), in order, once each.
func pyTopImports(src string) []string {
	if !strings.Contains(src, "import") {
		// No import statement can be there: skip the strip and the
		// regular expression (a template's inline one-line handlers).
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(mod string) {
		top, _, _ := strings.Cut(strings.TrimSpace(mod), ".")
		if top != "" && !seen[top] {
			seen[top] = true
			out = append(out, top)
		}
	}
	for _, m := range pyImportRe.Get().FindAllStringSubmatch(stripPython(src), -1) {
		if m[2] != "" {
			add(m[2])
			continue
		}
		for _, part := range strings.Split(m[1], ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), " ")
			add(name)
		}
	}
	return out
}

// checkPythonImports reports (W3420) the packages the handler module src
// (file, in directory dir of the code) imports that nothing provides on
// Lambda.
func checkPythonImports(fn *model.Function, cr *codeRoot, dir, file, src, where string, rng diag.Range, add func(diag.Diagnostic)) {
	if len(fn.Layers) > 0 {
		return // a layer's python directory may provide anything
	}
	for _, pkg := range pyTopImports(src) {
		if pythonStdlib.Get()[pkg] || lambdaPythonProvided.Get()[pkg] || strings.HasPrefix(pkg, "__") {
			continue
		}
		found := false
		// Lambda's path has the code root only; the handler's own
		// directory is accepted too, so a package of modules importing
		// each other is not reported.
		for _, d := range []string{"", dir} {
			if cr.exists(d+pkg) || cr.exists(d+pkg+".py") || compiledPython(cr, d+pkg) {
				found = true
				break
			}
		}
		if !found {
			add(rulePyImport.warnf(rng, fn.LogicalID,
				fmt.Sprintf("Install it into the code: pip install %s -t %s (or list it in requirements.txt and run sam build), or provide it in a layer's python directory.", pkg, where),
				"%s imports %s, which %s does not hold and Lambda's %s runtime does not provide: every invocation would fail with Runtime.ImportModuleError", file, pkg, where, fn.Runtime))
		}
	}
}
