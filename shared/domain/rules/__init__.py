"""Credit rules as data (rule packs) and the pure engine that applies them.

Public API (what the application layer calls):

- `evaluate(facts, as_of, pack=None)` -> `Evaluation`; `simulate(facts, extra_events, as_of, pack=None)`
- `pack_for(instant)` / `select_pack(instant)` -> the pack in force; `PackRegistry` to add packs as data
- `arrears_threshold_date(event, pack)` -> the first day an unpaid tax/fine grounds D4/D5
- `EnterpriseFacts`, `TierFact`, `TierFactKind`, `RecordRestoration`, `DisclosureOverride`
- `ORDER_282`, `RulePack`, `Severity`
Record classification: `shared.domain.disclosure.classify`; measures: `shared.domain.measures`.


The names are loaded on first use (PEP 562): a function that needs only `pack_for` or the measures
does not pay for importing the engine at cold start.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.domain.rules.engine import (
        Correction,
        Evaluation,
        Ground,
        GroundRoute,
        RestorationNotice,
        Route,
        evaluate,
        simulate,
    )
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
    from shared.domain.rules.severity import RecordClassification
    from shared.domain.rules.timeline import Cause, Transition

_LAZY: dict[str, str] = {
    "Cause": "shared.domain.rules.timeline",
    "Correction": "shared.domain.rules.engine",
    "DEFAULT_REGISTRY": "shared.domain.rules.registry",
    "DisclosureOverride": "shared.domain.rules.facts",
    "EnterpriseFacts": "shared.domain.rules.facts",
    "Evaluation": "shared.domain.rules.engine",
    "Ground": "shared.domain.rules.engine",
    "GroundRoute": "shared.domain.rules.engine",
    "GroundRule": "shared.domain.rules.model",
    "NoRulePackInForce": "shared.domain.rules.registry",
    "ORDER_282": "shared.domain.rules.order_282",
    "PackRegistry": "shared.domain.rules.registry",
    "PackSelection": "shared.domain.rules.registry",
    "RecordClassification": "shared.domain.rules.severity",
    "RecordRestoration": "shared.domain.rules.facts",
    "RestorationNotice": "shared.domain.rules.engine",
    "Route": "shared.domain.rules.engine",
    "RulePack": "shared.domain.rules.model",
    "Severity": "shared.domain.rules.model",
    "TierFact": "shared.domain.rules.facts",
    "TierFactKind": "shared.domain.rules.facts",
    "Transition": "shared.domain.rules.timeline",
    "arrears_threshold_date": "shared.domain.rules.grounds",
    "evaluate": "shared.domain.rules.engine",
    "pack_for": "shared.domain.rules.registry",
    "select_pack": "shared.domain.rules.registry",
    "simulate": "shared.domain.rules.engine",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
