"""Every key of the main table is built here, so the layout in `dynamodb.py` has one implementation."""

from __future__ import annotations

PROFILE = "PROFILE"


def enterprise_pk(uscc: str) -> str:
    return f"ENT#{uscc}"


def list_pk(list_name: str) -> str:
    return f"LIST#{list_name}"


def list_sk(tier_since: str, uscc: str) -> str:
    return f"{tier_since}#{uscc}"


def filing_sk(prefix: str, natural_key: str) -> str:
    """Filings under an enterprise: VOL#<year>#<line>, PERSON#<person_id>, AR#<year>."""
    return f"{prefix}{natural_key}"


EVENT_GUARD_SK = "EVTID"


def event_guard_pk(event_id: str) -> str:
    """Global uniqueness of a partner's `event_id`, whatever enterprise it names."""
    return f"EVTID#{event_id}"


def event_sk(event_id: str) -> str:
    return f"EVT#{event_id}"


def decision_sk(effective_at: str, decision_id: str) -> str:
    return f"DEC#{effective_at}#{decision_id}"


def due_pk(kind: str) -> str:
    """Due index (gsi2) partition of one kind of time-triggered work, e.g. DUE#ARREARS."""
    return f"DUE#{kind}"


def due_sk(day: str, uscc: str, ref: str) -> str:
    """Due index (gsi2) sort key: the day the work falls due first, so a run reads `<= today#\uffff`."""
    return f"{day}#{uscc}#{ref}"


def disclosure_sk(event_id: str) -> str:
    return f"DISC#{event_id}"


FEED_PK = "FEED"
"""Public disclosure feed (gsi3): one partition, sorted by the last day shown."""


def feed_sk(published_until: str, uscc: str, event_id: str) -> str:
    return f"{published_until}#{uscc}#{event_id}"


def clean_period_sk() -> str:
    """The enterprise's automatic-upgrade due item (one per enterprise)."""
    return "DUE#CLEAN_PERIOD"


ANNUAL_REPORT_DUE = "ANNUAL_REPORT"
"""Due kind of `annual-report-overdue`: the enterprise profile itself is the entry (its next check)."""


def restoration_sk(restoration_id: str) -> str:
    """Restoration / upgrade application under its enterprise (ids sort by receipt time)."""
    return f"RST#{restoration_id}"


def open_application_pk(uscc: str) -> str:
    """Guards of an enterprise's open applications: one item per record applied for, one for TIER."""
    return f"RSTOPEN#{uscc}"


def open_application_sk(event_id: str | None) -> str:
    return "TIER" if event_id is None else f"EVT#{event_id}"


def certification_sk(case_id: str) -> str:
    """A certification case under its enterprise (loaded with the enterprise's file)."""
    return f"CERT#{case_id}"


def open_case_key(uscc: str) -> tuple[str, str]:
    """The guard item of an enterprise's one open certification case."""
    return f"CERTOPEN#{uscc}", "OPEN"


WAITING_FOR_CERTIFIERS_PK = "CERTWAIT"
"""One item per case waiting for certifiers (sk: case id): what a roster change resumes."""

CERTIFIER_PK = "CERTIFIER"
"""The certifiers' roster: one item per certifier (sk: certifier id)."""
AUDIT_HEAD_SK = "HEAD"


def audit_head_pk(uscc: str) -> str:
    """The head of an enterprise's audit chain (main table; the audit table is append-only)."""
    return f"AUDITHEAD#{uscc}"


def objection_sk(objection_id: str) -> str:
    """An objection under its enterprise (loaded with the enterprise's file: the corrections it makes)."""
    return f"OBJ#{objection_id}"


def open_objection_key(uscc: str, subject_key: str) -> tuple[str, str]:
    """The guard item of the one open objection against a subject (`<subject_type>#<subject_id>`)."""
    return f"OBJOPEN#{uscc}", subject_key
