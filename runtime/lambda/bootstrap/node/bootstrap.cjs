'use strict';
// cfnrun's Node.js runtime for local Lambda functions.
//
// It polls the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API and calls the
// handler named by _HANDLER in LAMBDA_TASK_ROOT, the way Lambda's nodejs
// runtimes do: CommonJS and ES modules (.js, .mjs, .cjs, "type": "module"),
// async handlers, callback handlers (callbackWaitsForEmptyEventLoop), the
// context object, Lambda's error documents and error types.
//
// The Runtime API is spoken over one keep-alive HTTP/1.1 connection (a Unix
// socket cfnrun passes, or AWS_LAMBDA_RUNTIME_API's port) with a small
// client of its own: the response to an invocation and the request for
// the next one go out in one write (HTTP/1.1 pipelining). It keeps two
// more requests for the next events outstanding, marked with cfnrun's
// Cfnrun-Runtime-Ahead header: cfnrun may answer them, while an invocation
// runs, with the events to run after it (up to two), each of which then
// starts as soon as the answer before it is written, without waiting for
// cfnrun. A warm invocation under load thus costs one write and no wait.
// An event ahead that would start after its Cfnrun-Runtime-Start-By
// instant (CLOCK_MONOTONIC) is handed back instead: cfnrun may have taken
// it back to run elsewhere, the invocation before it having turned slow
// (recall.go in cfnrun).
//
// Output: the first write of each invocation to process.stdout or
// process.stderr (console.* write there) is preceded, in the same write,
// by a mark "\x1ecfnrunTOKEN:REQUEST-ID\n" that cfnrun reads to attribute the
// output to its invocation and drops. An event handed ahead gets its mark
// before the handler runs, whatever it writes: cfnrun may not yet have
// read the answer to the invocation before it, and output that goes
// around the streams (a child process, fs.writeSync(1, ...)) is told
// apart by where it is in the pipe, after that mark.
//
// Answers: when cfnrun sets _CFNRUN_ANSWER_PIPE, a response whose write
// fits in PIPE_BUF goes to the same pipe, after the invocation's output,
// as a frame "\x1ecfnrunTOKEN>REQUEST-ID LENGTH\n" and the body, which stands
// for POST .../response and a GET .../next, and for the mark of the event
// ahead that starts next (queued, or still to come): an invocation then
// costs one write, and its output is in the pipe before its answer. An
// event ahead handed back after a frame makes the next one started write
// its mark. Errors, and larger responses, go to the Runtime API.

const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

const API = process.env.AWS_LAMBDA_RUNTIME_API || '';
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || process.cwd();
const HANDLER = process.env._HANDLER || '';
const PREFIX = '/2018-06-01/runtime/';
const PIPE_ANSWERS = process.env._CFNRUN_ANSWER_PIPE === '1';
delete process.env._CFNRUN_ANSWER_PIPE;
// The instance's token, in its marks and answer frames: what the handler
// prints that looks like one is output to cfnrun (the handler never sees
// the token).
const TOKEN = process.env._CFNRUN_TOKEN || '';
delete process.env._CFNRUN_TOKEN;
// PIPE_BUF: what a pipe takes in one atomic write.
const PIPE_BUF = 4096;

// ---------------------------------------------------------------------------
// A minimal HTTP/1.1 client for the Runtime API: requests are written in
// order and responses parsed in order (Content-Length bodies, as the
// Runtime API sends them), each handed to the callback its request was
// sent with. A warm invocation costs one read (the 202 to the last answer
// and the next event arrive together) and one write (the answer and the
// next request), and allocates little: no promise per request, requests
// written as one string.

class RuntimeClient {
  constructor(address) {
    const i = address.lastIndexOf(':');
    this.pending = []; // callbacks, in request order
    this.buf = null; // unparsed input
    // cfnrun hands its own bootstraps a Unix socket on which it serves the
    // same API (cheaper than loopback TCP); the variable is not passed on
    // to the handler.
    const fd = process.env._CFNRUN_RUNTIME_API_FD;
    delete process.env._CFNRUN_RUNTIME_API_FD;
    if (fd) {
      this.sock = new net.Socket({ fd: Number(fd), readable: true, writable: true });
    } else {
      this.sock = net.connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)) });
      this.sock.setNoDelay(true);
    }
    this.sock.on('data', (c) => this.onData(c));
    this.sock.on('error', (e) => this.fail(e));
    this.sock.on('close', () => this.fail(new Error('Runtime API connection closed')));
  }

  fail() {
    // Without the Runtime API there is nothing left to do: the instance is
    // being stopped.
    process.exit(0);
  }

  // send writes requests (one string) expecting one response per callback.
  send(req, ...callbacks) {
    for (const cb of callbacks) this.pending.push(cb);
    this.sock.ref();
    this.sock.write(req, 'utf8');
  }

  onData(chunk) {
    let buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    let at = 0;
    for (;;) {
      const end = buf.indexOf('\r\n\r\n', at, 'latin1');
      if (end < 0) break;
      const res = parseHead(buf.latin1Slice(at, end));
      const start = end + 4;
      if (buf.length - start < res.length) break;
      res.body = buf.subarray(start, start + res.length);
      at = start + res.length;
      const cb = this.pending.shift();
      if (cb) cb(res);
    }
    this.buf = at === buf.length ? null : buf.subarray(at);
  }

  ref() { this.sock.ref(); }
  unref() { this.sock.unref(); }
}

// parseHead parses a response's head: its status and its headers, by
// lower-case name. The names are sliced from one lower-case copy of the
// head and the values without a trimmed copy: a third less CPU than a
// lower-case and a trimmed string per header (a Node micro-benchmark of
// the Runtime API's event head: ~1.7 -> ~1.2 us).
function parseHead(text) {
  const status = Number(text.slice(9, 12));
  const lower = text.toLowerCase();
  const headers = new Map();
  const n = text.length;
  let i = text.indexOf('\r\n');
  while (i >= 0) {
    const j = text.indexOf('\r\n', i + 2);
    const e = j < 0 ? n : j;
    const c = text.indexOf(':', i + 2);
    if (c > 0 && c < e) {
      let s = c + 1;
      let t = e;
      while (s < t && isSpace(text.charCodeAt(s))) s++;
      while (t > s && isSpace(text.charCodeAt(t - 1))) t--;
      headers.set(lower.slice(i + 2, c), text.slice(s, t));
    }
    i = j;
  }
  if (headers.has('transfer-encoding')) {
    throw new Error('cfnrun node bootstrap: chunked Runtime API responses are not supported');
  }
  const cl = headers.get('content-length');
  return { status, headers, length: cl === undefined ? 0 : Number(cl), body: null };
}

// isSpace reports whether c is a space or a tab (optional whitespace
// around a header's value).
function isSpace(c) {
  return c === 32 || c === 9;
}

const NEXT = 'GET ' + PREFIX + 'invocation/next HTTP/1.1\r\nHost: ' + API + '\r\nUser-Agent: cfnrun-node\r\nCfnrun-Runtime-Ahead: 1\r\n\r\n';
const POST_HEAD = ' HTTP/1.1\r\nHost: ' + API + '\r\nUser-Agent: cfnrun-node\r\nContent-Type: application/json\r\nContent-Length: ';

// post is a POST request with a JSON body (a string), as a string.
function post(pathname, body, extraHeaders) {
  let head = 'POST ' + PREFIX + pathname + POST_HEAD + Buffer.byteLength(body, 'utf8') + '\r\n';
  if (extraHeaders) for (const k of Object.keys(extraHeaders)) head += k + ': ' + extraHeaders[k] + '\r\n';
  return head + '\r\n' + body;
}

// ---------------------------------------------------------------------------
// Errors in Lambda's shape.

class LambdaRuntimeError extends Error {
  constructor(type, message, cause) {
    super(message);
    this.name = type;
    if (cause && cause.stack) this.stack = type + ': ' + message + '\n' + String(cause.stack).split('\n').slice(1).join('\n');
  }
}

// Paths in error documents read as on Lambda: cfnrun passes which local
// directories stand for /var/task, /opt, /var/runtime (longest first), as
// paths and as the file: URLs ES modules' stacks show.
const AWS_PATHS = [];
try {
  for (const [local, aws] of JSON.parse(process.env._CFNRUN_AWS_PATHS || '[]')) {
    AWS_PATHS.push([local + path.sep, aws + '/'], [pathToFileURL(local).href + '/', 'file://' + aws + '/']);
  }
} catch (_) {
  // no mapping: local paths
}
delete process.env._CFNRUN_AWS_PATHS;

function awsPaths(s) {
  if (typeof s !== 'string') return s;
  for (const [local, aws] of AWS_PATHS) {
    if (s.includes(local)) s = s.split(local).join(aws);
  }
  return s;
}

function errorDoc(err) {
  try {
    if (err instanceof Error || util.types.isNativeError(err) ||
        (err && typeof err === 'object' && typeof err.message === 'string' && typeof err.stack === 'string')) {
      return {
        errorType: err.name || (err.constructor && err.constructor.name) || 'Error',
        errorMessage: awsPaths(err.message),
        trace: String(err.stack || '').split('\n').map(awsPaths),
      };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch (_) {
    return { errorType: 'handled', errorMessage: 'the handler failed with a value cfnrun could not describe' };
  }
}

function errorPayload(err) {
  const doc = errorDoc(err);
  let body;
  try { body = JSON.stringify(doc); } catch (_) {
    body = JSON.stringify({ errorType: doc.errorType, errorMessage: String(doc.errorMessage) });
  }
  return { type: doc.errorType, body };
}

// ---------------------------------------------------------------------------
// Loading the handler, as Lambda's nodejs runtime resolves _HANDLER:
// "dir/module.export.nested" → module file dir/module(.js|.mjs|.cjs) under
// the task root, then the export path.

function splitHandler(full) {
  if (full.includes('..')) {
    throw new LambdaRuntimeError('Runtime.MalformedHandlerName',
      "'" + full + "' is not a valid handler name. Use absolute paths when specifying root directories in handler names.");
  }
  const base = path.basename(full);
  const moduleRoot = full.slice(0, full.length - base.length);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) {
    throw new LambdaRuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  return { moduleRoot, module: base.slice(0, dot), handlerPath: base.slice(dot + 1) };
}

const typeModuleCache = new Map();
function nearestTypeIsModule(dir) {
  const seen = [];
  let d = dir;
  for (;;) {
    if (typeModuleCache.has(d)) { const v = typeModuleCache.get(d); seen.forEach((s) => typeModuleCache.set(s, v)); return v; }
    seen.push(d);
    const pj = path.join(d, 'package.json');
    if (fs.existsSync(pj)) {
      let v = false;
      try { v = JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module'; } catch (_) { v = false; }
      seen.forEach((s) => typeModuleCache.set(s, v));
      return v;
    }
    const up = path.dirname(d);
    if (up === d) { seen.forEach((s) => typeModuleCache.set(s, false)); return false; }
    d = up;
  }
}

function isFile(p) {
  try { return fs.statSync(p).isFile(); } catch (_) { return false; }
}

function isDir(p) {
  try { return fs.statSync(p).isDirectory(); } catch (_) { return false; }
}

// Layers at /opt. On Lambda the function's layers are extracted into /opt,
// a later one's files replacing an earlier one's, and code reaches a layer's
// own modules by path: require('/opt/nodejs/utils/db'). cfnrun runs the
// layers from their local directories (_CFNRUN_OPT_LAYERS, in Lambda's
// order): a require of /opt/... resolves in the layers, the last one that
// has it first, before the machine's own /opt; ES modules get the same from
// esm-search.cjs.
const OPT_LAYERS = (process.env._CFNRUN_OPT_LAYERS || '').split(path.delimiter).filter((d) => d !== '').reverse();
delete process.env._CFNRUN_OPT_LAYERS;
if (OPT_LAYERS.length > 0) {
  const Module = require('node:module');
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    if (typeof request === 'string' && request.startsWith('/opt/')) {
      for (const dir of OPT_LAYERS) {
        try {
          return resolveFilename.call(this, dir + request.slice(4), parent, isMain, options);
        } catch (e) {
          if (!e || e.code !== 'MODULE_NOT_FOUND') throw e;
        }
      }
    }
    return resolveFilename.call(this, request, parent, isMain, options);
  };
}

// searchNodePathFromESM lets ES modules import packages from the NODE_PATH
// directories (the layers', cfnrun's NODE_PATH that stands for Lambda's
// /var/runtime/node_modules), as Lambda's Node.js 18 and later runtimes
// do; Node itself reads NODE_PATH for require only (see esm-search.cjs).
// The hook runs on a loader thread of its own (some 40 ms of CPU and 11 MB
// on Node 20), so it is registered only before an ES module handler is
// imported, and only when NODE_PATH names a directory besides the task
// root or the function has layers (for /opt/... paths); not for
// nodejs16.x and older, whose ES modules saw only their own node_modules
// on Lambda.
let esmSearch = false;
function searchNodePathFromESM() {
  if (esmSearch) return;
  esmSearch = true;
  const old = /nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV || '');
  const mod = require('node:module');
  if ((old && Number(old[1]) < 18) || typeof mod.register !== 'function') return;
  const root = path.resolve(TASK_ROOT);
  const dirs = (process.env.NODE_PATH || '').split(path.delimiter)
    .filter((d) => d !== '' && path.resolve(d) !== root && isDir(d));
  if (dirs.length === 0 && OPT_LAYERS.length === 0) return;
  mod.register(pathToFileURL(path.join(__dirname, 'esm-search.cjs')).href, { data: { dirs, opt: OPT_LAYERS } });
}

function importESM(file) {
  searchNodePathFromESM();
  return import(pathToFileURL(file).href);
}

async function loadModule(root, moduleRoot, module) {
  const base = path.resolve(root, moduleRoot, module);
  if (isFile(base)) return require(base);
  const esm = nearestTypeIsModule(path.dirname(base));
  if (isFile(base + '.js')) return esm ? importESM(base + '.js') : require(base + '.js');
  if (isFile(base + '.mjs')) return importESM(base + '.mjs');
  if (isFile(base + '.cjs')) return require(base + '.cjs');
  // Node's own resolution from the task root (a package in node_modules,
  // a directory with index.js).
  const resolved = require.resolve(module, { paths: [path.resolve(root, moduleRoot), root] });
  return require(resolved);
}

async function loadHandler(root, full) {
  const { moduleRoot, module, handlerPath } = splitHandler(full);
  let app;
  try {
    app = await loadModule(root, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new LambdaRuntimeError('Runtime.UserCodeSyntaxError', e.name + ': ' + e.message, e);
    }
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new LambdaRuntimeError('Runtime.ImportModuleError', 'Error: ' + e.message, e);
    }
    throw e;
  }
  let fn = app;
  for (const key of handlerPath.split('.')) fn = fn == null ? undefined : fn[key];
  if (fn === undefined || fn === null) {
    throw new LambdaRuntimeError('Runtime.HandlerNotFound', full + ' is undefined or not exported');
  }
  if (typeof fn !== 'function') {
    throw new LambdaRuntimeError('Runtime.HandlerNotFound', full + ' is not a function');
  }
  return fn;
}

// ---------------------------------------------------------------------------
// The invoke loop.

const env = process.env;
const base = Object.freeze({
  functionName: env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
});

// hasErr reports whether a callback's first argument is an error, as
// Lambda's runtime tells (null and undefined are not).
function hasErr(e) {
  return e !== undefined && e !== null;
}

function parseJSONHeader(v) {
  if (v === undefined || v === '') return undefined;
  try { return JSON.parse(v); } catch (_) { return undefined; }
}

let client;
let current = null; // the invocation in flight: {id, settle}
let onEmptyLoop = null; // run when the event loop has nothing left to do

// Invocation marks (see the top of this file). stdout and stderr are one
// pipe, written synchronously (Node writes pipes synchronously on Linux, up
// to what the pipe has room for: respond waits for the rest), so one mark
// per invocation orders all of its output.
const MARK = '\x1ecfnrun' + TOKEN + ':';
const FRAME = '\x1ecfnrun' + TOKEN + '>';
let marked = null; // the id of the last mark written
// framed: the last answer went out as a frame, and no event was handed
// back since: the frame stands for the mark of the event ahead that
// starts next (cfnrun's logs.go), which is then not written.
let framed = false;
const stdoutWrite = process.stdout.write;
function markWrites(stream) {
  const write = stream.write;
  stream.write = function (chunk, encoding, cb) {
    const cur = current;
    if (cur !== null && marked !== cur.id) {
      marked = cur.id;
      const m = MARK + cur.id + '\n';
      if (typeof chunk === 'string' && (typeof encoding !== 'string' || encoding === 'utf8' || encoding === 'utf-8')) {
        chunk = m + chunk;
      } else {
        write.call(this, m);
      }
    }
    return write.call(this, chunk, encoding, cb);
  };
}
markWrites(process.stdout);
markWrites(process.stderr);
// Node leaves its stdout and stderr pipes non-blocking on Linux: a write
// larger than the pipe has room for returns with the rest queued in the
// stream, and a line written to the other stream meanwhile lands in the
// middle of it. Blocking writes keep each write whole and in order, as
// Lambda's console writes are synchronous (cfnrun reads the pipe all the
// time; respond still waits for anything queued).
const setBlocking = () => {
  for (const s of [process.stdout, process.stderr]) {
    if (s._handle && typeof s._handle.setBlocking === 'function') s._handle.setBlocking(true);
  }
};
setBlocking();
// writeOut writes s straight to the pipe, at once. A process that shares
// the pipe (a child started with stdio 'inherit': Node makes its stdio
// non-blocking) may have made it non-blocking: a full pipe then fails the
// write with EAGAIN. The pipe is made blocking again and the write waits
// for cfnrun to read (in the kernel, using no CPU).
function writeOut(s) {
  try {
    fs.writeSync(1, s);
  } catch (e) {
    if (e.code !== 'EAGAIN') throw e;
    setBlocking();
    fs.writeSync(1, s);
  }
}

process.on('beforeExit', () => {
  const f = onEmptyLoop;
  if (f) { onEmptyLoop = null; f(); }
});

// Errors thrown outside the handler's promise end the instance, after
// reporting them for the invocation in flight (as Lambda does).
process.on('uncaughtException', (err) => fatal(err, 129, 'Uncaught Exception'));
process.on('unhandledRejection', (reason) => {
  const err = new LambdaRuntimeError('Runtime.UnhandledPromiseRejection',
    (reason instanceof Error ? reason.name + ': ' + reason.message : String(reason)), reason instanceof Error ? reason : undefined);
  fatal(err, 128, 'Unhandled Promise Rejection');
});

function fatal(err, code, what) {
  const { type, body } = errorPayload(err);
  process.stderr.write(new Date().toISOString() + '\t' + (current ? current.id : 'undefined') + '\tERROR\t' + what + ' \t' + body + '\n');
  if (current && client) {
    const id = current.id;
    current = null;
    // Cfnrun-Runtime-Exiting: the events ahead this process holds must not
    // count as started here: cfnrun hands them back when the process ends.
    client.send(post('invocation/' + id + '/error', body,
      { 'Lambda-Runtime-Function-Error-Type': type, 'Cfnrun-Runtime-Exiting': '1' }), () => process.exit(code));
  } else {
    process.exit(code);
  }
}

// invoke calls the handler for the event in res and calls settle(r) once
// with r = {id, error, value, wait}: wait is set when the answer must wait
// for an empty event loop.
function invoke(handler, res, settle) {
  const h = res.headers;
  const id = h.get('lambda-runtime-aws-request-id');
  // An event ahead carries the timeout: it starts now.
  const ahead = h.get('cfnrun-runtime-timeout-ms');
  const deadline = ahead === undefined ? Number(h.get('lambda-runtime-deadline-ms')) : Date.now() + Number(ahead);
  const trace = h.get('lambda-runtime-trace-id');
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;

  let done = false;
  let waits = true;
  const finish = (error, value, wait) => {
    if (done) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
      return;
    }
    done = true;
    settle({ id, error, value, wait });
  };
  const callback = (err, value) => (hasErr(err) ? finish(err, undefined, false) : finish(null, value, waits));
  const doneFn = (err, value) => (hasErr(err) ? finish(err, undefined, false) : finish(null, value, false));
  // One object literal: a fixed shape V8 builds fast (a null-prototype
  // object assigned property by property is a dictionary, several µs per
  // invocation), a plain object as Lambda's own runtime passes.
  const context = {
    functionName: base.functionName,
    functionVersion: base.functionVersion,
    memoryLimitInMB: base.memoryLimitInMB,
    logGroupName: base.logGroupName,
    logStreamName: base.logStreamName,
    awsRequestId: id,
    invokedFunctionArn: h.get('lambda-runtime-invoked-function-arn'),
    clientContext: parseJSONHeader(h.get('lambda-runtime-client-context')),
    identity: parseJSONHeader(h.get('lambda-runtime-cognito-identity')),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    done: doneFn,
    succeed: (value) => doneFn(null, value),
    fail: (err) => doneFn(hasErr(err) ? err : 'handled'),
    get callbackWaitsForEmptyEventLoop() { return waits; },
    set callbackWaitsForEmptyEventLoop(v) { waits = Boolean(v); },
  };
  current = { id };
  if (ahead !== undefined && marked !== id) {
    // Written at once: straight to the pipe (a stream write costs several
    // times more), unless the stream holds output still to be written;
    // not at all after an answer frame, which stands for it.
    marked = id;
    if (framed) {
      // the frame before is the mark
    } else if (process.stdout.writableLength === 0) writeOut(MARK + id + '\n');
    else stdoutWrite.call(process.stdout, MARK + id + '\n');
  }
  framed = false;
  let event;
  try {
    event = JSON.parse(res.body.length ? res.body.utf8Slice(0, res.body.length) : 'null');
  } catch (e) {
    finish(new LambdaRuntimeError('Runtime.InvalidEventPayload', 'the event is not JSON: ' + e.message), undefined, false);
    return;
  }
  // A handler that neither returns a promise nor calls back answers null
  // once the event loop is empty, as on Lambda.
  onEmptyLoop = () => finish(null, null, false);
  let out;
  try {
    out = handler(event, context, callback);
  } catch (e) {
    finish(e, undefined, false);
    return;
  }
  if (out && typeof out.then === 'function') {
    out.then((v) => finish(null, v, false), (e) => finish(hasErr(e) ? e : new Error(String(e)), undefined, false));
  }
}

// responseBody is the JSON of a response value, or undefined when it
// cannot be made (answer reports that).
function responseBody(r) {
  try {
    const body = r.value === undefined ? 'null' : JSON.stringify(r.value);
    return body === undefined ? 'null' : body;
  } catch (_) {
    return undefined;
  }
}

// maxFrameBody bounds the body of an answer frame: the frame's head and
// the mark that may follow it fit in the rest of PIPE_BUF.
const maxFrameBody = PIPE_BUF - 200;

// answer is the request that reports an invocation's outcome.
function answer(r) {
  if (r.error !== null && r.error !== undefined) {
    const { type, body } = errorPayload(r.error);
    process.stderr.write(new Date().toISOString() + '\t' + r.id + '\tERROR\tInvoke Error \t' + body + '\n');
    return post('invocation/' + r.id + '/error', body, { 'Lambda-Runtime-Function-Error-Type': type });
  }
  let body = r.body;
  try {
    if (body === undefined) body = r.value === undefined ? 'null' : JSON.stringify(r.value);
    if (body === undefined) body = 'null';
  } catch (e) {
    const err = new LambdaRuntimeError('Runtime.MarshalError', 'Unable to stringify response body as json: ' + e.message, e);
    const p = errorPayload(err);
    return post('invocation/' + r.id + '/error', p.body, { 'Lambda-Runtime-Function-Error-Type': p.type });
  }
  return post('invocation/' + r.id + '/response', body);
}

async function main() {
  if (!API) {
    console.error('cfnrun node bootstrap: AWS_LAMBDA_RUNTIME_API is not set');
    process.exit(1);
  }
  client = new RuntimeClient(API);
  let handler;
  try {
    handler = await loadHandler(TASK_ROOT, HANDLER);
  } catch (e) {
    const { type, body } = errorPayload(e);
    process.stderr.write(new Date().toISOString() + '\tundefined\tERROR\t' + body + '\n');
    client.send(post('init/error', body, { 'Lambda-Runtime-Function-Error-Type': type }), () => process.exit(1));
    return;
  }

  // The loop: an event arrives (onNext), the handler runs, its outcome
  // (settled) goes out with the request for the next event.
  const answered = (a) => {
    if (a.status !== 202) {
      console.error('cfnrun node bootstrap: the Runtime API refused the answer: ' + a.status + ' ' + a.body.toString());
    }
  };
  let running = false; // an invocation runs, or its answer waits to be written
  const queued = []; // events ahead, to run once the running one is answered
  // start runs the event in res, unless it is an event ahead whose
  // start-by instant (CLOCK_MONOTONIC, as cfnrun's) has passed: cfnrun may
  // have taken it back to run elsewhere, so it is handed back (a request
  // for another event that names it). The clock
  // is read after the answer before it was written (see respond).
  // It reports false when it waits for the answer's write to end first.
  const start = (res) => {
    const by = res.headers.get('cfnrun-runtime-start-by');
    if (by !== undefined) {
      if (client.sock.writableLength > 0) {
        queued.unshift(res);
        client.sock.once('drain', startQueued);
        return false;
      }
      if (process.hrtime.bigint() >= BigInt(by)) {
        const id = res.headers.get('lambda-runtime-aws-request-id');
        framed = false; // cfnrun took the frame for this event's mark
        client.send(NEXT.slice(0, -2) + 'Cfnrun-Runtime-Handback: ' + id + ' ' + by + '\r\n\r\n', onNext);
        return true;
      }
    }
    running = true;
    // While the handler runs, the Runtime API connection does not keep the
    // process alive: an empty event loop means the handler is done.
    client.unref();
    invoke(handler, res, settled);
    return true;
  };
  const startQueued = () => {
    while (!running && queued.length > 0 && start(queued.shift()));
  };
  // whenWritten runs f once process.stdout and process.stderr hold nothing
  // still to write. A write larger than the pipe has room for returns with
  // the rest queued in the stream (node writes it as cfnrun reads the
  // pipe); that rest is the invocation's output, so its answer waits for
  // it: it comes before END, and before the output of the next invocation
  // (stderr's queue is not stdout's: a line written to one would land in
  // the middle of the other's).
  const whenWritten = (f) => {
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) f();
    else setTimeout(whenWritten, 1, f);
  };
  // pipeAnswer writes the answer frame of r (body: its JSON) to the output
  // pipe, in one write; it reports false when it could not (nothing was
  // written). The frame is also the mark of the event ahead that starts
  // next, whether it is queued or still to come (framed).
  const pipeAnswer = (r, body) => {
    const n = Buffer.byteLength(body, 'utf8');
    if (n > maxFrameBody) return false;
    try {
      fs.writeSync(1, FRAME + r.id + ' ' + n + '\n' + body);
    } catch (_) {
      return false; // a pipe write this small is all or nothing
    }
    framed = true;
    return true;
  };
  const respond = (r) => {
    if (PIPE_ANSWERS && (r.error === null || r.error === undefined)) {
      r.body = responseBody(r);
      if (r.body !== undefined && r.body.length <= maxFrameBody) {
        whenWritten(() => {
          current = null;
          running = false;
          if (!pipeAnswer(r, r.body)) {
            sendAnswer(r);
            return;
          }
          // The frame stands for a GET /next as well: its event comes in
          // order with the answers to the requests on the connection.
          client.pending.push(onNext);
          client.ref();
          startQueued();
        });
        return;
      }
    }
    const req = answer(r); // an error's line is still the invocation's output
    whenWritten(() => {
      current = null;
      running = false;
      client.send(req + NEXT, answered, onNext);
      if (queued.length === 0) return;
      // The event ahead starts once the answer is in the kernel's hands:
      // cfnrun counts it as started when it reads the answer.
      if (client.sock.writableLength === 0) startQueued();
      else client.sock.once('drain', startQueued);
    });
  };
  // sendAnswer posts r's answer to the Runtime API, with a request for the
  // next event (its output is written).
  const sendAnswer = (r) => {
    client.send(answer(r) + NEXT, answered, onNext);
    if (queued.length === 0) return;
    if (client.sock.writableLength === 0) startQueued();
    else client.sock.once('drain', startQueued);
  };
  const settled = (r) => {
    onEmptyLoop = null;
    if (r.wait) onEmptyLoop = () => respond(r);
    else respond(r);
  };
  const onNext = (res) => {
    if (res.status !== 200) {
      console.error('cfnrun node bootstrap: invocation/next answered ' + res.status + ' ' + res.body.toString());
      process.exit(1);
    }
    if (running || queued.length > 0) queued.push(res);
    else start(res);
  };
  // Three requests for events: the second and third are answered ahead
  // (or, when cfnrun has none, with the events after the first).
  client.send(NEXT + NEXT + NEXT, onNext, onNext, onNext);
}

main();
