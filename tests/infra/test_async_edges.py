"""Events, schedules, DLQs and alarms. The catalog-extension probe (`extended`) exercises the hooks
a real row will use: a schedule of `catalog.SCHEDULES` and a bus rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import outputs
from infra.catalog import FUNCTIONS, SCHEDULES
from tests.infra.conftest import PROBE, Synthesized, extended_rows
from tests.infra.support import as_list, logical_id_of_output, mentions


def queue_alarm_targets(synthesized: Synthesized) -> set[str]:
    """Queues (logical ids) watched by an ApproximateNumberOfMessagesVisible > 0 alarm."""
    watched = set()
    for alarm in synthesized.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            assert (props["Threshold"], props["ComparisonOperator"]) == (0, "GreaterThanThreshold")
            (dimension,) = props["Dimensions"]
            watched.add(dimension["Value"]["Fn::GetAtt"][0])
    return watched


def test_bus_is_named_credit_and_archived(synthesized: Synthesized) -> None:
    # Given the template / When reading the bus and its archive
    bus_id = logical_id_of_output(synthesized.raw, outputs.EVENT_BUS)
    (archive,) = synthesized.resources("AWS::Events::Archive").values()
    # Then the bus has the contract's name (per stage: `credit-<stage>`) and an archive keeps its events for replay
    assert synthesized.raw["Resources"][bus_id]["Properties"]["Name"] == "credit-dev"
    assert mentions(archive["Properties"]["SourceArn"], bus_id)
    assert archive["Properties"]["RetentionDays"] > 0


def test_real_catalog_schedules_exactly_its_rows(synthesized: Synthesized) -> None:
    # Given the real catalog / When listing the template's schedules
    names = {s["Properties"]["Name"] for s in synthesized.resources("AWS::Scheduler::Schedule").values()}
    # Then a schedule exists for each row's schedule and for nothing else
    assert names == {s.name for spec in FUNCTIONS for s in spec.schedules}


def test_probe_schedule_fires_in_shanghai_time_with_dlq_and_retries(extended: Synthesized) -> None:
    # Given a row that names one of `catalog.SCHEDULES`
    probe_id = logical_id_of_output(extended.raw, outputs.function_output(PROBE))
    schedules = [s["Properties"] for s in extended.resources("AWS::Scheduler::Schedule").values()
                 if mentions(s["Properties"]["Target"]["Arn"], probe_id)]
    # When reading its schedule
    (schedule,) = schedules
    target = schedule["Target"]
    # Then it runs at the table's time in Asia/Shanghai, on the minute, with the name as input
    assert schedule["Name"] in SCHEDULES
    assert schedule["ScheduleExpression"] == SCHEDULES[schedule["Name"]].expression
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Shanghai"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert json.loads(target["Input"]) == {"schedule": schedule["Name"]}
    # And undeliverable invocations are retried, then parked in a watched DLQ
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    dlq_id = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    assert extended.raw["Resources"][dlq_id]["Type"] == "AWS::SQS::Queue"
    assert dlq_id in queue_alarm_targets(extended)
    role = extended.raw["Resources"][target["RoleArn"]["Fn::GetAtt"][0]]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "scheduler.amazonaws.com"}


def inbox_of(synthesized: Synthesized, function_id: str) -> tuple[str, dict[str, Any]]:
    """The queue an SQS event source mapping feeds this function from, and the mapping's properties."""
    (mapping,) = [m["Properties"] for m in synthesized.resources("AWS::Lambda::EventSourceMapping").values()
                  if m["Properties"]["FunctionName"] == {"Ref": function_id}]
    return mapping["EventSourceArn"]["Fn::GetAtt"][0], mapping


def test_probe_bus_rule_targets_the_functions_inbox_with_dlq_and_retries(extended: Synthesized) -> None:
    # Given a row with a bus rule / When reading the rule
    probe_id = logical_id_of_output(extended.raw, outputs.function_output(PROBE))
    bus_id = logical_id_of_output(extended.raw, outputs.EVENT_BUS)
    inbox_id, _ = inbox_of(extended, probe_id)
    rules = [r["Properties"] for r in extended.resources("AWS::Events::Rule").values()
             if any(mentions(t["Arn"], inbox_id) for t in r["Properties"]["Targets"])]
    (rule,) = rules
    (target,) = rule["Targets"]
    # Then it listens on the credit bus for the system's events of those types
    assert mentions(rule["EventBusName"], bus_id)
    assert rule["EventPattern"] == {"source": ["customs.credit"], "detail-type": ["TierChanged", "DisclosureEnded"]}
    # And the target (the function's inbox queue) retries, then parks the event in a watched DLQ
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    dlq_id = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    assert dlq_id in queue_alarm_targets(extended)


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_every_bus_fed_function_is_behind_a_capped_batched_queue_with_a_dlq(
        which: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(which)
    resources = synthesized.raw["Resources"]
    rows = FUNCTIONS if which == "synthesized" else extended_rows()
    fed = [spec for spec in rows if spec.is_queue_fed]
    assert {"evaluation", "restoration_review", "certification_steps"} <= {s.name for s in fed}
    # Given no rule may invoke a function directly (a burst would take the account's concurrency)
    functions = synthesized.resources("AWS::Lambda::Function")
    for rule in synthesized.resources("AWS::Events::Rule").values():
        for target in rule["Properties"]["Targets"]:
            assert not any(mentions(target["Arn"], f) for f in functions), target
    for spec in fed:
        # When following each bus-fed function back to its inbox queue
        function_id = logical_id_of_output(synthesized.raw, outputs.function_output(spec.name))
        inbox_id, mapping = inbox_of(synthesized, function_id)
        inbox = resources[inbox_id]["Properties"]
        # Then the mapping batches, reports partial failures and caps concurrency as the row says
        assert mapping["BatchSize"] == spec.delivery.batch_size > 1
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": spec.delivery.max_concurrency}
        # And the queue redrives after N receives to a watched DLQ, with visibility >= 6x the function timeout
        redrive = inbox["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == spec.delivery.max_receive_count > 1
        assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] in queue_alarm_targets(synthesized)
        assert inbox["VisibilityTimeout"] >= 6 * functions[function_id]["Properties"]["Timeout"]
        # And the bus rules of the row target this queue
        targeted = [r for r in synthesized.resources("AWS::Events::Rule").values()
                    if any(mentions(t["Arn"], inbox_id) for t in r["Properties"]["Targets"])]
        assert len(targeted) == len(spec.bus_rules)


def test_api_functions_reserve_concurrency(synthesized: Synthesized) -> None:
    # Given the functions behind API routes / When reading their configuration
    from shared.api.contract import ROUTES

    # The token authorizer has no route but runs before every protected one: it is an API function too.
    api_functions = {r.function for r in ROUTES} | {"authorizer"}
    for spec in FUNCTIONS:
        function_id = logical_id_of_output(synthesized.raw, outputs.function_output(spec.name))
        function = synthesized.raw["Resources"][function_id]
        reserved = function["Properties"].get("ReservedConcurrentExecutions")
        # Then each API function keeps capacity of its own, and the others draw on the shared pool
        assert (reserved is not None) == (spec.name in api_functions), spec.name
        if reserved is not None:
            assert reserved == spec.reserved_concurrency > 0


def test_async_function_has_its_own_failure_dlq(extended: Synthesized) -> None:
    # Given a function invoked asynchronously (by the bus and the scheduler)
    probe_id = logical_id_of_output(extended.raw, outputs.function_output(PROBE))
    props = extended.raw["Resources"][probe_id]["Properties"]
    # When reading its configuration / Then its own failures also land in a watched DLQ
    dlq_id = props["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"][0]
    assert dlq_id in queue_alarm_targets(extended)
    invoke_configs = [c["Properties"] for c in extended.resources("AWS::Lambda::EventInvokeConfig").values()
                      if mentions(c["Properties"]["FunctionName"], probe_id)]
    assert len(invoke_configs) == 1
    assert invoke_configs[0]["MaximumRetryAttempts"] > 0


def test_api_only_functions_have_no_dlq(synthesized: Synthesized) -> None:
    # Given rows with no async trigger / Then their functions have no DLQ to watch (API is synchronous)
    for spec in FUNCTIONS:
        logical_id = logical_id_of_output(synthesized.raw, outputs.function_output(spec.name))
        function = synthesized.raw["Resources"][logical_id]
        assert ("DeadLetterConfig" in function["Properties"]) == spec.is_async_target


def test_every_queue_is_encrypted_tls_only_and_watched(extended: Synthesized) -> None:
    # Given every SQS queue
    queues = extended.resources("AWS::SQS::Queue")
    policies = extended.resources("AWS::SQS::QueuePolicy").values()
    # one DLQ per async function (failed invocations) plus one per rule or schedule target, an inbox
    # and its DLQ per bus-fed function, plus one DLQ per pipe (the audit stream's, the outbox stream's)
    rows = extended_rows()
    assert len(queues) == (sum(int(spec.is_async_target) + len(spec.schedules) + len(spec.bus_rules)
                               + 2 * int(spec.is_queue_fed) for spec in rows)
                           + sum(1 for spec in rows if spec.audit_stream is not None or spec.outbox_stream is not None))
    inboxes = {lid for lid, q in queues.items() if "RedrivePolicy" in q["Properties"]}
    assert len(inboxes) == sum(1 for spec in rows if spec.is_queue_fed)
    for queue_id, queue in queues.items():
        # Then it is encrypted at rest, refuses plain HTTP and raises an alarm when not empty
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        tls_denials = [s for p in policies if mentions(p["Properties"]["Queues"], queue_id)
                       for s in as_list(p["Properties"]["PolicyDocument"]["Statement"])
                       if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}]
        assert tls_denials, queue_id
    # And every DLQ alarms on its depth, every inbox on the age of its oldest message
    assert set(queues) - inboxes == queue_alarm_targets(extended)
    aged = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
            for a in extended.resources("AWS::CloudWatch::Alarm").values()
            if a["Properties"].get("MetricName") == "ApproximateAgeOfOldestMessage"}
    assert aged == inboxes


def test_every_function_and_the_api_5xx_raise_alarms(synthesized: Synthesized) -> None:
    # Given the alarms / When grouping them by metric
    alarms: list[dict[str, Any]] = [a["Properties"] for a in synthesized.resources("AWS::CloudWatch::Alarm").values()]
    errors = {a["Dimensions"][0]["Value"]["Ref"] for a in alarms if a.get("MetricName") == "Errors"}
    server_errors = [a for a in alarms if a.get("MetricName") == "5XXError"]
    # Then each function's errors and the API's 5xx answers alarm on the first occurrence
    assert errors == {logical_id_of_output(synthesized.raw, outputs.function_output(s.name)) for s in FUNCTIONS}
    assert len(server_errors) == 1
    assert server_errors[0]["Threshold"] == 0
    assert all(a["TreatMissingData"] == "notBreaching" for a in alarms)
