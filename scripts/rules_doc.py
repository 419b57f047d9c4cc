"""Generate docs/rules.md from the rule packs (the one place a rule's meaning is written).

    python scripts/rules_doc.py --write   # regenerate docs/rules.md (`make rules-doc`)
    python scripts/rules_doc.py --check   # exit 1 if the committed document is stale
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from shared.domain.provenance import legend  # noqa: E402
from shared.domain.rules import DEFAULT_REGISTRY, RulePack  # noqa: E402
from shared.domain.rules.model import GroundRule  # noqa: E402
from shared.domain.rules.triggers import (  # noqa: E402
    ArrearsTrigger,
    EventTrigger,
    RepeatTrigger,
    Trigger,
    ViolationThresholdTrigger,
)

DOCUMENT = REPO / "docs" / "rules.md"

LABELS = f"""\
Provenance labels (the API answers each as `{{"label", "meaning"}}`):

{legend()}

The article text of Order 282 was not available when the pack was written: every figure says where
it comes from."""


def _labelled(labels: tuple[str, ...], source: str) -> str:
    return "".join(f"[{label}]" for label in labels) + " " + source


def _types(types: frozenset[object]) -> str:
    return ", ".join(f"`{t}`" for t in sorted(str(t) for t in types))


def _cny(amount: object) -> str:
    return f"CNY {float(str(amount)):,.2f}"


def describe_trigger(trigger: Trigger) -> list[str]:
    """The trigger's parameters, one bullet each."""
    if isinstance(trigger, EventTrigger):
        lines = [f"one counted event of type {_types(trigger.event_types)}"]
        if trigger.require_intentional:
            lines.append("only when `intentional`")
        if trigger.fine_above is not None:
            lines.append(f"only when its fine is above {_cny(trigger.fine_above)}")
        return lines
    if isinstance(trigger, ViolationThresholdTrigger):
        lines = [f"counted events of type {_types(trigger.event_types)} in a rolling window of "
                 f"{trigger.window_months} months, per business line"]
        lines += [f"`{line.business_line}`: count above {line.ratio.numerator}/{line.ratio.denominator} of the "
                  f"previous calendar year's documents and fines above {_cny(line.fines_above)}"
                  for line in trigger.lines]
        lines.append(f"not counted: non-intentional violations on {_types(trigger.non_intentional_excluded_lines)}")
        exempt = _types(trigger.voluntary_disclosure_exempt_kinds)
        lines.append(f"not counted: voluntary disclosures punished by {exempt} or by a fine of at most "
                     f"{_cny(trigger.voluntary_disclosure_exempt_fine_max)}")
        return lines
    if isinstance(trigger, ArrearsTrigger):
        lines = [f"an event of type {_types(trigger.event_types)} still unpaid more than {trigger.months} months "
                 "after its `due_on`"]
        if trigger.amount_above is not None:
            lines.append(f"only when the amount is above {_cny(trigger.amount_above)}")
        return lines
    if isinstance(trigger, RepeatTrigger):
        return [f"at least {trigger.min_count} counted events of type {_types(trigger.event_types)} within "
                f"{trigger.window_months} months" + (", intentional only" if trigger.require_intentional else "")]
    raise TypeError(trigger)  # pragma: no cover - every trigger kind is listed above


def _ground(rule: GroundRule, pack: RulePack) -> list[str]:
    upgrade = rule.upgrade
    route = ("no application route (automatic restoration only)" if upgrade.months is None
             else f"on application after {upgrade.months} months, counted from {upgrade.counted_from.value}")
    out = [f"### {rule.rule_id} — {rule.title}", "",
           f"**{rule.article}** · consequence `{rule.consequence}` · record class `{rule.record_severity}`"
           + ("" if rule.enabled else " · **disabled** in this pack")
           + ("" if rule.restorable else " · records not restorable"), "",
           rule.text, "",
           f"Parameters (in force from {pack.effective_from.isoformat()}):", ""]
    for trigger in rule.triggers:
        out += [f"- {line}" for line in describe_trigger(trigger)]
    out += [f"- upgrade: {route}", "", f"Provenance: {rule.source}. Upgrade route: {upgrade.source}.", ""]
    return out


def _months(value: int | None, none: str) -> str:
    return none if value is None else f"{value} months"


def render_pack(pack: RulePack) -> list[str]:
    out = [f"## {pack.pack_id} — {pack.title}", "",
           f"In force from **{pack.effective_from.isoformat()}** (CST). {pack.source}.", ""]
    out += [f"> {note}" for note in pack.notes] + ([""] if pack.notes else [])
    out += ["| rule | article | title | consequence |", "|---|---|---|---|"]
    out += [f"| [{r.rule_id}](#{r.rule_id.lower()}--{_anchor(r.title)}) | {r.article} | {r.title} | "
            f"`{r.consequence}`{'' if r.enabled else ' (disabled)'} |" for r in pack.grounds]
    out += ["", "## Grounds", ""]
    for rule in pack.grounds:
        out += _ground(rule, pack)
    records = pack.records
    out += ["## Records and disclosure", "", f"**{records.article}.** {records.text}", "",
            f"Parameters: MINOR penalty kinds {_types(records.minor_penalty_kinds)}; MINOR fine ceiling "
            f"{_cny(records.minor_fine_ceiling)}; records only once a ground: {_types(records.ground_only_types)}.",
            "", f"Provenance: {records.source}.", "",
            "| class | article | published | restorable after | disclosure ends after | rule | provenance |",
            "|---|---|---|---|---|---|---|"]
    out += [f"| `{s.severity}` | {s.article} | {'yes' if s.published else 'no'} | "
            f"{_months(s.min_months, 'obligations fulfilled')} | {_months(s.max_months, 'no automatic end')} | "
            f"{s.text} | {s.source} |" for s in pack.severities]
    tiers = pack.tier_restoration
    out += ["", "## Upgrades and automatic restoration", "", f"**{tiers.article}.** {tiers.text}", "",
            f"Parameters: upgrades lead to `{tiers.target_tier}`; certification bar "
            f"{tiers.certification_bar_months} months after an upgrade.", ""]
    out += [f"- automatic restoration from `{a.from_tier}` after {a.clean_months} months without a new ground "
            f"({a.article}; {a.source})" for a in tiers.automatic]
    out += ["", f"Provenance: {tiers.source}.", ""]
    restoration = pack.restoration
    out += ["## Restoration of records", "", f"**{restoration.article}.** {restoration.text}", "",
            f"Parameters: documents {_types(frozenset(restoration.required_documents))}"
            + "".join(f"; `{k}` replaces `{v}`" for k, v in sorted(restoration.substitutes.items()))
            + f"; decision within {restoration.decision_working_days} working days (extension up to "
            f"{restoration.extension_max_working_days}); result within {restoration.feedback_working_days} working "
            f"days; objection review {restoration.objection_review_days} days; refusals "
            f"{_types(frozenset(restoration.refusals))}.", "", f"Provenance: {restoration.source}.", ""]
    report = pack.annual_report
    out += ["## Annual report", "", f"**{report.article}.** {report.text}", "",
            f"Parameters: window {report.opens[1]:02d}-{report.opens[0]:02d} to {report.closes[1]:02d}-"
            f"{report.closes[0]:02d} (day-month) of the following year; changes the tier: "
            f"{'yes' if report.overdue_changes_tier else 'no'}.", "", f"Provenance: {report.source}.", ""]
    measures = pack.measures
    out += ["## Measures per tier", "",
            f"**{measures.article}.** Provenance: {_labelled(measures.labels, measures.source)}.", ""]
    for tier in sorted(set(measures.own) | set(measures.inherits), key=lambda t: -t.rank):
        parent = measures.inherits.get(tier)
        out += [f"### `{tier}`" + (f" (also every measure of `{parent}`)" if parent else ""), ""]
        out += [f"- {m.measure_id}: {m.description} ({_labelled(m.labels, m.source)})"
                for m in measures.own.get(tier, ())]
        out += [""]
    out += ["## Choices where the rules are silent", "",
            "Each default has a stable id; the tests that pin it carry `@pytest.mark.pins(\"<id>\")`.", ""]
    for choice in pack.choices:
        concerns = f" Rules: {', '.join(choice.rule_ids)}." if choice.rule_ids else ""
        out += [f"### {choice.choice_id}", "", f"**{choice.title}.** {choice.text}{concerns}", "",
                f"Provenance: {choice.source}.", ""]
    return out


def _anchor(title: str) -> str:
    """GitHub's heading anchor of the part after "<id> — "."""
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def build_document() -> str:
    out = ["# Credit rules", "",
           "<!-- Generated from the rule packs (shared/domain/rules/order_282/) by `make rules-doc`; do not edit. -->",
           "", "Every rule, threshold, period and default the engine applies, with its article and provenance.",
           "", LABELS, ""]
    for pack in DEFAULT_REGISTRY.packs:
        out += render_pack(pack)
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args()
    document = build_document()
    if args.write:
        DOCUMENT.parent.mkdir(exist_ok=True)
        DOCUMENT.write_text(document)
        return 0
    current = DOCUMENT.read_text() if DOCUMENT.exists() else ""
    if current != document:
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), document.splitlines(True),
                                                   "docs/rules.md", "generated"))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
