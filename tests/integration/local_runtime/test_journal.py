"""The DynamoDB write journal: lines name tables by logical id, keep binary values, and replay in
order after the snapshot's sequence number; a line cut short by a crash is skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from local.journal import WriteJournal


class FakeDynamoDB:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, method: str) -> Any:
        return lambda **params: self.calls.append((method, params))


def test_journal_replays_what_came_after_the_snapshot_under_new_table_names(tmp_path: Path) -> None:
    # Given a journal of a put, a transaction over two tables and a batch, on one deploy's names
    path = tmp_path / "dynamodb.journal"
    first = WriteJournal(path, {"Main": "stack-Main-AAA", "Audit": "stack-Audit-AAA"})
    first.open(after_seq=0)
    first.record("PutItem", {"TableName": "stack-Main-AAA", "Item": {"pk": {"S": "1"}, "b": {"B": b"\x00"}}})
    first.record("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "stack-Main-AAA", "Item": {"pk": {"S": "2"}}}},
        {"Update": {"TableName": "stack-Audit-AAA", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET x = :x",
                    "ExpressionAttributeValues": {":x": {"N": "1"}}}}]})
    first.record("BatchWriteItem",
                 {"RequestItems": {"stack-Main-AAA": [{"DeleteRequest": {"Key": {"pk": {"S": "1"}}}}]}})
    first.record("PutItem", {"TableName": "made-with-the-cli", "Item": {"pk": {"S": "x"}}})  # not the stack's
    first.record("GetItem", {"TableName": "stack-Main-AAA"})  # not a write
    first.close()
    with path.open("a") as torn:
        torn.write('{"seq": 4, "action": "PutI')  # the process died mid-line
    # When a new deploy (other physical names) replays what came after a snapshot holding seq 1
    second = WriteJournal(path, {"Main": "stack-Main-BBB", "Audit": "stack-Audit-BBB"})
    dynamodb = FakeDynamoDB()
    applied = second.replay(lambda: dynamodb, after_seq=1)
    # Then the transaction and the batch are applied, in order, on the new names; nothing else
    assert applied == 2
    assert [method for method, _ in dynamodb.calls] == ["transact_write_items", "batch_write_item"]
    transaction = dynamodb.calls[0][1]["TransactItems"]
    assert [next(iter(part.values()))["TableName"] for part in transaction] == ["stack-Main-BBB", "stack-Audit-BBB"]
    assert list(dynamodb.calls[1][1]["RequestItems"]) == ["stack-Main-BBB"]
    # And the journal names tables by logical id, binary as base64, numbering on from the last line
    lines = [json.loads(line) for line in path.read_text().splitlines()[:3]]
    assert lines[0]["params"] == {"TableName": "Main", "Item": {"pk": {"S": "1"}, "b": {"B": {"__b64__": "AA=="}}}}
    assert [line["seq"] for line in lines] == [1, 2, 3]
    assert second.seq == 3


def test_replayed_binary_values_are_bytes_again(tmp_path: Path) -> None:
    # Given a journaled put with a binary attribute
    path = tmp_path / "dynamodb.journal"
    journal = WriteJournal(path, {"Main": "m1"})
    journal.open(after_seq=0)
    journal.record("PutItem", {"TableName": "m1", "Item": {"pk": {"S": "1"}, "b": {"B": b"\x00\xff"}}})
    journal.close()
    # When replaying it
    dynamodb = FakeDynamoDB()
    WriteJournal(path, {"Main": "m2"}).replay(lambda: dynamodb, after_seq=0)
    # Then boto3 gets bytes, as the handler wrote them
    assert dynamodb.calls == [("put_item", {"TableName": "m2", "Item": {"pk": {"S": "1"}, "b": {"B": b"\x00\xff"}}})]
