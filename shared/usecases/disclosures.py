"""Reads of the public disclosure feed (Art 33): `GET /v1/disclosures` and the enterprise's own list.

The feed answers what was public at `as_of` (default now): records the system had published by
then (`published_at <= as_of`), whose window contains `as_of`'s CST date and that had not ended by
that date. It is computed from the dates when read (`shared.domain.disclosure_feed`), never from
the stored status alone. The national feed pages through the sparse feed index (gsi3, ordered by
last day shown, then uscc, then event id); one `uscc` pages through that enterprise's partition.
Filters apply server-side, so a page is collected over several queries until `limit` items are
found (at most `MAX_QUERIES_PER_PAGE` queries; a page may then hold fewer items with a
`next_token`). The `next_token` pins `as_of`, so the pages of one listing agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.adapters import disclosure_store, keys
from shared.adapters.credit_store import get_item
from shared.api.pagination import decode_token, encode_token
from shared.domain.clock import china_date, instant_of, iso_instant
from shared.domain.disclosure_feed import full_view, on_feed_at, public_view
from shared.domain.errors import NotFound, ValidationFailed

MAX_QUERIES_PER_PAGE = 10


def feed(uscc: str | None, severity: str | None, as_of: datetime | None, limit: int, token: str | None,
         now: datetime) -> dict[str, Any]:
    state = decode_token(token) or {}
    start = state.get("k")
    if token is not None and "as_of" in state:
        pinned = state["as_of"]
        if as_of is not None and iso_instant(as_of) != pinned:
            raise ValidationFailed("as_of differs from the listing next_token continues",
                                   errors=[{"loc": ["query", "as_of"], "msg": f"must be {pinned} or absent"}])
        instant = pinned
        day = china_date(instant_of(pinned))
    else:
        moment = as_of or now
        if moment > now:
            raise ValidationFailed("as_of is in the future",
                                   errors=[{"loc": ["query", "as_of"], "msg": "must not be in the future"}])
        instant, day = iso_instant(moment), china_date(moment)
    found: list[dict[str, Any]] = []
    for _ in range(MAX_QUERIES_PER_PAGE):
        if uscc is None:
            items, next_start, _read = disclosure_store.feed_page(day, instant, severity, start, limit - len(found))
        else:
            items, next_start, _read = disclosure_store.enterprise_page(uscc, start, limit - len(found), day=day,
                                                                        instant=instant, severity=severity)
        shown = [i for i in items if on_feed_at(i, day, instant)]  # the filter's twin, in the domain's words
        found.extend(shown)
        start = next_start
        if len(found) >= limit or start is None:
            break
    last = start  # the last key read: items skipped by the filter before it are not on this feed
    return {"items": [public_view(i, day, instant) for i in found],
            "next_token": encode_token({"k": last, "as_of": instant}) if last else None}


def enterprise_disclosures(uscc: str, limit: int, token: str | None, now: datetime) -> dict[str, Any]:
    """Every record of the enterprise (MINOR and ended ones too) with its status today and its history."""
    state = decode_token(token) or {}
    items, last, _read = disclosure_store.enterprise_page(uscc, state.get("k"), limit)
    if not items and token is None and get_item(keys.enterprise_pk(uscc), keys.PROFILE) is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    day = china_date(now)
    return {"items": [full_view(i, day) for i in items], "next_token": encode_token({"k": last}) if last else None}
