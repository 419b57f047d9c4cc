"""Functions run the way Lambda runs them: each invocation in a worker process of its own function
(`local/worker_process.py` is the child side), as a sandbox in AWS.

- A warm worker is reused (the most recently used idle one first, as Lambda does); when every
  worker of the function is busy, another starts, up to the function's reserved concurrency from
  the template or, without one, `max_per_function`. Past the cap an invocation waits for a worker
  to come free (locally a queue is kinder than Lambda's throttle; the machine, not AWS, is the
  limit). `max_total` bounds the processes of all functions: at that bound the idle worker used
  longest ago (of any function) is stopped to make room.
- Workers start lazily (a function no one calls costs nothing) by forking a zygote that has the
  common libraries imported; idle workers are stopped after `idle_s`, as Lambda reclaims sandboxes.
- The function's `Timeout` is enforced: at the deadline the worker is killed and the invocation
  answered as Lambda answers it (`Sandbox.Timedout`); a worker that dies answers `Runtime.ExitError`.
- Each worker has the function's environment, so its Powertools logger carries its own
  `function_name` and keys; its log lines are relayed to the runtime's stdout and kept per function.
- Workers' boto3 clients address the emulator at `AWS_ENDPOINT_URL`, as deployed functions address
  AWS; their requests travel over the worker's connection and the runtime answers them through
  moto's dispatch (`aws`, `moto_patches.answer_from_worker`), the path of its own in-process calls,
  where the DynamoDB handler journals each write before answering it. (Over HTTP, werkzeug's
  parsing cost the runtime more per request than the handlers' whole work.)

`invoke(config, event, request_id=None) -> Invocation` is the same call as the in-process
`LambdaRunner.invoke`, so the gateway, schedules and queues call either.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TextIO

from local.lambdas import CodeLocator, FunctionConfig, Invocation

log = logging.getLogger("local.workers")

REPO = Path(__file__).resolve().parents[1]
INIT_LIMIT_S = 60.0
"""How long a new worker may take to import its handler (Lambda allows 10 s; a loaded laptop is slower)."""
LOG_LINES_KEPT = 500

AwsAnswer = Callable[[str, str, dict[str, str], bytes, str], "tuple[int, dict[str, str], bytes] | None"]
"""(method, url, headers, body, botocore event name) → moto's (status, headers, body), or None."""


class WorkerStartError(RuntimeError):
    pass


@dataclass
class _Worker:
    function: str
    version: tuple[Any, ...]
    pid: int
    conn: Connection
    busy: bool = True
    last_used: float = field(default_factory=time.monotonic)


def _version(config: FunctionConfig, code_dir: Path) -> tuple[Any, ...]:
    """What makes a new sandbox in Lambda: a change of code or configuration."""
    return (config.code_digest, config.handler, tuple(sorted(config.environment.items())), config.timeout_s,
            config.memory_mb, str(code_dir))


class WorkerPool:
    def __init__(self, locator: CodeLocator, clock_offset: Callable[[], float] = lambda: 0.0,
                 max_per_function: int = 8, max_total: int = 32, idle_s: float = 300.0,
                 output: TextIO | None = None, aws: AwsAnswer | None = None) -> None:
        self.locator = locator
        self.aws = aws
        self.clock_offset = clock_offset
        self.max_per_function = max_per_function
        self.max_total = max_total
        self.idle_s = idle_s
        self.output = output
        """Where workers' log lines are echoed (the runtime's stdout when None)."""
        self.invocations = 0
        self._workers: dict[str, list[_Worker]] = collections.defaultdict(list)
        self._starting: collections.Counter[str] = collections.Counter()
        self._condition = threading.Condition()
        self._logs: dict[str, collections.deque[str]] = collections.defaultdict(
            lambda: collections.deque(maxlen=LOG_LINES_KEPT))
        self._zygote: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._control_lock = threading.Lock()
        self._stopping = False
        self._reaper: threading.Thread | None = None

    # --- the invoke API -----------------------------------------------------------------------
    def invoke(self, config: FunctionConfig, event: Any, request_id: str | None = None) -> Invocation:
        """Run the handler in one of the function's workers, as a RequestResponse invocation."""
        request_id = request_id or str(uuid.uuid4())
        started = time.perf_counter()
        message = json.dumps({"type": "invoke", "request_id": request_id, "event": event,
                              "clock_offset_s": self.clock_offset()}).encode()
        try:
            worker = self._acquire(config)
        except WorkerStartError as exc:
            return _failure("Runtime.InitError", str(exc), request_id, started)
        with self._condition:
            self.invocations += 1
        deadline = time.monotonic() + config.timeout_s
        try:
            worker.conn.send_bytes(message)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not worker.conn.poll(remaining):
                    self._retire(worker, kill=True)
                    log.warning("%s timed out after %d s (request %s); its worker was stopped",
                                config.name, config.timeout_s, request_id)
                    return _failure("Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out after "
                                    f"{config.timeout_s:.2f} seconds", request_id, started)
                reply = json.loads(worker.conn.recv_bytes())
                if reply.get("type") == "log":
                    self._relay(config.name, str(reply.get("text", "")))
                    continue
                if reply.get("type") == "aws":
                    self._answer_aws(worker, reply)
                    continue
                if reply.get("type") == "result":
                    self._release(worker)
                    return Invocation(request_id, str(reply["payload"]).encode(), reply.get("error_type"),
                                      (time.perf_counter() - started) * 1000)
        except (EOFError, OSError, ValueError) as exc:
            self._retire(worker, kill=True)
            log.warning("%s: its worker ended during request %s (%s)", config.name, request_id, exc)
            return _failure("Runtime.ExitError", f"RequestId: {request_id} Error: Runtime exited without "
                            "providing a reason", request_id, started)

    def warm(self, config: FunctionConfig | None = None) -> None:
        """Start the zygote ahead of the first invocation (workers themselves start on demand)."""
        try:
            self._ensure_zygote()
        except WorkerStartError as exc:
            log.warning("the worker zygote did not start: %s", exc)

    def logs(self, function: str) -> list[str]:
        """The last log lines the function's workers wrote (its CloudWatch log group, locally)."""
        with self._condition:
            return list(self._logs.get(function, ()))

    def worker_pids(self) -> dict[str, list[int]]:
        with self._condition:
            return {name: [w.pid for w in workers] for name, workers in self._workers.items() if workers}

    def process_ids(self) -> list[int]:
        """Every process the pool started: the zygote and the workers."""
        pids = [pid for pids in self.worker_pids().values() for pid in pids]
        return ([self._zygote.pid] if self._zygote is not None else []) + pids

    # --- workers ------------------------------------------------------------------------------
    def _acquire(self, config: FunctionConfig) -> _Worker:
        try:
            code_dir = self.locator.directory(config).resolve()
        except Exception as exc:  # an unreadable zip, say: Lambda reports it on invocation
            raise WorkerStartError(f"{config.name}: its code cannot be unpacked: {exc}") from exc
        version = _version(config, code_dir)
        cap = config.reserved_concurrency if config.reserved_concurrency else self.max_per_function
        with self._condition:
            while True:
                if self._stopping:
                    raise WorkerStartError("the local runtime is stopping")
                workers = self._workers[config.name]
                for stale in [w for w in workers if not w.busy and w.version != version]:
                    self._retire_locked(stale)
                idle = [w for w in workers if not w.busy]
                if idle:
                    worker = max(idle, key=lambda w: w.last_used)
                    worker.busy = True
                    return worker
                if len(workers) + self._starting[config.name] < cap and self._room_locked():
                    self._starting[config.name] += 1
                    break
                self._condition.wait(1.0)
        try:
            worker = self._start_worker(config, code_dir, version)
        finally:
            with self._condition:
                self._starting[config.name] -= 1
                self._condition.notify_all()
        with self._condition:
            if self._stopping:
                self._retire_locked(worker)
                raise WorkerStartError("the local runtime is stopping")
            self._workers[config.name].append(worker)
        return worker

    def _room_locked(self) -> bool:
        total = sum(len(w) for w in self._workers.values()) + sum(self._starting.values())
        if total < self.max_total:
            return True
        idle = [w for workers in self._workers.values() for w in workers if not w.busy]
        if not idle:
            return False
        self._retire_locked(min(idle, key=lambda w: w.last_used))
        return True

    def _start_worker(self, config: FunctionConfig, code_dir: Path, version: tuple[Any, ...]) -> _Worker:
        control = self._ensure_zygote()
        ours, theirs = socket.socketpair()
        try:
            with self._control_lock:
                socket.send_fds(control, [b"w"], [theirs.fileno()])
                pid = int(_read_line(control))
        except (OSError, ValueError) as exc:
            ours.close()
            raise WorkerStartError(f"the worker zygote did not answer: {exc}") from exc
        finally:
            theirs.close()
        if pid <= 0:
            ours.close()
            raise WorkerStartError("the worker zygote could not fork")
        conn = Connection(ours.detach())
        worker = _Worker(config.name, version, pid, conn)
        setup = {"environment": _environment(config), "code_dir": str(code_dir), "function": {
            "name": config.name, "arn": config.arn, "handler": config.handler, "timeout_s": config.timeout_s,
            "memory_mb": config.memory_mb, "region": config.region, "account": config.account,
            "code_digest": config.code_digest}}
        try:
            conn.send_bytes(json.dumps(setup).encode())
            deadline = time.monotonic() + INIT_LIMIT_S
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not conn.poll(remaining):
                    raise WorkerStartError(f"{config.name} did not initialise within {INIT_LIMIT_S:.0f} s")
                reply = json.loads(conn.recv_bytes())
                if reply.get("type") == "log":
                    self._relay(config.name, str(reply.get("text", "")))
                elif reply.get("type") == "aws":  # a handler module calling AWS as it is imported
                    self._answer_aws(worker, reply)
                elif reply.get("type") == "ready":
                    return worker
        except (EOFError, OSError, ValueError, WorkerStartError) as exc:
            self._retire(worker, kill=True)
            raise WorkerStartError(f"{config.name}: its worker did not start: {exc}") from exc

    def _answer_aws(self, worker: _Worker, request: dict[str, Any]) -> None:
        answer: tuple[int, dict[str, str], bytes] | None = None
        if self.aws is not None:
            try:
                answer = self.aws(str(request["method"]), str(request["url"]), dict(request["headers"]),
                                  base64.b64decode(request["body"]), str(request["event_name"]))
            except Exception as exc:  # as moto's server would answer it; sending it again could apply it twice
                log.exception("the emulator failed on a request from %s", worker.function)
                answer = (500, {"Content-Type": "text/plain"}, f"emulator error: {exc}".encode())
        reply = None if answer is None else {"status": answer[0], "headers": answer[1],
                                             "body": base64.b64encode(answer[2]).decode()}
        worker.conn.send_bytes(json.dumps({"type": "aws-answer", "answer": reply}).encode())

    def _release(self, worker: _Worker) -> None:
        with self._condition:
            worker.busy = False
            worker.last_used = time.monotonic()
            self._condition.notify_all()

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        with self._condition:
            self._retire_locked(worker, kill)

    def _retire_locked(self, worker: _Worker, kill: bool = True) -> None:
        workers = self._workers.get(worker.function, [])
        if worker in workers:
            workers.remove(worker)
        with contextlib.suppress(OSError):
            worker.conn.close()  # an idle worker ends on end-of-file
        if kill:
            _kill(worker.pid)
        self._condition.notify_all()

    def _relay(self, function: str, line: str) -> None:
        with self._condition:
            self._logs[function].append(line)
        stream = self.output or sys.stdout
        try:
            stream.write(line + "\n")
            stream.flush()
        except (OSError, ValueError):
            pass

    # --- the zygote and the reaper ------------------------------------------------------------
    def _ensure_zygote(self) -> socket.socket:
        with self._control_lock:
            if self._stopping:
                raise WorkerStartError("the local runtime is stopping")
            if self._control is not None and self._zygote is not None and self._zygote.poll() is None:
                return self._control
            ours, theirs = socket.socketpair()
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
            self._zygote = subprocess.Popen(
                [sys.executable, "-m", "local.worker_process", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL)
            theirs.close()
            ours.settimeout(INIT_LIMIT_S)
            try:
                if _read_line(ours) != "ready":
                    raise OSError("unexpected greeting")
            except OSError as exc:
                ours.close()
                self._zygote.kill()
                self._zygote.wait()
                raise WorkerStartError(f"the worker zygote did not start: {exc}") from exc
            ours.settimeout(None)
            self._control = ours
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap_idle, name="lambda-workers-reaper", daemon=True)
                self._reaper.start()
            return ours

    def _reap_idle(self) -> None:
        with self._condition:
            while not self._stopping:
                self._condition.wait(min(30.0, self.idle_s))
                cutoff = time.monotonic() - self.idle_s
                for worker in [w for ws in self._workers.values() for w in ws if not w.busy and w.last_used < cutoff]:
                    self._retire_locked(worker)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every worker and the zygote, and wait until they are gone."""
        with self._condition:
            self._stopping = True
            workers = [w for ws in self._workers.values() for w in ws]
            for worker in workers:
                self._retire_locked(worker, kill=True)
            self._condition.notify_all()
        deadline = time.monotonic() + timeout
        for worker in workers:  # the zygote reaps them; wait so none outlives the runtime's stop
            while process_exists(worker.pid) and time.monotonic() < deadline:
                time.sleep(0.01)
        with self._control_lock:
            if self._control is not None:
                self._control.close()  # end-of-file: the zygote exits
                self._control = None
            if self._zygote is not None:
                try:
                    self._zygote.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self._zygote.kill()
                    self._zygote.wait()


def _environment(config: FunctionConfig) -> dict[str, str]:
    """The runtime's own (emulator endpoint, dummy credentials, region), then the function's and
    Lambda's reserved variables."""
    return {**os.environ, **config.environment,
            "AWS_LAMBDA_FUNCTION_NAME": config.name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.name}", "_HANDLER": config.handler,
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(config.timeout_s)}


def _failure(error_type: str, message: str, request_id: str, started: float) -> Invocation:
    payload = json.dumps({"errorType": error_type, "errorMessage": message, "requestId": request_id}).encode()
    return Invocation(request_id, payload, error_type, (time.perf_counter() - started) * 1000)


def _read_line(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(64)
        if not chunk:
            raise OSError("connection closed")
        data += chunk
    return data.decode().strip()


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def process_exists(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        if sys.platform.startswith("linux"):
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
