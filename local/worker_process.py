"""The child side of the local runtime's Lambda workers (`local/workers.py` is the runtime side).

`python -m local.worker_process CONTROL_FD` starts the *zygote*: a single-threaded process that
imports the libraries every handler uses (boto3, pydantic, Powertools) once, then forks one worker
per request that arrives on its control socket. A fork of a process that already holds those
imports starts in milliseconds and shares their memory, where a fresh interpreter would spend about
half a second importing them for every worker. The zygote never runs a handler and holds no
thread, so forking it is safe (forking the runtime itself, with its server threads and locks, is
not).

A worker is one function's sandbox: it takes the function's environment, installs the runtime
clock's offset, imports the handler (the init phase), then runs one invocation at a time, reusing
the module between invocations as a warm Lambda sandbox does. Its stdout and stderr (Powertools'
log lines included) go back to the runtime over its connection as `log` messages, so the runtime
knows which function wrote every line. Its calls to the emulator go over the same connection
(`AwsOverConnection`): the runtime answers them through moto's own dispatch, as it answers calls
made inside its process, which costs it far less than parsing HTTP; what it does not take (SQS)
goes over HTTP to `AWS_ENDPOINT_URL`.

No orphans: the zygote exits when its control socket reaches end-of-file (the runtime stopped or
died, even by `kill -9`), and each worker asks Linux to kill it when the zygote goes
(`PR_SET_PDEATHSIG`). Both ignore SIGINT: Ctrl-C in a terminal reaches the whole process group, and
it is the runtime that decides how its workers stop.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import importlib
import io
import json
import os
import signal
import socket
import sys
import threading
import traceback
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

PRELOAD = ("boto3", "botocore.client", "pydantic", "aws_lambda_powertools", "aws_lambda_powertools.logging",
           "aws_lambda_powertools.metrics", "aws_lambda_powertools.event_handler",
           "aws_lambda_powertools.utilities.idempotency", "aws_lambda_powertools.utilities.parser")
"""Third-party modules only: the repository's `shared` package reads a function's configuration
when imported (the Powertools Logger takes its service name from the environment), so each worker
imports it under its own function's environment."""

_PR_SET_PDEATHSIG = 1


def send_message(conn: Connection, lock: threading.Lock, message: dict[str, Any]) -> None:
    data = json.dumps(message).encode()
    with lock:
        conn.send_bytes(data)


class LogForwarder(io.TextIOBase):
    """stdout/stderr of a worker: each complete line becomes one `log` message to the runtime."""

    def __init__(self, conn: Connection, lock: threading.Lock) -> None:
        super().__init__()
        self._conn = conn
        self._lock = lock
        self._partial = ""
        self._buffer_lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._buffer_lock:
            lines = (self._partial + text).split("\n")
            self._partial = lines.pop()
        for line in lines:
            self._send(line)
        return len(text)

    def flush(self) -> None:
        with self._buffer_lock:
            rest, self._partial = self._partial, ""
        if rest:
            self._send(rest)

    def _send(self, line: str) -> None:
        with contextlib.suppress(OSError):  # the runtime is gone; the line has nowhere to go
            send_message(self._conn, self._lock, {"type": "log", "text": line})


class _RawBody:
    """What botocore reads a response body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_kwargs: Any) -> Any:
        if self._body:
            yield self._body

    def read(self, *_args: Any) -> bytes:
        body, self._body = self._body, b""
        return body


class AwsOverConnection:
    """A botocore `before-send` handler: a request for the emulator is sent to the runtime over the
    worker's connection and answered there; None (botocore sends it over HTTP) when the runtime
    does not take it."""

    def __init__(self, conn: Connection, lock: threading.Lock, endpoint: str) -> None:
        self._conn = conn
        self._lock = lock
        self._endpoint = endpoint

    def __call__(self, request: Any, event_name: str = "", **_kwargs: Any) -> Any:
        url = str(request.url)
        if not self._endpoint or not url.startswith(self._endpoint):
            return None
        stream = request.body if hasattr(request.body, "read") else None
        body = stream.read() if stream is not None else request.body
        if isinstance(body, str):
            body = body.encode()
        headers = {str(k): v.decode() if isinstance(v, bytes) else str(v) for k, v in request.headers.items()}
        message = {"type": "aws", "event_name": event_name, "method": request.method, "url": url,
                   "headers": headers, "body": base64.b64encode(body or b"").decode()}
        with self._lock:  # one request in flight per worker: the answer is the next message
            self._conn.send_bytes(json.dumps(message).encode())
            reply = json.loads(self._conn.recv_bytes())
        answer = reply.get("answer")
        if answer is None:
            if stream is not None:  # read above to forward it; HTTP must send it whole (S3's checksummed puts)
                if hasattr(stream, "seek"):
                    stream.seek(0)
                else:
                    request.body = body
            return None
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders

        answered = HTTPHeaders()
        for name, value in answer["headers"].items():
            answered[name] = value
        return AWSResponse(url, int(answer["status"]), answered, _RawBody(base64.b64decode(answer["body"])))


class OffsetClock:
    """The runtime clock as a worker sees it: real time plus the offset the runtime sends with each
    invocation (time travel reaches handlers in every process)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def serve(conn: Connection) -> None:
    """One worker: set up from the first message, then invocations until the runtime hangs up."""
    from local.lambdas import CodeLocator, FunctionConfig, LambdaRunner

    lock = threading.Lock()
    setup = json.loads(conn.recv_bytes())
    os.environ.clear()
    os.environ.update(setup["environment"])
    forwarder = LogForwarder(conn, lock)
    sys.stdout = sys.stderr = forwarder
    clock = OffsetClock()
    from shared.adapters import clock as clock_adapter

    clock_adapter.install_clock(clock)
    from botocore.handlers import BUILTIN_HANDLERS

    # for every boto3 session the handler makes (none exists yet in this process)
    BUILTIN_HANDLERS.append(("before-send", AwsOverConnection(conn, lock, os.environ.get("AWS_ENDPOINT_URL", ""))))
    function = setup["function"]
    config = FunctionConfig(
        name=function["name"], arn=function["arn"], handler=function["handler"], environment={},
        timeout_s=int(function["timeout_s"]), memory_mb=int(function["memory_mb"]), region=function["region"],
        account=function["account"], code_key="worker", code_digest=function["code_digest"], code_zip=bytes)
    code_dir = Path(setup["code_dir"])
    runner = LambdaRunner(CodeLocator({"worker": code_dir}, code_dir))
    runner.warm(config)  # the init phase; an import error is answered by every invocation, as in Lambda
    forwarder.flush()
    send_message(conn, lock, {"type": "ready", "pid": os.getpid()})
    while True:
        try:
            message = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        clock.offset = timedelta(seconds=float(message.get("clock_offset_s", 0.0)))
        result = runner.invoke(config, message["event"], request_id=message["request_id"])
        forwarder.flush()
        send_message(conn, lock, {"type": "result", "payload": result.payload.decode(),
                                  "error_type": result.error_type, "duration_ms": result.duration_ms})


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent (the zygote) ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return


def _fork_worker(control: socket.socket, worker_fd: int) -> int:
    zygote = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        control.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # handlers may run subprocesses and wait for them
        _die_with_parent()
        if os.getppid() != zygote:  # the zygote ended before the request above took effect
            os._exit(0)
        serve(Connection(worker_fd))
    except BaseException:
        code = 1
        with contextlib.suppress(Exception):
            traceback.print_exc(file=sys.__stderr__)
    finally:
        for stream in (sys.stdout, sys.__stdout__, sys.__stderr__):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:
                pass
        os._exit(code)


def zygote(control_fd: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as soon as they end
    for module in PRELOAD:
        with contextlib.suppress(Exception):  # a handler that needs it will say so on its own import
            importlib.import_module(module)
    import local.lambdas  # noqa: F401 - what every worker runs
    import shared.adapters.clock  # noqa: F401 - the clock adapter holds no configuration

    control = socket.socket(fileno=control_fd)
    control.sendall(b"ready\n")
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 64, 1)
        except OSError:
            break
        if not message or not fds:  # end of file: the runtime stopped or died
            break
        try:
            pid = _fork_worker(control, fds[0])
        except OSError as exc:
            pid = -1
            print(f"local worker zygote: fork failed: {exc}", file=sys.stderr)
        finally:
            for fd in fds:
                os.close(fd)
        try:
            control.sendall(f"{pid}\n".encode())
        except OSError:
            break


if __name__ == "__main__":
    zygote(int(sys.argv[1]))
