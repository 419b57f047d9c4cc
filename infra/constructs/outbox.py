"""Exactly-once events: the outbox table, its writers' grants, and the pipe that delivers it.

Every event is written in the transaction of the state change it reports (`shared.adapters.outbox`),
to a table of its own (why not the main table: see that module). The table's stream feeds an
EventBridge Pipe → the `outbox_relay` function → the `credit` bus. The pipe takes new items only
(INSERT), in order; a partial batch failure resumes from the record it names, an error halves the
batch until the bad record is alone (AUTOMATIC_BISECT), and after `stream_pipe.PIPE_RETRY_ATTEMPTS` the batch's
stream coordinates go to a watched DLQ. The item itself stays `pending` (sparse `undelivered`
index) until delivered, so a redrive (`{"redrive": N}` to the relay) never depends on the stream's
24-hour window. Delivered items expire (TTL) after `shared.adapters.outbox.RETENTION_S`; the bus
archive and the audit table keep the history."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.catalog import Access, FunctionSpec
from infra.constructs.stream_pipe import stream_pipe
from shared.adapters.outbox import UNDELIVERED_INDEX
from shared.adapters.settings import OUTBOX_TABLE_ENV

STRING = dynamodb.AttributeType.STRING
NEW_ITEMS_ONLY = {"eventName": ["INSERT"]}
"""The pipe's filter: a second write of an id (MODIFY), the relay's marks (MODIFY) and TTL deletions
(REMOVE) are not events."""


class Outbox(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, specs: tuple[FunctionSpec, ...],
                 functions: Mapping[str, lambda_.Function]) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        self.table = dynamodb.Table(
            self, "Table",
            partition_key=dynamodb.Attribute(name="id", type=STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType.NEW_IMAGE,
            time_to_live_attribute="expires_at",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            # Undelivered events must survive a stack deletion like the records they report.
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Sparse: only items not yet delivered carry `pending` (what a redrive reads).
        self.table.add_global_secondary_index(
            index_name=UNDELIVERED_INDEX,
            partition_key=dynamodb.Attribute(name="pending", type=STRING),
            sort_key=dynamodb.Attribute(name="id", type=STRING),
        )
        for spec in specs:
            function = functions[spec.name]
            if spec.outbox == Access.APPEND:
                # PutItem only (also covers Put inside TransactWriteItems): writers never read or change it.
                function.add_to_role_policy(iam.PolicyStatement(actions=["dynamodb:PutItem"],
                                                                resources=[self.table.table_arn]))
                function.add_environment(OUTBOX_TABLE_ENV, self.table.table_name)
            elif spec.outbox == Access.RELAY:
                stream = spec.outbox_stream
                if stream is None:
                    raise ValueError(f"{spec.name}: outbox RELAY access needs an OutboxStream trigger")
                self._relay(spec, function, stream.batch_size)

    def _relay(self, spec: FunctionSpec, function: lambda_.Function, batch_size: int) -> None:
        # What the relay calls: UpdateItem (mark delivered) and Query on the undelivered index (redrive).
        function.add_to_role_policy(iam.PolicyStatement(actions=["dynamodb:UpdateItem"],
                                                        resources=[self.table.table_arn]))
        function.add_to_role_policy(iam.PolicyStatement(
            actions=["dynamodb:Query"], resources=[f"{self.table.table_arn}/index/{UNDELIVERED_INDEX}"]))
        function.add_environment(OUTBOX_TABLE_ENV, self.table.table_name)
        stream_arn = self.table.table_stream_arn
        assert stream_arn is not None  # the table above has a stream
        piped = stream_pipe(
            self, stream_arn=stream_arn, function=function, batch_size=batch_size,
            dlq_id="PipeDlq", name="the outbox pipe",
            role_description="Reads the outbox table's stream and invokes the outbox relay",
            description="Outbox table stream to the credit bus (through the relay)",
            only=NEW_ITEMS_ONLY)
        self.dead_letter_queues["OutboxPipe"] = piped.dead_letter_queue
        self.pipe = piped.pipe
