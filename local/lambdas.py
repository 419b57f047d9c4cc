"""Lambda functions run in-process: the handler module imported from the function's code, its
environment from the template, a Lambda-like context, and errors shaped as the Lambda runtime
shapes them (`errorType`, `errorMessage`, `stackTrace`; `X-Amz-Function-Error: Unhandled`).

Code: a function deployed from a CDK asset runs from `cdk.out/asset.<hash>/` (the folder the asset
was zipped from); any other function (created with the AWS CLI, say) runs from its zip, extracted
once into the data folder. Third-party packages and the repository's `shared` package come from
this virtualenv: the shared layer is built for arm64 Lambda and cannot be imported on x86_64.

The local runtime runs each function in worker processes of its own (`local/workers.py`); inside
each worker this runner runs the handler. Run directly in one process (unit tests), every
invocation holds one process-wide lock: Powertools keeps the current event in a class attribute
shared by every resolver, and handlers read configuration once per process, so two handlers must
never run at the same time in one process.
"""

from __future__ import annotations

import decimal
import hashlib
import importlib.util
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

log = logging.getLogger("local.lambdas")

INVOCATION_LOCK = threading.RLock()


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    arn: str
    handler: str
    environment: Mapping[str, str]
    timeout_s: int
    memory_mb: int
    region: str
    account: str
    code_key: str | None
    """S3 key of the code zip when deployed from an asset."""
    code_digest: str
    code_zip: Callable[[], bytes] = field(compare=False, repr=False)
    reserved_concurrency: int | None = None
    """The template's ReservedConcurrentExecutions: at most this many of its invocations at once."""

    @classmethod
    def from_moto(cls, fn: Any) -> FunctionConfig:
        return cls(
            name=fn.function_name, arn=fn.function_arn, handler=fn.handler or "handler.lambda_handler",
            environment={k: str(v) for k, v in (fn.environment_vars or {}).items()},
            timeout_s=int(fn.timeout or 3), memory_mb=int(fn.memory_size or 128), region=fn.region,
            account=fn.account_id, code_key=(fn.code or {}).get("S3Key"),
            code_digest=str(getattr(fn, "code_digest", "") or fn.code_sha_256),
            code_zip=lambda: bytes(fn.code_bytes),
            reserved_concurrency=_positive(getattr(fn, "reserved_concurrency", None)),
        )


def _positive(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class LambdaContext:
    """The attributes and method of the Lambda Python runtime's context object."""

    def __init__(self, config: FunctionConfig, request_id: str) -> None:
        self.function_name = config.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = config.arn
        self.memory_limit_in_mb = config.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{config.name}"
        self.log_stream_name = f"local/{request_id}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + config.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Invocation:
    request_id: str
    payload: bytes
    error_type: str | None
    duration_ms: float

    @property
    def failed(self) -> bool:
        return self.error_type is not None

    def json(self) -> Any:
        return json.loads(self.payload) if self.payload else None


class FunctionRunner(Protocol):
    """What runs a function: the worker pool in the runtime, `LambdaRunner` in one process."""

    def invoke(self, config: FunctionConfig, event: Any, request_id: str | None = None) -> Invocation: ...


class CodeLocator:
    """Where a function's code is on disk."""

    def __init__(self, assets_by_key: Mapping[str, Path], extract_dir: Path) -> None:
        self.assets_by_key = dict(assets_by_key)
        self.extract_dir = extract_dir

    def directory(self, config: FunctionConfig) -> Path:
        if config.code_key and config.code_key in self.assets_by_key:
            return self.assets_by_key[config.code_key]
        digest = config.code_digest or hashlib.sha256(config.code_zip()).hexdigest()
        target = self.extract_dir / digest[:32]
        if not target.exists():
            partial = target.with_name(target.name + f".tmp{os.getpid()}")
            with zipfile.ZipFile(io.BytesIO(config.code_zip())) as archive:
                archive.extractall(partial)
            partial.rename(target)
        return target


def _lambda_json_default(value: Any) -> Any:
    # The Lambda Python runtime serialises Decimal (what boto3's DynamoDB resource returns).
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class LambdaRunner:
    def __init__(self, locator: CodeLocator, process_resets: tuple[Callable[[], None], ...] = ()) -> None:
        self.locator = locator
        self.process_resets = process_resets
        """Per-process caches to clear when a different function runs (each Lambda has its own
        process in AWS, so configuration read once per process must not leak between functions)."""
        self._modules: dict[tuple[str, str], ModuleType] = {}
        self._last_function: str | None = None
        self.invocations = 0

    def handler_for(self, config: FunctionConfig) -> Callable[[Any, Any], Any]:
        module_path, _, attribute = config.handler.rpartition(".")
        key = (config.name, config.code_digest)
        module = self._modules.get(key)
        if module is None:
            module = self._import(config, module_path)
            self._modules[key] = module
        handler = getattr(module, attribute, None)
        if not callable(handler):
            raise ImportError(f"Handler '{attribute}' missing on module '{module_path}'")
        return handler

    def _import(self, config: FunctionConfig, module_path: str) -> ModuleType:
        code_dir = self.locator.directory(config)
        relative = Path(*module_path.split("."))
        candidates = [code_dir / relative.with_suffix(".py"), code_dir / relative / "__init__.py"]
        source = next((c for c in candidates if c.exists()), None)
        if source is None:
            raise ImportError(f"Unable to import module '{module_path}': no {relative}.py in {code_dir}")
        safe_name = "".join(c if c.isalnum() else "_" for c in config.name)
        unique = f"lambda_{safe_name}_{module_path.replace('.', '_')}"
        spec = importlib.util.spec_from_file_location(unique, source)
        if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has a loader
            raise ImportError(f"cannot load {source}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[unique] = module
        # Sibling modules of the handler resolve from its folder; the venv and the repository come
        # first, so a function never shadows `shared` or a third-party package.
        sys.path.append(str(code_dir))
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(unique, None)
            raise
        finally:
            sys.path.remove(str(code_dir))
        return module

    def invoke(self, config: FunctionConfig, event: Any, request_id: str | None = None) -> Invocation:
        """Run the handler synchronously, as a RequestResponse invocation."""
        request_id = request_id or str(uuid.uuid4())
        with INVOCATION_LOCK:
            started = time.perf_counter()
            with _function_environment(config):
                if self._last_function != config.name:
                    for reset in self.process_resets:
                        reset()
                    self._last_function = config.name
                self.invocations += 1
                try:
                    handler = self.handler_for(config)
                    result = handler(event, LambdaContext(config, request_id))
                    try:
                        payload = json.dumps(result, default=_lambda_json_default).encode()
                        error_type = None
                    except (TypeError, ValueError) as exc:
                        payload = _error_payload("Runtime.MarshalError", f"Unable to marshal response: {exc}",
                                                 request_id, [])
                        error_type = "Runtime.MarshalError"
                except ImportError as exc:
                    error_type = "Runtime.ImportModuleError"
                    payload = _error_payload(error_type, str(exc), request_id, traceback.format_exc().splitlines())
                    log.error("%s: %s", config.name, exc)
                except Exception as exc:
                    error_type = type(exc).__name__
                    payload = _error_payload(error_type, str(exc), request_id,
                                             traceback.format_exception(exc)[1:])
                    log.warning("%s raised %s: %s", config.name, error_type, exc)
            duration_ms = (time.perf_counter() - started) * 1000
        if duration_ms > config.timeout_s * 1000:
            # A thread cannot be stopped from outside: say so rather than pretend it timed out.
            log.warning("%s ran %.0f ms, over its %d s timeout (AWS would have stopped it)",
                        config.name, duration_ms, config.timeout_s)
        return Invocation(request_id, payload, error_type, duration_ms)

    def warm(self, config: FunctionConfig) -> None:
        """Import a function's handler ahead of its first request (its cold start)."""
        with INVOCATION_LOCK, _function_environment(config):
            try:
                self.handler_for(config)
            except Exception as exc:
                log.warning("%s does not import: %s", config.name, exc)


def _error_payload(error_type: str, message: str, request_id: str, stack: list[str]) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type, "requestId": request_id,
                       "stackTrace": stack}).encode()


class _function_environment:  # noqa: N801 - used as a context manager, reads like one
    """The function's environment variables (and Lambda's reserved ones) for one invocation."""

    def __init__(self, config: FunctionConfig) -> None:
        self.values = {
            **config.environment,
            "AWS_LAMBDA_FUNCTION_NAME": config.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.name}",
            "_HANDLER": config.handler,
        }
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        for key, value in self.values.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value

    def __exit__(self, *exc: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

