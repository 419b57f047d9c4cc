"""What time travel leaves behind: the travelled clock kept in the data folder across restarts, and
the warning that records are dated after a "now" the clock was moved back to.

The clock is kept as its offset from the wall clock (`<data>/clock.json`, written on every change),
so a runtime restarted an hour later is still as far ahead as it was, and time flows on from
there, as it did while it ran.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from local.clock import RuntimeClock

log = logging.getLogger("local.time_travel")


class ClockFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, clock: RuntimeClock) -> None:
        if not clock.travelling:
            self.path.unlink(missing_ok=True)
            return
        document = {"offset_seconds": clock.offset.total_seconds(), "now_when_saved": clock.now().isoformat()}
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(document))
        os.replace(partial, self.path)

    def restore(self, clock: RuntimeClock) -> bool:
        """Put a saved offset back on `clock`; True when the clock is travelling now."""
        if not self.path.exists():
            return False
        try:
            offset = timedelta(seconds=float(json.loads(self.path.read_text())["offset_seconds"]))
        except (ValueError, KeyError, TypeError, OverflowError):
            log.error("%s is not a saved clock; starting on real time", self.path)
            return False
        clock.restore_offset(offset)
        return clock.travelling


def _stamp(instant: datetime) -> str:
    """The main table's instant format (`shared.domain.clock.iso_instant`): sortable as a string."""
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def records_dated_after(dynamodb: Any, table: str, instant: datetime) -> dict[str, int]:
    """How many decisions (by `effective_at`, the first part of their sort key) and credit events (by
    `received_at`) the main table holds after `instant`. One filtered count scan: the local tables
    are small, and this runs only when the clock moves back."""
    stamp = _stamp(instant)
    filters = {
        "decisions": ("begins_with(sk, :kind) AND sk > :after",
                      {":kind": {"S": "DEC#"}, ":after": {"S": f"DEC#{stamp}"}}),
        "events": ("begins_with(sk, :kind) AND received_at > :after",
                   {":kind": {"S": "EVT#"}, ":after": {"S": stamp}}),
    }
    counts: dict[str, int] = {}
    for kind, (condition, values) in filters.items():
        kwargs: dict[str, Any] = {"TableName": table, "Select": "COUNT", "FilterExpression": condition,
                                  "ExpressionAttributeValues": values}
        counts[kind] = 0
        while True:
            page = dynamodb.scan(**kwargs)
            counts[kind] += int(page.get("Count", 0))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return counts


def warnings_after_moving_back(counts: dict[str, int], now: datetime) -> list[str]:
    dated = ", ".join(f"{n} {kind if n != 1 else kind[:-1]}" for kind, n in counts.items() if n)
    if not dated:
        return []
    return [f"{dated} {'is' if sum(counts.values()) == 1 else 'are'} dated after the new now "
            f"({now.astimezone(UTC).isoformat()}): they stay stored, and views at this now may show "
            "records from its future (see local/README.md, 'Moving the clock back')"]
