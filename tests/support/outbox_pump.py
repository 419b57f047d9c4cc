"""The outbox's pipe for tests under `mock_aws`: reads the outbox table's stream from where it last
stopped and hands the new records to the real `outbox_relay` handler in batches, the way the
template's pipe does (its failures are the unit tests' business: tests/unit/test_async_edge_faults.py)."""

from __future__ import annotations

import os
from typing import Any

from shared.adapters.settings import OUTBOX_TABLE_ENV
from tests.support.lambdas import LambdaContext, handler_module

BATCH_SIZE = 10


class OutboxPump:
    def __init__(self, dynamodb: Any, streams: Any) -> None:
        self.dynamodb = dynamodb
        self.streams = streams
        self.after: str | None = None  # last sequence number handed over

    def __call__(self) -> int:
        """Relay every record written since the last call; returns how many."""
        table = os.environ.get(OUTBOX_TABLE_ENV)
        if not table:
            return 0
        stream_arn = self.dynamodb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
        if not stream_arn:
            return 0
        (shard,) = self.streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
        position: dict[str, Any] = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self.after}
                                    if self.after else {"ShardIteratorType": "TRIM_HORIZON"})
        iterator = self.streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                                   **position)["ShardIterator"]
        records = self.streams.get_records(ShardIterator=iterator)["Records"]
        if records:
            self.after = records[-1]["dynamodb"]["SequenceNumber"]
        relay = handler_module("outbox_relay")
        for start in range(0, len(records), BATCH_SIZE):
            outcome = relay.lambda_handler(records[start:start + BATCH_SIZE],
                                           LambdaContext(function_name="outbox_relay"))
            assert outcome["batchItemFailures"] == [], outcome  # moto's bus accepts everything
        return len(records)
