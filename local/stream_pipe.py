"""What an EventBridge Pipe does with a batch of DynamoDB stream records for a Lambda target (the
`DynamoDBStreamParameters` of the template): invoke the function; on a partial batch failure
(`batchItemFailures`) resume from the record it names; on an error split the batch in two
(`OnPartialBatchItemFailure: AUTOMATIC_BISECT`) until the failing record is alone; after
`MaximumRetryAttempts` send the batch's stream coordinates to the DLQ (the records themselves are
not in the message: the stream keeps them 24 hours, and the outbox keeps an item pending until it is
delivered) and move on, so one bad record never blocks the shard.

Used by the local runtime (`local.stream_pipes`) and, with the relay called in-process, by the
fault-injection tests; the sequence of a record is read by `sequence_of`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class StreamPipe[Record]:
    invoke: Callable[[Sequence[Record]], list[str]]
    """Deliver a batch; returns the sequence numbers the target reported failed (raise: the whole batch)."""
    sequence_of: Callable[[Record], str]
    park: Callable[[dict[str, Any]], None]
    """Send a DLQ message (the batch's coordinates and the last error)."""
    max_retries: int = 10
    stream_arn: str = ""

    def deliver(self, batch: Sequence[Record]) -> int:
        """Deliver `batch` as the pipe would; returns how many records were parked in the DLQ."""
        attempts = 0
        while batch:
            try:
                failed = self.invoke(batch)
                error = "partial batch item failure"
            except Exception as exc:  # the function's error or timeout: the pipe's to handle
                failed = None
                error = f"{type(exc).__name__}: {exc}"
            if failed is not None:
                sequences = [self.sequence_of(r) for r in batch]
                start = min((sequences.index(s) for s in failed if s in sequences), default=None)
                if start is None:
                    return 0  # all delivered
                batch = batch[start:]
            elif len(batch) > 1:  # bisect: isolate the bad record, deliver the rest
                half = len(batch) // 2
                return self.deliver(batch[:half]) + self.deliver(batch[half:])
            attempts += 1
            if attempts > self.max_retries:
                self.park({"streamArn": self.stream_arn, "startSequenceNumber": self.sequence_of(batch[0]),
                           "endSequenceNumber": self.sequence_of(batch[-1]), "batchSize": len(batch),
                           "error": error[:1024]})
                return len(batch)
        return 0
