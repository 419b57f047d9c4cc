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


def due_pk(kind: str, day: str) -> str:
    """Sparse date index (gsi2): items with a duty on `day`, e.g. ARREARS#2026-05-01."""
    return f"{kind}#{day}"


def schedule_pk(name: str) -> str:
    return f"SCHEDULE#{name}"


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


def objection_sk(objection_id: str) -> str:
    """An objection under its enterprise (loaded with the enterprise's file: the corrections it makes)."""
    return f"OBJ#{objection_id}"


def open_objection_key(uscc: str, subject_key: str) -> tuple[str, str]:
    """The guard item of the one open objection against a subject (`<subject_type>#<subject_id>`)."""
    return f"OBJOPEN#{uscc}", subject_key
