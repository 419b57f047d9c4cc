"""The reported credit event: one `CreditEvent` is one decided fact about one enterprise (a penalty,
a criminal judgment, an arrears notice, the settlement of arrears, or the revocation of an earlier
event). The model is the edge: it validates everything that needs no storage and no clock; what
needs context is in `checks`.

Field rules beyond the bare schema (choices of this module, listed so partners can rely on them):

- `event_id`, `refers_to`: 1-128 characters, no whitespace or control characters.
- `decided_on`, `due_on`: ISO calendar dates `YYYY-MM-DD` (CST), not before 2000-01-01. Numbers
  and date-times are refused: a timestamp is not a legal date.
- `amount_cny`: a JSON number or a decimal string, ≥ 0, at most 2 decimals, finite, at most 15
  digits; stored normalised to 2 decimals (`"1e3"` → `1000.00`).
- `intentional`, `voluntary_disclosure`: JSON booleans only (no `"true"` strings, no 0/1).
- `refers_to`: required for `ARREARS_SETTLED` and `PENALTY_REVOKED`, forbidden for every other
  type, never the event's own id.
- `due_on`: required for `TAX_OVERDUE` and `FINE_OVERDUE` (D4/D5 count from it), forbidden for
  every other type.
- `amount_cny`: required for `FINE_OVERDUE` (D5 has an amount threshold) and whenever
  `penalty_kind` is `FINE` or `CONFISCATION`; a `WARNING` carries no amount above 0.
- `penalty_kind` is optional; how the rules read its absence is CHOICE-MISSING-PENALTY-KIND
  (`effective_penalty_kind`, docs/rules.md).
- `ARREARS_SETTLED` must refer to a `TAX_OVERDUE` or `FINE_OVERDUE` event; `PENALTY_REVOKED` to
  any event that is not itself a settlement or a revocation, decided on or before the revocation.
  Both must refer to an event of the same enterprise (checked by `check_against`).
- `disclosure_months` (1-60, a JSON integer) and `disclosure_basis` (1-500 characters) come
  together or not at all, and never on `ARREARS_SETTLED`/`PENALTY_REVOKED` (they are no records).
  They replace the maximum disclosure period only: a MINOR record stays unpublished.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationInfo,
    field_validator,
)

from shared.domain.credit_events.kinds import ARREARS_TYPES, META_TYPES, CreditEventType, PenaltyKind
from shared.domain.model_configs import STRICT
from shared.domain.registration import BusinessLine
from shared.domain.time_types import CalendarDate
from shared.domain.uscc import Uscc

EARLIEST_DATE = date(2000, 1, 1)
CENT = Decimal("0.01")


def _not_before_2000(value: date) -> date:
    if value < EARLIEST_DATE:
        raise ValueError("must not be before 2000-01-01")
    return value


def _to_cents(value: Decimal) -> Decimal:
    return (value + Decimal(0)).quantize(CENT)  # + 0 turns -0 into 0


CstDate = Annotated[
    CalendarDate,
    AfterValidator(_not_before_2000),
    Field(description="Calendar date in China Standard Time, YYYY-MM-DD, not before 2000-01-01",
          json_schema_extra={"format": "date"}),
]
AmountCny = Annotated[
    Decimal,
    Field(ge=0, decimal_places=2, max_digits=15, allow_inf_nan=False,
          description="CNY amount: a decimal string or number, at most 2 decimals, never negative",
          examples=["1000000.00"]),
    AfterValidator(_to_cents),
]
EventId = Annotated[
    str,
    Field(min_length=1, max_length=128, pattern=r"^[^\s\x00-\x1f\x7f]+$",
          description="Partner-unique event id, 1-128 characters without whitespace"),
]
_Text = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
StrictBool = Annotated[bool, Field(strict=True)]


class CreditEvent(BaseModel):
    """One reported credit event (one item of `POST /v1/credit-events`).

    The per-type rules are field validators so that each error carries the field's `loc`."""

    model_config = STRICT

    event_id: EventId
    uscc: Uscc
    type: CreditEventType
    business_line: BusinessLine
    decided_on: CstDate = Field(description="Date the decision took effect (a judgment: its effective date; "
                                            "ARREARS_SETTLED: the date paid), CST")
    penalty_kind: PenaltyKind | None = None
    amount_cny: AmountCny | None = Field(default=None, validate_default=True)
    due_on: CstDate | None = Field(default=None, validate_default=True)
    intentional: StrictBool = True
    voluntary_disclosure: StrictBool = False
    document_no: _Text
    authority: _Text
    description: Annotated[str, Field(max_length=2000)] | None = None
    refers_to: EventId | None = Field(default=None, validate_default=True)
    disclosure_months: Annotated[int, Field(strict=True, ge=1, le=60)] | None = Field(
        default=None, description="A disclosure period set by another law (1-60 months); it replaces the maximum "
                                  "disclosure period of the record's severity. Requires `disclosure_basis`.")
    disclosure_basis: Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")] | None = Field(
        default=None, validate_default=True,
        description="The law that sets `disclosure_months` (required with it, refused without it)")

    ADDED_OPTIONALS: ClassVar[tuple[str, ...]] = ("disclosure_months", "disclosure_basis")
    """Fields added after events were stored: left out of the content identity when absent, so an
    event stored before them keeps its `content_hash` (a replay stays a replay)."""

    @field_validator("amount_cny")
    @classmethod
    def _amount_per_type(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        etype, kind = info.data.get("type"), info.data.get("penalty_kind")
        if value is None:
            if etype is CreditEventType.FINE_OVERDUE:
                raise ValueError("amount_cny is required for FINE_OVERDUE")
            if kind in (PenaltyKind.FINE, PenaltyKind.CONFISCATION):
                raise ValueError(f"amount_cny is required when penalty_kind is {kind}")
        elif kind is PenaltyKind.WARNING and value > 0:
            raise ValueError("a WARNING carries no amount; use FINE or CONFISCATION")
        return value

    @field_validator("due_on")
    @classmethod
    def _due_per_type(cls, value: date | None, info: ValidationInfo) -> date | None:
        etype = info.data.get("type")
        if etype is None:
            return value
        if etype in ARREARS_TYPES and value is None:
            raise ValueError(f"due_on is required for {etype}")
        if etype not in ARREARS_TYPES and value is not None:
            raise ValueError(f"due_on is only allowed for TAX_OVERDUE and FINE_OVERDUE, not {etype}")
        return value

    @field_validator("refers_to")
    @classmethod
    def _refers_per_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        etype = info.data.get("type")
        if etype is None:
            return value
        if etype in META_TYPES:
            if value is None:
                raise ValueError(f"refers_to is required for {etype}")
            if value == info.data.get("event_id"):
                raise ValueError("an event cannot refer to itself")
        elif value is not None:
            raise ValueError(f"refers_to is only allowed for ARREARS_SETTLED and PENALTY_REVOKED, not {etype}")
        return value

    @field_validator("disclosure_basis")
    @classmethod
    def _basis_with_months(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "disclosure_months" not in info.data:  # itself invalid: that error is enough
            return value
        months, etype = info.data.get("disclosure_months"), info.data.get("type")
        if months is not None and value is None:
            raise ValueError("disclosure_basis is required with disclosure_months (the law that sets the period)")
        if months is None and value is not None:
            raise ValueError("disclosure_basis is only allowed with disclosure_months")
        if months is not None and etype in META_TYPES:
            raise ValueError(f"{etype} is not a record: it has no disclosure period")
        return value
