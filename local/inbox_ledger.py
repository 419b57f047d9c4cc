"""Bus deliveries in flight survive a restart: every message the bus puts on a function's inbox queue
(rule → SQS → event source mapping) is written to `<data>/inbox.ledger` before the put returns, and
marked settled when its poller deletes it (the function handled it). At start, what the ledger holds
unsettled is sent again to the same inbox (by logical id: queue names change with each deploy).

Why here and not in the outbox: the outbox item is marked delivered once the bus took the event,
which is when the message is already in an inbox queue, in the emulator's memory; a runtime stopped
(cleanly or by `kill -9`) before the function had finished with it would lose the event, while the
outbox says it was delivered. The ledger line is written before the relay's put returns, so before
that mark; it covers both kinds of stop the same way, with no wait at shutdown.

A message sent again may have been handled already (the process died between the function's writes
and the deletion): every inbox consumer tolerates a repeat (see local/README.md, Persistence). A
message the queue had moved to its dead-letter queue after its receives is never settled either, so it
comes back to its inbox after a restart for another round (the DLQ itself is memory). Lines are
flushed, not fsynced, like the DynamoDB journal; the file is rewritten with only the unsettled
messages when none is left or it has grown long.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger("local.inbox")

COMPACT_AFTER_LINES = 10_000


@dataclass(frozen=True)
class Unsettled:
    """A message an inbox queue held when the runtime stopped."""

    queue: str
    """The queue's logical id."""
    body: str
    attributes: dict[str, str]


class InboxLedger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.logical_by_arn: dict[str, str] = {}
        """The inbox queues (ARN → logical id): only these are recorded."""
        self._lock = threading.Lock()
        self._file: TextIO | None = None
        self._unsettled: dict[str, dict[str, Any]] = {}
        self._settled_early: set[str] = set()
        self._lines = 0

    def unsettled(self) -> list[Unsettled]:
        """What the ledger file holds sent and not settled (the last run's messages still in flight)."""
        if not self.path.exists():
            return []
        sent: dict[str, dict[str, Any]] = {}
        settled: set[str] = set()
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                entry = json.loads(line)
                if "sent" in entry:
                    sent[str(entry["sent"])] = entry
                else:
                    settled.update(str(i) for i in entry["settled"])
            except (ValueError, KeyError, TypeError):  # only a last line cut short by the process dying
                log.warning("%s line %d is incomplete; skipped", self.path, number)
        return [Unsettled(str(e["queue"]), str(e["body"]), dict(e.get("attributes") or {}))
                for message_id, e in sent.items() if message_id not in settled]

    def open(self, logical_by_arn: Mapping[str, str]) -> None:
        """Start recording the inbox queues of this deploy (the old lines stay until the next compaction)."""
        with self._lock:
            self.logical_by_arn = dict(logical_by_arn)
            self._file = self.path.open("a", encoding="utf-8")

    def sent(self, queue_arn: str, message_id: str, body: str, attributes: Mapping[str, str]) -> None:
        """Called when a message was put on a queue, before the put returns."""
        logical = self.logical_by_arn.get(queue_arn)
        if logical is None:
            return
        entry = {"sent": message_id, "queue": logical, "body": body, "attributes": dict(attributes)}
        with self._lock:
            if message_id in self._settled_early:  # its poller was quicker than this line
                self._settled_early.discard(message_id)
                return
            self._unsettled[message_id] = entry
            self._write(entry)

    def settled(self, queue_arn: str, message_ids: list[str]) -> None:
        """Called when a poller deleted messages its function handled."""
        if queue_arn not in self.logical_by_arn or not message_ids:
            return
        with self._lock:
            known = [i for i in message_ids if self._unsettled.pop(i, None) is not None]
            self._settled_early.update(i for i in message_ids if i not in known)
            if known:
                self._write({"settled": known})
            if not self._unsettled or self._lines > COMPACT_AFTER_LINES:
                self._compact()

    def compact(self) -> None:
        with self._lock:
            self._compact()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _write(self, entry: dict[str, Any]) -> None:
        if self._file is None:
            return
        self._file.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self._file.flush()
        self._lines += 1

    def _compact(self) -> None:
        """The file rewritten with the messages still unsettled (lock held)."""
        if self._file is None:
            return
        partial = self.path.with_suffix(".tmp")
        partial.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in self._unsettled.values()),
                           encoding="utf-8")
        self._file.close()
        os.replace(partial, self.path)
        self._file = self.path.open("a", encoding="utf-8")
        self._lines = len(self._unsettled)
