"""Credit rules as data (rule packs) and the pure engine that applies them.

Public API (what the application layer calls):

- `evaluate(facts, as_of, pack=None)` -> `Evaluation`; `simulate(facts, extra_events, as_of, pack=None)`
- `pack_for(instant)` / `select_pack(instant)` -> the pack in force; `PackRegistry` to add packs as data
- `arrears_threshold_date(event, pack)` -> the first day an unpaid tax/fine grounds its rule
- `EnterpriseFacts`, `TierFact`, `TierFactKind`, `RecordRestoration`, `DisclosureOverride`
- `ORDER_282`, `RulePack`, `Severity`
Record classification: `shared.domain.disclosure.classify`; measures: `shared.domain.measures`.
"""

from shared.domain.rules.evaluate import evaluate, simulate
from shared.domain.rules.facts import (
    DisclosureOverride,
    EnterpriseFacts,
    RecordRestoration,
    TierFact,
    TierFactKind,
)
from shared.domain.rules.grounds import arrears_threshold_date
from shared.domain.rules.model import GroundRule, RulePack, Severity
from shared.domain.rules.order_282 import ORDER_282
from shared.domain.rules.registry import (
    DEFAULT_REGISTRY,
    NoRulePackInForce,
    PackRegistry,
    PackSelection,
    pack_for,
    select_pack,
)
from shared.domain.rules.results import Correction, Evaluation, Ground, GroundRoute, RestorationNotice, Route
from shared.domain.rules.severity import RecordClassification
from shared.domain.rules.timeline import Cause, Transition

__all__ = [
    "DEFAULT_REGISTRY",
    "ORDER_282",
    "Cause",
    "Correction",
    "DisclosureOverride",
    "EnterpriseFacts",
    "Evaluation",
    "Ground",
    "GroundRoute",
    "GroundRule",
    "NoRulePackInForce",
    "PackRegistry",
    "PackSelection",
    "RecordClassification",
    "RecordRestoration",
    "RestorationNotice",
    "Route",
    "RulePack",
    "Severity",
    "TierFact",
    "TierFactKind",
    "Transition",
    "arrears_threshold_date",
    "evaluate",
    "pack_for",
    "select_pack",
    "simulate",
]
