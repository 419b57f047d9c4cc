"""The plain-words explanation of an evaluation: tier and since when, the pack (and whether it was in
force), the grounds with their evidence, the restoration notice, and any correction."""

from __future__ import annotations

from datetime import date

from shared.domain.clock import china_date
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.registry import PackSelection
from shared.domain.rules.results import Correction, Ground, RestorationNotice
from shared.domain.rules.timeline import Replay


def explanation(facts: EnterpriseFacts, as_of_day: date, selection: PackSelection, state: Replay,
                 grounds: tuple[Ground, ...], notice: RestorationNotice, corrections: tuple[Correction, ...]) -> str:
    pack = selection.pack
    text = [f"As of {as_of_day.isoformat()} (CST), under rule pack {pack.pack_id} (in force from "
            f"{pack.effective_from.isoformat()}), enterprise {facts.uscc} is {state.tier.value}"]
    if state.since is not None:
        # The day the rules date the tier from, named for what it is: a decision recording it takes
        # effect when it is made (its `effective_at`), which may be days later.
        since = china_date(state.since).isoformat()
        text.append(f" on grounds that arose on {since}" if grounds else f" by the rules from {since}")
    text.append(".")
    if not selection.in_force and selection.note:
        text.append(f" Provisional: {selection.note}")
    if grounds:
        cited = "; ".join(f"{g.rule_id} ({g.article}) arose on {g.arose_on.isoformat()}, evidence "
                          f"{', '.join(g.evidence)}: {g.summary}" for g in grounds)
        text.append(f" Grounds: {cited}.")
        text.append(f" {notice.text}")
    elif state.transitions and state.transitions[-1].cause.value in ("UPGRADE", "AUTOMATIC_RESTORATION"):
        last = state.transitions[-1]
        text.append(f" A downgrade ({', '.join(last.rule_ids)}) ended on {china_date(last.at).isoformat()} by "
                    f"{'an approved upgrade' if last.cause.value == 'UPGRADE' else 'automatic restoration'} "
                    f"({pack.tier_restoration.article}); a certificate held before the downgrade is not restored.")
    elif state.tier.is_aeo:
        text.append(f" The enterprise holds a {state.tier.value} certificate and is an AEO (Art 8); no ground of "
                    f"Art 15 or Art 16 has arisen.")
    else:
        text.append(" No ground of Art 15 or Art 16 has arisen.")
    for correction in corrections:
        text.append(f" Correction: {correction.revoked_event_id} {correction.withdrawn_by} on "
                    f"{correction.revoked_on.isoformat()}, so what it grounded ({', '.join(correction.rule_ids)}) no "
                    f"longer counts; without the {'withdrawal' if correction.by_objection else 'revocation'} the "
                    f"tier would be "
                    f"{correction.tier_without_correction.value}.")
    return "".join(text)
