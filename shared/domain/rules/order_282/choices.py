"""The defaults ORDER_282 applies where the rules are silent. Each has a stable id; the tests that pin
it carry `@pytest.mark.pins("<id>")`, and tests/unit/rules/test_choices.py fails when a choice has none."""

from __future__ import annotations

from shared.domain.rules.model import Choice

_DEFAULT = "[D] labelled default: the rules are silent"

CHOICES = (
    Choice(
        "CHOICE-PACK-BEFORE-EARLIEST", "Before the earliest loaded pack",
        "An instant before every loaded pack is judged by the earliest one (ORDER_282), and the result says "
        "so: `rule_pack_in_force=False`, a `rule_pack_note`, and \"Provisional\" in the explanation. A caller "
        "that must refuse asks for the pack strictly (`pack_for(..., strict=True)` raises "
        "`NoRulePackInForce`).",
        "[D] ORDER_251 governs instants before 2026-04-01 but is not loaded"),
    Choice(
        "CHOICE-ONE-PACK-PER-EVALUATION", "One pack per evaluation",
        "The pack in force at `as_of` judges the whole history, including events decided under an earlier "
        "pack.", _DEFAULT),
    Choice(
        "CHOICE-ARREARS-SETTLED-ON-THRESHOLD-DAY", "Arrears settled on the threshold day",
        "Arrears settled on the day the ground arises (due date + N months + 1 day) still ground the rule: "
        "a settlement stops only grounds arising after its date. Settled the day before, never.",
        _DEFAULT, ("D4", "D5")),
    Choice(
        "CHOICE-D3-CONDUCT-DAYS", "D3 is assessed on conduct days and on 1 January",
        "Each day is judged as its own evaluation day: the window ending that day against the documents "
        "of the calendar year before it. D3 arises on each day a counted violation is decided while that "
        "window exceeds both thresholds (each such day a new arising, restarting the waiting and clean "
        "periods), and on 1 January when the documents of the year just ended make the window ending that "
        "day exceed while those of the year before did not (the ground's summary says the denominator "
        "changed). Documents not yet filed are unknown: the amount alone decides.",
        _DEFAULT, ("D3",)),
    Choice(
        "CHOICE-D3-WINDOW-COUNT-FINES", "D3 window, count and fines",
        "The window is (day - 12 months, day]; the count is every counted penalty, warnings included; the "
        "fines are FINE amounts only (a confiscation is not a fine).",
        "[B~] 'within 1 year' read as a rolling 12 months; [D] count and fines", ("D3", "S2")),
    Choice(
        "CHOICE-MISSING-PENALTY-KIND", "A penalty without penalty_kind",
        "When `penalty_kind` is absent the penalty is read as a FINE if it carries an amount above 0, "
        "otherwise as OTHER.", _DEFAULT, ("D3", "S2")),
    Choice(
        "CHOICE-EXEMPTIONS-D3-ONLY", "Exemptions apply to D3 only",
        "The voluntary-disclosure and fault-tolerance exemptions apply to D3 only, where the rules list "
        "them; a voluntarily disclosed smuggling act still grounds D2.", _DEFAULT, ("D3", "D2")),
    Choice(
        "CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND", "Automatic restoration counts from the last ground",
        "Automatic restoration counts 24 (DISCREDITED) or 36 (SERIOUSLY_DISCREDITED) months from the last "
        "ground of the downgrade (or the latest settlement, below): it takes effect at 00:00 CST of the day "
        "after the period's last day (last ground 2026-05-01, 24 months: REGULAR from 2028-05-02); a D ground "
        "while SERIOUSLY_DISCREDITED keeps the tier and restarts the clock. Never while a ground counted from "
        "settlement (D4/D5) is unpaid (Arts 29-30); once all are paid it counts from the latest settlement "
        "when that is later than the last ground. Unpaid arrears that never grounded (a FINE_OVERDUE of at "
        "most CNY 10,000) do not block it.", _DEFAULT),
    Choice(
        "CHOICE-UPGRADE-WAITING-PERIODS", "Upgrade waiting periods",
        "Each ground's waiting period counts from its latest arising (D4/D5: from the latest settlement) and "
        "allows an application from the day after its last day; the earliest application day is the latest "
        "of them; one ground without an application route (D1, "
        "D7) means no application route at all. A SERIOUSLY_DISCREDITED enterprise may apply 12 months "
        "after its S ground.", _DEFAULT),
    Choice(
        "CHOICE-UPGRADE-TARGET-REGULAR", "Upgrades lead to REGULAR",
        "An upgrade, on application or automatic, leads to REGULAR from DISCREDITED and from SERIOUSLY_"
        "DISCREDITED; a certificate lost on the downgrade is not given back.", _DEFAULT),
    Choice(
        "CHOICE-TIER-FACTS-DURING-DOWNGRADE", "Certification facts during a downgrade",
        "A certification or a certificate withdrawal during a downgrade changes nothing (reported in "
        "`notes`), and an upgrade of an enterprise that is not downgraded changes nothing.", _DEFAULT),
    Choice(
        "CHOICE-TIME-OF-DAY", "Time of day",
        "A ground takes effect at 00:00 CST of its day; tier facts at their instant; grounds come before "
        "facts at the same instant, and grounds of one day are one transition.", _DEFAULT),
    Choice(
        "CHOICE-SEVERITY-CLASSES", "Record classes",
        "\"Warning only\" is `penalty_kind` WARNING; CONFISCATION and OTHER are GENERAL; a record keeps the "
        "class of every rule it ever grounded (also after an upgrade); records grounding S3 (when enabled) "
        "are SERIOUS.", _DEFAULT),
    Choice(
        "CHOICE-ARREARS-RECORD-ONLY-AS-GROUND", "Overdue arrears are records only as grounds",
        "Overdue arrears are records only once they become a ground (no class before, or when paid in "
        "time; a FINE_OVERDUE of at most CNY 10,000 never is).", _DEFAULT, ("D4", "D5")),
    Choice(
        "CHOICE-DISCLOSURE-WINDOW", "Disclosure window",
        "A record is shown through the last day of its maximum period (`published_until`, inclusive; "
        "Civil Code Arts 200-204, `shared.domain.periods`); `disclosure_until` is the exclusive end, the day "
        "after (a GENERAL record decided 2026-04-15 is shown through 2027-04-15, `disclosure_until` "
        "2027-04-16); `restorable_from` is the day after the minimum period's last day (2026-07-16); "
        "`disclosure_months` on an event replaces the maximum only (a MINOR record stays unpublished); a "
        "MINOR record is restorable from its decision day; a revocation ends disclosure (WITHDRAWN) on its "
        "`decided_on`; an approved record restoration ends it (RESTORED) but, unlike a revocation, leaves "
        "the event among the grounds.",
        _DEFAULT),
    Choice(
        "CHOICE-RECERTIFICATION-ANCHOR-AND-RECEIPT", "Re-certification: anchor, cycles and receipt",
        "Cycles count from `certified_on`, the CST day of the approval (initial case) that granted the tier "
        "held; a passed re-certification does not move it (ACE: anniversaries 5, 10, ... years after it, the "
        "case opening 90 days before each; CE: an assessment on each yearly anniversary over the 12 months "
        "ending that day). A run after missed days opens only the latest cycle due, once; the case is "
        "received (its Art 20 clock starts) on the day the run opens it, also when that run is late.",
        _DEFAULT),
    Choice(
        "CHOICE-RECERTIFICATION-WAITS-FOR-OPEN-CASE", "Re-certification while another case is open",
        "While the enterprise has another open certification case (e.g. a CE enterprise's application for "
        "ACE), a due re-certification is not opened and stays due: every daily run retries it, and it opens "
        "once that case has closed (if the cycle is still the latest due).", _DEFAULT),
    Choice(
        "CHOICE-RECERTIFICATION-ASSESSMENT-FACTS", "What the CE assessment and the route count",
        "Records count by their decision day (`decided_on`) within the assessment or cycle period, with the "
        "class the rule pack gives them; records withdrawn (revoked, or by an upheld objection) do not count. "
        "A report is missed when it was not filed within its window (late filings included), counted from "
        "the filed reports as `annual-report-overdue` counts them, so the assessment does not depend on that "
        "schedule having run first. A missed report counts in the period that contains the day it became "
        "overdue (1 July).", _DEFAULT),
    Choice(
        "CHOICE-CERTIFICATION-OVERDUE", "Certification cases past their deadline",
        "A case is past `decide_by` from the day after it (the deadline day is in time), never while its clock "
        "is suspended; `case-deadlines` marks it `overdue` once per deadline, and `overdue` stays true when a "
        "later resumption moves `decide_by` (a moved deadline is a new one, marked and announced again if "
        "missed). An overdue case can still be decided.", _DEFAULT),
    Choice(
        "CHOICE-S3-WHEN-ENABLED", "S3 when enabled",
        "When S3 is enabled, any bribery or obstruction record, or 2 smuggling penalties within 12 months, "
        "make the enterprise SERIOUSLY_DISCREDITED.", "[C] one commentary; [D] 'repeated' = 2 in 12 months",
        ("S3",)),
    Choice(
        "CHOICE-SEVERAL-SETTLEMENTS-REVOCATIONS", "Several settlements or revocations of one event",
        "When one event is settled or revoked more than once, the earliest counts; a revoked settlement "
        "settles nothing.", _DEFAULT, ("D4", "D5")),
    Choice(
        "CHOICE-OBJECTION-CORRECTION-INSTANT", "When an upheld objection's correction takes effect",
        "An upheld objection (Art 39) corrects from the instant its workflow applies it (`applied_at`, just "
        "after the officer's decision), not from 00:00 of that day: reads `as_of` any earlier instant, the "
        "same day included, answer what was public then (tier, credit view, feed). An EVENT stops counting "
        "from that day, as a revocation decided then. A DISCLOSURE takes `correction.disclosure_months` (1-36, "
        "counted from its start) only when that period still runs after the decision day; a shorter one "
        "would rewrite what was public, so it ends WITHDRAWN instead. Every upheld objection is a new "
        "decision citing Art 39, also when the tier stays.", _DEFAULT),
    Choice(
        "CHOICE-OBJECTION-RESTORATION-REDECIDED", "A restoration result decided again",
        "Only a refusal (REJECTED) is a restoration result an enterprise objects to; an approval is what it "
        "applied for (422 naming `subject_id`). Upheld, the refused application is decided again as a new "
        "application (`redecision_of`) through the restoration review, judged on the facts at the "
        "re-decision with the conditions as at the original receipt (the minimum period counts to the day "
        "it applied); its own clock runs from the re-decision day, and one the review sends to an officer "
        "waits on the usual route. The refusal is kept as it was. While another open application covers "
        "the same records (or TIER), upholding is refused with 409.", _DEFAULT),
    Choice(
        "CHOICE-OBJECTION-OVERDUE", "An objection past its review deadline",
        "`review_by` is the 20th calendar day after the day of filing (CST), the last day in time; from the "
        "next day `case-deadlines` marks the objection `overdue` and emits `DeadlineMissed` once. It stays "
        "UNDER_REVIEW and may still be decided (Art 39 sets no consequence for a late review); the mark stays "
        "on it after the decision.", _DEFAULT),
    Choice(
        "CHOICE-REGISTRATION-DOES-NOT-CHANGE-TIER", "Registration status and business types",
        "Registration status and business types do not change the tier: an enterprise managed by reference "
        "(Art 41) can be downgraded, and D3 reads each event's own `business_line`.", _DEFAULT, ("D3",)),
    Choice(
        "CHOICE-DISCLOSURE-ITEMS", "Disclosure items: one end, what the system knew",
        "A record the system learns of after its window ended, or already withdrawn or restored, was never on "
        "the feed (stored ended, no bus event); the first end of a disclosure is final (a later revocation of "
        "an expired record changes nothing); the feed at `as_of` shows only what the system had published by "
        "then (`published_at <= as_of`).", _DEFAULT),
)
