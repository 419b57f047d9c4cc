"""Credit views: the public point-in-time view, decision history, public lists, measures, and the
what-if simulation. Reads only; a simulation stores nothing."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BaseModel, Field

from shared.api.pagination import decode_token, encode_token
from shared.domain.clock import CHINA_TZ, china_date, iso_instant
from shared.domain.credit_events import EventRecord
from shared.domain.credit_events.model import CreditEvent
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import NotFound, ValidationFailed
from shared.domain.model_configs import STRICT
from shared.domain.tiers import LIST_NAMES
from shared.domain.time_types import Instant
from shared.usecases.decisions import decision_in_force, grounds_since, public_decision, tier_at
from shared.usecases.stores import Stores

_RECORD_FIELDS = ("event_id", "type", "business_line", "decided_on", "amount_cny", "penalty_kind", "document_no",
                  "authority", "description")


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def disclosed_on(event: dict[str, Any], day: date, known_by: str) -> bool:
    """Published record whose window contains `day`, not withdrawn or restored by then, and already
    known to the system at the instant asked about (`received_at` ≤ as_of: the feed never shows the past
    something it did not know then). The window is enforced here, at read time, not only by the expiry job."""
    c = event.get("classification") or {}
    if not c.get("severity") or not c.get("published") or event.get("received_at", "") > known_by:
        return False
    start = _day(c.get("disclosure_from"))
    withdrawn_at = c.get("withdrawn_at")  # an objection's withdrawal takes effect at its instant, not its day
    if withdrawn_at is not None and known_by >= withdrawn_at:
        return False
    ends = [d for d in (_day(c.get("disclosure_until")), None if withdrawn_at else _day(c.get("withdrawn_on")),
                        _day(c.get("restored_on"))) if d is not None]
    return start is not None and start <= day and all(day < end for end in ends)


def public_record(event: dict[str, Any]) -> dict[str, Any]:
    c = event.get("classification") or {}
    return {**{k: event[k] for k in _RECORD_FIELDS if event.get(k) is not None},
            "uscc": event["uscc"], "severity": c.get("severity"), "rule_ids": c.get("rule_ids", []),
            "disclosure_from": c.get("disclosure_from"), "disclosure_until": c.get("disclosure_until")}


def grounds_of(decisions: list[dict[str, Any]], as_of: datetime) -> str | None:
    """When what put the enterprise in its tier at `as_of` arose (None: REGULAR from the start)."""
    latest = decision_in_force(decisions, as_of)
    return None if latest is None else grounds_since(latest)


def credit_view(stores: Stores, uscc: str, as_of: datetime, now: datetime) -> dict[str, Any]:
    from shared.domain.measures import measures_for
    from shared.domain.rules.registry import pack_for

    if as_of > now:
        raise ValidationFailed("as_of is in the future",
                               errors=[{"loc": ["query", "as_of"], "msg": "must not be in the future"}])
    items = stores.credit.load(uscc)
    if items.profile is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    enterprise = Enterprise.from_stored(items.profile)
    managed_from = enterprise.managed_from
    if china_date(as_of) < managed_from:
        raise NotFound(f"enterprise {uscc} was not under credit management at {iso_instant(as_of)} "
                       f"(managed from {managed_from.isoformat()})")
    # before any decision: REGULAR since 00:00 CST of the first managed day
    tier, since = tier_at(items.decisions, as_of, datetime.combine(managed_from, time(), CHINA_TZ))
    cutoff, day = iso_instant(as_of), china_date(as_of)
    return {
        "uscc": uscc, "name": enterprise.name, "tier": tier.value, "is_aeo": tier.is_aeo,
        "tier_since": iso_instant(since), "grounds_since": grounds_of(items.decisions, as_of), "as_of": cutoff,
        "measures": [m.to_dict() for m in measures_for(tier, pack_for(as_of))],
        "disclosures": [public_record(e) for e in sorted(items.events, key=lambda e: (e["decided_on"], e["event_id"]))
                        if disclosed_on(e, day, cutoff)],
    }


def decisions_page(stores: Stores, uscc: str, limit: int, token: str | None) -> dict[str, Any]:
    items, last = stores.credit.decisions(uscc, limit, decode_token(token))
    if not items and token is None and stores.enterprises.get(uscc) is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    return {"items": [public_decision(i) for i in items], "next_token": encode_token(last)}


def list_page(stores: Stores, name: str, limit: int, token: str | None) -> dict[str, Any]:
    if name not in LIST_NAMES:
        raise NotFound(f"no public list {name!r}; lists: {', '.join(sorted(LIST_NAMES))}")
    items, last = stores.enterprises.public_list(name, limit, decode_token(token))
    return {"items": [{"uscc": i["uscc"], "name": i["name"], "tier": i["tier"], "tier_since": i["tier_since"],
                       "registration_status": i["registration_status"]} for i in items],
            "next_token": encode_token(last)}


class SimulationRequest(BaseModel):
    model_config = STRICT

    as_of: Instant | None = Field(default=None, description="RFC 3339 instant with offset; default now; "
                                                             "may be in the future (what will hold then)")
    extra_events: Annotated[list[CreditEvent], Field(max_length=100)] = []


def simulate_enterprise(stores: Stores, uscc: str, request: SimulationRequest, now: datetime) -> dict[str, Any]:
    from shared.domain.rules import simulate
    from shared.usecases.evaluation import facts_from  # the engine: only simulations pay its import

    foreign = [{"loc": ["body", "extra_events", i, "uscc"], "msg": f"must be {uscc}, the simulated enterprise"}
               for i, e in enumerate(request.extra_events) if e.uscc != uscc]
    if foreign:
        raise ValidationFailed("extra events must concern the simulated enterprise", errors=foreign)
    items = stores.credit.load(uscc)
    if items.profile is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    as_of = request.as_of or now
    evaluation = simulate(facts_from(items), [EventRecord.of(e) for e in request.extra_events], as_of)
    return {
        "uscc": uscc, "as_of": iso_instant(as_of), "stored": False, "tier": evaluation.tier.value,
        "is_aeo": evaluation.is_aeo, "rule_pack": evaluation.rule_pack, "grounds": evaluation.citations(),
        "explanation": evaluation.explanation, "restoration_notice": evaluation.restoration_notice.to_dict(),
        "records": [r.to_dict() for r in evaluation.records],
    }


def measures_now(now: datetime) -> dict[str, Any]:
    from shared.domain.measures import measures_catalogue
    from shared.domain.rules.registry import pack_for

    return measures_catalogue(pack_for(now))
