# cfnrun's Python runtime for local Lambda functions.
#
# It polls the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API and calls the
# handler named by _HANDLER ("pkg.module.function", or "dir/module.function")
# from LAMBDA_TASK_ROOT, the way Lambda's python runtimes do: the context
# object, the root logger's handler, Lambda's error documents and error types.
#
# The Runtime API is spoken over one keep-alive HTTP/1.1 connection with a
# small client of its own: the answer to an invocation and the request for the
# next one go out in one write (HTTP/1.1 pipelining). It keeps one more
# request for the next event outstanding, marked with cfnrun's
# Cfnrun-Runtime-Ahead header: cfnrun may answer it, while an invocation runs,
# with the event to run after it, which then starts as soon as the answer is
# written, without waiting for cfnrun. An event ahead that would start after
# its Cfnrun-Runtime-Start-By instant (CLOCK_MONOTONIC) is handed back
# instead: cfnrun may have taken it back to run elsewhere, the invocation
# before it having turned slow (recall.go in cfnrun).
#
# Output: the first write of each invocation to sys.stdout and to sys.stderr
# (print and the root logger's handler write there) is preceded by a mark
# "\x1ecfnrunTOKEN:REQUEST-ID\n" that cfnrun reads to attribute the output to its
# invocation and drops. An event handed ahead gets its mark, written straight
# to the pipe, before the handler runs: cfnrun may not yet have read the
# answer to the invocation before it, and output that goes around the
# streams (a child process, os.write(1, ...)) is told apart by where it is in
# the pipe, after that mark. An answer frame (below) stands for the mark of
# the event ahead started after it, which is then not written.

import collections
import decimal
import importlib
import io
import json
import logging
import os
import socket
import sys
import time
import traceback

API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
HANDLER = os.environ.get("_HANDLER", "")
PREFIX = "/2018-06-01/runtime/"
# cfnrun lets its bootstraps answer through the output pipe: a response
# whose frame fits in PIPE_BUF (one atomic write) goes there, after the
# invocation's output, as "\x1ecfnrunTOKEN>REQUEST-ID LENGTH\n" and the body,
# which stands for POST .../response and GET .../next. Errors and larger
# responses go to the Runtime API.
PIPE_ANSWERS = os.environ.pop("_CFNRUN_ANSWER_PIPE", "") == "1"
# The instance's token, in its marks and answer frames: what the handler
# prints that looks like one is output to cfnrun (the handler never sees
# the token).
TOKEN = os.environ.pop("_CFNRUN_TOKEN", "")
PIPE_BUF = 4096

# The task root comes first on sys.path, in place of this file's directory.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
sys.path.insert(0, TASK_ROOT)


class RuntimeClient:
    """A minimal HTTP/1.1 client: requests written in order, responses read
    in order (Content-Length bodies, as the Runtime API sends them)."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host_header = ("Host: " + address + "\r\n").encode("latin-1")
        # cfnrun hands its own bootstraps a Unix socket on which it serves
        # the same API (cheaper than loopback TCP); the variable is not
        # passed on to the handler.
        fd = os.environ.pop("_CFNRUN_RUNTIME_API_FD", "")
        if fd:
            self.sock = socket.socket(fileno=int(fd))
            self.sock.set_inheritable(False)
        else:
            self.sock = socket.create_connection((host, int(port)))
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            # The Runtime API is gone: the instance is being stopped.
            os._exit(0)
        self.buf += chunk

    def read(self):
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            self._fill()
        head = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        del self.buf[: end + 4]
        status = int(head[0][9:12])
        headers = {}
        for line in head[1:]:
            k, sep, v = line.partition(":")
            if sep:
                headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            self._fill()
        body = bytes(self.buf[:n])
        del self.buf[:n]
        return status, headers, body


NEXT = ("GET " + PREFIX + "invocation/next HTTP/1.1\r\nHost: " + API +
        "\r\nUser-Agent: cfnrun-python\r\nCfnrun-Runtime-Ahead: 1\r\n\r\n").encode("latin-1")

MARK = "\x1ecfnrun" + TOKEN + ":"
FRAME = "\x1ecfnrun" + TOKEN + ">"
_marking = [None]  # the request id whose output gets a mark


class MarkedStream:
    """A text stream that writes the running invocation's mark before its
    first output (each stream has its own buffer, so each marks)."""

    def __init__(self, stream, before=None):
        self._stream = stream
        self._marked = None
        # before (stdout, for stderr) is flushed first: a print longer than
        # its buffer has gone out without its newline, which waits in the
        # buffer; a stderr line written then would land on the end of it.
        self._before = before

    def write(self, s):
        if self._before is not None:
            self._before.flush()
        cur = _marking[0]
        if cur is not None and self._marked != cur and s:
            self._marked = cur
            self._stream.write(MARK + cur + "\n")
        return self._stream.write(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class PipeWriter(io.RawIOBase):
    """File descriptor 1 or 2 (the output pipe) under the standard streams.
    A process that shares the pipe (a child with inherited stdout) may make
    it non-blocking: a write to a full pipe then fails with EAGAIN, which
    print raised in the handler as BlockingIOError (and the bootstrap's
    flush at the end of the invocation dropped). Here the pipe is made
    blocking again and the write waits for cfnrun to read, asleep."""

    def __init__(self, fd):
        super().__init__()
        self._fd = fd

    def writable(self):
        return True

    def fileno(self):
        return self._fd

    def isatty(self):
        return os.isatty(self._fd)

    def write(self, b):
        while True:
            try:
                return os.write(self._fd, b)
            except BlockingIOError:
                os.set_blocking(self._fd, True)


def pipe_stream(old):
    """A text stream like old (stdout or stderr) over a PipeWriter."""
    try:
        fd = old.fileno()
    except (AttributeError, OSError, ValueError):
        return old
    old.flush()
    return io.TextIOWrapper(io.BufferedWriter(PipeWriter(fd)), encoding=old.encoding, errors=old.errors,
                            line_buffering=old.line_buffering, write_through=getattr(old, "write_through", False))


def post(path, body, error_type=None):
    head = ("POST " + PREFIX + path + " HTTP/1.1\r\nHost: " + API +
            "\r\nUser-Agent: cfnrun-python\r\nContent-Type: application/json\r\nContent-Length: " +
            str(len(body)) + "\r\n")
    if error_type:
        head += "Lambda-Runtime-Function-Error-Type: " + error_type + "\r\n"
    return (head + "\r\n").encode("latin-1") + body


class LambdaError(Exception):
    def __init__(self, error_type, message, stack=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack = stack or []


# Paths in error documents read as on Lambda: cfnrun passes which local
# directories stand for /var/task, /opt, /var/runtime (longest first).
try:
    AWS_PATHS = [(local + os.sep, aws + "/")
                 for local, aws in json.loads(os.environ.pop("_CFNRUN_AWS_PATHS", "") or "[]")]
except (ValueError, TypeError):
    AWS_PATHS = []


def aws_paths(s):
    if not isinstance(s, str):
        return s
    for local, aws in AWS_PATHS:
        if local in s:
            s = s.replace(local, aws)
    return s


def error_doc(exc, request_id="", skip=0):
    if isinstance(exc, LambdaError):
        typ, msg, stack = exc.error_type, exc.message, exc.stack
    else:
        typ, msg = type(exc).__name__, str(exc)
        frames = traceback.extract_tb(exc.__traceback__)[skip:]
        stack = traceback.format_list(frames)
    if AWS_PATHS:
        msg = aws_paths(msg)
        stack = [aws_paths(line) for line in stack]
    doc = {"errorMessage": msg, "errorType": typ, "requestId": request_id, "stackTrace": stack}
    try:
        return typ, json.dumps(doc).encode("utf-8")
    except (TypeError, ValueError):
        return typ, json.dumps({"errorMessage": str(msg), "errorType": str(typ)}).encode("utf-8")


def load_handler(name):
    try:
        modname, fname = name.rsplit(".", 1)
    except ValueError as e:
        raise LambdaError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (name, e))
    modname = modname.replace("/", ".")
    if modname.startswith("."):
        raise LambdaError("Runtime.MalformedHandlerName",
                          "Bad handler '%s': relative module paths are not supported" % name)
    try:
        mod = importlib.import_module(modname)
    except ImportError as e:
        raise LambdaError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        stack = traceback.format_exception_only(type(e), e)
        raise LambdaError("Runtime.UserCodeSyntaxError",
                          "Syntax error in module '%s': %s" % (modname, e), [s.rstrip("\n") for s in stack])
    fn = getattr(mod, fname, None)
    if fn is None:
        raise LambdaError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))
    if not callable(fn):
        raise LambdaError("Runtime.HandlerNotFound", "Handler '%s' on module '%s' is not callable" % (fname, modname))
    return fn


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self, doc):
        self.cognito_identity_id = doc.get("cognitoIdentityId")
        self.cognito_identity_pool_id = doc.get("cognitoIdentityPoolId")


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __init__(self, doc):
        self.custom = doc.get("custom")
        self.env = doc.get("env")
        self.client = doc.get("client")


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, client_context, identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = ClientContext(client_context) if isinstance(client_context, dict) else None
        self.identity = CognitoIdentity(identity) if isinstance(identity, dict) else CognitoIdentity({})
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
                "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s])"
                % (self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
                   self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
                   self.client_context, self.identity))


_request_id = [""]


class LambdaLogFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id[0]
        return True


def setup_logging():
    # Lambda puts a handler on the root logger, so logging.getLogger().info()
    # is seen without basicConfig.
    h = logging.StreamHandler(sys.stdout)
    h.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    h.formatter.converter = time.gmtime
    h.addFilter(LambdaLogFilter())
    root = logging.getLogger()
    root.addHandler(h)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


def to_json(value):
    def default(o):
        if isinstance(o, decimal.Decimal):
            return float(o) if o % 1 else int(o)
        raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)

    return json.dumps(value, default=default).encode("utf-8")


def parse_json_header(v):
    if not v:
        return None
    try:
        return json.loads(v)
    except ValueError:
        return None


def flush():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass


def write_out(b):
    """Write b straight to the output pipe, at once. A process that shares
    the pipe (a child with inherited stdout) may have made it non-blocking:
    a full pipe then fails the write; the pipe is made blocking again and
    the write waits for cfnrun to read (in the kernel, using no CPU)."""
    try:
        os.write(1, b)
    except BlockingIOError:
        os.set_blocking(1, True)
        os.write(1, b)


def main():
    if not API:
        sys.stderr.write("cfnrun python bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n")
        sys.exit(1)
    client = RuntimeClient(API)
    out = MarkedStream(pipe_stream(sys.stdout))
    err = MarkedStream(pipe_stream(sys.stderr), out)
    sys.stdout, sys.stderr = out, err
    setup_logging()
    try:
        handler = load_handler(HANDLER)
    except Exception as e:
        typ, body = error_doc(e)
        sys.stdout.write("[ERROR] %s: %s\n" % (typ, e))
        flush()
        client.send(post("init/error", body, typ))
        client.read()
        sys.exit(1)

    # Requests whose answers are still to be read, in order: "next" (an
    # event) or "post" (202). Two requests for events: the second is answered
    # ahead (or, when cfnrun has none, with the event after the first).
    pending = collections.deque(("next", "next"))
    client.send(NEXT + NEXT)
    # framed: the last answer went out as a frame, and no event was handed
    # back since: the frame stands for the mark of the event ahead that
    # starts next (cfnrun's logs.go), which is then not written.
    framed = False
    while True:
        while True:
            status, h, body = client.read()
            if pending.popleft() == "next":
                break
            if status != 202:
                sys.stderr.write("cfnrun python bootstrap: the Runtime API refused the answer: %d %r\n" % (status, body))
        if status != 200:
            sys.stderr.write("cfnrun python bootstrap: invocation/next answered %d %r\n" % (status, body))
            sys.exit(1)
        request_id = h.get("lambda-runtime-aws-request-id", "")
        start_by = h.get("cfnrun-runtime-start-by")
        if start_by is not None and time.monotonic_ns() >= int(start_by):
            # An event ahead whose start-by instant (CLOCK_MONOTONIC, as
            # cfnrun's) has passed: cfnrun may have taken it back to run
            # elsewhere. It is handed back, in a request for another event.
            # (The clock is read after the answer before it was written:
            # sendall and os.write return once it is.)
            client.send(NEXT[:-2] + ("Cfnrun-Runtime-Handback: " + request_id + " " + start_by +
                                     "\r\n\r\n").encode("latin-1"))
            pending.append("next")
            framed = False  # cfnrun took the frame for this event's mark
            continue
        _request_id[0] = request_id
        _marking[0] = request_id
        trace = h.get("lambda-runtime-trace-id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        ahead = h.get("cfnrun-runtime-timeout-ms")
        if ahead is not None:
            # An event ahead: its mark first (the streams were flushed at the
            # end of the invocation before), unless the answer frame before
            # stands for it, and its deadline counts from now.
            if not framed:
                write_out((MARK + request_id + "\n").encode("utf-8", "replace"))
            out._marked = err._marked = request_id
            deadline = int(time.time() * 1000) + int(ahead)
        else:
            deadline = int(h.get("lambda-runtime-deadline-ms", "0"))
        ctx = LambdaContext(request_id, deadline,
                            h.get("lambda-runtime-invoked-function-arn"),
                            parse_json_header(h.get("lambda-runtime-client-context")),
                            parse_json_header(h.get("lambda-runtime-cognito-identity")))
        try:
            event = json.loads(body) if body else None
        except ValueError as e:
            event, failed = None, LambdaError("Runtime.InvalidEventPayload", "the event is not JSON: %s" % e)
        else:
            failed = None
        framed = False
        req = None
        frame = None
        if failed is None:
            try:
                result = handler(event, ctx)
            except Exception as e:
                failed = e
            else:
                try:
                    payload = to_json(result)
                except (TypeError, ValueError, OverflowError) as e:
                    failed = LambdaError("Runtime.MarshalError", "Unable to marshal response: %s" % e)
                else:
                    head = (FRAME + request_id + " " + str(len(payload)) + "\n").encode("utf-8", "replace")
                    if PIPE_ANSWERS and len(head) + len(payload) <= PIPE_BUF:
                        frame = head + payload
                    else:
                        req = post("invocation/" + request_id + "/response", payload)
        if failed is not None:
            typ, doc = error_doc(failed, request_id, skip=1)
            sys.stdout.write("[ERROR] %s: %s\n" % (typ, failed))
            req = post("invocation/" + request_id + "/error", doc, typ)
        flush()
        _marking[0] = None
        if frame is not None:
            try:
                os.write(1, frame)  # all or nothing: at most PIPE_BUF
            except OSError:
                req = post("invocation/" + request_id + "/response", payload)
            else:
                pending.append("next")
                framed = True
                continue
        client.send(req + NEXT)
        pending.append("post")
        pending.append("next")


if __name__ == "__main__":
    main()
