"""Executions lost with a restart, started again: Step Functions executions live in the emulator's
memory (an execution is its interpreter's threads: it cannot be saved), while the cases they drive are
kept with the tables. So at start, once the tables are loaded, every certification case and objection
whose workflow had not finished gets its execution started again, under the same deterministic name
and with the same input the API or the schedule started it with (`execution_input`).

Started again, an execution runs from the start: each step reads the case and does only what is still
to do (the steps are idempotent, as Lambda's at-least-once invocations need anyway); a waiting step
whose officer action the case already records completes at once, one still waiting stores its new
task token (the officer's call then resumes the new execution).

Not finished: a certification case still open, or decided (APPROVED/REJECTED) with its outcome not
yet published; an objection not yet published (under review, or decided with its notification still
to go). Not started again: a case whose workflow recorded a `failure` (its execution ended FAILED:
running it again is an operator's redrive, not a resumption), closed ones (withdrawn, terminated: their
execution was stopped), and any whose execution the emulator still has.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from shared.adapters import keys
from shared.adapters.dynamodb import from_item, to_item
from shared.domain.certification.case import CaseStatus
from shared.domain.objection import ObjectionStatus
from shared.usecases.certification.common import execution_input as case_input
from shared.usecases.objections.common import execution_input as objection_input

log = logging.getLogger("local.recovery")

CERTIFICATION, OBJECTION = "certification", "objection"
_PREFIXES = {CERTIFICATION: keys.certification_sk(""), OBJECTION: keys.objection_sk("")}
_DECIDED = frozenset({CaseStatus.APPROVED.value, CaseStatus.REJECTED.value})


def unfinished(kind: str, item: Mapping[str, Any]) -> dict[str, str] | None:
    """The input to start the item's execution with again, or None when its workflow has finished."""
    if item.get("failure") or not item.get("execution_name"):
        return None
    if kind == CERTIFICATION:
        status = str(item["status"])
        if CaseStatus(status).is_open or (status in _DECIDED and not item.get("published")):
            return case_input(item)
        return None
    if item.get("published"):
        return None
    ObjectionStatus(str(item["status"]))  # an unknown status is a stored item this code cannot resume
    return objection_input(item)


def resume_lost_executions(client: Callable[[str], Any], main_table: str,
                           machines: Mapping[str, str]) -> list[str]:
    """Start the lost executions again (`machines`: kind → state machine ARN); returns their names."""
    sfn = client("stepfunctions")
    started: list[str] = []
    for kind, item in _cases_and_objections(client("dynamodb"), main_table):
        machine = machines.get(kind)
        execution_input = unfinished(kind, item)
        if machine is None or execution_input is None:
            continue
        name = str(item["execution_name"])
        arn = f"{machine.replace(':stateMachine:', ':execution:', 1)}:{name}"
        try:
            sfn.describe_execution(executionArn=arn)
            continue  # still there (this process started it)
        except sfn.exceptions.ExecutionDoesNotExist:
            pass
        try:
            sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(execution_input))
        except sfn.exceptions.ExecutionAlreadyExists:
            continue
        started.append(name)
    if started:
        log.info("started again %d executions lost with the last stop: %s", len(started), ", ".join(started))
    return started


def _cases_and_objections(dynamodb: Any, table: str) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "begins_with(sk, :case) OR begins_with(sk, :objection)",
        "ExpressionAttributeValues": to_item({":case": _PREFIXES[CERTIFICATION], ":objection": _PREFIXES[OBJECTION]}),
    }
    while True:
        page = dynamodb.scan(**kwargs)
        for raw in page.get("Items", []):
            item = from_item(raw)
            kind = CERTIFICATION if str(item["sk"]).startswith(_PREFIXES[CERTIFICATION]) else OBJECTION
            found.append((kind, item))
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
