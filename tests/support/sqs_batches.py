"""SQS event source mapping events as Lambda builds them (`{"Records": [...]}`, each body one bus event),
and the bus-fed handlers invoked through them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from tests.support.template import resources

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:inbox"


def sqs_record(body: str, message_id: str | None = None, receive_count: int = 1) -> dict[str, Any]:
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": f"handle-{uuid.uuid4()}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": str(receive_count), "SentTimestamp": "1763604000000",
                       "SenderId": "AIDAEVENTBRIDGE", "ApproximateFirstReceiveTimestamp": "1763604000001"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def sqs_batch(events: Sequence[dict[str, Any] | str], message_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """A batch whose bodies are `events` (JSON-encoded unless already a string)."""
    ids = list(message_ids) if message_ids is not None else [str(uuid.uuid4()) for _ in events]
    bodies = [e if isinstance(e, str) else json.dumps(e) for e in events]
    return {"Records": [sqs_record(body, i) for body, i in zip(bodies, ids, strict=True)]}


def queue_fed_functions() -> set[str]:
    """Functions (POWERTOOLS_SERVICE_NAME) the template feeds through an SQS event source mapping."""
    functions = resources("AWS::Lambda::Function")
    fed = set()
    for mapping in resources("AWS::Lambda::EventSourceMapping").values():
        target = mapping["Properties"]["FunctionName"]["Ref"]
        fed.add(str(functions[target]["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]))
    return fed


def invoke_one(module: ModuleType, event: dict[str, Any], context: Any) -> Any:
    """One bus event through the handler's real entry (a batch of one record); returns what the
    handler's per-record step answered. A failure raises (a batch whose every record failed)."""
    outcomes: list[Any] = []
    handle_event = module.handle_event

    def recording(bus_event: dict[str, Any]) -> Any:
        outcome = handle_event(bus_event)
        outcomes.append(outcome)
        return outcome

    module.handle_event = recording  # type: ignore[attr-defined]
    try:
        response = module.lambda_handler(sqs_batch([event]), context)
    finally:
        module.handle_event = handle_event  # type: ignore[attr-defined]
    assert response == {"batchItemFailures": []}, response
    (outcome,) = outcomes
    return outcome
