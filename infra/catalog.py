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
    """A workflow (state machine): starts executions; the row's `workflow_actions` (StartExecution and the
    task responses or StopExecution its code calls), on that state machine and its executions only."""
    CALLBACK = "callback"
    """A workflow: the task responses and StopExecution its code calls, never StartExecution."""
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


@dataclass(frozen=True)
class QueueDelivery:
    """How bus events reach a function that has `BusRule` triggers: the rules target the function's
    inbox queue, and Lambda polls it (an event source mapping) in batches, at most `max_concurrency`
    batches at a time, so a burst waits in the queue instead of taking the account's concurrency.
    A record the function reports as failed (partial batch response) comes back after the visibility
    timeout; after `max_receive_count` receives it moves to the inbox's dead-letter queue."""

    batch_size: int = 10
    max_concurrency: int = 5
    """Lambda's `ScalingConfig.MaximumConcurrency` (2-1000): concurrent invocations from this queue."""
    max_receive_count: int = 3
    max_batching_window_s: int = 0
    """0: a batch is handed over as soon as messages are there (latency first; bursts fill batches anyway)."""

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
    main_actions: tuple[str, ...] = ()
    """The DynamoDB actions on the main table (and its indexes) the code calls, exactly: `GetItem`, `Query`,
    `PutItem`, ... A transaction needs the action of each item (`Delete` → `DeleteItem`). The infra tests
    derive them from the function's code and fail on any extra or missing one."""
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
    workflow_actions: tuple[str, ...] = ()
    """The Step Functions actions the code calls on the state machine the row names (`StartExecution`,
    `SendTaskSuccess`, `SendTaskFailure` on the machine; `StopExecution` on its executions), exactly."""
    archive: Access = Access.NONE
    """Write-once audit archive bucket: NONE | APPEND (PutObject only)."""
    memory_mb: int = 512
    timeout_s: int = 10
    triggers: tuple[Trigger, ...] = ()
    """Async triggers. API routes are not listed here: they come from `contract.ROUTES`."""
    handler: str = "handler.lambda_handler"
    code_dir: str | None = None
    """Folder of the function's code, relative to the repository root; default `functions/<name>`."""
    delivery: QueueDelivery = QueueDelivery()
    """Batching and concurrency of the inbox queue (only for rows with `BusRule` triggers)."""
    reserved_concurrency: int | None = None
    """Concurrency reserved for this function (API functions): bus and schedule work cannot starve it,
    and it cannot starve them. Off with the `reserved_concurrency=false` context (small accounts)."""

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
        """Invoked asynchronously (by Scheduler): needs an on-failure DLQ. (Bus events arrive through the
        inbox queue, whose poller invokes synchronously; a pipe too; both keep their own DLQ.)"""
        return bool(self.schedules)

    @property
    def is_queue_fed(self) -> bool:
        """Fed by the bus through its inbox queue (`QueueDelivery`)."""
        return bool(self.bus_rules)


FUNCTIONS: Final[tuple[FunctionSpec, ...]] = (
    FunctionSpec("registry", "Enterprise registry: register enterprises, read full records, verify audit chains",
                 main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.READ,
                 main_actions=("GetItem", "PutItem", "Query"), reserved_concurrency=20),
    FunctionSpec("ingestion", "Report ingestion: credit events, declaration volumes, personnel, annual reports",
                 main=Access.READWRITE, idempotency=Access.READWRITE, outbox=Access.APPEND,
                 reserved_concurrency=100,
                 main_actions=("BatchGetItem", "GetItem", "PutItem")),
    FunctionSpec("evaluation", "Tier evaluation: runs the rule pack, records decisions, emits TierChanged",
                 main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=60,
                 triggers=(BusRule(("CreditFactsRecorded", "ReevaluationRequested")),),
                 main_actions=("GetItem", "PutItem", "Query", "UpdateItem"),
                 delivery=QueueDelivery(max_concurrency=50)),
    FunctionSpec("arrears_watch", "Re-evaluates enterprises whose unpaid tax/fine crosses its threshold",
                 main=Access.READWRITE, outbox=Access.APPEND, timeout_s=300, triggers=(SCHEDULES["arrears-watch"],),
                 main_actions=("Query", "UpdateItem")),
    FunctionSpec("disclosure_expiry", "Ends disclosures whose maximum period has passed (EXPIRED)",
                 main=Access.READWRITE, outbox=Access.APPEND, timeout_s=300,
                 triggers=(SCHEDULES["disclosure-expiry"],),
                 main_actions=("Query", "UpdateItem")),
    FunctionSpec("clean_period_upgrades", "Automatic upgrades after the clean period (re-evaluation requests)",
                 main=Access.READWRITE, outbox=Access.APPEND, timeout_s=300,
                 triggers=(SCHEDULES["clean-period-upgrades"],), main_actions=("Query", "UpdateItem")),
    FunctionSpec("annual_report_overdue", "Marks enterprises that have not filed last year's annual report",
                 main=Access.READWRITE, timeout_s=300, triggers=(SCHEDULES["annual-report-overdue"],),
                 main_actions=("GetItem", "PutItem", "Query")),
    FunctionSpec("case_deadlines", "Marks cases past their deadline overdue (DeadlineMissed once per deadline)",
                 main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=300,
                 triggers=(SCHEDULES["case-deadlines"],), main_actions=("DeleteItem", "GetItem", "PutItem", "Query")),
    FunctionSpec("recertification_due", "Opens due re-certification cases (ACE 5-yearly, CE by its yearly "
                 "assessment) and starts their executions", main=Access.READWRITE, audit=Access.APPEND,
                 workflow=Access.OPERATE, timeout_s=300, triggers=(SCHEDULES["recertification-due"],),
                 main_actions=("GetItem", "PutItem", "Query", "UpdateItem"), workflow_actions=("StartExecution",)),
    FunctionSpec("credit_views", "Public credit views (point-in-time)", main=Access.READ, reserved_concurrency=200,
                 main_actions=("GetItem", "Query")),
    FunctionSpec("restorations", "Restoration and upgrade applications: receipt, reads, officer decisions",
                 main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND,
                 reserved_concurrency=20, main_actions=("BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query")),
    FunctionSpec("restoration_review", "Reviews restoration and upgrade applications (Arts 29-30, 36-40)",
                 main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=60,
                 triggers=(BusRule(("RestorationReceived",)),),
                 main_actions=("DeleteItem", "GetItem", "PutItem", "Query")),
    FunctionSpec("certifications", "Certification cases: applications, reads, officers' steps, withdrawal, the "
                 "certifiers' roster", main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.APPEND,
                 outbox=Access.APPEND, workflow=Access.OPERATE, reserved_concurrency=20,
                 main_actions=("DeleteItem", "GetItem", "PutItem", "Query"),
                 workflow_actions=("SendTaskSuccess", "StartExecution", "StopExecution")),
    FunctionSpec("certification_steps", "Steps of the certification state machine; terminates open cases when "
                 "the enterprise becomes DISCREDITED/SD", main=Access.READWRITE, audit=Access.APPEND,
                 outbox=Access.APPEND, workflow=Access.CALLBACK, timeout_s=60, triggers=(BusRule(("TierChanged",)),),
                 main_actions=("DeleteItem", "GetItem", "PutItem", "Query"),
                 workflow_actions=("SendTaskSuccess", "StopExecution")),
    FunctionSpec("objections", "Objections (Art 39): filing, reads, the officer's decision",
                 main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.APPEND,
                 objection_workflow=Access.OPERATE, reserved_concurrency=20,
                 main_actions=("DeleteItem", "GetItem", "PutItem", "Query"),
                 workflow_actions=("SendTaskSuccess", "StartExecution")),
    FunctionSpec("objection_steps", "Steps of the objection state machine: apply the outcome, re-evaluate, notify",
                 main=Access.READWRITE, audit=Access.APPEND, outbox=Access.APPEND, timeout_s=60,
                 # SendTaskSuccess: a review wait run again on a decided objection completes at once
                 objection_workflow=Access.CALLBACK, workflow_actions=("SendTaskSuccess",),
                 # BatchGetItem: a re-decided restoration whose guard is held names the holders (Art 39)
                 main_actions=("BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem")),
    FunctionSpec("docs", "OpenAPI document and Swagger UI", memory_mb=256, reserved_concurrency=5),
    FunctionSpec("authorizer", "The API's token authorizer: OIDC access tokens from the configured issuers",
                 memory_mb=256, timeout_s=10, reserved_concurrency=20),
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


ACCOUNT_CONCURRENCY: Final = 1000
"""Lambda's default concurrency quota per account and region."""
UNRESERVED_MINIMUM: Final = 100
"""Lambda keeps at least this much unreserved: reservations beyond quota minus this fail the deploy."""


def validate(functions: tuple[FunctionSpec, ...]) -> None:
    """Fail synthesis on a catalog that cannot be right: duplicate names, a route whose function
    is missing, an access level a resource does not have, a schedule not in `SCHEDULES` or
    used twice, an API function without reserved concurrency, or reservations and queue
    concurrency that do not fit the default account quota."""
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
        _validate_actions(spec)
    _validate_concurrency(functions)


MAIN_READ_ACTIONS: Final = frozenset({"GetItem", "Query", "BatchGetItem", "Scan", "ConditionCheckItem"})
WORKFLOW_ACTIONS: Final = frozenset({"StartExecution", "SendTaskSuccess", "SendTaskFailure", "StopExecution"})


def _validate_actions(spec: FunctionSpec) -> None:
    actions = set(spec.main_actions)
    if (spec.main == Access.NONE) != (not actions):
        raise ValueError(f"{spec.name}: main_actions are listed exactly when the row names the main table")
    if spec.main == Access.READ and not actions <= MAIN_READ_ACTIONS:
        raise ValueError(f"{spec.name}: main=READ cannot {sorted(actions - MAIN_READ_ACTIONS)}")
    flows = set(spec.workflow_actions)
    levels = {spec.workflow, spec.objection_workflow} - {Access.NONE}
    if not flows <= WORKFLOW_ACTIONS or bool(flows) != bool(levels):
        raise ValueError(f"{spec.name}: workflow_actions must be Step Functions task/execution actions, listed "
                         "exactly when the row names a workflow")
    if ("StartExecution" in flows) != (Access.OPERATE in levels):
        raise ValueError(f"{spec.name}: StartExecution is what OPERATE means (CALLBACK never starts executions)")


def _validate_concurrency(functions: tuple[FunctionSpec, ...]) -> None:
    api_functions = {r.function for r in ROUTES}
    unreserved = sorted(s.name for s in functions if s.name in api_functions and not s.reserved_concurrency)
    if unreserved:
        raise ValueError(f"API functions need reserved_concurrency (a burst of bus work must not starve them): "
                         f"{unreserved}")
    reserved = sum(s.reserved_concurrency or 0 for s in functions)
    queued = sum(s.delivery.max_concurrency for s in functions if s.is_queue_fed)
    if reserved + queued > ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM:
        raise ValueError(f"reserved concurrency ({reserved}) plus the inbox queues' maximum concurrency "
                         f"({queued}) exceed the default quota {ACCOUNT_CONCURRENCY} minus {UNRESERVED_MINIMUM}")
    for spec in functions:
        if spec.is_queue_fed and not 2 <= spec.delivery.max_concurrency <= 1000:
            raise ValueError(f"{spec.name}: Lambda's maximum concurrency for SQS is 2-1000")
