"""EventBridge Scheduler schedules of `catalog.SCHEDULES`, for the catalog functions that name them.

Each schedule fires in Asia/Shanghai time with the flexible window off (statutory jobs run at the
stated minute), passes `{"schedule": "<name>"}` as the Lambda input (Scheduler passes Input
verbatim; that is how a handler, and the local runtime, tell schedules apart), retries, and parks
undeliverable invocations in its own DLQ."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from aws_cdk import CfnElement, Duration, Stack, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.catalog import FunctionSpec
from infra.constructs.queues import acknowledge_target_dlq, dead_letter_queue
from infra.nag import acknowledge, default_policy
from infra.stage import DEFAULT_STAGE, physical_name

GROUP_NAME = "customs-credit"
TARGET_RETRY_ATTEMPTS = 3
TARGET_MAX_EVENT_AGE = Duration.hours(6)


def schedule_input(name: str) -> dict[str, str]:
    return {"schedule": name}


class Schedules(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, specs: tuple[FunctionSpec, ...],
                 functions: Mapping[str, lambda_.IFunction], stage: str = DEFAULT_STAGE) -> None:
        super().__init__(scope, construct_id)
        self.schedules: dict[str, scheduler.Schedule] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        wanted = [(spec, s) for spec in specs for s in spec.schedules]
        if not wanted:
            return
        self.roles: dict[str, iam.Role] = {}
        # Schedule names are the contract's; the group carries the stage, so two stages share an account.
        self.group = scheduler.ScheduleGroup(self, "Group", schedule_group_name=physical_name(GROUP_NAME, stage))
        for spec, schedule in wanted:
            # One role per schedule: it may invoke its own function and send to its own DLQ, nothing
            # else. The confused-deputy condition pins it to this account.
            role = self.roles[schedule.name] = iam.Role(
                self, f"{schedule.id}InvokeRole",
                assumed_by=iam.ServicePrincipal(
                    "scheduler.amazonaws.com",
                    conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}),
                description=f"EventBridge Scheduler: invoke {spec.name} for {schedule.name}, park failures in its DLQ",
            )
            dlq = dead_letter_queue(self, f"{schedule.id}Dlq")
            acknowledge_target_dlq(dlq, f"the schedule {schedule.name}")
            self.dead_letter_queues[schedule.id] = dlq
            self.schedules[schedule.name] = scheduler.Schedule(
                self, schedule.id,
                schedule_name=schedule.name,
                schedule_group=self.group,
                description=f"{schedule.description} ({spec.name})",
                schedule=scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.tz)),
                time_window=scheduler.TimeWindow.off(),
                target=scheduler_targets.LambdaInvoke(
                    functions[spec.name],
                    input=scheduler.ScheduleTargetInput.from_object(schedule_input(schedule.name)),
                    dead_letter_queue=dlq,
                    retry_attempts=TARGET_RETRY_ATTEMPTS,
                    max_event_age=TARGET_MAX_EVENT_AGE,
                    role=role,
                ),
            )
            function_arn = f"<{Stack.of(self).get_logical_id(_cfn(functions[spec.name]))}.Arn>:*"
            acknowledge(default_policy(role), f"AwsSolutions-IAM5[Resource::{function_arn}]",
                        f"Invoking {spec.name}: the Scheduler target grants the function ARN and its "
                        "qualified ARNs (versions/aliases) of that one function, nothing else.")


def _cfn(function: lambda_.IFunction) -> CfnElement:
    return cast(CfnElement, function.node.default_child)
