"""What an EventBridge target receives: Input, InputPath and InputTransformer as AWS documents them."""

from __future__ import annotations

import json

import pytest

from local.target_input import json_path, target_input, transform

EVENT = {"version": "0", "id": "e-1", "detail-type": "TierChanged", "source": "customs.credit",
         "time": "2026-11-20T00:00:00Z", "resources": [],
         "detail": {"uscc": "91110000600037341L", "tier": "DISCREDITED", "grounds": [{"rule_id": "D3"}], "count": 2}}


def test_no_input_setting_passes_the_whole_event() -> None:
    # Given a target without input settings
    # When computing its input
    # Then it is the event
    assert json.loads(target_input({"Arn": "x"}, EVENT, "arn:rule", "rule")) == EVENT


def test_constant_input_wins() -> None:
    # Given a target with Input
    # When computing its input
    # Then it is the constant, verbatim
    assert target_input({"Input": '{"a": 1}'}, EVENT, "arn:rule", "rule") == '{"a": 1}'


@pytest.mark.parametrize(("path", "expected"), [
    ("$", EVENT), ("$.detail.uscc", "91110000600037341L"), ("$.detail.grounds[0].rule_id", "D3"),
    ("$['detail-type']", "TierChanged"), ("$.detail.missing", None),
])
def test_json_path(path: str, expected: object) -> None:
    # Given EventBridge's JSONPath subset
    # When reading the event
    # Then the value at the path comes back (None when absent)
    assert json_path(EVENT, path) == expected


def test_input_path_selects_part_of_the_event() -> None:
    # Given InputPath $.detail
    # When computing the input
    # Then it is the detail object
    assert json.loads(target_input({"InputPath": "$.detail"}, EVENT, "arn:rule", "rule")) == EVENT["detail"]


def test_transformer_quotes_values_by_position() -> None:
    # Given placeholders inside and outside JSON strings
    template = ('{"who": <uscc>, "text": "now <tier> (<count>)", "n": <count>, "grounds": <grounds>, '
                '"rule": "<aws.events.rule-name>"}')
    paths = {"uscc": "$.detail.uscc", "tier": "$.detail.tier", "count": "$.detail.count", "grounds": "$.detail.grounds"}
    # When transforming the event
    out = json.loads(transform(template, paths, EVENT, "arn:aws:events:r", "my-rule"))
    # Then values outside strings are JSON values, inside strings text
    assert out == {"who": "91110000600037341L", "text": "now DISCREDITED (2)", "n": 2,
                   "grounds": [{"rule_id": "D3"}], "rule": "my-rule"}


def test_transformer_escapes_quotes_inside_strings() -> None:
    # Given a value containing a quote placed inside a JSON string
    event = {"detail": {"name": 'Say "hi"'}}
    # When transforming
    out = transform('{"msg": "<name>"}', {"name": "$.detail.name"}, event, "arn", "rule")
    # Then the result is still valid JSON holding the text
    assert json.loads(out) == {"msg": 'Say "hi"'}
