"""TransactWriteItems that rolls back by item instead of by copying whole tables (moto ==5.2.5).

moto backs up every table a transaction names with `copy.deepcopy(table)`, once per transaction
item, before it writes anything: a 25-item transaction on a 10,000-item table copies 250,000 items,
so the local runtime's writes grew slower with every record stored (a 100-event credit-event batch
took 8-9 s, near the ingestion function's 10 s timeout). Here the backup holds only what a failed
transaction can have changed: the items it names and the length of each table's stream. moto's own
code still runs every check, raises every error and makes every write; only its table copy is
skipped (`SKIP_TABLE_COPY` stands in for the `copy` module moto's DynamoDB models import)."""

from __future__ import annotations

import copy
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_Saved = tuple[Table, DynamoType, DynamoType | None, Any]


def _deepcopy_except_tables(value: Any, memo: dict[int, Any] | None = None) -> Any:
    return value if isinstance(value, Table) else copy.deepcopy(value, memo)


SKIP_TABLE_COPY = types.SimpleNamespace(deepcopy=_deepcopy_except_tables)
"""Replaces `copy` in `moto.dynamodb.models` while patched: its only Table copy is the rollback."""


def _key_of(table: Table, op: dict[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    key = op.get("Key") or op.get("Item") or {}
    if table.hash_key_attr not in key:
        return None  # moto will refuse the request; nothing of it is written
    range_key = None
    if table.range_key_attr is not None:
        if table.range_key_attr not in key:
            return None
        range_key = DynamoType(key[table.range_key_attr])
    return DynamoType(key[table.hash_key_attr]), range_key


def _backup(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> tuple[list[_Saved], dict[int, Any]]:
    saved: list[_Saved] = []
    stream_lengths: dict[int, tuple[Table, int]] = {}
    for entry in transact_items:
        for op in entry.values():
            table = backend.tables.get(str(op.get("TableName"))) if isinstance(op, dict) else None
            key = None if table is None else _key_of(table, op)
            if table is None or key is None:
                continue
            saved.append((table, *key, copy.deepcopy(table.get_item(*key))))
            if table.stream_shard is not None:
                stream_lengths.setdefault(id(table), (table, len(table.stream_shard.items)))
    return saved, stream_lengths


def _restore(saved: list[_Saved], stream_lengths: dict[int, Any]) -> None:
    # newest first, so a key named twice ends with the state from before the transaction
    for table, hash_key, range_key, item in reversed(saved):
        if range_key is None:
            if item is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
        elif item is not None:
            table.items[hash_key][range_key] = item
        elif hash_key in table.items:
            table.items[hash_key].pop(range_key, None)
    for table, length in stream_lengths.values():
        del table.stream_shard.items[length:]  # a cancelled transaction leaves no stream record


def _item_rollback(original: Callable[..., None]) -> Callable[..., None]:

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved, stream_lengths = _backup(self, transact_items)
        try:
            original(self, transact_items)
        except Exception:
            _restore(saved, stream_lengths)
            raise

    return transact_write_items


transact_write_items = _item_rollback(DynamoDBBackend.transact_write_items)  # wraps moto's, taken before patching
"""`DynamoDBBackend.transact_write_items` with the per-item backup around moto's own code."""


@contextmanager
def rolled_back_by_item() -> Iterator[None]:
    """Both replacements, for moto used without the local runtime (whose `local.moto_patches` installs
    them for good): `make bench` writes 100,000 items, and a whole-table copy per transaction item took
    a minute a transaction."""
    with mock.patch.object(DynamoDBBackend, "transact_write_items", transact_write_items), \
            mock.patch.object(dynamodb_models, "copy", SKIP_TABLE_COPY):
        yield
