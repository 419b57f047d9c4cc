"""The function catalog: every Lambda function of the system as one row of data.

The constructs read this table and nothing else to decide which functions exist, what each may
touch and what starts it. Adding a function is adding one `FunctionSpec` row (plus its
`functions/<name>/handler.py`); its routes come from `shared.api.contract.ROUTES`, its async
triggers (bus rules, schedules) are listed on the row.

    FunctionSpec(
        "arrears_watch",
        "Re-evaluates enterprises whose unpaid tax/fine crosses its threshold",
        main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=60,
        triggers=(SCHEDULES["arrears-watch"],),
    )
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from infra.outputs import camel
from shared.api.contract import ROUTES

EVENT_SOURCE: Final = "customs.credit"
"""`source` of every event the system publishes on the `credit` bus."""

SCHEDULE_TIMEZONE: Final = "Asia/Shanghai"


class Access(StrEnum):
    """What a function may do with one data resource. Each value maps to one `grant_*` call."""

    NONE = "none"
    READ = "read"
    READWRITE = "readwrite"
    APPEND = "append"
    """Audit table: PutItem (new items; no update, no delete). Archive bucket: PutObject. Nothing else."""
    PUT = "put"
    """Event bus only: events:PutEvents."""
    OPERATE = "operate"
    """A workflow (state machine): StartExecution, StopExecution and the task responses (SendTaskSuccess,
    SendTaskFailure), on that state machine and its executions only."""
    CALLBACK = "callback"
    """A workflow: the task responses and StopExecution only (no new executions)."""
    RELAY = "relay"
    """Outbox table: mark items delivered (UpdateItem) and read the undelivered index (Query). Its stream
    reaches the function through the pipe, whose role reads it."""


CERTIFICATION_WORKFLOW: Final = "certification"
"""Name of the certification state machine. Fixed, so the functions that drive it hold its ARN without
referring to the resource (the machine invokes one of them: a reference would be a cycle)."""

OBJECTION_WORKFLOW: Final = "objection"
"""Name of the objection state machine (Art 39); fixed for the same reason."""


@dataclass(frozen=True)
class BusRule:
    """Invoke the function for events of these detail types on the `credit` bus."""

    detail_types: tuple[str, ...]
    source: str = EVENT_SOURCE

    @property
    def id(self) -> str:
        return "On" + "".join(self.detail_types)


@dataclass(frozen=True)
class Schedule:
    """An EventBridge Scheduler schedule. `cron` is the six-field AWS form (minutes hours
    day-of-month month day-of-week year), evaluated in `tz`."""

    name: str
    cron: str
    description: str
    tz: str = SCHEDULE_TIMEZONE

    @property
    def expression(self) -> str:
        return f"cron({self.cron})"

    @property
    def id(self) -> str:
        return "Schedule" + camel(self.name)


@dataclass(frozen=True)
class AuditStream:
    """New entries on the audit table's stream, delivered in batches by an EventBridge Pipe (which
    retries a failed batch, then parks its description in a DLQ)."""

    batch_size: int = 10

    @property
    def id(self) -> str:
        return "OnAuditStream"


@dataclass(frozen=True)
class OutboxStream:
    """New items of the outbox table (events written with state changes), delivered in stream order by
    an EventBridge Pipe that retries, bisects a failing batch and parks it in a DLQ."""

    batch_size: int = 10

    @property
    def id(self) -> str:
        return "OnOutboxStream"


Trigger = BusRule | Schedule | AuditStream | OutboxStream

SCHEDULES: Final[dict[str, Schedule]] = {
    s.name: s
    for s in (
        Schedule("disclosure-expiry", "10 0 * * ? *", "Ends disclosures whose maximum period has passed"),
        Schedule("arrears-watch", "20 0 * * ? *",
                 "Re-evaluates enterprises whose unpaid tax/fine crosses its threshold"),
        Schedule("clean-period-upgrades", "30 0 * * ? *", "Automatic upgrades after the clean period"),
        Schedule("recertification-due", "0 1 * * ? *",
                 "Starts ACE 5-year re-certification and CE assessment-triggered cases"),
        Schedule("annual-report-overdue", "5 0 1 7 ? *",
                 "Marks enterprises that have not filed last year's annual report"),
        Schedule("case-deadlines", "40 0 * * ? *",
                 "Marks cases past their deadline overdue and emits DeadlineMissed once per case and deadline"),
    )
}
"""The system's schedules (Asia/Shanghai), by name: the only schedules a function row may refer to."""


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    """Function name in the catalog, the contract's `Route.function`, and the code folder."""
    description: str
    main: Access = Access.NONE
    """Main table: NONE | READ | READWRITE."""
    idempotency: Access = Access.NONE
    """Powertools idempotency table: NONE | READWRITE."""
    audit: Access = Access.NONE
    """Audit table: NONE | READ (Query, GetItem: chain verification) | APPEND."""
    bus: Access = Access.NONE
    """`credit` event bus: NONE | PUT (only the outbox relay: everyone else announces through the outbox)."""
    outbox: Access = Access.NONE
    """Outbox table: NONE | APPEND (PutItem: events written in the state change's transaction) | RELAY."""
    workflow: Access = Access.NONE
    """The certification state machine: NONE | OPERATE | CALLBACK."""
    objection_workflow: Access = Access.NONE
    """The objection state machine: NONE | OPERATE | CALLBACK."""
    archive: Access = Access.NONE
    """Write-once audit archive bucket: NONE | APPEND (PutObject only)."""
    memory_mb: int = 512
    timeout_s: int = 10
    triggers: tuple[Trigger, ...] = ()
    """Async triggers. API routes are not listed here: they come from `contract.ROUTES`."""
    handler: str = "handler.lambda_handler"
    code_dir: str | None = None
    """Folder of the function's code, relative to the repository root; default `functions/<name>`."""

    @property
    def code_path(self) -> str:
        return self.code_dir or f"functions/{self.name}"

    @property
    def schedules(self) -> tuple[Schedule, ...]:
        return tuple(t for t in self.triggers if isinstance(t, Schedule))

    @property
    def bus_rules(self) -> tuple[BusRule, ...]:
        return tuple(t for t in self.triggers if isinstance(t, BusRule))

    @property
    def audit_stream(self) -> AuditStream | None:
        return next((t for t in self.triggers if isinstance(t, AuditStream)), None)

    @property
    def outbox_stream(self) -> OutboxStream | None:
        return next((t for t in self.triggers if isinstance(t, OutboxStream)), None)

    @property
    def is_async_target(self) -> bool:
        """Invoked asynchronously (by EventBridge or Scheduler): needs an on-failure DLQ. (A pipe
        invokes synchronously and keeps its own retries and DLQ.)"""
        return bool(self.bus_rules or self.schedules)


FUNCTIONS: Final[tuple[FunctionSpec, ...]] = (
    FunctionSpec("registry", "Enterprise registry: register enterprises, read full records, verify audit chains",
                 main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.READ),
    FunctionSpec("ingestion", "Report ingestion: credit events, declaration volumes, personnel, annual reports",
                 main=Access.READWRITE, idempotency=Access.READWRITE, outbox=Access.APPEND),
    FunctionSpec("evaluation", "Tier evaluation: runs the rule pack, records decisions, emits TierChanged",
                 main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=60,
                 triggers=(BusRule(("CreditFactsRecorded", "ReevaluationRequested")),)),
    FunctionSpec("arrears_watch", "Re-evaluates enterprises whose unpaid tax/fine crosses its threshold",
                 main=Access.READWRITE, outbox=Access.APPEND, timeout_s=300, triggers=(SCHEDULES["arrears-watch"],)),
    FunctionSpec("disclosure_expiry", "Ends disclosures whose maximum period has passed (EXPIRED)",
                 main=Access.READWRITE, outbox=Access.APPEND, timeout_s=300,
                 triggers=(SCHEDULES["disclosure-expiry"],)),
    FunctionSpec("clean_period_upgrades", "Automatic upgrades after the clean period (re-evaluation requests)",
                 main=Access.READWRITE, outbox=Access.APPEND, timeout_s=300,
                 triggers=(SCHEDULES["clean-period-upgrades"],)),
    FunctionSpec("annual_report_overdue", "Marks enterprises that have not filed last year's annual report",
                 main=Access.READWRITE, timeout_s=300, triggers=(SCHEDULES["annual-report-overdue"],)),
    FunctionSpec("case_deadlines", "Marks cases past their deadline overdue (DeadlineMissed once per deadline)",
                 main=Access.READWRITE, outbox=Access.APPEND, timeout_s=300, triggers=(SCHEDULES["case-deadlines"],)),
    FunctionSpec("credit_views", "Public credit views (point-in-time)", main=Access.READ),
    FunctionSpec("restorations", "Restoration and upgrade applications: receipt, reads, officer decisions",
                 main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND),
    FunctionSpec("restoration_review", "Reviews restoration and upgrade applications (Arts 29-30, 36-40)",
                 main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=60,
                 triggers=(BusRule(("RestorationReceived",)),)),
    FunctionSpec("certifications", "Certification cases: applications, reads, officers' steps, withdrawal, the "
                 "certifiers' roster", main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.APPEND,
                 outbox=Access.APPEND, workflow=Access.OPERATE),
    FunctionSpec("certification_steps", "Steps of the certification state machine; terminates open cases when "
                 "the enterprise becomes DISCREDITED/SD", main=Access.READWRITE, audit=Access.APPEND,
                 outbox=Access.APPEND, workflow=Access.CALLBACK, timeout_s=60, triggers=(BusRule(("TierChanged",)),)),
    FunctionSpec("objections", "Objections (Art 39): filing, reads, the officer's decision",
                 main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.APPEND,
                 objection_workflow=Access.OPERATE),
    FunctionSpec("objection_steps", "Steps of the objection state machine: apply the outcome, re-evaluate, notify",
                 main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=60),
    FunctionSpec("docs", "OpenAPI document and Swagger UI", memory_mb=256),
    FunctionSpec("outbox_relay", "Delivers the events written with state changes (the outbox) to the credit bus",
                 bus=Access.PUT, outbox=Access.RELAY, memory_mb=256, timeout_s=60, triggers=(OutboxStream(),)),
    FunctionSpec("audit_archive", "Copies new audit entries to the write-once (S3 Object Lock) archive",
                 archive=Access.APPEND, memory_mb=256, timeout_s=60, triggers=(AuditStream(),)),
)

_ALLOWED: Final[dict[str, frozenset[Access]]] = {
    "main": frozenset({Access.NONE, Access.READ, Access.READWRITE}),
    "idempotency": frozenset({Access.NONE, Access.READWRITE}),
    "audit": frozenset({Access.NONE, Access.READ, Access.APPEND}),
    "bus": frozenset({Access.NONE, Access.PUT}),
    "outbox": frozenset({Access.NONE, Access.APPEND, Access.RELAY}),
    "workflow": frozenset({Access.NONE, Access.OPERATE, Access.CALLBACK}),
    "objection_workflow": frozenset({Access.NONE, Access.OPERATE, Access.CALLBACK}),
    "archive": frozenset({Access.NONE, Access.APPEND}),
}


def validate(functions: tuple[FunctionSpec, ...]) -> None:
    """Fail synthesis on a catalog that cannot be right: duplicate names, a route whose function
    is missing, an access level a resource does not have, a schedule not in `SCHEDULES` or
    used twice."""
    names = [f.name for f in functions]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"function catalog lists these names twice: {duplicates}")
    missing = sorted({r.function for r in ROUTES} - set(names))
    if missing:
        raise ValueError(f"contract.ROUTES names functions missing from infra/catalog.py: {missing}")
    seen_schedules: set[str] = set()
    for spec in functions:
        for resource, allowed in _ALLOWED.items():
            level = getattr(spec, resource)
            if level not in allowed:
                raise ValueError(f"{spec.name}: {resource} access {level!r} is not one of {sorted(allowed)}")
        for schedule in spec.schedules:
            if SCHEDULES.get(schedule.name) != schedule:
                raise ValueError(f"{spec.name}: schedule {schedule.name!r} is unknown (use SCHEDULES[...])")
            if schedule.name in seen_schedules:
                raise ValueError(f"schedule {schedule.name!r} targets more than one function")
            seen_schedules.add(schedule.name)
