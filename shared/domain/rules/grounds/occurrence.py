"""One arising of a ground: the rule, the day it arose, the events that prove it.

A NamedTuple (cheap to build in the hot path); its summary is formatted only when asked for
(`summary`), since most occurrences never reach an explanation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from shared.domain.rules.model import GroundRule


class Occurrence(NamedTuple):
    rule: GroundRule
    arose_on: date
    evidence: tuple[str, ...]  # event ids
    describe: Callable[[], str]  # formats the summary on demand
    settled_on: date | None = None  # arrears grounds: the day the arrears were paid, if they were

    @property
    def rule_id(self) -> str:
        return self.rule.rule_id

    @property
    def summary(self) -> str:
        return self.describe()
