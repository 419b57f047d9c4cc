"""The operators' view of Step Functions executions, read through the Step Functions API of the
emulator (the same calls the AWS CLI makes): status, the case and enterprise an execution is
about, how long it has run, what it waits for (the waiting `.waitForTaskToken` state, i.e. which
officer action, and until which deadline), its history and the states it visited. Generic: it
knows nothing about a particular state machine beyond the execution-name convention
(`cert-<uscc>-<case>`, `recert-<uscc>-<cycle>`, `objection-<uscc>-<id>`) and the deadline fields
`decide_by`/`review_by` it looks for in the data. HTML lives in `console_pages.py`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from local.asl_graph import path_of
from shared.domain.clock import china_date

MAX_PER_MACHINE = 1000
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
DEADLINE_FIELDS = ("decide_by", "review_by")
_NAME = re.compile(r"^(?P<kind>cert|recert|objection)-(?P<uscc>[0-9A-Z]{18})-(?P<rest>.+)$")
_ID_FIELDS = {"cert": "case_id", "recert": "cycle", "objection": "objection_id"}
_CASE_PREFIX = {"cert": "CERT", "recert": "RECERT", "objection": "OBJ"}
"""The case id an execution name stands for: `cert-<uscc>-001` runs case `CERT-<uscc>-001`."""
SubjectDeadline = Callable[[dict[str, Any]], "tuple[str, Any, bool] | None"]
"""(field, deadline, overdue) of the case an execution is about, read from the case (optional)."""


class UnknownExecution(LookupError):
    pass


class ExecutionsView:
    def __init__(self, client: Callable[[str], Any], now: Callable[[], datetime] | None = None,
                 subject_deadline: SubjectDeadline | None = None) -> None:
        self.client = client
        self.now = now or (lambda: datetime.now(UTC))
        """The runtime's clock, for deadlines (execution timestamps stay on the wall clock)."""
        self.subject_deadline = subject_deadline
        """Statutory deadlines are data on the case (they move with suspensions and extensions): when set,
        the deadline read from the case prevails over a `decide_by`/`review_by` found in the execution data."""

    def state_machines(self) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        return [{"name": m["name"], "arn": m["stateMachineArn"], "type": m.get("type")}
                for m in sfn.list_state_machines().get("stateMachines", [])]

    def executions(self, status: str | None = None, state_machine: str | None = None) -> list[dict[str, Any]]:
        """Every execution (newest first), optionally of one status and one state machine (name or ARN)."""
        sfn = self.client("stepfunctions")
        items: list[dict[str, Any]] = []
        for machine in sfn.list_state_machines().get("stateMachines", []):
            if state_machine and state_machine not in {machine["name"], machine["stateMachineArn"]}:
                continue
            kwargs: dict[str, Any] = {"stateMachineArn": machine["stateMachineArn"], "maxResults": MAX_PER_MACHINE}
            if status:
                kwargs["statusFilter"] = status
            definition: dict[str, Any] | None = None
            for execution in sfn.list_executions(**kwargs).get("executions", []):
                item = _summary(execution, machine["name"], machine["stateMachineArn"])
                needs_input = item["status"] == "RUNNING" or item["case_id"] is None
                execution_input: Any = None
                if needs_input:
                    execution_input = _json(sfn.describe_execution(executionArn=item["execution_arn"]).get("input"))
                    item.update(_subject(item["name"], execution_input))
                if item["status"] == "RUNNING":
                    if definition is None:
                        definition = _definition(sfn, machine["stateMachineArn"])
                    events = self._history(sfn, item["execution_arn"])
                    item.update(self._waiting(definition, events, execution_input, item))
                items.append(item)
        items.sort(key=lambda e: e["start_date"] or "", reverse=True)
        return items

    def detail(self, arn: str) -> dict[str, Any]:
        sfn = self.client("stepfunctions")
        try:
            execution = sfn.describe_execution(executionArn=arn)
        except sfn.exceptions.ExecutionDoesNotExist as exc:
            raise UnknownExecution(arn) from exc
        except Exception as exc:  # malformed ARNs are a validation error in the API
            if "Invalid" in type(exc).__name__ or "Validation" in type(exc).__name__:
                raise UnknownExecution(arn) from exc
            raise
        events = self._history(sfn, arn)
        definition = _definition(sfn, execution["stateMachineArn"])
        status = execution["status"]
        execution_input = _json(execution.get("input"))
        path = path_of(events, status, set(definition.get("States", {})))
        start, stop = _iso(execution.get("startDate")), _iso(execution.get("stopDate"))
        body: dict[str, Any] = {
            "execution_arn": execution["executionArn"],
            "name": execution.get("name"),
            "state_machine": str(execution.get("stateMachineArn", "")).rsplit(":", 1)[-1],
            "state_machine_arn": execution.get("stateMachineArn"),
            "status": status,
            "start_date": start,
            "stop_date": stop,
            "duration_seconds": _duration(execution.get("startDate"), execution.get("stopDate")),
            **_subject(str(execution.get("name") or ""), execution_input),
            "input": execution_input,
            "output": _json(execution.get("output")),
            "error": execution.get("error"),
            "cause": execution.get("cause"),
            "waiting_for_callback": _waiting_callbacks(events) if status == "RUNNING" else [],
            "visited_states": sorted(path.visited),
            "failed_states": sorted(path.failed),
            "definition": definition,
            "history": events,
        }
        if status == "RUNNING":
            body.update(self._waiting(definition, events, execution_input, body))
        else:
            body.update({"current_states": [], "waiting_for": None})
        return body

    # --- what a running execution waits for ----------------------------------------------------
    @staticmethod
    def _history(sfn: Any, arn: str) -> list[dict[str, Any]]:
        return [_event(e) for e in sfn.get_execution_history(executionArn=arn, maxResults=1000).get("events", [])]

    def _waiting(self, definition: dict[str, Any], events: list[dict[str, Any]],
                 execution_input: Any, subject: dict[str, Any] | None = None) -> dict[str, Any]:
        states = definition.get("States", {})
        current = _open_states(events, set(states))
        waiting = None
        for name in reversed(current):
            if str(states.get(name, {}).get("Resource", "")).endswith(".waitForTaskToken"):
                entered = _entered(events, name)
                parameters = next((e["details"].get("parameters") for e in reversed(events)
                                   if e["type"] == "TaskScheduled"), None)
                found = _deadline(parameters) or _deadline(entered.get("input")) or _deadline(execution_input)
                overdue = self._overdue(found[1]) if found else False
                on_case = self._on_case(subject)
                if on_case is not None:
                    found, overdue = on_case[:2], on_case[2]
                waiting = {"state": name, "since": entered.get("timestamp"), "callback": True,
                           "deadline": found[1] if found else None, "deadline_field": found[0] if found else None,
                           "overdue": overdue}
                break
        return {"current_states": current, "waiting_for": waiting}

    def _on_case(self, subject: dict[str, Any] | None) -> tuple[str, Any, bool] | None:
        if self.subject_deadline is None or not subject or not subject.get("case_id"):
            return None
        try:
            return self.subject_deadline(subject)
        except Exception:  # the console shows what the execution says rather than fail
            return None

    def _overdue(self, deadline: Any) -> bool:
        text = str(deadline)
        try:
            if len(text) == 10:
                return china_date(self.now()) > date.fromisoformat(text)
            instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return False
        return self.now() > (instant if instant.tzinfo else instant.replace(tzinfo=UTC))


def _summary(execution: dict[str, Any], machine_name: str, machine_arn: str) -> dict[str, Any]:
    name = str(execution["name"])
    return {
        "execution_arn": execution["executionArn"],
        "name": name,
        "state_machine": machine_name,
        "state_machine_arn": machine_arn,
        "status": execution["status"],
        "start_date": _iso(execution.get("startDate")),
        "stop_date": _iso(execution.get("stopDate")),
        "duration_seconds": _duration(execution.get("startDate"), execution.get("stopDate")),
        **_subject(name, None),
        "current_states": [],
        "waiting_for": None,
    }


def _subject(name: str, execution_input: Any) -> dict[str, Any]:
    """Which case and enterprise an execution is about: from its name when it follows the
    convention, else from the input's `uscc` and `case_id`/`objection_id`/`certification_id`."""
    match = _NAME.match(name)
    found: dict[str, Any] = {"kind": None, "uscc": None, "case_id": None}
    if match:
        found["kind"] = match["kind"]
        found["uscc"] = match["uscc"]
        if match["kind"] == "recert":
            found["cycle"] = match["rest"]
        # the system's own ids: `cert-<uscc>-001` is case `CERT-<uscc>-001` (as the input says)
        named = match["rest"].isdigit() or match["kind"] == "recert"
        found["case_id"] = f"{_CASE_PREFIX[match['kind']]}-{match['uscc']}-{match['rest']}" if named else match["rest"]
    if isinstance(execution_input, dict):
        found["uscc"] = found["uscc"] or _find(execution_input, ("uscc",))
        found["case_id"] = _find(execution_input, ("case_id", "objection_id", "certification_id")) or found["case_id"]
    return found


def _find(data: Any, keys: tuple[str, ...], depth: int = 3) -> Any:
    """The first of `keys` in a JSON value, looking into nested objects up to `depth` levels."""
    if depth < 0 or not isinstance(data, dict):
        return None
    for key in keys:
        if isinstance(data.get(key), (str, int)):
            return data[key]
    for value in data.values():
        found = _find(value, keys, depth - 1)
        if found is not None:
            return found
    return None


def _deadline(data: Any) -> tuple[str, Any] | None:
    for key in DEADLINE_FIELDS:
        value = _find(data, (key,))
        if value is not None:
            return key, value
    return None


def _definition(sfn: Any, machine_arn: str) -> dict[str, Any]:
    parsed = _json(sfn.describe_state_machine(stateMachineArn=machine_arn).get("definition"))
    return parsed if isinstance(parsed, dict) else {}


def _open_states(events: list[dict[str, Any]], states: set[str]) -> list[str]:
    open_states: list[str] = []
    for event in events:
        name = event["details"].get("name")
        if name not in states:
            continue
        if event["type"].endswith("StateEntered"):
            open_states.append(name)
        elif event["type"].endswith("StateExited") and name in open_states:
            open_states.remove(name)
    return open_states


def _entered(events: list[dict[str, Any]], state: str) -> dict[str, Any]:
    for event in reversed(events):
        if event["type"].endswith("StateEntered") and event["details"].get("name") == state:
            return {"timestamp": event["timestamp"], "input": event["details"].get("input")}
    return {}


def _duration(start: Any, stop: Any) -> float | None:
    if not isinstance(start, datetime):
        return None
    end = stop if isinstance(stop, datetime) else datetime.now(UTC)  # execution times are wall-clock
    return round((end - start).total_seconds(), 3)


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return None if value is None else str(value)


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _event(raw: dict[str, Any]) -> dict[str, Any]:
    details = {k: v for k, v in raw.items() if k.endswith("EventDetails")}
    detail: dict[str, Any] = next(iter(details.values()), {})
    for key in ("input", "output", "parameters", "result"):
        if key in detail:
            detail = {**detail, key: _json(detail[key])}
    return {"id": raw.get("id"), "previous_id": raw.get("previousEventId"), "timestamp": _iso(raw.get("timestamp")),
            "type": raw.get("type"), "details": detail}


def _waiting_callbacks(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tasks scheduled with `.waitForTaskToken` whose state has not been left yet."""
    open_tasks: dict[Any, dict[str, Any]] = {}
    for event in events:
        details = event["details"]
        if event["type"] == "TaskScheduled" and str(details.get("resource", "")).endswith("waitForTaskToken"):
            open_tasks[event["id"]] = {"resource": f"{details.get('resourceType')}:{details.get('resource')}",
                                       "parameters": details.get("parameters"), "scheduled_at": event["timestamp"]}
        if event["type"] in {"TaskSucceeded", "TaskFailed", "TaskTimedOut"}:
            open_tasks.pop(_scheduled_of(events, event), None)
    return list(open_tasks.values())


def _scheduled_of(events: list[dict[str, Any]], event: dict[str, Any]) -> Any:
    by_id = {e["id"]: e for e in events}
    current = by_id.get(event["previous_id"])
    while current is not None and current["type"] != "TaskScheduled":
        current = by_id.get(current["previous_id"])
    return current["id"] if current else None
