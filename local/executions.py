"""The operators' view of Step Functions executions: status, input, output and history, read through
the Step Functions API of the emulator (the same calls the AWS CLI makes), as JSON for tools and
as a plain HTML page for people."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

MAX_PER_MACHINE = 1000


class UnknownExecution(LookupError):
    pass


class ExecutionsView:
    def __init__(self, client: Callable[[str], Any]) -> None:
        self.client = client

    def executions(self, status: str | None = None) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        items: list[dict[str, Any]] = []
        for machine in sfn.list_state_machines().get("stateMachines", []):
            kwargs: dict[str, Any] = {"stateMachineArn": machine["stateMachineArn"], "maxResults": MAX_PER_MACHINE}
            if status:
                kwargs["statusFilter"] = status
            for execution in sfn.list_executions(**kwargs).get("executions", []):
                items.append({
                    "execution_arn": execution["executionArn"],
                    "name": execution["name"],
                    "state_machine": machine["name"],
                    "state_machine_arn": machine["stateMachineArn"],
                    "status": execution["status"],
                    "start_date": _iso(execution.get("startDate")),
                    "stop_date": _iso(execution.get("stopDate")),
                })
        items.sort(key=lambda e: e["start_date"] or "", reverse=True)
        return items

    def state_machines(self) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        return [{"name": m["name"], "arn": m["stateMachineArn"], "type": m.get("type")}
                for m in sfn.list_state_machines().get("stateMachines", [])]

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
        history = sfn.get_execution_history(executionArn=arn, maxResults=1000).get("events", [])
        events = [_event(e) for e in history]
        return {
            "execution_arn": execution["executionArn"],
            "name": execution.get("name"),
            "state_machine_arn": execution.get("stateMachineArn"),
            "status": execution["status"],
            "start_date": _iso(execution.get("startDate")),
            "stop_date": _iso(execution.get("stopDate")),
            "input": _json(execution.get("input")),
            "output": _json(execution.get("output")),
            "error": execution.get("error"),
            "cause": execution.get("cause"),
            "waiting_for_callback": _waiting(events) if execution["status"] == "RUNNING" else [],
            "history": events,
        }


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


def _waiting(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


# --- HTML ---------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1b1b;max-width:80rem}
h1{font-size:1.4rem} h2{font-size:1.1rem;margin-top:2rem} table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top;font-size:.9rem}
th{background:#f3f3f3} pre{background:#f7f7f7;padding:.6rem;overflow:auto;margin:0;font-size:.8rem}
.status{font-weight:600} .RUNNING{color:#0b5cad} .SUCCEEDED{color:#1a7f37} .FAILED,.TIMED_OUT,.ABORTED{color:#b42318}
a{color:#0b5cad} .muted{color:#666;font-size:.85rem} code{font-size:.85rem}
"""


def _page(title: str, body: str, refresh: bool = False) -> str:
    meta = '<meta http-equiv="refresh" content="5">' if refresh else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}<title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def _status(status: str) -> str:
    return f'<span class="status {html.escape(status)}">{html.escape(status)}</span>'


def _pre(value: Any) -> str:
    return f"<pre>{html.escape(json.dumps(value, indent=2, ensure_ascii=False, default=str))}</pre>"


def list_html(items: list[dict[str, Any]], machines: list[dict[str, Any]]) -> str:
    rows = "".join(
        f'<tr><td><a href="/_local/executions/{html.escape(e["execution_arn"])}">{html.escape(e["name"])}</a></td>'
        f'<td>{html.escape(e["state_machine"])}</td><td>{_status(e["status"])}</td>'
        f'<td>{html.escape(e["start_date"] or "")}</td><td>{html.escape(e["stop_date"] or "")}</td></tr>'
        for e in items)
    table = (f"<table><tr><th>Execution</th><th>State machine</th><th>Status</th><th>Started</th><th>Stopped</th></tr>"
             f"{rows}</table>" if items else "<p>No executions yet.</p>")
    machine_list = "".join(f"<li><code>{html.escape(m['arn'])}</code></li>" for m in machines) or "<li>none</li>"
    body = (f"<h1>Step Functions executions</h1><p class=muted>Local runtime · refreshes every 5 s · "
            f'<a href="/_local/executions?format=json">JSON</a></p>{table}'
            f"<h2>State machines</h2><ul>{machine_list}</ul>")
    return _page("Executions", body, refresh=True)


def detail_html(detail: dict[str, Any]) -> str:
    history = "".join(
        f'<tr><td>{e["id"]}</td><td>{html.escape(e["timestamp"] or "")}</td><td>{html.escape(e["type"] or "")}</td>'
        f'<td>{_pre(e["details"]) if e["details"] else ""}</td></tr>' for e in detail["history"])
    waiting = ""
    if detail["waiting_for_callback"]:
        waiting = "<h2>Waiting for a callback</h2>" + _pre(detail["waiting_for_callback"]) + (
            "<p class=muted>Answer with <code>aws stepfunctions send-task-success --task-token ... "
            "--task-output '{}'</code> against the emulator endpoint.</p>")
    error = ""
    if detail.get("error") or detail.get("cause"):
        error = f"<h2>Error</h2>{_pre({'error': detail.get('error'), 'cause': detail.get('cause')})}"
    body = (f'<p><a href="/_local/executions">← all executions</a></p><h1>{html.escape(detail["name"] or "")}</h1>'
            f"<p>{_status(detail['status'])} · started {html.escape(detail['start_date'] or '')}"
            f"{' · stopped ' + html.escape(detail['stop_date']) if detail['stop_date'] else ''}</p>"
            f"<p class=muted><code>{html.escape(detail['execution_arn'])}</code></p>{waiting}{error}"
            f"<h2>Input</h2>{_pre(detail['input'])}<h2>Output</h2>{_pre(detail['output'])}"
            f"<h2>History</h2><table><tr><th>#</th><th>Time</th><th>Event</th><th>Details</th></tr>{history}</table>")
    return _page(detail["name"] or "Execution", body, refresh=detail["status"] == "RUNNING")
