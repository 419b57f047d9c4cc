"""`Workflows` on Step Functions: the certification state machine named by `CERTIFICATION_STATE_MACHINE_ARN`.

The ARN is built from the machine's fixed name in the template (not a reference to the resource), so
the functions the machine invokes can also hold it without a dependency cycle."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from shared.adapters.dynamodb import aws_client

_GONE = ("TaskDoesNotExist", "TaskTimedOut", "InvalidToken", "ExecutionDoesNotExist")


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


class StepFunctionsWorkflows:
    def __init__(self, state_machine_arn: str | None = None) -> None:
        self._arn = state_machine_arn

    @property
    def state_machine_arn(self) -> str:
        arn = self._arn or os.environ.get("CERTIFICATION_STATE_MACHINE_ARN")
        if not arn:
            raise RuntimeError("CERTIFICATION_STATE_MACHINE_ARN is not set for this function")
        return arn

    def execution_arn(self, name: str) -> str:
        return f"{self.state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"

    def start(self, name: str, payload: Mapping[str, Any]) -> str:
        try:
            response = aws_client("stepfunctions").start_execution(
                stateMachineArn=self.state_machine_arn, name=name, input=json.dumps(dict(payload)))
        except Exception as exc:
            if _code(exc) == "ExecutionAlreadyExists":
                return self.execution_arn(name)  # a retried start: the case runs once
            raise
        return str(response["executionArn"])

    def resume(self, token: str, output: Mapping[str, Any]) -> bool:
        try:
            aws_client("stepfunctions").send_task_success(taskToken=token, output=json.dumps(dict(output)))
        except Exception as exc:
            if _code(exc) in _GONE:
                return False
            raise
        return True

    def fail(self, token: str, error: str, cause: str) -> bool:
        try:
            aws_client("stepfunctions").send_task_failure(taskToken=token, error=error[:256], cause=cause[:32768])
        except Exception as exc:
            if _code(exc) in _GONE:
                return False
            raise
        return True

    def stop(self, execution_arn: str, cause: str) -> None:
        try:
            aws_client("stepfunctions").stop_execution(executionArn=execution_arn, cause=cause[:32768])
        except Exception as exc:
            if _code(exc) != "ExecutionDoesNotExist":
                raise
