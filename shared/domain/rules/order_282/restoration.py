"""Arts 36-40 — restoration of records and the review of applications (record restoration and upgrade
on application): the conditions as data, each cited by its id in a refusal."""

from __future__ import annotations

from shared.domain.rules.model import RestorationCheck, RestorationRules, ReviewOutcome
from shared.domain.rules.order_282.grounds import NO_ROUTE_SOURCE, UPGRADE_SOURCE

_DISCLOSURE = frozenset({"DISCLOSURE"})
_TIER = frozenset({"TIER"})
_BOTH = frozenset({"DISCLOSURE", "TIER"})
_REJECT, _OFFICER = ReviewOutcome.REJECTED, ReviewOutcome.NEEDS_OFFICER

RESTORATION_CHECKS = (
    # Documents (both kinds: the restoration notice of every tier decision asks for them).
    RestorationCheck("DOCUMENTS_MISSING", "Arts 36-40", _BOTH, _REJECT,
                     "A FULFILMENT_PROOF (or a COURT_RESTRUCTURING_ORDER in its place) and a COMMITMENT_LETTER "
                     "are required; without them, and without OTHER documents a person could weigh, the "
                     "application is refused.",
                     "[N] NDRC Order 36 (2025) documents; [D] the same documents for an upgrade application"),
    RestorationCheck("OTHER_DOCUMENTS_ONLY", "Arts 36-40", _BOTH, _OFFICER,
                     "A required document is missing but OTHER documents were given: an officer decides whether "
                     "they prove what the missing one would.",
                     "[D] a person weighs documents the rules do not name"),
    RestorationCheck("COURT_RESTRUCTURING_ORDER", "Arts 36-40", _BOTH, _OFFICER,
                     "A court order approving reorganisation replaces the fulfilment proof; an officer confirms "
                     "that the order covers the obligations of the records.",
                     "[N] substitute document; [D] always read by an officer"),
    # Record restoration (Arts 36-40).
    RestorationCheck("NOT_A_DISCLOSED_RECORD", "Arts 33-35", _DISCLOSURE, _REJECT,
                     "Only a record whose disclosure has not ended can be restored: not an overdue tax or fine "
                     "that never became a ground, not a record already expired, withdrawn or restored.",
                     "[D] nothing to restore"),
    RestorationCheck("WITHIN_MINIMUM_PERIOD", "Arts 36-40", _DISCLOSURE, _REJECT,
                     "The minimum period of the record's class (GENERAL 3 months, SERIOUS 12, MINOR none) runs "
                     "from the day after its disclosure starts; an application received on or before its last "
                     "day is refused, one received the day after may be approved.",
                     "the rules specification, counting periods "
                     "(GENERAL 2026-04-15: refused 2026-07-15, possible 2026-07-16)"),
    RestorationCheck("NON_RESTORABLE_BY_LAW", "Art 40", _DISCLOSURE, _REJECT,
                     "A record grounding a rule that a law marks non-restorable (`GroundRule.restorable=False`) "
                     "is never restored.",
                     "[N] national framework exclusions"),
    RestorationCheck("OBLIGATIONS_UNFULFILLED", "Arts 36-40", _DISCLOSURE, _REJECT,
                     "An overdue tax or fine among the records that is not settled by the day of the decision.",
                     "the rules specification: no unsettled arrears among the records"),
    RestorationCheck("NEW_GROUND_OF_SAME_KIND", "Arts 36-40", _DISCLOSURE, _REJECT,
                     "Another record of the same kind (grounding one of the same rules; for a record grounding "
                     "none, of the same event type) arising after the record's disclosure start and on or before "
                     "the day of the decision.",
                     "[N] refusal on recurrence; [D] 'after the record' up to the decision day"),
    # Upgrade on application (Arts 29-30).
    RestorationCheck("NOT_DOWNGRADED", "Arts 29-30", _TIER, _REJECT,
                     "Only a DISCREDITED or SERIOUSLY_DISCREDITED enterprise can apply for an upgrade.",
                     "[D] nothing to upgrade"),
    RestorationCheck("NO_APPLICATION_ROUTE", "Arts 29-30", _TIER, _REJECT,
                     "A ground without an application route (D1, D7) leaves only the automatic route.",
                     NO_ROUTE_SOURCE),
    RestorationCheck("UPGRADE_WAITING_PERIOD", "Arts 29-30", _TIER, _REJECT,
                     "An application received before the earliest application day of the restoration notice "
                     "(12 months D2/D6/D8, 6 D3, 3 D4/D5 from settlement, 12 SD) is refused.",
                     UPGRADE_SOURCE),
    RestorationCheck("ARREARS_UNPAID", "Arts 29-30", _TIER, _REJECT,
                     "No upgrade while any overdue tax or fine of the enterprise is unpaid on the day of the "
                     "decision (grounding or not).",
                     "the rules specification: neither route upgrades while an obligation is unfulfilled"),
)
"""The review's conditions: a failed REJECTED check refuses; otherwise a failed NEEDS_OFFICER check
sends the application to an officer; otherwise it is approved."""

RESTORATION = RestorationRules(
    article="Arts 36-40",
    text="Conditions: conduct corrected; obligations fulfilled (no unsettled arrears among the records); "
         "the minimum period of the record's class passed. Documents: proof of fulfilment and a credit "
         "commitment letter; a court order approving reorganisation replaces the proof. Decision within "
         "3 working days of receipt (extension up to 10 working days with a recorded reason); result to "
         "the applicant within 10 working days. Refused: records whose rule a law marks non-restorable, a "
         "new ground of the same kind before the decision, an application during the minimum period.",
    source="[N] NDRC Order 36 (2025) and 国办发〔2025〕22号; [D] extension 10 working days; objection review "
           "20 days [H✓/B~]",
    required_documents=("FULFILMENT_PROOF", "COMMITMENT_LETTER"),
    substitutes={"COURT_RESTRUCTURING_ORDER": "FULFILMENT_PROOF"},
    decision_working_days=3,
    extension_max_working_days=10,
    feedback_working_days=10,
    objection_review_days=20,
    refusals=("NON_RESTORABLE_BY_LAW", "NEW_GROUND_OF_SAME_KIND", "WITHIN_MINIMUM_PERIOD",
              "OBLIGATIONS_UNFULFILLED"),
    checks=RESTORATION_CHECKS,
)
