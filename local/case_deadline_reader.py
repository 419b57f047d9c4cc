"""The deadline of the case an execution is about, for the operators' console (`ExecutionsView`):
statutory deadlines are data on the case, not in the execution (they move with suspensions, resumptions
and extensions), so the console reads the case item from the main table, as the API's case view does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.adapters import keys
from shared.adapters.dynamodb import from_item, to_item
from shared.domain.clock import china_date

_SORT_KEYS: dict[str, Callable[[str], str]] = {"cert": keys.certification_sk, "recert": keys.certification_sk,
                                                "objection": keys.objection_sk}


def case_deadline_reader(client: Callable[[str], Any], table: str, now: Callable[[], datetime]
                         ) -> Callable[[dict[str, Any]], tuple[str, Any, bool] | None]:
    def read(subject: dict[str, Any]) -> tuple[str, Any, bool] | None:
        sort_key = _SORT_KEYS.get(str(subject.get("kind")))
        if sort_key is None or not subject.get("uscc"):
            return None
        raw = client("dynamodb").get_item(TableName=table, Key=to_item(
            {"pk": keys.enterprise_pk(str(subject["uscc"])), "sk": sort_key(str(subject["case_id"]))})).get("Item")
        if not raw:
            return None
        item = from_item(raw)
        if subject["kind"] == "objection":
            review_by = item.get("review_by")
            late = bool(item.get("overdue")) or (review_by is not None and china_date(now()).isoformat() > review_by)
            return ("review_by", review_by, late) if review_by else None
        from shared.usecases.certification.common import case_view

        view = case_view(item, now())
        return "decide_by", view["clock"]["decide_by"], bool(view["overdue"])

    return read
