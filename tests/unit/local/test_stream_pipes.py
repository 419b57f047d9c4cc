"""The local runtime's stand-in for the template's stream pipes (`local.stream_pipes`): what it reads
from a stream reaches the function in batches; a function error or timeout is retried, bisected, then
parked in the pipe's DLQ with the batch's stream coordinates; a partial failure resumes from the
record it names; MODIFY records (a relay's marks) never reach the function."""

from __future__ import annotations

import json
import threading
from typing import Any

from local.lambdas import Invocation
from local.stream_pipes import StreamPipes, _Pipe, matches

DLQ = "arn:aws:sqs:us-east-1:123456789012:outbox-dlq"


def record(seq: int, name: str = "INSERT") -> dict[str, Any]:
    return {"eventName": name, "dynamodb": {"SequenceNumber": str(seq), "NewImage": {"id": {"S": f"e{seq}"}}}}


class FakeStreams:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def get_records(self, ShardIterator: str) -> dict[str, Any]:  # noqa: N803 - boto3's name
        records, self.records = self.records, []
        return {"Records": records, "NextShardIterator": ShardIterator}


def pipes(records: list[dict[str, Any]], answer: Any) -> tuple[StreamPipes, list[list[str]], list[dict[str, Any]]]:
    calls: list[list[str]] = []
    parked: list[dict[str, Any]] = []
    streams = FakeStreams(records)

    def invoke(function: str, event: Any) -> Invocation:
        calls.append([r["dynamodb"]["SequenceNumber"] for r in event])
        return answer(event)

    runner = StreamPipes.__new__(StreamPipes)
    runner.client = lambda service: streams
    runner.invoke = invoke
    runner.send_to_queue = lambda arn, body, attributes: parked.append({"arn": arn, **json.loads(body)}) or "m"
    runner.pipes = [_Pipe("OutboxPipe", "outbox", "relay", batch_size=4, max_retries=2, dlq_arn=DLQ,
                          patterns=[{"eventName": ["INSERT"]}], iterator="it", stream_arn="arn:stream")]
    runner._busy = {id(p): threading.Lock() for p in runner.pipes}  # what __init__ would set (it reads the template)
    return runner, calls, parked


def ok(_event: Any) -> Invocation:
    return Invocation("r", json.dumps({"batchItemFailures": []}).encode(), None, 1.0)


def test_the_filter_keeps_new_items_only() -> None:
    assert matches(record(1), [{"eventName": ["INSERT"]}])
    assert not matches(record(2, "MODIFY"), [{"eventName": ["INSERT"]}])
    assert matches(record(3, "REMOVE"), [])


def test_new_records_go_in_batches_and_modifications_are_dropped() -> None:
    runner, calls, parked = pipes([record(1), record(2, "MODIFY"), *(record(n) for n in range(3, 8))], ok)
    assert runner.poll() == 6
    assert calls == [["1", "3", "4", "5"], ["6", "7"]]
    assert parked == []


def test_a_timeout_is_retried_bisected_and_the_bad_record_parked_with_its_coordinates() -> None:
    def times_out_on_5(event: Any) -> Invocation:
        if any(r["dynamodb"]["SequenceNumber"] == "5" for r in event):
            return Invocation("r", b'{"errorType": "Sandbox.Timedout"}', "Sandbox.Timedout", 60000.0)
        return ok(event)

    runner, calls, parked = pipes([record(n) for n in range(3, 7)], times_out_on_5)
    runner.poll()
    assert [p["startSequenceNumber"] for p in parked] == ["5"]
    assert parked[0]["arn"] == DLQ
    assert (parked[0]["endSequenceNumber"], parked[0]["batchSize"], parked[0]["streamArn"]) == ("5", 1, "arn:stream")
    delivered = {s for c in calls if "5" not in c for s in c}
    assert delivered == {"3", "4", "6"}  # the others went through


def test_a_partial_failure_resumes_from_the_record_it_names() -> None:
    answers = iter([{"batchItemFailures": [{"itemIdentifier": "2"}]}, {"batchItemFailures": []}])

    def partial(_event: Any) -> Invocation:
        return Invocation("r", json.dumps(next(answers)).encode(), None, 1.0)

    runner, calls, parked = pipes([record(1), record(2), record(3)], partial)
    runner.poll()
    assert calls == [["1", "2", "3"], ["2", "3"]]
    assert parked == []
