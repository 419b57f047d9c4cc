"""Every key of the main table is built here, so the layout in `dynamodb.py` has one implementation."""

from __future__ import annotations

PROFILE = "PROFILE"


def enterprise_pk(uscc: str) -> str:
    return f"ENT#{uscc}"


def list_pk(list_name: str) -> str:
    return f"LIST#{list_name}"


def list_sk(tier_since: str, uscc: str) -> str:
    return f"{tier_since}#{uscc}"
