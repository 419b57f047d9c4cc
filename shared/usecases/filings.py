"""Filings attached to a registered enterprise: declaration volumes, personnel, annual reports.
Each is created once on its natural key (same body replays, another body is 409)."""

from __future__ import annotations

from typing import Any

from shared.adapters import keys
from shared.adapters.bus import publish
from shared.adapters.enterprises import EnterpriseRepository
from shared.adapters.records import create_once
from shared.adapters.settings import settings
from shared.domain.bus_events import FACTS_RECORDED, CreditFactsRecorded
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.content import content_hash
from shared.domain.enterprise import Enterprise
from shared.domain.errors import ValidationFailed
from shared.domain.filings import AnnualReport, DeclarationVolume, Person, annual_report_timing

_INTERNAL = {"pk", "sk", "entity", "content_hash"}


def registered_enterprise(repo: EnterpriseRepository, uscc: str) -> Enterprise:
    """Registered-only flows answer 422 for an unknown enterprise (API.md), naming the path field."""
    enterprise = repo.get(uscc)
    if enterprise is None:
        raise ValidationFailed(f"no enterprise with uscc {uscc} is registered",
                               errors=[{"loc": ["path", "uscc"], "msg": "unknown enterprise"}])
    return enterprise


def _public(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in _INTERNAL}


def record_declaration_volume(repo: EnterpriseRepository, clock: Clock, uscc: str,
                              volume: DeclarationVolume) -> dict[str, Any]:
    registered_enterprise(repo, uscc)
    values = {
        "pk": keys.enterprise_pk(uscc), "sk": keys.volume_sk(volume.year, volume.business_line),
        "entity": "DECLARATION_VOLUME", "content_hash": content_hash(volume),
        "uscc": uscc, **volume.model_dump(mode="json"), "recorded_at": iso_instant(clock.now()),
    }
    stored, _ = create_once(settings().table_name, values, what=f"the {volume.year} {volume.business_line} volume")
    # The volume is the denominator of the Art 15 ratio: a late one can change what the violations ground.
    # Published on replays too (evaluation is idempotent), so a failed publish heals on retry.
    publish(FACTS_RECORDED, [CreditFactsRecorded(uscc=uscc, recorded_at=iso_instant(clock.now())).model_dump()])
    return _public(stored)


def record_person(repo: EnterpriseRepository, clock: Clock, uscc: str, person: Person) -> dict[str, Any]:
    registered_enterprise(repo, uscc)
    values = {
        "pk": keys.enterprise_pk(uscc), "sk": keys.person_sk(person.person_id),
        "entity": "PERSON", "content_hash": content_hash(person),
        "uscc": uscc, **person.model_dump(mode="json"), "recorded_at": iso_instant(clock.now()),
    }
    stored, _ = create_once(settings().table_name, values, what=f"person {person.person_id}")
    return _public(stored)


def file_annual_report(repo: EnterpriseRepository, clock: Clock, uscc: str, report: AnnualReport) -> dict[str, Any]:
    """Art 11: once per year; the window is 1 Jan-30 Jun of the following year; a late filing is
    accepted, kept and marked `late` (the flag is fixed when filed, so a replay answers the same)."""
    enterprise = registered_enterprise(repo, uscc)
    now = clock.now()
    try:
        window, late = annual_report_timing(report.year, enterprise.registered_on, china_date(now))
    except ValueError as exc:
        raise ValidationFailed(str(exc), errors=[{"loc": ["body", "year"], "msg": str(exc)}]) from exc
    values = {
        "pk": keys.enterprise_pk(uscc), "sk": keys.annual_report_sk(report.year),
        "entity": "ANNUAL_REPORT", "content_hash": content_hash(report),
        "uscc": uscc, **report.model_dump(mode="json", exclude_none=True),
        "filed_at": iso_instant(now), "late": late,
        "window_opens": window.opens_on.isoformat(), "window_closes": window.closes_on.isoformat(),
    }
    stored, _ = create_once(settings().table_name, values, what=f"the {report.year} annual report")
    return _public(stored)
