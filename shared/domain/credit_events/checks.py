"""Checks of reported events that need context, pure so the API layer can list every bad item by index:

- `check_against(event, today, referenced)`: a `decided_on` in the future (the caller passes today's
  CST date), and a `refers_to` that is unknown, of the wrong kind or of another enterprise;
- `check_batch(events, today, stored)`: the same for a whole batch, resolving `refers_to` inside the
  batch first, then in storage, and catching one `event_id` used twice with other content.

Errors are `{"loc": [...], "msg": "..."}` (the `errors` entries of a problem response).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared.domain.content import content_hash
from shared.domain.credit_events.kinds import ARREARS_TYPES, META_TYPES, CreditEventType
from shared.domain.credit_events.model import CreditEvent


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
