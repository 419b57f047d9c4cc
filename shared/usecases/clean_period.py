"""`clean-period-upgrades` (daily 00:30 CST): automatic upgrades after the clean period (Arts 29-30).

When an evaluation leaves an enterprise DISCREDITED or SERIOUSLY_DISCREDITED with an automatic
restoration day (`restoration_notice.automatic_on`: 24 / 36 months with no new ground, counted from
settlement where arrears were unpaid, none while they are unpaid), it keeps one due item under the
enterprise (`sk=DUE#CLEAN_PERIOD`) on the `CLEAN_PERIOD` due index at that day, in the same
transaction as its other writes; when the day moves (a new ground, a settlement) or the downgrade
ends, the entry moves or goes. The schedule's run asks the evaluation function to re-evaluate each
due enterprise (`ReevaluationRequested`, written in the transaction that consumes its entry: the
evaluation path, with its retries and DLQ); the evaluation makes the upgrade decision (citing Arts 29-30) and, if
the enterprise is still downgraded (e.g. the clock was moved back), writes the entry again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from shared.adapters import keys
from shared.domain.clock import Clock, china_date
from shared.domain.rules import Evaluation
from shared.usecases.arrears_watch import reevaluation_request
from shared.usecases.due_work import DueIndex, RunReport, run_due

DUE_KIND = "CLEAN_PERIOD"
SCHEDULE = "clean-period-upgrades"


def planned_due_item(uscc: str, evaluation: Evaluation, stored: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The due item to write (None: nothing to change)."""
    current = next((d for d in stored if d["sk"] == keys.clean_period_sk()), None)
    automatic_on = evaluation.restoration_notice.automatic_on if evaluation.restoration_notice.downgraded else None
    wanted = None if automatic_on is None else keys.due_sk(automatic_on.isoformat(), uscc, DUE_KIND)
    if (current or {}).get("gsi2sk") == wanted:
        return None
    item: dict[str, Any] = {"pk": keys.enterprise_pk(uscc), "sk": keys.clean_period_sk(), "entity": "DUE",
                            "kind": DUE_KIND, "uscc": uscc, "tier": evaluation.tier.value}
    if automatic_on is not None:
        item.update(automatic_on=automatic_on.isoformat(), gsi2pk=keys.due_pk(DUE_KIND), gsi2sk=wanted)
    elif current is None:
        return None
    return item


def run_clean_period_upgrades(clock: Clock, index: DueIndex,
                              remaining_ms: Callable[[], int] | None = None) -> RunReport:
    """Every enterprise whose automatic upgrade day has come: entry consumed with its re-evaluation request."""

    def page(entries: list[dict[str, Any]]) -> int:
        return sum(index.consume(e, reevaluation_request(e, SCHEDULE)) for e in entries)

    return run_due(DUE_KIND, china_date(clock.now()), index, page, remaining_ms=remaining_ms)
