"""Cursors of the scheduled jobs (`ScheduleStore`): one item per schedule, what it last covered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.adapters import keys
from shared.adapters.credit_store import get_item
from shared.adapters.dynamodb import dynamodb_client, to_item
from shared.adapters.settings import settings

STATE_SK = "STATE"


class DynamoScheduleStore:
    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or settings().table_name

    def cursor(self, schedule: str) -> dict[str, Any] | None:
        return get_item(keys.schedule_pk(schedule), STATE_SK, self.table_name)

    def save_cursor(self, schedule: str, values: Mapping[str, Any]) -> None:
        dynamodb_client().put_item(TableName=self.table_name,
                                   Item=to_item({"pk": keys.schedule_pk(schedule), "sk": STATE_SK, **values}))
