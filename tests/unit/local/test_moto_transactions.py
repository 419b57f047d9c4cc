"""The local runtime's TransactWriteItems rollback (local/moto_transactions.py): a cancelled
transaction leaves every item and the table's stream as they were, without moto copying the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import dynamodb_backends

from local import moto_transactions

TABLE = "main"


@pytest.fixture
def client() -> Iterator[Any]:
    with moto_transactions.rolled_back_by_item(), mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "ENT#1"}, "sk": {"S": "PROFILE"}, "v": {"N": "1"}})
        yield dynamodb


def _table() -> Any:
    return dynamodb_backends["123456789012"]["us-east-1"].tables[TABLE]


def _items(client: Any) -> list[dict[str, Any]]:
    return sorted(client.scan(TableName=TABLE)["Items"], key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def _update(value: str) -> dict[str, Any]:
    return {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "ENT#1"}, "sk": {"S": "PROFILE"}},
                       "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"N": value}}}}


def _put(pk: str, sk: str, **condition: Any) -> dict[str, Any]:
    return {"Put": {"TableName": TABLE, "Item": {"pk": {"S": pk}, "sk": {"S": sk}}, **condition}}


def test_a_cancelled_transaction_leaves_items_and_stream_as_they_were(client: Any) -> None:
    # Given a stored profile and the stream it produced
    before, stream_length = _items(client), len(_table().stream_shard.items)
    # When a transaction updates it, puts two new items and then fails its last condition
    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(TransactItems=[
            _update("2"), _put("ENT#1", "DECISION#1"), _put("ENT#2", "PROFILE"),
            _put("ENT#1", "GUARD", ConditionExpression="attribute_exists(pk)")])
    # Then nothing it wrote remains and the stream holds no record of it
    assert _items(client) == before
    assert len(_table().stream_shard.items) == stream_length


def test_a_committed_transaction_writes_everything_and_streams_it(client: Any) -> None:
    stream_length = len(_table().stream_shard.items)
    client.transact_write_items(TransactItems=[_update("3"), _put("ENT#1", "DECISION#1")])
    assert [(i["sk"]["S"], i.get("v", {}).get("N")) for i in _items(client)] == [("DECISION#1", None),
                                                                                  ("PROFILE", "3")]
    assert len(_table().stream_shard.items) == stream_length + 2


def test_a_refused_request_changes_nothing(client: Any) -> None:
    # moto refuses two operations on one item after applying the first: the rollback undoes it
    before = _items(client)
    with pytest.raises(client.exceptions.ClientError):
        client.transact_write_items(TransactItems=[_update("4"), _update("5")])
    assert _items(client) == before


def test_the_rollback_does_not_copy_the_table() -> None:
    table = object.__new__(dynamodb_models.Table)
    assert moto_transactions.SKIP_TABLE_COPY.deepcopy(table) is table
    assert moto_transactions.SKIP_TABLE_COPY.deepcopy({"a": [1]}) == {"a": [1]}
