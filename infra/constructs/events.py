"""The `credit` event bus (source `customs.credit`), its archive, and the rules that route bus events to
catalog functions (`BusRule` triggers) through each function's inbox queue (`queues.BusDelivery`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.catalog import FunctionSpec
from infra.constructs.queues import acknowledge_target_dlq, dead_letter_queue
from infra.outputs import camel
from infra.stage import DEFAULT_STAGE, physical_name

BUS_NAME = "credit"
ARCHIVE_NAME = "credit-events"
ARCHIVE_RETENTION_DAYS = 365
TARGET_RETRY_ATTEMPTS = 8
TARGET_MAX_EVENT_AGE = Duration.hours(24)


class Events(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str = DEFAULT_STAGE) -> None:
        super().__init__(scope, construct_id)
        # The contract's bus `credit`, per stage (`credit-<stage>`): two stages share an account.
        self.bus = events.EventBus(self, "Bus", event_bus_name=physical_name(BUS_NAME, stage))
        # Replays after a consumer bug: a year of everything on the bus (only this system
        # publishes there). The audit table, not this archive, is the record of truth. Named,
        # because moto's generated names break the 48-character limit; no event pattern, because
        # moto's CloudFormation accepts it only as a string and the bus needs no filter anyway
        # (the L2 `Archive` insists on a pattern, hence the L1).
        events.CfnArchive(
            self, "Archive",
            source_arn=self.bus.event_bus_arn,
            archive_name=physical_name(ARCHIVE_NAME, stage),
            description="Every event published on the credit bus, for replay to fixed consumers",
            retention_days=ARCHIVE_RETENTION_DAYS,
        )
        self.dead_letter_queues: dict[str, sqs.Queue] = {}

    @property
    def bus_name(self) -> str:
        """`Fn::GetAtt Bus.Name` rather than `Ref`: the same value in AWS, and moto's `Ref` of an
        event bus resolves to an object's repr instead of the name."""
        return cast(events.CfnEventBus, self.bus.node.default_child).attr_name

    def subscribe(self, specs: tuple[FunctionSpec, ...], inboxes: Mapping[str, sqs.IQueue]) -> None:
        """One rule per `BusRule` trigger, targeting the function's inbox queue; each target retries and
        then parks the event in a DLQ (delivery failures: the function's own failures go to the
        inbox's dead-letter queue after its receives)."""
        for spec in specs:
            for rule_spec in spec.bus_rules:
                construct_id = f"{camel(spec.name)}{rule_spec.id}"
                dlq = dead_letter_queue(self, f"{construct_id}Dlq")
                acknowledge_target_dlq(dlq, f"the bus rule {construct_id}")
                self.dead_letter_queues[construct_id] = dlq
                rule = events.Rule(
                    self, construct_id,
                    event_bus=self.bus,
                    description=f"Routes {', '.join(rule_spec.detail_types)} events to {spec.name}",
                    event_pattern=events.EventPattern(
                        source=[rule_spec.source], detail_type=list(rule_spec.detail_types)),
                    targets=[targets.SqsQueue(
                        inboxes[spec.name],
                        dead_letter_queue=dlq,
                        retry_attempts=TARGET_RETRY_ATTEMPTS,
                        max_event_age=TARGET_MAX_EVENT_AGE,
                    )],
                )
                # The same bus, named through GetAtt (see `bus_name`): moto cannot resolve the Ref.
                cast(events.CfnRule, rule.node.default_child).event_bus_name = self.bus_name
