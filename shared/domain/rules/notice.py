"""The restoration notice served with every tier decision ("两书同达"): per current ground, the upgrade
route (earliest application day, "no application route", or "after settlement"), the automatic
restoration day, and the documents to file."""

from __future__ import annotations

from datetime import date

from shared.domain.periods import Period, first_day_after
from shared.domain.rules.grounds import Occurrence
from shared.domain.rules.model import CountedFrom, RulePack
from shared.domain.rules.results import GroundRoute, RestorationNotice, Route
from shared.domain.rules.timeline import Replay
from shared.domain.tiers import DOWNGRADED_TIERS


def restoration_notice(pack: RulePack, state: Replay, groups: dict[str, list[Occurrence]]) -> RestorationNotice:
    restoration = pack.restoration
    tiers = pack.tier_restoration
    documents = restoration.required_documents
    substitutes = tuple(sorted(restoration.substitutes.items()))
    articles = (tiers.article, restoration.article)
    if state.tier not in DOWNGRADED_TIERS:
        return RestorationNotice(state.tier, False, False, None, None, None, (), documents, substitutes, articles,
                                 f"The enterprise is {state.tier.value}: no downgrade is in force, nothing to restore.")
    routes: list[GroundRoute] = []
    for occurrences in groups.values():
        rule = occurrences[0].rule
        upgrade = rule.upgrade
        start: date | None = None  # may apply "after" the waiting period: from the day after its last day
        if upgrade.months is None:
            route = Route.NO_APPLICATION_ROUTE
        elif upgrade.counted_from is CountedFrom.SETTLEMENT:
            settled = [o.settled_on for o in occurrences]
            if any(d is None for d in settled):
                route = Route.AFTER_SETTLEMENT
            else:
                route = Route.APPLICATION
                start = max(first_day_after(d, Period.months(upgrade.months)) for d in settled if d is not None)
        else:
            route = Route.APPLICATION
            start = first_day_after(occurrences[-1].arose_on, Period.months(upgrade.months))
        routes.append(GroundRoute(rule.rule_id, rule.article, occurrences[0].arose_on, route, upgrade.months,
                                  upgrade.counted_from, start))
    all_apply = all(r.route is Route.APPLICATION for r in routes)
    has_route = all(r.route is not Route.NO_APPLICATION_ROUTE for r in routes)
    earliest = max(r.application_from for r in routes if r.application_from is not None) if all_apply else None
    automatic = state.automatic_on  # None while arrears of the episode are unpaid (counted from settlement)
    target = tiers.target_tier
    parts: list[str] = []
    if not has_route:
        blocked = ", ".join(sorted({r.rule_id for r in routes if r.route is Route.NO_APPLICATION_ROUTE}))
        parts.append(f"No upgrade on application: {blocked} has no application route ({tiers.article}).")
    elif earliest is not None:
        parts.append(f"The enterprise may apply for an upgrade to {target.value} from {earliest.isoformat()} once the "
                     f"conduct is corrected and obligations are fulfilled ({tiers.article}).")
    else:
        pending = ", ".join(r.rule_id for r in routes if r.route is Route.AFTER_SETTLEMENT)
        parts.append(f"Upgrade on application is possible only after the arrears of {pending} are paid: the waiting "
                     f"period counts from settlement ({tiers.article}).")
    if automatic is not None:
        parts.append(f"Automatic restoration to {target.value} on {automatic.isoformat()} if no new ground arises "
                     f"before then.")
    elif state.tier in tiers.automatic_months:
        parts.append(f"No automatic restoration while arrears are unpaid: the clean period counts from settlement "
                     f"({tiers.article}).")
    docs = " and ".join(documents)
    subs = "; ".join(f"a {k} replaces the {v}" for k, v in substitutes)
    parts.append(f"Documents: {docs}{' (' + subs + ')' if subs else ''} ({restoration.article}).")
    return RestorationNotice(state.tier, True, has_route, earliest, automatic, target, tuple(routes), documents,
                             substitutes, articles, " ".join(parts))
