"""The local runtime keeps what it acknowledged: every DynamoDB write the emulator accepted is
appended to `<data>/dynamodb.journal` before its answer leaves the emulator, so a write answered
2xx survives `kill -9`.

Why a journal of writes and not a table store that writes through: moto keeps its tables in
memory and the runtime cannot swap its storage without patching deep into it; its request
handler, though, sees every write (from handlers in-process and from the AWS CLI over HTTP)
with its parameters already parsed to boto3's shape. So each accepted `PutItem`, `UpdateItem`,
`DeleteItem`, `BatchWriteItem` and `TransactWriteItems` is one JSON line (tables named by their
logical id: a table without a `TableName` gets a new physical name on every deploy), written
and flushed to the OS under a lock held across the write itself, so the journal's order is the
tables' order. The snapshot (`local/persistence.py`) records the last sequence number it
contains and empties the journal; at start the snapshot is loaded and the lines after it are
replayed in order. Flushed, not fsynced: the data survives the process dying, not the machine
losing power (`make bench` prints what a journaled write costs).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger("local.journal")

JOURNALED = {"PutItem": "put_item", "UpdateItem": "update_item", "DeleteItem": "delete_item",
             "BatchWriteItem": "batch_write_item", "TransactWriteItems": "transact_write_items"}
"""DynamoDB write actions → boto3 client method (replay)."""
_TRANSACT_PARTS = ("Put", "Update", "Delete", "ConditionCheck")


class WriteJournal:
    def __init__(self, path: Path, tables: dict[str, str]) -> None:
        """`tables`: logical id → physical name of the deployed stack's tables (the ones kept)."""
        self.path = path
        self.logical_by_physical = {physical: logical for logical, physical in tables.items()}
        self.physical_by_logical = dict(tables)
        self.lock = threading.RLock()
        """Held across a write and its journal line, and by the snapshot while it reads the tables."""
        self.seq = 0
        self._file: TextIO | None = None

    # --- recording ------------------------------------------------------------------------------
    def open(self, after_seq: int) -> None:
        """Start appending (after the snapshot that holds everything up to `after_seq`)."""
        with self.lock:
            self.seq = max(self.seq, after_seq)
            self._file = self.path.open("a", encoding="utf-8")

    @property
    def recording(self) -> bool:
        return self._file is not None

    def record(self, action: str, params: dict[str, Any]) -> None:
        """Called by the emulator's DynamoDB handler, lock held, after it accepted a write."""
        if self._file is None or action not in JOURNALED:
            return
        renamed = _rename_tables(action, params, self.logical_by_physical)
        if renamed is None:  # a table outside the stack (made with the AWS CLI): not kept
            return
        self.seq += 1
        self._file.write(json.dumps({"seq": self.seq, "action": action, "params": _encode(renamed)},
                                    separators=(",", ":")) + "\n")
        self._file.flush()

    def truncate(self) -> None:
        """The snapshot now holds everything up to `seq`."""
        with self.lock:
            if self._file is not None:
                self._file.seek(0)
                self._file.truncate()
                self._file.flush()
            elif self.path.exists():
                self.path.write_text("")

    def close(self) -> None:
        with self.lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    # --- replay ---------------------------------------------------------------------------------
    def replay(self, client: Callable[[], Any], after_seq: int) -> int:
        """Apply the journal's writes numbered after `after_seq`, in order; returns how many."""
        if not self.path.exists():
            return 0
        dynamodb = client()
        applied = 0
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    entry = json.loads(line)
                    seq, action, params = int(entry["seq"]), str(entry["action"]), _decode(entry["params"])
                except (ValueError, KeyError, TypeError):
                    # Only the last line can be cut short (the process died while writing it, before
                    # the write was answered), so nothing acknowledged is lost by skipping it.
                    log.warning("%s line %d is incomplete; skipped", self.path, number)
                    continue
                self.seq = max(self.seq, seq)
                if seq <= after_seq or action not in JOURNALED:
                    continue
                renamed = _rename_tables(action, params, self.physical_by_logical)
                if renamed is None:
                    log.warning("journaled %s on a table no longer in the stack; skipped", action)
                    continue
                try:
                    getattr(dynamodb, JOURNALED[action])(**renamed)
                    applied += 1
                except Exception as exc:  # the same writes in the same order: should not happen
                    log.error("replaying journal entry %d (%s) failed: %s", seq, action, exc)
        return applied


def _rename_tables(action: str, params: dict[str, Any], names: dict[str, str]) -> dict[str, Any] | None:
    """`params` with every table name mapped through `names`; None if one is not there."""
    renamed = dict(params)
    if action == "BatchWriteItem":
        requests = {}
        for table, writes in params["RequestItems"].items():
            if table not in names:
                return None
            requests[names[table]] = writes
        renamed["RequestItems"] = requests
        return renamed
    if action == "TransactWriteItems":
        items = []
        for item in params["TransactItems"]:
            item = dict(item)
            for part in _TRANSACT_PARTS:
                if part in item:
                    if item[part]["TableName"] not in names:
                        return None
                    item[part] = dict(item[part], TableName=names[item[part]["TableName"]])
            items.append(item)
        renamed["TransactItems"] = items
        return renamed
    if params.get("TableName") not in names:
        return None
    renamed["TableName"] = names[params["TableName"]]
    return renamed


def _encode(value: Any) -> Any:
    """JSON for boto3-shaped parameters: binary attribute values become {"__b64__": ...}."""
    if isinstance(value, bytes | bytearray):
        return {"__b64__": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__b64__"}:
            return base64.b64decode(value["__b64__"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value

