"""DynamoDB contents survive a restart: every table of the stack is written to
`<data>/dynamodb.json` (DynamoDB's typed JSON, so nothing is lost in translation) on clean
shutdown and periodically, and loaded into the freshly deployed tables at start; the writes made
since the last snapshot are in the journal (`local/journal.py`), replayed after it.

Tables are matched by their logical id in the template, because a table without an explicit name
gets a new physical name on every deploy. Step Functions executions and SQS messages are not in the
snapshot: lost executions are started again from the cases (`local/workflow_recovery.py`), messages
in flight on the inbox queues are put back from `local/inbox_ledger.py` (the clock is kept by
`local/time_travel.py`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local.journal import WriteJournal

log = logging.getLogger("local.persistence")

FORMAT_VERSION = 1
SAVE_EVERY_S = 30.0
BATCH = 25


class TableSnapshots:
    def __init__(self, path: Path, client: Callable[[], Any], tables: dict[str, str],
                 journal: WriteJournal | None = None) -> None:
        """`tables`: logical id → physical table name of the deployed stack. With a `journal`, a
        snapshot holds every journaled write up to its `journal_seq` and empties the journal."""
        self.path = path
        self.client = client
        self.tables = tables
        self.journal = journal
        self._last_digest: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def save(self) -> int:
        """Write every table; skips the write when nothing changed. Returns the item count."""
        # The journal's lock keeps writes out while the tables are read, the file replaced and
        # the journal emptied: the snapshot and the journal never both hold (or both miss) a write.
        with self._lock, (self.journal.lock if self.journal is not None else contextlib.nullcontext()):
            dynamodb = self.client()
            document: dict[str, Any] = {"version": FORMAT_VERSION, "tables": {}}
            if self.journal is not None:
                document["journal_seq"] = self.journal.seq
            count = 0
            for logical, name in sorted(self.tables.items()):
                items = [_item_to_json(item) for item in _scan(dynamodb, name)]
                count += len(items)
                document["tables"][logical] = {"name": name, "items": items}
            text = json.dumps(document, sort_keys=True, separators=(",", ":"))
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest != self._last_digest:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                partial = self.path.with_suffix(".tmp")
                partial.write_text(text)
                os.replace(partial, self.path)
                self._last_digest = digest
            if self.journal is not None:
                self.journal.truncate()
            return count

    def load(self) -> int:
        """Load the snapshot, then replay the journal's writes made after it. Returns the item
        count of the snapshot plus the writes replayed."""
        document: dict[str, Any] = {}
        if self.path.exists():
            try:
                document = json.loads(self.path.read_text())
            except ValueError:
                broken = self.path.with_suffix(".unreadable")
                os.replace(self.path, broken)
                log.error("%s was not readable JSON; moved aside to %s, starting empty", self.path, broken)
                document = {}
        count = self._load_tables(document)
        if self.journal is not None:
            replayed = self.journal.replay(self.client, int(document.get("journal_seq", 0)))
            if replayed:
                log.info("replayed %d DynamoDB writes from %s", replayed, self.journal.path)
            count += replayed
        return count

    def _load_tables(self, document: dict[str, Any]) -> int:
        dynamodb = self.client()
        count = 0
        for logical, saved in (document.get("tables") or {}).items():
            name = self.tables.get(logical)
            if name is None:
                log.warning("saved table %s is no longer in the stack; its %d items are not loaded",
                            logical, len(saved.get("items", [])))
                continue
            items = [_item_from_json(item) for item in saved.get("items", [])]
            for start in range(0, len(items), BATCH):
                requests = {name: [{"PutRequest": {"Item": item}} for item in items[start:start + BATCH]]}
                while requests:
                    requests = dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
            count += len(items)
        with self._lock:
            self._last_digest = None
        return count

    def start(self, every_s: float = SAVE_EVERY_S) -> None:
        def loop() -> None:
            while not self._stop.wait(every_s):
                try:
                    self.save()
                except Exception:
                    log.exception("periodic save of the DynamoDB tables failed")

        self._thread = threading.Thread(target=loop, name="table-snapshots", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _value(value: dict[str, Any], binary: Any) -> dict[str, Any]:
    """Binary attributes are base64 in the file (as on DynamoDB's wire), bytes for boto3."""
    kind, inner = next(iter(value.items()))
    if kind == "B":
        return {"B": binary(inner)}
    if kind == "BS":
        return {"BS": [binary(v) for v in inner]}
    if kind == "M":
        return {"M": {k: _value(v, binary) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_value(v, binary) for v in inner]}
    return value


def _item_to_json(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _value(v, lambda b: base64.b64encode(bytes(b)).decode()) for k, v in item.items()}


def _item_from_json(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _value(v, base64.b64decode) for k, v in item.items()}


def _scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table}
    while True:
        page = dynamodb.scan(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
