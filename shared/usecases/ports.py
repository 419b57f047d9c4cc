"""The ports every use case is given, bundled in one `Stores`: one store per aggregate and the event
bus. The DynamoDB/EventBridge adapters (`shared.adapters.stores.dynamodb_stores`) implement them for
the handlers; tests pass in-memory or fault-injecting ones (tests/support/memory_stores.py).

Stores raise domain errors: `Conflict` when a condition failed (a concurrent write won),
`EnterpriseAlreadyExists` when a registration's key is taken.

Every write that reports a change to other parts of the system takes `outbox`: the bus events it
announces (`shared.domain.outbox`), written in the same transaction as the change, so they exist
exactly when the change does. Use cases never publish on the bus themselves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from shared.domain.enterprise_profile import Enterprise
    from shared.domain.outbox import BusEvent
    from shared.usecases.credit_file import EnterpriseItems, EvaluationCommit, NewEvent, StoredEventId

Page = tuple[list[dict[str, Any]], dict[str, Any] | None]
"""One page of items and the opaque key to continue from (None: last page)."""


class FilingKind(StrEnum):
    DECLARATION_VOLUME = "DECLARATION_VOLUME"
    PERSON = "PERSON"
    ANNUAL_REPORT = "ANNUAL_REPORT"


class EnterpriseStore(Protocol):
    """The enterprise profile and credit state, versioned."""

    def get(self, uscc: str) -> Enterprise | None: ...
    def create(self, enterprise: Enterprise) -> Enterprise: ...  # EnterpriseAlreadyExists when taken
    def replace(self, enterprise: Enterprise, expected_version: int) -> Enterprise: ...  # Conflict
    def public_list(self, name: str, limit: int, start: dict[str, Any] | None) -> Page: ...


class CreditFileStore(Protocol):
    """An enterprise's credit file: its events (with the global event-id guards), the facts filed
    under it, its decisions and record classifications."""

    def load(self, uscc: str) -> EnterpriseItems: ...
    def taken_event_ids(self, event_ids: Iterable[str],
                        usccs: Iterable[str]) -> tuple[dict[str, StoredEventId], set[str]]:
        """The event ids already taken, and which of `usccs` are under management (one round trip)."""
        ...
    def add_events(self, events: Sequence[NewEvent], received_at: str,
                   new_enterprises: Sequence[Enterprise] = (), outbox: Sequence[BusEvent] = ()) -> None:
        """The events, and the enterprises they place under management (Art 41), all or nothing;
        Conflict when an event id or an enterprise was taken meanwhile."""
        ...
    def commit_evaluation(self, commit: EvaluationCommit) -> None: ...  # Conflict when the version moved
    def decisions(self, uscc: str, limit: int, start: dict[str, Any] | None) -> Page: ...  # newest first


class FilingStore(Protocol):
    def create_once(self, uscc: str, kind: FilingKind, key: str, values: Mapping[str, Any], *,
                    what: str, outbox: Sequence[BusEvent] = ()) -> tuple[dict[str, Any], bool]:
        """Store `values` (with a `content_hash`) under (uscc, kind, key) unless taken. Returns (stored,
        created); same content again → (stored, False) and nothing written (its events were written
        with it); other content → Conflict with the stored one."""
        ...

    def keys_of(self, uscc: str, kind: FilingKind) -> list[str]:
        """The natural keys of the stored filings of `kind` under `uscc` (for ANNUAL_REPORT: the years)."""
        ...


class AnnualReportStore(Protocol):
    """What `annual-report-overdue` reads (`shared.usecases.annual_report_overdue`): its due index
    (`shared.usecases.due_work.DueIndex`; the entries are the enterprise profiles) and the filed reports."""

    def due_page(self, kind: str, through: date, start: dict[str, Any] | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]: ...
    def consume(self, entry: Mapping[str, Any], outbox: Sequence[BusEvent] = ()) -> bool: ...
    def filed_on(self, uscc: str, year: int) -> date | None: ...  # CST day the report was filed


class CertificationStore(Protocol):
    """Certification cases (under their enterprise), the one-open-case guard, the index of cases
    waiting for certifiers, and the certifiers' roster."""

    def create_case(self, case: Mapping[str, Any]) -> None: ...  # with its open-case guard; OpenCaseExists
    def get_case(self, uscc: str, case_id: str) -> dict[str, Any] | None: ...
    def cases_of(self, uscc: str, limit: int | None = None, start: dict[str, Any] | None = None) -> Page: ...
    def save_case(self, case: Mapping[str, Any], expected_version: int,
                  audit: Mapping[str, Any] | None = None, outbox: Sequence[BusEvent] = ()) -> None:
        """Conditional on `version` (Conflict); releases the open-case guard when the case is closed and
        keeps the waiting-for-certifiers index in step with its status."""
        ...
    def waiting_for_certifiers(self) -> list[tuple[str, str]]: ...  # (uscc, case_id)
    def certifiers(self) -> list[dict[str, Any]]: ...
    def get_certifier(self, certifier_id: str) -> dict[str, Any] | None: ...
    def put_certifier(self, certifier: Mapping[str, Any], expected_version: int | None) -> None:
        """None: create (Conflict when the id is taken); else replace on that version."""
        ...


class ObjectionStore(Protocol):
    """Objections (under their enterprise) and the one-open-objection-per-subject guards."""

    def create(self, objection: Mapping[str, Any], subject_key: str) -> None:
        """With its guard, in one transaction: OpenObjectionExists when the subject has an open one,
        Conflict when the id is taken (a concurrent filing: retry)."""
        ...
    def get(self, uscc: str, objection_id: str) -> dict[str, Any] | None: ...
    def of(self, uscc: str, limit: int | None = None, start: dict[str, Any] | None = None) -> Page: ...
    def save(self, objection: Mapping[str, Any], expected_version: int, subject_key: str,
             outbox: Sequence[BusEvent] = ()) -> None:
        """Conditional on `version` (Conflict); releases the subject's guard once the objection is decided."""
        ...


class Workflows(Protocol):
    """A state machine on Step Functions (the certification's, or the objection's)."""

    def execution_arn(self, name: str) -> str: ...
    def start(self, name: str, payload: Mapping[str, Any]) -> str:
        """Start the execution `name` (its ARN); an execution of that name already started is not run
        again (its ARN is answered)."""
        ...
    def resume(self, token: str, output: Mapping[str, Any]) -> bool: ...  # False: the task no longer waits
    def fail(self, token: str, error: str, cause: str) -> bool: ...
    def stop(self, execution_arn: str, cause: str) -> None: ...  # an execution that already ended is fine


class RestorationStore(Protocol):
    """Restoration and upgrade applications (under their enterprise) with their open-application guards."""

    def records_of(self, uscc: str, event_ids: Sequence[str]) -> set[str]:
        """Which of `event_ids` are stored events of `uscc`."""
        ...

    def create(self, application: dict[str, Any], guards: Sequence[str], outbox: Sequence[BusEvent] = ()) -> None:
        """Store a new application with its guards, all or nothing; a Conflict naming the holders
        (`open_applications`) when one is held."""
        ...

    def get(self, uscc: str, restoration_id: str) -> dict[str, Any] | None: ...
    def page(self, uscc: str, limit: int, start: dict[str, Any] | None) -> Page: ...  # newest first

    def save(self, application: dict[str, Any], expected_version: int, *, release: Sequence[str] = (),
             audit: dict[str, Any] | None = None, outbox: Sequence[BusEvent] = ()) -> None:
        """Conditional on `version`, with the guards in `release` deleted and the audit entry written, all
        in one transaction; a lost race raises Conflict."""
        ...


class AuditStore(Protocol):
    """An enterprise's audit entries (any order) and the head of its chain (`shared.domain.audit_chain`)."""

    def entries(self, uscc: str) -> list[dict[str, Any]]: ...
    def head(self, uscc: str) -> dict[str, Any] | None: ...


class EventBus(Protocol):
    """The `credit` bus, as the outbox relay sees it (use cases announce events through `outbox`)."""

    def send(self, events: Sequence[BusEvent]) -> set[str]:
        """Put the events on the bus (each with its id in the detail); the ids of those NOT accepted."""
        ...
