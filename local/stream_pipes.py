"""The template's EventBridge Pipes from a DynamoDB stream to a Lambda function (the outbox's, the
audit archive's), run by the local runtime: moto creates no pipe, so a thread reads each source
table's stream in the emulator and delivers it as the pipe would (`local.stream_pipe.StreamPipe`:
filter, batches, partial batch failures, bisect on error, retries, the DLQ message).

Reading starts at the end of each stream when the runtime starts (saved tables are loaded before,
and their items are not new). What a stopped runtime had not delivered is the outbox's business: its
items stay pending, and the runtime asks the relay to redrive them at start (see `Runtime.start`)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from local.lambdas import Invocation
from local.stack import DeployedStack
from local.stream_pipe import StreamPipe

log = logging.getLogger("local.pipes")
POLL_S = 0.2


@dataclass
class _Pipe:
    name: str
    table: str
    function: str
    batch_size: int
    max_retries: int
    dlq_arn: str | None
    patterns: list[dict[str, Any]]
    iterator: str | None = None
    stream_arn: str = ""
    parked: list[dict[str, Any]] = field(default_factory=list)


def matches(record: dict[str, Any], patterns: list[dict[str, Any]]) -> bool:
    """The pipe's FilterCriteria for the patterns the template uses: top-level keys with allowed values."""
    return not patterns or any(all(record.get(k) in allowed for k, allowed in p.items()) for p in patterns)


class StreamPipes:
    def __init__(self, stack: DeployedStack, client: Callable[[str], Any],
                 invoke: Callable[[str, Any], Invocation],
                 send_to_queue: Callable[[str, bytes, dict[str, str]], str]) -> None:
        self.client = client
        self.invoke = invoke
        self.send_to_queue = send_to_queue
        self.pipes = [p for p in (self._pipe(lid, r, stack) for lid, r in
                                  stack.assembly.resources_of("AWS::Pipes::Pipe").items()) if p is not None]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._busy = {id(p): threading.Lock() for p in self.pipes}

    @staticmethod
    def _pipe(logical_id: str, resource: dict[str, Any], stack: DeployedStack) -> _Pipe | None:
        props = resource.get("Properties", {})
        source, target = props.get("Source", {}), props.get("Target", {})
        if "Fn::GetAtt" not in source or source["Fn::GetAtt"][1] != "StreamArn" or "Fn::GetAtt" not in target:
            return None
        table = stack.physical_id(source["Fn::GetAtt"][0])
        function = stack.physical_id(target["Fn::GetAtt"][0])
        if table is None or function is None:
            return None
        parameters = props.get("SourceParameters", {})
        stream = parameters.get("DynamoDBStreamParameters", {})
        dlq = stream.get("DeadLetterConfig", {}).get("Arn")
        return _Pipe(logical_id, table, function, int(stream.get("BatchSize", 10)),
                     int(stream.get("MaximumRetryAttempts", 3)), stack.resolve(dlq) if dlq else None,
                     [json.loads(f["Pattern"]) for f in parameters.get("FilterCriteria", {}).get("Filters", [])])

    def start(self) -> None:
        streams = self.client("dynamodbstreams")
        for pipe in self.pipes:
            pipe.stream_arn = self.client("dynamodb").describe_table(TableName=pipe.table)["Table"]["LatestStreamArn"]
            (shard,) = streams.describe_stream(StreamArn=pipe.stream_arn)["StreamDescription"]["Shards"][:1]
            pipe.iterator = streams.get_shard_iterator(StreamArn=pipe.stream_arn, ShardId=shard["ShardId"],
                                                       ShardIteratorType="LATEST")["ShardIterator"]
        # One poller per pipe, as each pipe is its own service in AWS: one target's failures and
        # retries (the audit archive's) must not hold up another pipe (the outbox's delivery).
        self._threads = [threading.Thread(target=self._run, args=(pipe,), name=f"pipe-{pipe.name}", daemon=True)
                         for pipe in self.pipes]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _run(self, pipe: _Pipe) -> None:
        while not self._stop.wait(POLL_S):
            try:
                self.poll_pipe(pipe)
            except Exception:  # keep polling: one bad read must not stop delivery
                log.exception("reading the stream of pipe %s failed", pipe.name)

    def poll(self) -> int:
        """Deliver what every stream got since the last poll; returns how many records were read."""
        return sum(self.poll_pipe(pipe) for pipe in self.pipes)

    def poll_pipe(self, pipe: _Pipe) -> int:
        """Deliver what the pipe's stream got since its last poll; returns how many records were read."""
        with self._busy[id(pipe)]:
            if pipe.iterator is None:
                return 0
            response = self.client("dynamodbstreams").get_records(ShardIterator=pipe.iterator)
            pipe.iterator = response.get("NextShardIterator") or pipe.iterator
            records = [r for r in response.get("Records", []) if matches(r, pipe.patterns)]
            for start in range(0, len(records), pipe.batch_size):
                self._deliver(pipe, records[start:start + pipe.batch_size])
            return len(records)

    def _deliver(self, pipe: _Pipe, batch: list[dict[str, Any]]) -> None:
        def invoke(records: Any) -> list[str]:
            result = self.invoke(pipe.function, _plain(list(records)))
            if result.failed:
                raise RuntimeError(f"{pipe.function} failed: {result.error_type}")
            answer = result.json() or {}
            return [str(f["itemIdentifier"]) for f in answer.get("batchItemFailures", []) or []] \
                if isinstance(answer, dict) else []

        def park(message: dict[str, Any]) -> None:
            log.warning("pipe %s parked a batch after its retries: %s", pipe.name, message)
            pipe.parked.append(message)
            if pipe.dlq_arn:
                self.send_to_queue(pipe.dlq_arn, json.dumps(message).encode(), {})

        StreamPipe(invoke=invoke, sequence_of=lambda r: str(r["dynamodb"]["SequenceNumber"]), park=park,
                   max_retries=pipe.max_retries, stream_arn=pipe.stream_arn).deliver(batch)


def _plain(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stream records as JSON (boto3 returns datetimes; a pipe sends epoch seconds)."""
    return json.loads(json.dumps(records, default=lambda v: v.timestamp() if hasattr(v, "timestamp") else str(v)))
