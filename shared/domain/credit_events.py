"""Credit events: what agencies report about an enterprise (Arts 15, 16, 34; API.md "Credit events").

One `CreditEvent` is one decided fact about one enterprise: a penalty, a criminal judgment, an
arrears notice, the settlement of arrears, or the revocation of an earlier event. The model is
the edge: it validates everything that needs no storage and no clock. Two further checks need
context and are pure functions here so the API layer can list every bad item by index:

- `check_against(event, today, referenced)` — a `decided_on` in the future (the caller passes
  today's CST date), and a `refers_to` that is unknown, of the wrong kind or of another enterprise;
- `check_batch(events, today, stored)` — the same for a whole batch, resolving `refers_to`
  inside the batch first, then in storage, and catching one `event_id` used twice with other content.

Errors are `{"loc": [...], "msg": "..."}` (the RFC 9457 `errors` entries of API.md).

Field rules beyond API.md (choices of this module, listed so partners can rely on them):

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
- `penalty_kind` is optional (API.md). When it is absent the rules read the penalty as a `FINE`
  if it carries an amount above 0 and as `OTHER` otherwise (`effective_penalty_kind`).
- `ARREARS_SETTLED` must refer to a `TAX_OVERDUE` or `FINE_OVERDUE` event; `PENALTY_REVOKED` to
  any event that is not itself a settlement or a revocation, decided on or before the revocation.
  Both must refer to an event of the same enterprise (checked by `check_against`).
- `disclosure_months` (1-60, a JSON integer) and `disclosure_basis` (1-500 characters) come
  together or not at all, and never on `ARREARS_SETTLED`/`PENALTY_REVOKED` (they are no records).
  They replace the maximum disclosure period only: a MINOR record stays unpublished.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, NamedTuple, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from shared.domain.enterprise import Uscc
from shared.domain.time_types import CalendarDate

EARLIEST_DATE = date(2000, 1, 1)
CENT = Decimal("0.01")


class CreditEventType(StrEnum):
    SMUGGLING_CRIME = "SMUGGLING_CRIME"
    SMUGGLING_PENALTY = "SMUGGLING_PENALTY"
    SUPERVISION_VIOLATION_PENALTY = "SUPERVISION_VIOLATION_PENALTY"
    TAX_OVERDUE = "TAX_OVERDUE"
    FINE_OVERDUE = "FINE_OVERDUE"
    OBSTRUCTION_PENALTY = "OBSTRUCTION_PENALTY"
    BRIBERY = "BRIBERY"
    EXPORT_CONTROL_VIOLATION_PENALTY = "EXPORT_CONTROL_VIOLATION_PENALTY"
    FOOD_SAFETY_CRIME = "FOOD_SAFETY_CRIME"
    COSMETICS_CRIME = "COSMETICS_CRIME"
    SOLID_WASTE_SMUGGLING_CRIME = "SOLID_WASTE_SMUGGLING_CRIME"
    SOLID_WASTE_IMPORT_PENALTY = "SOLID_WASTE_IMPORT_PENALTY"
    ARREARS_SETTLED = "ARREARS_SETTLED"
    PENALTY_REVOKED = "PENALTY_REVOKED"


class BusinessLine(StrEnum):
    OWN_ACCOUNT = "OWN_ACCOUNT"  # the enterprise's own imports/exports (收发货人)
    BROKERAGE = "BROKERAGE"  # declaring for others as a customs broker (报关企业)


class PenaltyKind(StrEnum):
    WARNING = "WARNING"
    FINE = "FINE"
    CONFISCATION = "CONFISCATION"
    OTHER = "OTHER"


ARREARS_TYPES = frozenset({CreditEventType.TAX_OVERDUE, CreditEventType.FINE_OVERDUE})
# Events that change other events rather than being records themselves.
META_TYPES = frozenset({CreditEventType.ARREARS_SETTLED, CreditEventType.PENALTY_REVOKED})
RECORD_TYPES = frozenset(CreditEventType) - META_TYPES


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
    """One reported credit event (API.md `POST /v1/credit-events` item).

    The per-type rules are field validators so that each error carries the field's `loc`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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


class EventLike(Protocol):
    """What the rules engine reads from an event: a `CreditEvent` or any lighter object with these
    attributes (e.g. `EventRecord`, built from storage without re-validation). `type`,
    `business_line` and `penalty_kind` are enum members, dates are `date`s, amounts `Decimal`s."""

    @property
    def event_id(self) -> str: ...
    @property
    def type(self) -> CreditEventType: ...
    @property
    def business_line(self) -> BusinessLine: ...
    @property
    def decided_on(self) -> date: ...
    @property
    def amount_cny(self) -> Decimal | None: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def penalty_kind(self) -> PenaltyKind | None: ...
    @property
    def intentional(self) -> bool: ...
    @property
    def voluntary_disclosure(self) -> bool: ...
    @property
    def refers_to(self) -> str | None: ...


def effective_penalty_kind(event: EventLike) -> PenaltyKind:
    """The penalty kind the rules read: as reported, else FINE when an amount above 0 is given, else OTHER."""
    kind = event.penalty_kind
    if kind is not None:
        return kind  # an enum member already (CreditEvent and EventRecord convert on the way in)
    amount = event.amount_cny
    return PenaltyKind.FINE if amount is not None and amount > 0 else PenaltyKind.OTHER


_NO_FINE = Decimal(0)


def fine_amount(event: EventLike) -> Decimal:
    """The fine imposed by a penalty event (0 when it is not a fine)."""
    kind = event.penalty_kind
    amount = event.amount_cny
    if amount is None or (kind is not None and kind != PenaltyKind.FINE):
        return _NO_FINE
    return amount


def check_against(event: CreditEvent, today: date, referenced: CreditEvent | None) -> list[dict[str, Any]]:
    """Checks that need the current CST date and the referenced event (from storage or the batch).

    `today` is the CST calendar date of the instant the request is handled (`china_date(now)`);
    `referenced` is the event `event.refers_to` names, or None when no such event exists. Returns
    error entries with `loc` relative to the event (the caller prefixes the batch index)."""
    errors: list[dict[str, Any]] = []
    if event.decided_on > today:
        errors.append({"loc": ["decided_on"],
                       "msg": f"decided_on {event.decided_on} is in the future (today is {today} CST)"})
    if event.refers_to is None:
        return errors
    if referenced is None:
        errors.append({"loc": ["refers_to"], "msg": f"refers_to names no known event: {event.refers_to}"})
        return errors
    if referenced.event_id != event.refers_to:
        errors.append({"loc": ["refers_to"],
                       "msg": f"referenced event is {referenced.event_id}, not {event.refers_to}"})
    if referenced.uscc != event.uscc:
        errors.append({"loc": ["refers_to"], "msg": "refers_to names an event of another enterprise"})
    if event.type is CreditEventType.ARREARS_SETTLED and referenced.type not in ARREARS_TYPES:
        errors.append({"loc": ["refers_to"],
                       "msg": "ARREARS_SETTLED must refer to a TAX_OVERDUE or FINE_OVERDUE event, "
                              f"not {referenced.type}"})
    if event.type is CreditEventType.PENALTY_REVOKED:
        if referenced.type in META_TYPES:
            errors.append({"loc": ["refers_to"], "msg": f"PENALTY_REVOKED cannot refer to a {referenced.type} event"})
        elif referenced.decided_on > event.decided_on:
            errors.append({"loc": ["decided_on"],
                           "msg": "a revocation cannot precede the event it revokes "
                                  f"(decided {referenced.decided_on})"})
    return errors


def check_batch(events: Sequence[CreditEvent], today: date,
                stored: Mapping[str, CreditEvent]) -> list[dict[str, Any]]:
    """All context checks for one `POST /v1/credit-events` batch, `loc` = `["events", index, field]`.

    `stored` maps event ids already in storage (at least those the batch names in `event_id` or
    `refers_to`) to their events. An id used twice in the batch, or already stored, with other
    content is an error on `event_id` (the API answers 409 for a stored conflict: use
    `content_hash` to tell replays from conflicts). A `refers_to` may name an event earlier or
    later in the same batch."""
    errors: list[dict[str, Any]] = []
    in_batch: dict[str, CreditEvent] = {}
    first_index: dict[str, int] = {}
    for index, event in enumerate(events):
        seen = in_batch.get(event.event_id)
        if seen is not None and content_hash(seen) != content_hash(event):
            errors.append({"loc": ["events", index, "event_id"],
                           "msg": f"event_id {event.event_id} is used by item {first_index[event.event_id]} "
                                  "with other content"})
        else:
            in_batch.setdefault(event.event_id, event)
            first_index.setdefault(event.event_id, index)
    for index, event in enumerate(events):
        referenced = None
        if event.refers_to is not None:
            referenced = in_batch.get(event.refers_to) or stored.get(event.refers_to)
        for error in check_against(event, today, referenced):
            errors.append({"loc": ["events", index, *error["loc"]], "msg": error["msg"]})
    return errors


_ADDED_OPTIONALS = ("disclosure_months", "disclosure_basis")


def canonical_content(event: CreditEvent) -> dict[str, Any]:
    """The content that identifies an event: every field with defaults filled in, amounts as 2-decimal
    strings, absent optionals as null. `1000`, `1000.0` and `"1000.00"` are the same content."""
    data = event.model_dump(mode="json")
    for optional in _ADDED_OPTIONALS:  # added later: absent stays absent, so earlier events keep their hash
        if data.get(optional) is None:
            data.pop(optional, None)
    if event.amount_cny is not None:
        data["amount_cny"] = f"{event.amount_cny:.2f}"
    return data


def content_hash(event: CreditEvent) -> str:
    """A stable SHA-256 of `canonical_content` (sorted keys, compact JSON, UTF-8): equal for the same
    event sent twice, different as soon as any field differs. Used to answer a reused `event_id`
    with a replay (same hash) or 409 (other hash)."""
    payload = json.dumps(canonical_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


_TYPES = {member.value: member for member in CreditEventType}
_LINES = {member.value: member for member in BusinessLine}
_KINDS = {member.value: member for member in PenaltyKind}


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class EventRecord(NamedTuple):
    """A lightweight, immutable event for the engine's hot path, built from trusted storage data
    without pydantic validation (only for data validated as a `CreditEvent` when it came in).

    Build it with `EventRecord.of(event)` or `EventRecord.from_plain(mapping)`, which convert enum
    values and dates; the plain constructor expects them converted already."""

    event_id: str
    uscc: str
    type: CreditEventType
    business_line: BusinessLine
    decided_on: date
    amount_cny: Decimal | None = None
    due_on: date | None = None
    penalty_kind: PenaltyKind | None = None
    intentional: bool = True
    voluntary_disclosure: bool = False
    refers_to: str | None = None

    @classmethod
    def of(cls, event: EventLike) -> EventRecord:
        return cls(event.event_id, getattr(event, "uscc", ""), _TYPES[event.type], _LINES[event.business_line],
                   event.decided_on, event.amount_cny, event.due_on,
                   None if event.penalty_kind is None else _KINDS[event.penalty_kind],
                   event.intentional, event.voluntary_disclosure, event.refers_to)

    @classmethod
    def from_plain(cls, item: Mapping[str, Any]) -> EventRecord:
        """From a plain mapping as stored: ISO date strings or dates, decimal strings, numbers or Decimals."""
        amount = item.get("amount_cny")
        kind = item.get("penalty_kind")
        decided = item["decided_on"]
        return cls(
            item["event_id"], item.get("uscc", ""), _TYPES[item["type"]], _LINES[item["business_line"]],
            decided if isinstance(decided, date) else date.fromisoformat(decided),
            None if amount is None else (amount if isinstance(amount, Decimal) else Decimal(str(amount))),
            _day(item.get("due_on")), None if kind is None else _KINDS[kind],
            item.get("intentional", True), item.get("voluntary_disclosure", False), item.get("refers_to"),
        )


def by_id(events: Iterable[EventLike]) -> dict[str, EventLike]:
    return {event.event_id: event for event in events}
