"""A DynamoDB stream → EventBridge Pipe → Lambda function, with a watched DLQ: the audit archive and
the outbox relay are both fed this way.

The pipe reads from the start of what the stream holds (TRIM_HORIZON), invokes the function
synchronously with a batch, halves a failing batch until the bad record is alone
(AUTOMATIC_BISECT), and after `PIPE_RETRY_ATTEMPTS` sends the batch's stream coordinates to the
DLQ. Its role may read that stream, invoke that function and send to that DLQ, nothing else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.queues import acknowledge_target_dlq, dead_letter_queue

PIPE_RETRY_ATTEMPTS = 10


@dataclass(frozen=True)
class StreamPipe:
    pipe: pipes.CfnPipe
    dead_letter_queue: sqs.Queue


def stream_pipe(scope: Construct, *, stream_arn: str, function: lambda_.Function, batch_size: int,
                dlq_id: str, name: str, role_description: str, description: str,
                only: Mapping[str, Any] | None = None) -> StreamPipe:
    """The pipe `Pipe`, its role `PipeRole` and its DLQ `dlq_id` in `scope`. `name` ("the outbox
    pipe") is how the DLQ's nag acknowledgement names its user; `only`, an EventBridge pattern on the
    stream records, filters what reaches the function (None: every record)."""
    dlq = dead_letter_queue(scope, dlq_id)
    acknowledge_target_dlq(dlq, name)
    role = iam.Role(scope, "PipeRole", assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"),
                    description=role_description)
    # The stream's reads only (grant_stream_read adds dynamodb:ListStreams on "*", which a pipe
    # given the stream's ARN does not need).
    role.add_to_policy(iam.PolicyStatement(
        actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        resources=[stream_arn]))
    # The function itself, not grant_invoke's `<arn>:*` (no version or alias is ever invoked).
    role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[function.function_arn]))
    dlq.grant_send_messages(role)
    filter_criteria = None if only is None else pipes.CfnPipe.FilterCriteriaProperty(
        filters=[pipes.CfnPipe.FilterProperty(pattern=json.dumps(only))])
    pipe = pipes.CfnPipe(
        scope, "Pipe",
        description=description,
        role_arn=role.role_arn,
        source=stream_arn,
        source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
            filter_criteria=filter_criteria,
            dynamo_db_stream_parameters=pipes.CfnPipe.PipeSourceDynamoDBStreamParametersProperty(
                starting_position="TRIM_HORIZON", batch_size=batch_size,
                maximum_retry_attempts=PIPE_RETRY_ATTEMPTS, on_partial_batch_item_failure="AUTOMATIC_BISECT",
                dead_letter_config=pipes.CfnPipe.DeadLetterConfigProperty(arn=dlq.queue_arn))),
        target=function.function_arn,
        target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
            lambda_function_parameters=pipes.CfnPipe.PipeTargetLambdaFunctionParametersProperty(
                invocation_type="REQUEST_RESPONSE")),
    )
    return StreamPipe(pipe, dlq)
