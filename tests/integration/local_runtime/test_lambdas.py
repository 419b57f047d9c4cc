"""The in-process Lambda runner: handler import, environment, context, and the Lambda runtime's
error shapes."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from local.lambdas import CodeLocator, FunctionConfig, LambdaRunner
from local.workers import WorkerPool, process_exists

HANDLER = '''
import os
from decimal import Decimal

import helper


def lambda_handler(event, context):
    kind = event.get("kind")
    if kind == "raise":
        raise KeyError("missing thing")
    if kind == "unserialisable":
        return {"value": object()}
    return {"env": os.environ.get("GREETING"), "helper": helper.VALUE, "amount": Decimal("1.50"),
            "name": context.function_name, "remaining": context.get_remaining_time_in_millis() > 0}
'''


def config(code_key: str | None, digest: str = "d1", handler: str = "handler.lambda_handler",
           zipped: bytes = b"") -> FunctionConfig:
    return FunctionConfig(name="fn-1", arn="arn:aws:lambda:us-east-1:123456789012:function:fn-1", handler=handler,
                          environment={"GREETING": "ni hao"}, timeout_s=3, memory_mb=128, region="us-east-1",
                          account="123456789012", code_key=code_key, code_digest=digest, code_zip=lambda: zipped)


@pytest.fixture
def code_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "asset.abc"
    folder.mkdir()
    (folder / "handler.py").write_text(HANDLER)
    (folder / "helper.py").write_text("VALUE = 7\n")
    return folder


def test_handler_runs_with_its_environment_and_context(code_dir: Path, tmp_path: Path) -> None:
    # Given a function deployed from an asset folder
    runner = LambdaRunner(CodeLocator({"abc.zip": code_dir}, tmp_path / "x"))
    # When invoking it
    result = runner.invoke(config("abc.zip"), {"kind": "ok"})
    # Then it ran with its environment (restored afterwards), its sibling module and a context
    assert not result.failed
    assert result.json() == {"env": "ni hao", "helper": 7, "amount": 1.5, "name": "fn-1", "remaining": True}
    assert "GREETING" not in os.environ


def test_exceptions_are_shaped_like_the_lambda_runtime(code_dir: Path, tmp_path: Path) -> None:
    # Given a handler that raises
    runner = LambdaRunner(CodeLocator({"abc.zip": code_dir}, tmp_path / "x"))
    # When invoking it
    result = runner.invoke(config("abc.zip"), {"kind": "raise"})
    # Then the payload names the error as Lambda does
    assert result.error_type == "KeyError"
    body = result.json()
    assert body["errorType"] == "KeyError"
    assert "missing thing" in body["errorMessage"]
    assert body["stackTrace"]


def test_unserialisable_results_are_a_marshal_error(code_dir: Path, tmp_path: Path) -> None:
    # Given a handler that returns something JSON cannot hold
    runner = LambdaRunner(CodeLocator({"abc.zip": code_dir}, tmp_path / "x"))
    # When invoking it
    # Then it is Runtime.MarshalError
    assert runner.invoke(config("abc.zip"), {"kind": "unserialisable"}).error_type == "Runtime.MarshalError"


def test_missing_handler_is_an_import_error(code_dir: Path, tmp_path: Path) -> None:
    # Given a function whose Handler names a module that is not in its code
    runner = LambdaRunner(CodeLocator({"abc.zip": code_dir}, tmp_path / "x"))
    # When invoking it
    result = runner.invoke(config("abc.zip", handler="nowhere.lambda_handler"), {})
    # Then it fails as Lambda's runtime does
    assert result.error_type == "Runtime.ImportModuleError"


def test_functions_without_an_asset_run_from_their_zip(code_dir: Path, tmp_path: Path) -> None:
    # Given a function created from a zip (the AWS CLI way), not from a cdk.out asset
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in code_dir.iterdir():
            archive.write(file, file.name)
    runner = LambdaRunner(CodeLocator({}, tmp_path / "extracted"))
    # When invoking it
    result = runner.invoke(config(None, digest="zip1", zipped=buffer.getvalue()), {"kind": "ok"})
    # Then its code was extracted once into the data folder and ran
    assert json.loads(result.payload)["helper"] == 7
    assert (tmp_path / "extracted" / "zip1" / "handler.py").exists()


def test_process_caches_reset_when_another_function_runs(code_dir: Path, tmp_path: Path) -> None:
    # Given a reset hook (each Lambda has its own process in AWS)
    resets: list[str] = []
    runner = LambdaRunner(CodeLocator({"abc.zip": code_dir}, tmp_path / "x"),
                          process_resets=(lambda: resets.append("r"),))
    first, second = config("abc.zip"), config("abc.zip")
    second = FunctionConfig(**{**first.__dict__, "name": "fn-2"})
    # When the same function runs twice, then another
    runner.invoke(first, {"kind": "ok"})
    runner.invoke(first, {"kind": "ok"})
    runner.invoke(second, {"kind": "ok"})
    # Then caches were reset on each change of function only
    assert resets == ["r", "r"]


def test_workers_run_the_function_and_none_outlives_the_pools_stop(code_dir: Path, tmp_path: Path) -> None:
    # Given the worker pool (what the runtime runs functions in) and an invocation through it
    pool = WorkerPool(CodeLocator({"abc.zip": code_dir}, tmp_path / "x"))
    try:
        result = pool.invoke(config("abc.zip"), {"kind": "ok"})
        raised = pool.invoke(config("abc.zip"), {"kind": "raise"})
        started = pool.process_ids()
    finally:
        # When the pool stops
        pool.stop()
    # Then the handler ran in a worker with the function's environment, its errors shaped as Lambda's
    assert result.json() == {"env": "ni hao", "helper": 7, "amount": 1.5, "name": "fn-1", "remaining": True}
    assert raised.error_type == "KeyError"
    # And the zygote and the worker it forked are gone
    assert len(started) == 2
    assert [pid for pid in started if process_exists(pid)] == []
