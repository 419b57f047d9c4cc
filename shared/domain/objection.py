"""Objections (Art 39): an enterprise objects to one of its own records, disclosures, tier decisions
or restoration results; an officer reviews it within 20 calendar days (`review_by`) and upholds or
dismisses it. Upheld means corrected by a new decision, never an edit of what was stored:

- EVENT: the record stops counting from the day of the decision, as a revocation makes it
  (`ObjectionWithdrawal`), and its disclosure ends WITHDRAWN;
- DISCLOSURE: the disclosure ends WITHDRAWN that day, or takes the corrected period
  (`correction.disclosure_months`, counted from its start) when that period still runs after the
  decision day (a shorter one would rewrite what was public: it ends WITHDRAWN instead);
- DECISION: the tier decision is made again on the corrected facts (a new decision);
- RESTORATION: a refused application is decided again: reviewed again as a new application
  (`shared.usecases.restoration_redecisions`), the refusal kept as it was.

Pure: ids, which subjects an enterprise may object to, which corrections fit a subject, and the
facts an upheld objection gives the engine."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from shared.domain.clock import instant_of
from shared.domain.errors import NotFound, ValidationFailed
from shared.domain.periods import Period, calendar_days_after, first_day_after
from shared.domain.rules.facts import DisclosureOverride, ObjectionWithdrawal

REVIEW_DAYS = 20
"""Art 39: the objection is reviewed within 20 days (calendar days, `shared.domain.periods`)."""
ARTICLE = "Art 39"


class SubjectType(StrEnum):
    EVENT = "EVENT"
    DISCLOSURE = "DISCLOSURE"
    DECISION = "DECISION"
    RESTORATION = "RESTORATION"


class ObjectionStatus(StrEnum):
    UNDER_REVIEW = "UNDER_REVIEW"
    UPHELD = "UPHELD"
    DISMISSED = "DISMISSED"


_ID = re.compile(r"^OBJ-([0-9A-Z]{18})-([0-9]{3,6})$")
_NOT_RECORDS = frozenset({"ARREARS_SETTLED", "PENALTY_REVOKED"})
CORRECTIONS: Mapping[SubjectType, frozenset[str]] = {
    SubjectType.EVENT: frozenset(),
    SubjectType.DISCLOSURE: frozenset({"disclosure_months"}),
    SubjectType.DECISION: frozenset(),
    SubjectType.RESTORATION: frozenset(),
}
"""The members a `correction` may carry, by subject type (anything else: 422)."""


def objection_id_for(uscc: str, number: int) -> str:
    return f"OBJ-{uscc}-{number:03d}"


def uscc_of(objection_id: str) -> str:
    match = _ID.match(objection_id)
    if match is None:
        raise NotFound(f"no objection {objection_id}")
    return match.group(1)


def execution_name(objection_id: str) -> str:
    """`objection-<uscc>-<number>`: a retried start names the same execution."""
    match = _ID.match(objection_id)
    if match is None:
        raise NotFound(f"no objection {objection_id}")
    return f"objection-{match.group(1)}-{match.group(2)}"


def review_by(filed_on: date) -> date:
    return calendar_days_after(filed_on, REVIEW_DAYS)


def _disclosed_ever(event: Mapping[str, Any]) -> bool:
    c = event.get("classification") or {}
    return bool(c.get("severity") and c.get("published") and c.get("disclosure_from"))


def subject_of(subject_type: SubjectType, subject_id: str, *, events: Iterable[Mapping[str, Any]],
               decisions: Iterable[Mapping[str, Any]], restorations: Iterable[Mapping[str, Any]]
               ) -> Mapping[str, Any]:
    """The enterprise's own item the objection is against, or 422 naming `subject_id`: an EVENT is one
    of its records (not a settlement or revocation), a DISCLOSURE one of its records that was published,
    a DECISION one of its tier decisions, a RESTORATION one of its decided applications."""
    found: Mapping[str, Any] | None = None
    if subject_type in (SubjectType.EVENT, SubjectType.DISCLOSURE):
        found = next((e for e in events if e["event_id"] == subject_id and e["type"] not in _NOT_RECORDS), None)
        if found is not None and subject_type is SubjectType.DISCLOSURE and not _disclosed_ever(found):
            found = None
    elif subject_type is SubjectType.DECISION:
        found = next((d for d in decisions if d["decision_id"] == subject_id), None)
    else:  # an approval is what was applied for: only a refusal is a result one objects to
        found = next((r for r in restorations if r["restoration_id"] == subject_id
                      and r.get("status") == "REJECTED"), None)
    if found is None:
        raise ValidationFailed(f"{subject_id} is not a {subject_type.value.lower()} of this enterprise one may "
                               f"object to", errors=[{"loc": ["body", "subject_id"],
                                                      "msg": f"no {subject_type.value} {subject_id} of this "
                                                             f"enterprise"}])
    return found


def check_correction(subject_type: SubjectType, correction: Mapping[str, Any] | None) -> None:
    """422 for a `correction` member that does not fit the subject type (only with UPHELD)."""
    allowed = CORRECTIONS[subject_type]
    errors = [{"loc": ["body", "correction", name],
               "msg": f"not a correction of a {subject_type.value}"
                      + (f" (allowed: {', '.join(sorted(allowed))})" if allowed else " (it takes none)")}
              for name in sorted(correction or {}) if name not in allowed]
    months = (correction or {}).get("disclosure_months")
    if "disclosure_months" in allowed and months is not None and (
            isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 36):
        errors.append({"loc": ["body", "correction", "disclosure_months"], "msg": "a whole number of months, 1-36"})
    if errors:
        raise ValidationFailed("the correction does not fit the subject of the objection", errors=errors)


def subject_key(subject_type: SubjectType, subject_id: str) -> str:
    """The key of the one-open-objection-per-subject guard (within the enterprise)."""
    return f"{subject_type.value}#{subject_id}"



def _applied_upheld(objections: Iterable[Mapping[str, Any]], subject_type: SubjectType) -> list[Mapping[str, Any]]:
    return sorted((o for o in objections if o["status"] == ObjectionStatus.UPHELD.value and o.get("applied_at")
                   and o["subject_type"] == subject_type.value), key=lambda o: (o["applied_at"], o["objection_id"]))


def withdrawals(objections: Iterable[Mapping[str, Any]]) -> tuple[ObjectionWithdrawal, ...]:
    """Upheld EVENT objections whose correction was applied: the records they withdraw."""
    return tuple(ObjectionWithdrawal(o["objection_id"], o["subject_id"], instant_of(o["applied_at"]))
                 for o in _applied_upheld(objections, SubjectType.EVENT))


def disclosure_overrides(objections: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]],
                         day_of: Any) -> dict[str, DisclosureOverride]:
    """Upheld DISCLOSURE objections whose correction was applied. `day_of(instant)` is the CST day."""
    starts = {e["event_id"]: (e.get("classification") or {}).get("disclosure_from") for e in events}
    overrides: dict[str, DisclosureOverride] = {}
    for o in _applied_upheld(list(objections), SubjectType.DISCLOSURE):
        decided_on: date = day_of(instant_of(o["applied_at"]))
        basis = f"{ARTICLE}: objection {o['objection_id']} upheld"
        months = ((o.get("decision") or {}).get("correction") or {}).get("disclosure_months")
        start = starts.get(o["subject_id"])
        if months is not None and start and first_day_after(date.fromisoformat(start),
                                                            Period.months(int(months))) > decided_on:
            overrides[o["subject_id"]] = DisclosureOverride(basis, max_months=int(months))
        else:
            overrides[o["subject_id"]] = DisclosureOverride(basis, withdrawn_on=decided_on,
                                                            withdrawn_at=o["applied_at"])
    return overrides


def correction_summary(objection: Mapping[str, Any], events: Iterable[Mapping[str, Any]], day_of: Any) -> str:
    """What an upheld objection corrected, as the Art 39 ground of the decision it leads to says it."""
    oid, sid = objection["objection_id"], objection["subject_id"]
    subject = SubjectType(objection["subject_type"])
    head = f"Objection {oid} upheld ({ARTICLE})"
    day = day_of(instant_of(objection["applied_at"])).isoformat() if objection.get("applied_at") else "the decision day"
    if subject is SubjectType.EVENT:
        return (f"{head}: record {sid} is withdrawn from {day}; it no longer counts and its disclosure ends "
                f"WITHDRAWN")
    if subject is SubjectType.DISCLOSURE:
        override = disclosure_overrides([objection], events, day_of).get(sid)
        if override is not None and override.max_months is not None:
            return (f"{head}: the disclosure of record {sid} takes the corrected period of {override.max_months} "
                    f"months; the record still counts")
        return f"{head}: the disclosure of record {sid} ends WITHDRAWN on {day}; the record still counts"
    if subject is SubjectType.DECISION:
        return f"{head}: decision {sid} is made again on the corrected facts"
    redecision = objection.get("redecision") or {}
    return (f"{head}: the refusal of application {sid} is decided again as application "
            f"{redecision.get('restoration_id', '?')} ({redecision.get('status', 'RECEIVED')})")
