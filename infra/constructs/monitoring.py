"""Alarms that page someone, and a dashboard per capability.

Every CloudWatch alarm in the stack notifies one SNS topic (alarm and OK actions, also on alarms
other constructs defined before this one), encrypted with a
customer-managed KMS key: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
Operators subscribe their pager to the topic (`alarm_email` context adds an e-mail subscription).

What is watched, each a page-worthy event in a system whose outputs are legal decisions:
function errors and throttles, p99 duration near the timeout, DLQ depth, async event age, age of
the oldest message in each inbox queue (bus → queue → function),
DynamoDB throttling, EventBridge rule failed invocations, Scheduler target errors and dropped
invocations, Step Functions failed and timed-out executions, API 5xx, and pipes (the outbox's
delivery: executions failed or partially failed, each retried; the DLQ depth says one was parked).

This construct is created last in the stack: it discovers tables, bus rules, schedule groups and
state machines by walking the stack, so resources added by other constructs are watched without
changing this one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from aws_cdk import ArnFormat, Aws, Duration, Fn, Names, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct, IConstruct

from infra.outputs import camel
from infra.stage import DEFAULT_STAGE, physical_name

PERIOD = Duration.minutes(5)
DURATION_NEAR_TIMEOUT = 0.8
"""p99 duration above this share of the timeout: the next slow dependency turns into timeouts."""
ASYNC_EVENT_AGE_MAX = Duration.minutes(15)
"""Lambda's async queue normally hands an event over in seconds; with our two retries and their
back-off a failing event is a few minutes old. Older means the queue is backing up."""
INBOX_AGE_MAX = Duration.minutes(30)
"""Oldest message in a bus-fed function's inbox queue: a burst drains at the mapping's maximum
concurrency (evaluation: 50 batches of 10 at a time, a few hundred events per second); a message
older than this means the consumer is failing or the burst exceeds what the cap can absorb."""

CAPABILITIES: Mapping[str, tuple[str, ...]] = {
    "Registry": ("registry",),
    "CreditEvents": ("ingestion", "evaluation", "arrears_watch", "clean_period_upgrades"),
    "CreditViews": ("credit_views", "disclosure_expiry", "docs"),
    "Restorations": ("restorations", "restoration_review"),
    "Audit": ("audit_archive",),
    "Events": ("outbox_relay",),
}
"""Dashboard per capability: the catalog functions that serve it. A function not listed gets a
dashboard of its own (named after it), so a new catalog row is never unwatched."""
PLATFORM = "Platform"
"""The dashboard of what capabilities share: API, bus rules, schedules, tables, DLQs, workflows."""


def capability_of(function_name: str) -> str:
    for capability, names in CAPABILITIES.items():
        if function_name in names:
            return capability
    return camel(function_name)


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: Mapping[str, lambda_.Function],
                 dead_letter_queues: Mapping[str, sqs.IQueue], rest_api: apigw.RestApi,
                 work_queues: Mapping[str, sqs.IQueue] | None = None,
                 stage: str = DEFAULT_STAGE, alarm_email: str | None = None) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.key = kms.Key(
            self, "AlarmTopicKey",
            enable_key_rotation=True,
            description="Encrypts the alarm topic; CloudWatch may use it to publish alarms",
        )
        # CloudWatch publishes as a service: it needs the key (not granted by the AWS-managed key).
        self.key.add_to_resource_policy(iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],  # in a key policy, "*" is this key
            conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
        ))
        self.topic = sns.Topic(self, "AlarmTopic", master_key=self.key, enforce_ssl=True,
                               display_name=f"Customs credit alarms ({stage})")
        self.topic.add_to_resource_policy(iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[self.topic.topic_arn],
            conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                        "ArnLike": {"aws:SourceArn": f"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:"
                                                     f"{Aws.ACCOUNT_ID}:alarm:*"}},
        ))
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))

        self.stage = stage
        self.alarms: list[cloudwatch.Alarm] = []
        self._by_dashboard: dict[str, list[cloudwatch.IAlarm]] = {}
        self._widgets: dict[str, list[cloudwatch.IWidget]] = {}
        for name, function in functions.items():
            self._function(name, function)
        for name, queue in (work_queues or {}).items():
            self._inbox(name, queue)
        self._platform(stack, dead_letter_queues, rest_api)
        # Alarms other constructs defined (created earlier in the stack) page through the topic too.
        for alarm in (c for c in stack.node.find_all() if isinstance(c, cloudwatch.CfnAlarm)):
            if not alarm.alarm_actions:
                alarm.alarm_actions = [self.topic.topic_arn]
                alarm.ok_actions = [self.topic.topic_arn]
        for dashboard, widgets in self._widgets.items():
            alarms = self._by_dashboard.get(dashboard, [])
            cloudwatch.Dashboard(
                self, f"{dashboard}Dashboard",
                dashboard_name=physical_name(f"customs-credit-{dashboard}", stage),
                widgets=[[cloudwatch.AlarmStatusWidget(title=f"{dashboard}: alarms", alarms=alarms, width=24)],
                         *[[w] for w in widgets]],
            )

    # -- functions, grouped by capability -----------------------------------------------------

    def _function(self, name: str, function: lambda_.Function) -> None:
        dashboard = capability_of(name)
        prefix = camel(name)
        self._alarm(dashboard, f"{prefix}Errors", function.metric_errors(period=PERIOD, statistic="Sum"),
                    f"The {name} function failed (unhandled error or timeout)")
        self._alarm(dashboard, f"{prefix}Throttles", function.metric_throttles(period=PERIOD, statistic="Sum"),
                    f"The {name} function was throttled: callers got 429/502 or async events waited")
        timeout = function.timeout or Duration.seconds(3)
        near = timeout.to_milliseconds() * DURATION_NEAR_TIMEOUT
        self._alarm(dashboard, f"{prefix}DurationNearTimeout",
                    function.metric_duration(period=PERIOD, statistic="p99"),
                    f"The {name} function's p99 duration is above {DURATION_NEAR_TIMEOUT:.0%} of its "
                    f"{timeout.to_seconds():.0f} s timeout", threshold=near, periods=3, datapoints=2)
        if function.dead_letter_queue is not None:  # async targets (bus rules, schedules)
            self._alarm(dashboard, f"{prefix}AsyncEventAge",
                        function.metric("AsyncEventAge", period=PERIOD, statistic="Maximum"),
                        f"Events for {name} wait in Lambda's async queue longer than "
                        f"{ASYNC_EVENT_AGE_MAX.to_minutes():.0f} min: it is backing up",
                        threshold=ASYNC_EVENT_AGE_MAX.to_milliseconds())
        self._widgets.setdefault(dashboard, []).append(cloudwatch.GraphWidget(
            title=name, width=24,
            left=[function.metric_invocations(period=PERIOD), function.metric_errors(period=PERIOD),
                  function.metric_throttles(period=PERIOD)],
            right=[function.metric_duration(period=PERIOD, statistic="p99")],
        ))

    def _inbox(self, name: str, queue: sqs.IQueue) -> None:
        dashboard = capability_of(name)
        age = queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum")
        self._alarm(dashboard, f"{camel(name)}InboxAge", age,
                    f"The oldest bus event waiting for {name} is older than {INBOX_AGE_MAX.to_minutes():.0f} min: "
                    "the function is failing or the burst exceeds its maximum concurrency",
                    threshold=INBOX_AGE_MAX.to_seconds())
        self._widgets.setdefault(dashboard, []).append(cloudwatch.GraphWidget(
            title=f"{name} inbox", width=24,
            left=[queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                  queue.metric_approximate_number_of_messages_not_visible(period=PERIOD, statistic="Maximum")],
            right=[age]))

    # -- what the capabilities share ------------------------------------------------------------

    def _platform(self, stack: Stack, dead_letter_queues: Mapping[str, sqs.IQueue], rest_api: apigw.RestApi) -> None:
        widgets = self._widgets.setdefault(PLATFORM, [])
        self._alarm(PLATFORM, "Api5xx", rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
                    "The API answered 5xx: handlers never do for bad input, so this is a defect or an outage")
        widgets.append(cloudwatch.GraphWidget(
            title="API", width=24, left=[rest_api.metric_count(period=PERIOD), rest_api.metric_client_error(
                period=PERIOD), rest_api.metric_server_error(period=PERIOD)],
            right=[rest_api.metric_latency(period=PERIOD, statistic="p99")]))
        for key, queue in dead_letter_queues.items():
            self._alarm(PLATFORM, f"{key}DlqDepth",
                        queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                        "A failed delivery or invocation was parked in this dead-letter queue: inspect and redrive")
        found = list(stack.node.find_all())
        for table in (c for c in found if isinstance(c, dynamodb.CfnTable)):
            self._table(table)
        for rule in (c for c in found if isinstance(c, events.CfnRule)):
            self._rule(rule)
        for group in (c for c in found if isinstance(c, scheduler.CfnScheduleGroup)):
            self._schedule_group(group)
        for machine in (c for c in found if isinstance(c, sfn.CfnStateMachine)):
            self._state_machine(machine)
        for pipe in (c for c in found if isinstance(c, pipes.CfnPipe)):
            self._pipe(pipe)

    def _table(self, table: dynamodb.CfnTable) -> None:
        logical = _owner(table)
        throttles = [cloudwatch.Metric(namespace="AWS/DynamoDB", metric_name=m, dimensions_map={"TableName": table.ref},
                                       period=PERIOD, statistic="Sum")
                     for m in ("ReadThrottleEvents", "WriteThrottleEvents")]
        total = cloudwatch.MathExpression(expression="r + w", using_metrics={"r": throttles[0], "w": throttles[1]},
                                          period=PERIOD, label="throttled requests")
        self._alarm(PLATFORM, f"{logical}TableThrottles", total,
                    "DynamoDB throttled requests on this table (on-demand: a hot key or a burst above "
                    "the table's previous peak)")
        self._widgets[PLATFORM].append(cloudwatch.GraphWidget(title=f"{logical} table throttles", width=12,
                                                              left=throttles))

    def _rule(self, rule: events.CfnRule) -> None:
        # A rule on a custom bus has the ARN .../rule/<bus>/<name>; its Ref is "<bus>|<name>".
        name = Fn.select(2, Fn.split("/", rule.attr_arn))
        bus = Fn.select(1, Fn.split("/", rule.attr_arn))
        metric = cloudwatch.Metric(namespace="AWS/Events", metric_name="FailedInvocations",
                                   dimensions_map={"EventBusName": bus, "RuleName": name},
                                   period=PERIOD, statistic="Sum")
        self._alarm(PLATFORM, f"{_owner(rule)}FailedInvocations", metric,
                    "EventBridge could not deliver to this rule's target after its retries (see its DLQ)")

    def _schedule_group(self, group: scheduler.CfnScheduleGroup) -> None:
        name = cast(str, group.name)
        for metric_name, what in (("TargetErrorCount", "its target returned an error"),
                                  ("InvocationDroppedCount", "an invocation was dropped after its retries")):
            metric = cloudwatch.Metric(namespace="AWS/Scheduler", metric_name=metric_name,
                                       dimensions_map={"ScheduleGroup": name}, period=PERIOD, statistic="Sum")
            self._alarm(PLATFORM, f"Schedules{metric_name}", metric, f"A statutory schedule fired and {what}")

    def _state_machine(self, machine: sfn.CfnStateMachine) -> None:
        owner = _owner(machine)
        for metric_name, what in (("ExecutionsFailed", "failed"), ("ExecutionsTimedOut", "timed out")):
            metric = cloudwatch.Metric(namespace="AWS/States", metric_name=metric_name,
                                       dimensions_map={"StateMachineArn": machine.ref}, period=PERIOD, statistic="Sum")
            self._alarm(PLATFORM, f"{owner}{metric_name}", metric, f"A {owner} workflow execution {what}")

    def _pipe(self, pipe: pipes.CfnPipe) -> None:
        owner = _owner(pipe)
        for metric_name, what in (("ExecutionFailed", "failed a batch (the target raised or timed out)"),
                                  ("ExecutionPartiallyFailed", "had a batch partly refused (e.g. PutEvents)")):
            metric = cloudwatch.Metric(namespace="AWS/EventBridge/Pipes", metric_name=metric_name,
                                       dimensions_map={"PipeName": pipe.ref}, period=PERIOD, statistic="Sum")
            self._alarm(PLATFORM, f"{owner}{metric_name}", metric,
                        f"The {owner} pipe {what}; it retries, then parks the batch in its DLQ")

    def _alarm(self, dashboard: str, construct_id: str, metric: cloudwatch.IMetric, description: str, *,
               threshold: float = 0, periods: int = 1, datapoints: int | None = None) -> None:
        kwargs: dict[str, Any] = {"datapoints_to_alarm": datapoints} if datapoints else {}
        alarm = cloudwatch.Alarm(
            self, construct_id,
            alarm_name=(alarm_name := physical_name(f"customs-credit-{construct_id}", self.stage)),
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
            **kwargs,
        )
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(self.topic))
        alarm.add_ok_action(cloudwatch_actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        # The dashboard names the alarm by an ARN built from its name, not `Fn::GetAtt`: the local
        # runtime's emulator (moto) does not create alarms, and a GetAtt of one fails the stack.
        arn = Stack.of(self).format_arn(service="cloudwatch", resource="alarm", resource_name=alarm_name,
                                        arn_format=ArnFormat.COLON_RESOURCE_NAME)
        self._by_dashboard.setdefault(dashboard, []).append(
            cloudwatch.Alarm.from_alarm_arn(self, f"{construct_id}Ref", arn))


def _owner(resource: IConstruct) -> str:
    """A construct id for alarms about an L1 resource: its L2's unique id (unique in the stack)."""
    owner = resource.node.scope or resource
    return Names.unique_id(owner)[-60:]
