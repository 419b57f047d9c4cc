"""Schedules fire on the runtime clock: EventBridge Scheduler schedules and Events rules with a
ScheduleExpression, as deployed in the emulator (so from the template, and also any created with
the AWS CLI afterwards).

Each schedule keeps its next fire time. A background thread wakes every second, and at once when
the clock is set. A schedule whose next fire time has passed fires once, and its next fire time is
computed from the new "now": jumping a week ahead runs a daily job once, not seven times (catch up
once). Setting the clock back only recomputes the next fire times.

Automatic firings are asynchronous, as in AWS (a Lambda target goes through the async queue with
its retries and DLQ). `run_now` (behind `POST /_local/schedules/{name}/run`) invokes the target
synchronously and reports the outcome, which is what a person or a test wants from "run it now".
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local import schedule_expressions
from local.delivery import TargetDelivery, arn_service
from local.lambdas import FunctionConfig, FunctionRunner
from local.schedule_expressions import ExpressionError
from local.target_input import target_input

log = logging.getLogger("local.schedules")

TICK_S = 1.0
RELOAD_EVERY_TICKS = 15


@dataclass
class ScheduleEntry:
    name: str
    kind: str
    """`scheduler` (EventBridge Scheduler) or `rule` (Events rule with a ScheduleExpression)."""
    arn: str
    expression: str
    timezone: str
    enabled: bool
    targets: list[dict[str, Any]]
    group: str | None = None
    description: str = ""
    parsed: schedule_expressions.Schedule | None = None
    next_fire: datetime | None = None
    last_fired: datetime | None = None
    last_outcome: dict[str, Any] | None = field(default=None)

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name, "kind": self.kind, "arn": self.arn, "expression": self.expression,
            "timezone": self.timezone, "state": "ENABLED" if self.enabled else "DISABLED",
            "description": self.description, "targets": [t.get("Arn") for t in self.targets],
            "next_fire": _iso(self.next_fire), "last_fired": _iso(self.last_fired),
            "last_outcome": self.last_outcome,
        }


def _iso(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant else None


class UnknownSchedule(LookupError):
    pass


class Scheduler:
    def __init__(self, client: Callable[[str], Any], now: Callable[[], datetime], delivery: TargetDelivery,
                 runner: FunctionRunner, lookup: Callable[[str], FunctionConfig], account: str, region: str) -> None:
        self.client = client
        self.now = now
        self.delivery = delivery
        self.runner = runner
        self.lookup = lookup
        self.account = account
        self.region = region
        self.started_at = now()
        self._entries: dict[str, ScheduleEntry] = {}
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- discovery --------------------------------------------------------------------------
    def reload(self) -> None:
        found: dict[str, ScheduleEntry] = {}
        for entry in [*self._scheduler_schedules(), *self._rule_schedules()]:
            found[entry.name] = entry
        with self._lock:
            for name, entry in found.items():
                previous = self._entries.get(name)
                if previous and previous.expression == entry.expression and previous.timezone == entry.timezone:
                    entry.parsed, entry.next_fire = previous.parsed, previous.next_fire
                    entry.last_fired, entry.last_outcome = previous.last_fired, previous.last_outcome
                else:
                    self._plan(entry)
            self._entries = found

    def _plan(self, entry: ScheduleEntry) -> None:
        try:
            entry.parsed = schedule_expressions.parse(entry.expression, entry.timezone, self.started_at)
            entry.next_fire = entry.parsed.next_after(self.now())
        except ExpressionError as exc:
            log.warning("schedule %s is not understood and will not fire: %s", entry.name, exc)
            entry.parsed, entry.next_fire = None, None

    def _scheduler_schedules(self) -> list[ScheduleEntry]:
        scheduler = self.client("scheduler")
        entries = []
        for summary in _paginate(scheduler.list_schedules, "Schedules"):
            detail = scheduler.get_schedule(Name=summary["Name"], GroupName=summary.get("GroupName") or "default")
            entries.append(ScheduleEntry(
                name=detail["Name"], kind="scheduler", arn=detail["Arn"], expression=detail["ScheduleExpression"],
                timezone=detail.get("ScheduleExpressionTimezone") or "UTC", enabled=detail.get("State") != "DISABLED",
                targets=[detail["Target"]], group=detail.get("GroupName"),
                description=detail.get("Description") or "",
            ))
        return entries

    def _rule_schedules(self) -> list[ScheduleEntry]:
        events = self.client("events")
        entries = []
        for bus in events.list_event_buses().get("EventBuses", []):
            for rule in _paginate(events.list_rules, "Rules", EventBusName=bus["Name"]):
                if not rule.get("ScheduleExpression"):
                    continue
                targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus["Name"])["Targets"]
                entries.append(ScheduleEntry(
                    name=rule["Name"], kind="rule", arn=rule["Arn"], expression=rule["ScheduleExpression"],
                    timezone="UTC", enabled=rule.get("State") != "DISABLED", targets=targets,
                    description=rule.get("Description") or "",
                ))
        return entries

    def entries(self) -> list[ScheduleEntry]:
        with self._lock:
            return sorted(self._entries.values(), key=lambda e: e.name)

    def find(self, name: str) -> ScheduleEntry:
        """By exact name, or by the name after a stack prefix (`<prefix>-arrears-watch`)."""
        with self._lock:
            if name in self._entries:
                return self._entries[name]
            candidates = [e for n, e in self._entries.items() if n.endswith("-" + name)]
        if len(candidates) == 1:
            return candidates[0]
        raise UnknownSchedule(name)

    # --- firing -----------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def clock_changed(self, before: datetime, after: datetime) -> None:
        if after < before:
            with self._lock:
                for entry in self._entries.values():
                    if entry.parsed is not None:
                        entry.next_fire = entry.parsed.next_after(after)
        self._wake.set()

    def _loop(self) -> None:
        ticks = 0
        while not self._stopping.is_set():
            self._wake.wait(TICK_S)
            self._wake.clear()
            if self._stopping.is_set():
                return
            ticks += 1
            try:
                if ticks % RELOAD_EVERY_TICKS == 0:
                    self.reload()
                self.fire_due()
            except Exception:
                log.exception("scheduler tick failed")

    def fire_due(self) -> list[str]:
        now = self.now()
        fired = []
        with self._lock:
            due = [e for e in self._entries.values()
                   if e.enabled and e.next_fire is not None and e.next_fire <= now]
            for entry in due:
                assert entry.parsed is not None
                assert entry.next_fire is not None
                entry.last_fired = _latest_due(entry.parsed, entry.next_fire, now)
                entry.next_fire = entry.parsed.next_after(now)
        for entry in due:
            log.info("schedule %s fires (due %s)", entry.name, _iso(entry.last_fired))
            entry.last_outcome = self._fire(entry, entry.last_fired or now, synchronous=False)
            fired.append(entry.name)
        return fired

    def run_now(self, name: str) -> dict[str, Any]:
        entry = self.find(name)
        now = self.now()
        outcome = self._fire(entry, now, synchronous=True)
        entry.last_outcome = outcome
        return {"schedule": entry.name, "kind": entry.kind, "scheduled_time": _iso(now), **outcome}

    def _fire(self, entry: ScheduleEntry, scheduled: datetime, synchronous: bool) -> dict[str, Any]:
        results = []
        for target in entry.targets:
            arn = str(target.get("Arn", ""))
            try:
                payload = self._payload(entry, target, scheduled)
                results.append(self._deliver(entry, target, arn, payload, synchronous))
            except Exception as exc:
                log.warning("schedule %s could not deliver to %s: %s", entry.name, arn, exc)
                results.append({"target": arn, "status": "Failed", "error": f"{type(exc).__name__}: {exc}"})
                self._dead_letter(entry, target, scheduled, exc)
        return {"targets": results}

    def _payload(self, entry: ScheduleEntry, target: dict[str, Any], scheduled: datetime) -> str:
        if entry.kind == "scheduler":
            # Scheduler passes Input verbatim, after filling its context attributes.
            text = str(target.get("Input") or "{}")
            for key, value in {
                "<aws.scheduler.schedule-arn>": entry.arn,
                "<aws.scheduler.scheduled-time>": _iso(scheduled) or "",
                "<aws.scheduler.execution-id>": str(uuid.uuid4()),
                "<aws.scheduler.attempt-number>": "1",
            }.items():
                text = text.replace(key, value)
            return text
        event: dict[str, Any] = {
            "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": self.account, "time": _iso(scheduled), "region": self.region,
            "resources": [entry.arn], "detail": {},
        }
        return target_input(target, event, entry.arn, entry.name)

    def _deliver(self, entry: ScheduleEntry, target: dict[str, Any], arn: str, payload: str,
                 synchronous: bool) -> dict[str, Any]:
        if arn_service(arn) == "lambda" and synchronous:
            config = self.lookup(arn)
            result = self.runner.invoke(config, json.loads(payload) if payload else {})
            outcome: dict[str, Any] = {"target": arn, "status": "Failed" if result.failed else "Succeeded",
                                       "request_id": result.request_id, "duration_ms": round(result.duration_ms, 1)}
            if result.failed:
                outcome["error"] = result.json()
            else:
                outcome["result"] = result.json()
            return outcome
        if arn_service(arn) not in {"lambda", "states", "sqs"}:
            raise ValueError(f"target {arn} is not emulated (Lambda, Step Functions and SQS are)")
        reference = self.delivery.send(arn, payload, target)
        key = {"lambda": "request_id", "states": "execution_arn", "sqs": "message_id"}[arn_service(arn)]
        return {"target": arn, "status": "Started" if arn_service(arn) == "states" else "Queued", key: reference}

    def _dead_letter(self, entry: ScheduleEntry, target: dict[str, Any], scheduled: datetime, exc: Exception) -> None:
        dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
        if not dlq:
            return
        try:
            body = json.dumps({"schedule": entry.arn, "scheduled_time": _iso(scheduled), "input": target.get("Input")})
            self.delivery.send_to_queue(dlq, body.encode(), {
                "X-Amz-Scheduler-Schedule-Arn": entry.arn, "X-Amz-Scheduler-Error-Code": type(exc).__name__,
                "X-Amz-Scheduler-Error-Message": str(exc)[:1024]})
        except Exception:
            log.exception("could not park a failed firing of %s in %s", entry.name, dlq)


def _latest_due(parsed: schedule_expressions.Schedule, first_due: datetime, now: datetime) -> datetime:
    """The most recent occurrence at or before `now`: the one a catch-up firing stands for."""
    due = first_due
    for _ in range(10_000):  # a minutely rate over a week; beyond that, the last one reached
        following = parsed.next_after(due)
        if following is None or following > now:
            break
        due = following
    return due


def _paginate(method: Callable[..., Any], key: str, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        response = method(**kwargs, **({"NextToken": token} if token else {}))
        items.extend(response.get(key, []))
        token = response.get("NextToken")
        if not token:
            return items

