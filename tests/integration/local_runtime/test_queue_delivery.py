"""Bus → SQS → function in the local runtime, on the fixture stack: the rule `ToFeed` targets the queue
`Feed`, whose event source mapping (BatchSize 5, MaximumConcurrency 2, ReportBatchItemFailures) feeds the
fixture function; `Feed` redrives to `FeedDlq` after 2 receives. The fixture function reports the records
whose event asks to fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from local.runtime import Runtime
from tests.integration.local_runtime.conftest import Calls, wait_until


def _put_feed(aws: Callable[[str], Any], details: list[dict[str, Any]]) -> None:
    for start in range(0, len(details), 10):
        response = aws("events").put_events(Entries=[
            {"Source": "fixture", "DetailType": "ToFeed", "Detail": json.dumps(d), "EventBusName": "credit"}
            for d in details[start:start + 10]])
        assert response["FailedEntryCount"] == 0


def _batches(calls: Calls, *markers: str) -> list[list[dict[str, Any]]]:
    """The SQS batches the function got that hold events with one of these markers: each a list of records."""
    return [e["Records"] for e in calls.events()
            if isinstance(e, dict) and "Records" in e and any(m in json.dumps(e) for m in markers)]


def _markers(batches: list[list[dict[str, Any]]]) -> list[str]:
    return [json.loads(r["body"])["detail"]["marker"] for batch in batches for r in batch]


def test_a_burst_is_delivered_through_the_queue_in_capped_batches(
        aws: Callable[[str], Any], runtime: Runtime, calls: Calls) -> None:
    # Given the mapping's batch size (5) and maximum concurrency (2)
    poller = runtime.queues.poller_for(runtime.stack.physical_id("Feed").rsplit("/", 1)[-1] if runtime.stack else "")
    assert (poller.mapping.batch_size, poller.mapping.max_concurrency) == (5, 2)
    # When a burst of 23 events is published on the bus
    _put_feed(aws, [{"marker": f"burst-{i}"} for i in range(23)])
    # Then every event reaches the function exactly once, inside SQS records from the Feed queue
    wanted = sorted(f"burst-{i}" for i in range(23))
    batches = wait_until(lambda: (b := _batches(calls, "burst-")) and sorted(_markers(b)) == wanted and b)
    assert all(r["eventSource"] == "aws:sqs" and r["eventSourceARN"].endswith(":" + poller.mapping.queue_name)
               for batch in batches for r in batch)
    bus_event = json.loads(batches[0][0]["body"])
    assert (bus_event["source"], bus_event["detail-type"]) == ("fixture", "ToFeed")  # the body is the bus event
    # And no batch is larger than the batch size, and never more than 2 ran at once
    assert max(len(batch) for batch in batches) <= 5
    assert len(batches) >= 5
    assert 1 <= poller.peak_concurrency <= 2


def test_a_failing_record_is_retried_alone_then_lands_in_the_dlq_intact(
        aws: Callable[[str], Any], runtime: Runtime, calls: Calls) -> None:
    # Given a poison event published with a healthy neighbour
    _put_feed(aws, [{"marker": "poison", "fail": True}, {"marker": "neighbour"}])
    sqs = aws("sqs")
    dlq_url = runtime.stack.physical_id("FeedDlq") if runtime.stack else ""
    # When the function reports the poison record failed, each time it gets it
    # Then after the queue's 2 receives the poison is in the DLQ, its body the bus event as published
    messages = wait_until(lambda: sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=1).get("Messages"))
    body = json.loads(messages[0]["Body"])
    assert (body["detail-type"], body["detail"]) == ("ToFeed", {"marker": "poison", "fail": True})
    deliveries = _markers(_batches(calls, "poison", "neighbour"))
    assert deliveries.count("poison") == 2
    # And the neighbour, reported as done, was delivered once and deleted
    assert deliveries.count("neighbour") == 1
