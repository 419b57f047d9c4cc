"""Monitoring: every alarm pages through one KMS-encrypted topic; what is watched; one dashboard per
capability; cdk-nag's Serverless pack runs beside AwsSolutions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.catalog import FUNCTIONS
from infra.constructs.monitoring import PLATFORM, capability_of
from tests.infra.conftest import Synthesized
from tests.infra.support import acknowledged, mentions


def alarm_topic(synthesized: Synthesized) -> str:
    (topic_id,) = synthesized.resources("AWS::SNS::Topic")
    return topic_id


def alarms_on(synthesized: Synthesized, namespace: str, metric_name: str) -> list[dict[str, Any]]:
    """Alarm properties on `namespace/metric_name` (directly, or inside a metric math expression)."""
    found = []
    for alarm in synthesized.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        metrics = [props] + [m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m]
        if any(m.get("Namespace") == namespace and m.get("MetricName") == metric_name for m in metrics):
            found.append(props)
    return found


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_every_alarm_notifies_the_alarm_topic(which: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(which)
    topic = alarm_topic(synthesized)
    alarms = synthesized.resources("AWS::CloudWatch::Alarm")
    # Given every alarm of the stack / Then each one pages through the topic, and says when it clears
    assert len(alarms) > 11
    for logical_id, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}], logical_id
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic}], logical_id


def test_alarm_topic_is_encrypted_with_a_rotated_customer_managed_key(synthesized: Synthesized) -> None:
    topic = synthesized.raw["Resources"][alarm_topic(synthesized)]["Properties"]
    key_id = topic["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = synthesized.raw["Resources"][key_id]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    # And CloudWatch (the publisher) may use the key and publish to the topic, for this account only
    key_statements = key["Properties"]["KeyPolicy"]["Statement"]
    assert any(s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"} and "kms:Decrypt" in s["Action"]
               and "aws:SourceAccount" in json.dumps(s.get("Condition")) for s in key_statements)
    (policy,) = synthesized.resources("AWS::SNS::TopicPolicy").values()
    assert any(s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"} and s["Effect"] == "Allow"
               for s in policy["Properties"]["PolicyDocument"]["Statement"])


def test_each_function_is_watched_for_errors_throttles_and_latency(synthesized: Synthesized) -> None:
    functions = synthesized.resources("AWS::Lambda::Function")
    for metric_name in ("Errors", "Throttles", "Duration"):
        watched = {a["Dimensions"][0]["Value"]["Ref"] for a in alarms_on(synthesized, "AWS/Lambda", metric_name)}
        assert watched == set(functions), metric_name
    for props in alarms_on(synthesized, "AWS/Lambda", "Duration"):
        timeout_ms = functions[props["Dimensions"][0]["Value"]["Ref"]]["Properties"]["Timeout"] * 1000
        # Then the p99 alarm fires before the timeout does
        assert (props["ExtendedStatistic"], props["Threshold"] < timeout_ms) == ("p99", True)


def test_async_edges_are_watched(synthesized: Synthesized) -> None:
    resources = synthesized.raw["Resources"]
    async_functions = {lid for lid, r in resources.items()
                       if r["Type"] == "AWS::Lambda::Function" and "DeadLetterConfig" in r["Properties"]}
    assert async_functions
    aged = {a["Dimensions"][0]["Value"]["Ref"] for a in alarms_on(synthesized, "AWS/Lambda", "AsyncEventAge")}
    assert aged == async_functions
    rules = synthesized.resources("AWS::Events::Rule")
    failed = alarms_on(synthesized, "AWS/Events", "FailedInvocations")
    assert {lid for lid in rules if any(mentions(a["Dimensions"], lid) for a in failed)} == set(rules)
    groups = synthesized.resources("AWS::Scheduler::ScheduleGroup")
    for metric_name in ("TargetErrorCount", "InvocationDroppedCount"):
        dims = [a["Dimensions"] for a in alarms_on(synthesized, "AWS/Scheduler", metric_name)]
        assert sorted(d[0]["Value"] for d in dims) == sorted(g["Properties"]["Name"] for g in groups.values())


def test_tables_and_state_machines_are_watched(synthesized: Synthesized) -> None:
    throttled = [a for name in ("ReadThrottleEvents", "WriteThrottleEvents")
                 for a in alarms_on(synthesized, "AWS/DynamoDB", name)]
    for table_id in synthesized.resources("AWS::DynamoDB::Table"):
        assert any(mentions(a["Metrics"], table_id) for a in throttled), table_id
    for machine_id in synthesized.resources("AWS::StepFunctions::StateMachine"):
        for metric_name in ("ExecutionsFailed", "ExecutionsTimedOut"):
            assert any(mentions(a["Dimensions"], machine_id)
                       for a in alarms_on(synthesized, "AWS/States", metric_name)), (machine_id, metric_name)


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_one_dashboard_per_capability(which: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(which)
    dashboards = synthesized.resources("AWS::CloudWatch::Dashboard")
    names = sorted(json.dumps(d["Properties"]["DashboardName"]) for d in dashboards.values())
    rows = FUNCTIONS if which == "synthesized" else (*FUNCTIONS, *_probe())
    capabilities = {capability_of(spec.name) for spec in rows} | {PLATFORM}
    assert len(names) == len(set(names)) == len(capabilities)
    # And each function's graphs are on exactly one dashboard, its capability's
    for logical_id in synthesized.resources("AWS::Lambda::Function"):
        on = [lid for lid, d in dashboards.items() if mentions(d["Properties"]["DashboardBody"], logical_id)]
        assert len(on) == 1, (logical_id, on)


def _probe() -> tuple[Any, ...]:
    from tests.infra.conftest import probe_row

    return (probe_row(),)


def test_serverless_pack_ran_beside_aws_solutions(synthesized: Synthesized) -> None:
    acks = {rule for r in synthesized.raw["Resources"].values() for rule in acknowledged(r)}
    assert any(rule.startswith("Serverless-") for rule in acks)
    assert any(rule.startswith("AwsSolutions-") for rule in acks)
