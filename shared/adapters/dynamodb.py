"""DynamoDB plumbing shared by every repository: lazily created clients, (de)serialisation, and the
translation of storage errors into domain errors.

Access patterns of the main table (single-table design; keys are built only in `keys.py`):

| item                      | pk                 | sk                         | sparse index keys                     |
|---------------------------|--------------------|----------------------------|---------------------------------------|
| enterprise profile+state  | ENT#<uscc>         | PROFILE                    | gsi1: LIST#<tier> / <tier_since>#uscc |
| credit event              | ENT#<uscc>         | EVT#<event_id>             | gsi2: DUE#ARREARS / <day>#<uscc>#<id> |
| disclosure (Art 33)       | ENT#<uscc>         | DISC#<event_id>            | gsi2: DUE#DISCLOSURE_EXPIRY / <day>#… |
|                           |                    |                            | gsi3: FEED / <published_until>#uscc#id|
| clean-period due entry    | ENT#<uscc>         | DUE#CLEAN_PERIOD           | gsi2: DUE#CLEAN_PERIOD / <day>#…      |
| event-id guard            | EVTID#<event_id>   | EVTID                      |                                       |
| declaration volume        | ENT#<uscc>         | VOL#<year>#<line>          |                                       |
| person (Art 46)           | ENT#<uscc>         | PERSON#<person_id>         |                                       |
| annual report (Art 11)    | ENT#<uscc>         | AR#<year>                  |                                       |
| tier decision             | ENT#<uscc>         | DEC#<effective_at>#<id>    |                                       |
| restoration application   | ENT#<uscc>         | RST#<restoration_id>       |                                       |
| open-application guard    | RSTOPEN#<uscc>     | EVT#<event_id> or TIER    |                                       |
| audit chain head          | AUDITHEAD#<uscc>   | HEAD                       |                                       |

gsi1 holds only enterprises on a public list; gsi2 (the due index, `shared/usecases/due_work.py`)
only items with a pending time-triggered duty, removed when the duty is done, so the scheduled jobs
read what is due, never the table; gsi3 only records the system published (the national feed).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_clients: dict[str, Any] = {}


def aws_client(service: str) -> Any:
    """One low-level client per service and process, created on first use (boto3 costs ~200 ms to
    import: a function that never touches AWS on a path should not pay it at import)."""
    client = _clients.get(service)
    if client is None:
        import boto3  # deferred on purpose, see docstring

        client = _clients[service] = boto3.client(service)  # type: ignore[call-overload]
    return client


def dynamodb_client() -> DynamoDBClient:
    client: DynamoDBClient = aws_client("dynamodb")
    return client


def reset_clients() -> None:
    """Forget cached clients (tests and the local runtime switch endpoints between cases)."""
    _clients.clear()


def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def _deserializer() -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain JSON-like mapping → DynamoDB attribute values. None values are left out."""
    ser = _serializer()
    return {k: ser.serialize(_to_dynamo(v)) for k, v in values.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    des = _deserializer()
    return {k: _plain(des.deserialize(v)) for k, v in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    return value


def query_all(**request: Any) -> Iterator[dict[str, Any]]:
    """Every item a Query answers, page after page, as plain values. The request (its `TableName`
    above all) is written at the call: that is where tests/infra/code_actions.py reads which table
    a function queries."""
    client = dynamodb_client()
    while True:
        response = client.query(**request)
        yield from (from_item(item) for item in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return
        request = {**request, "ExclusiveStartKey": response["LastEvaluatedKey"]}


def error_code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None


def is_condition_failure(exc: Exception) -> bool:
    code = error_code(exc)
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = getattr(exc, "response", {}).get("CancellationReasons", [])
        return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)
    return False
