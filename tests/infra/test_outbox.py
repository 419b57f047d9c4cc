"""The outbox (exactly-once events): its table, the pipe from its stream to the relay, the relay's
DLQ and alarms, and grants: writers may only Put into it, only the relay may put events on the bus,
and the relay's role holds exactly the actions its code calls."""

from __future__ import annotations

import json
from typing import Any

from infra import outputs
from infra.catalog import FUNCTIONS, Access
from infra.constructs.outbox import NEW_ITEMS_ONLY
from infra.constructs.stream_pipe import PIPE_RETRY_ATTEMPTS
from shared.adapters.outbox import UNDELIVERED_INDEX
from tests.infra.conftest import Synthesized
from tests.infra.support import as_list, logical_id_of_output, mentions
from tests.infra.test_functions import function_of, role_statements

LOGGING_AND_TRACING = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments",
                       "xray:PutTelemetryRecords"}


def _outbox(synthesized: Synthesized) -> tuple[str, dict[str, Any]]:
    table_id = logical_id_of_output(synthesized.raw, outputs.OUTBOX_TABLE)
    return table_id, synthesized.raw["Resources"][table_id]


def _pipe(synthesized: Synthesized) -> dict[str, Any]:
    table_id, _ = _outbox(synthesized)
    (pipe,) = [p for p in synthesized.resources("AWS::Pipes::Pipe").values()
               if p["Properties"]["Source"] == {"Fn::GetAtt": [table_id, "StreamArn"]}]
    return pipe


def test_the_outbox_table_streams_new_items_expires_delivered_ones_and_indexes_the_pending(
        synthesized: Synthesized) -> None:
    _, table = _outbox(synthesized)
    props = table["Properties"]
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    (index,) = props["GlobalSecondaryIndexes"]
    assert index["IndexName"] == UNDELIVERED_INDEX
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["pending", "id"]
    assert table["DeletionPolicy"] == "Retain"


def test_the_pipe_delivers_new_items_to_the_relay_with_retries_bisect_and_a_watched_dlq(
        synthesized: Synthesized) -> None:
    props = _pipe(synthesized)["Properties"]
    relay_id, _ = function_of(synthesized, "outbox_relay")
    assert mentions(props["Target"], relay_id)
    assert props["TargetParameters"]["LambdaFunctionParameters"]["InvocationType"] == "REQUEST_RESPONSE"
    source = props["SourceParameters"]
    assert [json.loads(f["Pattern"]) for f in source["FilterCriteria"]["Filters"]] == [NEW_ITEMS_ONLY]
    stream = source["DynamoDBStreamParameters"]
    assert (stream["StartingPosition"], stream["OnPartialBatchItemFailure"]) == ("TRIM_HORIZON", "AUTOMATIC_BISECT")
    assert stream["MaximumRetryAttempts"] == PIPE_RETRY_ATTEMPTS > 0
    dlq_id = stream["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    assert synthesized.raw["Resources"][dlq_id]["Type"] == "AWS::SQS::Queue"
    alarms = synthesized.resources("AWS::CloudWatch::Alarm").values()
    watched = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in alarms
               if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"}
    assert dlq_id in watched


def test_relay_errors_and_pipe_failures_page_someone(synthesized: Synthesized) -> None:
    relay_id, _ = function_of(synthesized, "outbox_relay")
    alarms = list(synthesized.resources("AWS::CloudWatch::Alarm").values())
    relay_errors = [a for a in alarms if a["Properties"].get("MetricName") == "Errors"
                    and mentions(a["Properties"]["Dimensions"], relay_id)]
    assert relay_errors
    pipe_metrics = {a["Properties"]["MetricName"] for a in alarms
                    if a["Properties"].get("Namespace") == "AWS/EventBridge/Pipes"}
    assert pipe_metrics == {"ExecutionFailed", "ExecutionPartiallyFailed"}
    assert all(a["Properties"]["AlarmActions"] for a in relay_errors)


def test_the_relays_role_holds_exactly_the_actions_its_code_calls(synthesized: Synthesized) -> None:
    table_id, _ = _outbox(synthesized)
    _, relay = function_of(synthesized, "outbox_relay")
    granted: dict[str, set[str]] = {}
    for statement in role_statements(synthesized, relay):
        if statement["Effect"] != "Allow":
            continue
        for action in as_list(statement["Action"]):
            granted.setdefault(action, set()).add(json.dumps(statement["Resource"], sort_keys=True))
    # events:PutEvents (shared.adapters.bus.send), UpdateItem (mark_delivered), Query (undelivered)
    assert set(granted) - LOGGING_AND_TRACING == {"events:PutEvents", "dynamodb:UpdateItem", "dynamodb:Query"}
    assert all(table_id in r for r in granted["dynamodb:UpdateItem"])
    assert all(f"/index/{UNDELIVERED_INDEX}" in r for r in granted["dynamodb:Query"])


def test_writers_only_put_into_the_outbox_and_only_the_relay_puts_events(synthesized: Synthesized) -> None:
    table_id, _ = _outbox(synthesized)
    for spec in FUNCTIONS:
        _, function = function_of(synthesized, spec.name)
        on_outbox = {a for s in role_statements(synthesized, function)
                     if s["Effect"] == "Allow" and mentions(s.get("Resource"), table_id) for a in as_list(s["Action"])}
        puts_events = any("events:PutEvents" in as_list(s["Action"]) for s in role_statements(synthesized, function))
        assert on_outbox == ({"dynamodb:PutItem"} if spec.outbox == Access.APPEND else
                             {"dynamodb:UpdateItem", "dynamodb:Query"} if spec.outbox == Access.RELAY else set())
        assert puts_events == (spec.name == "outbox_relay")
