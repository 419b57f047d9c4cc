"""Credit rules as data (rule packs) and the pure engine that applies them.

Public API (what the application layer calls):

- `evaluate(facts, as_of, pack=None)` -> `Evaluation`; `simulate(facts, extra_events, as_of, pack=None)`
- `pack_for(instant)` / `select_pack(instant)` -> the pack in force; `PackRegistry` to add packs as data
- `arrears_threshold_date(event, pack)` -> the first day an unpaid tax/fine grounds its rule
- `EnterpriseFacts`, `TierFact`, `TierFactKind`, `RecordRestoration`, `DisclosureOverride`
- `ORDER_282`, `RulePack`, `Severity`
Record classification: `shared.domain.disclosure.classify`; measures: `shared.domain.measures`.

Names are loaded on first use (PEP 562), so a function that needs only `pack_for` or the measures
does not import the engine (about 25 ms on the first request of `credit_views`). One list says where
each name lives: the imports under TYPE_CHECKING below, which mypy reads and `__getattr__` reads too
(parsed once, on the first lazy access); tests/unit/rules/test_public_names.py checks that it and
`__all__` agree and that every name resolves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


_homes: dict[str, str] = {}


def _home(name: str) -> str | None:
    """The module the TYPE_CHECKING block above imports `name` from."""
    if not _homes:
        import ast
        from pathlib import Path

        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                for stmt in node.body:
                    if isinstance(stmt, ast.ImportFrom) and stmt.module:
                        _homes.update({alias.asname or alias.name: stmt.module for alias in stmt.names})
    return _homes.get(name)


def __getattr__(name: str) -> Any:
    module = _home(name) if name in __all__ else None
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
