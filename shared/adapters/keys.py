"""Every key of the main table is built here, so the layout in `dynamodb.py` has one implementation."""

from __future__ import annotations

PROFILE = "PROFILE"


def enterprise_pk(uscc: str) -> str:
    return f"ENT#{uscc}"


def list_pk(list_name: str) -> str:
    return f"LIST#{list_name}"


def list_sk(tier_since: str, uscc: str) -> str:
    return f"{tier_since}#{uscc}"


def volume_sk(year: int, business_line: str) -> str:
    return f"VOL#{year}#{business_line}"


def person_sk(person_id: str) -> str:
    return f"PERSON#{person_id}"


def annual_report_sk(year: int) -> str:
    return f"AR#{year}"
