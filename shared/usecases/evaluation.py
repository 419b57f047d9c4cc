"""Tier evaluation of one enterprise (the evaluation function's use case).

Loads every fact kept under the enterprise (`CreditFileStore.load`), runs the rule pack in force at the
injected clock's instant, and when the tier changes writes the new state, the decision and the
audit entry in ONE transaction conditional on the profile's `version`: a concurrent evaluation
loses by condition, reloads and re-evaluates; it never overwrites. Record classifications
(severity, disclosure window) are stored on the event items, in the same transaction when the
tier changes. A `TierChanged` event goes on the bus after the commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.domain import objection as objections
from shared.domain.bus_events import TIER_CHANGED, Citation, TierChanged, detail_of
from shared.domain.certification.facts import certification_facts
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.credit_events import EventRecord
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.domain.registration import BusinessLine
from shared.domain.restoration import restoration_facts, upgrade_citations
from shared.domain.rules import EnterpriseFacts, Evaluation, evaluate
from shared.domain.rules.registry import pack_for
from shared.usecases.credit_file import EnterpriseItems, EvaluationCommit
from shared.usecases.disclosure_sync import disclosure_overrides
from shared.usecases.evaluation_extras import extras_of
from shared.usecases.stores import Stores

MAX_ATTEMPTS = 5


def facts_from(items: EnterpriseItems) -> EnterpriseFacts:
    """Storage items → the engine's facts (trusted data: validated when it came in)."""
    assert items.profile is not None
    profile = items.profile
    volumes = {(int(v["year"]), BusinessLine(v["business_line"])): int(v["documents"]) for v in items.volumes}
    record_restorations, tier_facts = restoration_facts(items.restorations)  # approved applications
    tier_facts += certification_facts(items.certifications)  # applied certification outcomes (Art 8)
    return EnterpriseFacts(
        uscc=profile["uscc"],
        events=tuple(EventRecord.from_plain(e) for e in items.events),
        # a law's period (the event's), then the corrections of upheld objections (Art 39), which prevail
        disclosure_overrides={**disclosure_overrides(items.events),
                              **objections.disclosure_overrides(items.objections, items.events, china_date)},
        business_types=frozenset(profile["business_types"]),
        registration_status=profile["registration_status"],
        declaration_volumes=volumes,
        tier_facts=tier_facts,
        record_restorations=record_restorations,
        withdrawals=objections.withdrawals(items.objections),  # upheld objections against records (Art 39)
    )


def _compact(value: Any) -> Any:
    """As DynamoDB returns it: None dropped from maps (so stored and computed forms compare equal)."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_compact(v) for v in value]
    return value


def classification_changes(items: EnterpriseItems, evaluation: Evaluation) -> list[tuple[str, dict[str, Any]]]:
    stored = {e["event_id"]: e.get("classification") for e in items.events}
    changes = []
    for record in evaluation.records:
        computed = _compact({k: v for k, v in record.to_dict().items() if k != "event_id"})
        if record.event_id in stored and stored[record.event_id] != computed:
            changes.append((record.event_id, computed))
    return changes


def restoration_summary(evaluation: Evaluation) -> dict[str, Any] | None:
    """The dates the enterprise's record shows in its compliance calendar (None when not downgraded)."""
    notice = evaluation.restoration_notice
    if not notice.downgraded:
        return None
    iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
    return _compact({"application_route": notice.application_route,
                     "earliest_application_on": iso(notice.earliest_application_on),
                     "automatic_on": iso(notice.automatic_on),
                     "target_tier": None if notice.target_tier is None else notice.target_tier.value,
                     "text": notice.text})


def decision_of(enterprise: Enterprise, evaluation: Evaluation, now: datetime, trigger: str) -> dict[str, Any]:
    """The decision record. Two instants, named for what they are: `grounds_since`, when what it cites
    arose (the rules date the tier from then), and `effective_at`, when the decision was made and took
    effect (the official tier, `tier_since` of every view, changes then)."""
    correction = evaluation.corrections[0].revocation_event_id if evaluation.corrections else None
    return {
        "decision_id": f"D-{enterprise.uscc}-{enterprise.next_decision_number():05d}",
        "uscc": enterprise.uscc,
        "from_tier": enterprise.tier.value,
        "to_tier": evaluation.tier.value,
        "effective_at": iso_instant(now),
        "rule_pack": evaluation.rule_pack,
        "grounds": evaluation.citations() + upgrade_citations(evaluation, pack_for(now))
        + [{"rule_id": "CORRECTION", "article": "Art 39", "evidence": [c.revocation_event_id, c.revoked_event_id],
            "summary": f"{c.revoked_event_id} {c.withdrawn_by} on {c.revoked_on.isoformat()}: "
                       f"what it grounded ({', '.join(c.rule_ids)}) no longer counts"}
           for c in evaluation.corrections],
        "explanation": evaluation.explanation,
        "restoration_notice": evaluation.restoration_notice.to_dict(),
        "grounds_since": None if evaluation.tier_since is None else iso_instant(evaluation.tier_since),
        "correction_of": correction,
        "trigger": trigger,
    }


def _objection_ground(objection: Mapping[str, Any], items: EnterpriseItems) -> dict[str, Any]:
    """The Art 39 ground: the objection and its subject as evidence (and a re-decided application)."""
    redecided = (objection.get("redecision") or {}).get("restoration_id")
    return {"rule_id": "OBJECTION", "article": "Art 39",
            "evidence": [objection["objection_id"], objection["subject_id"], *([redecided] if redecided else [])],
            "summary": objections.correction_summary(objection, items.events, china_date)}


def _remade_for(items: EnterpriseItems, objection_id: str) -> bool:
    return any(g.get("rule_id") == "OBJECTION" and objection_id in g.get("evidence", ())
               for d in items.decisions for g in d.get("grounds") or ())


def evaluate_enterprise(stores: Stores, clock: Clock, uscc: str, trigger: str,
                        objection: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Re-evaluate one enterprise now. Returns what happened (for logs and tests).

    With an upheld `objection` (Art 39) a decision is recorded even when the tier stays (the subject is
    decided again on the corrected facts), once: it cites Art 39 with the objection as evidence."""
    for _attempt in range(MAX_ATTEMPTS):
        items = stores.credit.load(uscc)
        if items.profile is None:
            return {"uscc": uscc, "changed": False, "reason": "unknown enterprise"}
        enterprise = Enterprise.from_stored(items.profile)
        now = clock.now()
        evaluation = evaluate(facts_from(items), now)
        records = classification_changes(items, evaluation)
        extras = extras_of(items, enterprise.name, evaluation, now)  # disclosures, due entries, their events
        decision = audit = profile = None
        restoration = restoration_summary(evaluation)
        if evaluation.tier is enterprise.tier and restoration != enterprise.restoration:
            # Same tier, new dates (e.g. arrears paid: the waiting period now has a start)
            profile = enterprise.with_changes(restoration=restoration, updated_at=now, version=enterprise.version + 1)
        remake = objection is not None and not _remade_for(items, objection["objection_id"])
        if evaluation.tier is not enterprise.tier or remake:
            decision = decision_of(enterprise, evaluation, now, trigger)
            if objection is not None:
                decision["grounds"] = [*decision["grounds"], _objection_ground(objection, items)]
                decision["correction_of"] = decision["correction_of"] or objection["objection_id"]
            changed = evaluation.tier is not enterprise.tier
            profile = enterprise.with_changes(tier=evaluation.tier, updated_at=now,
                                              tier_since=now if changed else enterprise.tier_since,
                                              version=enterprise.version + 1, restoration=restoration,
                                              decisions_made=enterprise.next_decision_number())
            audit = {"action": TIER_CHANGED if changed else "DecisionRemade", "actor": "evaluation",
                     **({"objection_id": objection["objection_id"]} if objection is not None else {}),
                     "decision_id": decision["decision_id"],
                     "from_tier": decision["from_tier"], "to_tier": decision["to_tier"], "trigger": trigger,
                     "rule_pack": decision["rule_pack"]}
        outbox = list(extras.outbox)
        if decision is not None and decision["from_tier"] != decision["to_tier"]:
            detail = TierChanged(uscc=uscc, decision_id=decision["decision_id"], from_tier=decision["from_tier"],
                                 to_tier=decision["to_tier"], effective_at=decision["effective_at"],
                                 rule_pack=decision["rule_pack"],
                                 grounds=[Citation(**{k: g[k] for k in ("rule_id", "article", "summary", "evidence")})
                                          for g in decision["grounds"]],
                                 correction=decision["correction_of"] is not None)
            outbox.append(BusEvent(TIER_CHANGED, detail_of(detail)))
        commit = EvaluationCommit(uscc, enterprise.version, profile, decision, audit, records, extras.disclosures,
                                  extras.due_items, outbox)
        if commit.empty:
            return {"uscc": uscc, "changed": False, "tier": enterprise.tier.value}
        try:
            stores.credit.commit_evaluation(commit)  # the events with it: TierChanged exists iff the decision does
        except Conflict:
            continue  # another evaluation committed first: reload and decide again on its result
        tier_changed = decision is not None and decision["from_tier"] != decision["to_tier"]
        return {"uscc": uscc, "changed": tier_changed, "tier": evaluation.tier.value,
                "records_classified": len(records), "decision_id": decision and decision["decision_id"]}
    raise Conflict(f"evaluation of {uscc} lost {MAX_ATTEMPTS} races in a row; the event will be retried")
