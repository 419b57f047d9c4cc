"""Every `events/ingestion/credit_events/<type>.json` sample is the OpenAPI example of its type and
posts through the ingestion handler as it is: a newcomer can copy either and get a 202."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.stores import dynamodb_stores
from shared.api.credit_event_examples import CREDIT_EVENT_EXAMPLES, EXAMPLE_USCC, example_body
from shared.domain.credit_events.kinds import CreditEventType
from tests.support.apigw import EVENTS, json_body

SAMPLES = EVENTS / "ingestion" / "credit_events"
SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))
OPENAPI = Path(__file__).resolve().parents[2] / "functions" / "docs" / "openapi.json"


def sample(etype: CreditEventType) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{etype.lower()}.json").read_text())


def test_there_is_one_sample_per_event_type() -> None:
    assert [p.stem for p in SAMPLE_FILES] == sorted(t.lower() for t in CreditEventType)


def test_the_openapi_document_shows_one_example_per_type() -> None:
    operation = json.loads(OPENAPI.read_text())["paths"]["/v1/credit-events"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert sorted(examples) == sorted(CreditEventType)
    assert {name: e["value"] for name, e in examples.items()} == {
        str(t): example_body(t) for t in CreditEventType}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_the_sample_posts_through_the_handler_and_is_stored(path: Path, invoke: Any, bus: Any) -> None:
    # Given the sample of one type, identical to the OpenAPI example of that type
    etype = CreditEventType(path.stem.upper())
    event = json.loads(path.read_text())
    assert json.loads(event["body"]) == example_body(etype)
    (payload,) = example_body(etype)["events"]
    # ... and the samples of the event it refers to, if any (the examples' own order)
    if payload.get("refers_to"):
        (referenced_type,) = [t for t, (_, e) in CREDIT_EVENT_EXAMPLES.items() if e["event_id"] == payload["refers_to"]]
        before = invoke("ingestion", sample(referenced_type))
        assert before["statusCode"] == 202, before["body"]
    # When it is posted as it is
    response = invoke("ingestion", event)
    # Then it is accepted as a new event and stored with its type
    assert response["statusCode"] == 202, response["body"]
    assert json_body(response) == {"results": [{"event_id": payload["event_id"], "status": "created"}]}
    stored = {e["event_id"]: e for e in dynamodb_stores().credit.load(EXAMPLE_USCC).events}
    assert stored[payload["event_id"]]["type"] == str(etype)
