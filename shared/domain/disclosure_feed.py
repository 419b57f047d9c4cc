"""The public state of a record on the disclosure feed (Art 33), read at any instant.

A disclosure item is stored per record (`DISC#<event_id>` under the enterprise). Its window is
`published_from` .. `published_until` (the LAST day shown, inclusive; Civil Code Arts 200-204)
and it ends in exactly one way, EXPIRED (the day after `published_until`), RESTORED or WITHDRAWN
(on `ended_on`), kept and never deleted. What the feed shows is computed here from the dates, at
read time: the stored `status` alone never puts a record on the feed (the expiry schedule may not
have run yet, or the clock may have been moved).

Pure: no storage, no clock. Items are plain mappings as stored (ISO dates and instants as strings).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

PUBLISHED = "PUBLISHED"
NOT_PUBLISHED = "NOT_PUBLISHED"
EXPIRED = "EXPIRED"
RESTORED = "RESTORED"
WITHDRAWN = "WITHDRAWN"
ENDED = frozenset({EXPIRED, RESTORED, WITHDRAWN})
NO_END = "9999-12-31"
"""Sort key stand-in for a published record without an automatic end (no class has one today)."""

PUBLIC_FIELDS = ("uscc", "name", "event_id", "type", "severity", "rule_ids", "authority", "document_no",
                 "decided_on", "summary", "published_from", "published_until", "disclosure_basis")
"""What the public sees of a record (no amounts, no private fields)."""


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def end_at(item: Mapping[str, Any], day: date, instant: str | None = None) -> tuple[str, date] | None:
    """How and when the disclosure has ended by `day`, from the dates (None: not ended by then). An end
    made at an instant (`ended_at`: an upheld objection's withdrawal, Art 39) has not happened yet for a
    read at an earlier `instant` of its day."""
    ended_on = _day(item.get("ended_on"))
    ended_at = item.get("ended_at")
    later = instant is not None and isinstance(ended_at, str) and ended_at > instant
    if ended_on is not None and item.get("status") in ENDED and ended_on <= day and not later:
        return str(item["status"]), ended_on
    until = _day(item.get("published_until"))
    if item.get("published") and until is not None and until < day:
        expired_on = until + timedelta(days=1)
        if ended_on is None or expired_on < ended_on:
            return EXPIRED, expired_on
    return None


def on_feed_at(item: Mapping[str, Any], day: date, instant: str) -> bool:
    """Whether the record was on the public feed on CST `day` as the system knew it at `instant`
    (RFC 3339 UTC, as stored): published by then (`published_at <= instant`), inside its window
    (`published_from <= day <= published_until`) and not ended on or before `day` (by `instant`)."""
    published_at = item.get("published_at")
    start = _day(item.get("published_from"))
    if not item.get("published") or not isinstance(published_at, str) or published_at > instant or start is None:
        return False
    return start <= day and end_at(item, day, instant) is None


def status_at(item: Mapping[str, Any], day: date, instant: str | None = None) -> tuple[str, str | None]:
    """(status, ended_on) on `day`, computed from the dates: PUBLISHED, NOT_PUBLISHED or how it ended."""
    ended = end_at(item, day, instant)
    if ended is not None:
        return ended[0], ended[1].isoformat()
    if not item.get("published") or not item.get("published_at"):
        return NOT_PUBLISHED, None
    return PUBLISHED, None


def public_view(item: Mapping[str, Any], day: date, instant: str | None = None) -> dict[str, Any]:
    """The public feed item (status and ended_on as of `day`, at `instant` of it when given)."""
    status, ended_on = status_at(item, day, instant)
    view = {k: item[k] for k in PUBLIC_FIELDS if item.get(k) is not None}
    view["status"] = status
    if ended_on is not None:
        view["ended_on"] = ended_on
    return view


def full_view(item: Mapping[str, Any], day: date) -> dict[str, Any]:
    """The enterprise's own view: the public fields, whether the class is published, when the system
    first published it, and the history of its states."""
    view = public_view(item, day)
    view["published"] = bool(item.get("published"))
    if item.get("published_at"):
        view["published_at"] = item["published_at"]
    view["history"] = list(item.get("history", []))
    return view
