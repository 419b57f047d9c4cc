"""Dead-letter queues for the async edges (EventBridge rule targets, Scheduler targets, Lambda
async invocations). One factory so that every DLQ has the same guarantees and is found by the
monitoring construct."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.nag import acknowledge

DLQ_RETENTION = Duration.days(14)
"""SQS maximum: the longest time an operator has to notice the alarm and redrive."""


def dead_letter_queue(scope: Construct, construct_id: str) -> sqs.Queue:
    queue = sqs.Queue(
        scope, construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=DLQ_RETENTION,
    )
    acknowledge(queue, "Serverless-SQSRedrivePolicy",
                "This queue is itself a dead-letter queue (the end of the line for failed async "
                "deliveries): a DLQ of a DLQ would only move the problem. Its depth alarms.")
    return queue


def acknowledge_target_dlq(queue: sqs.Queue, used_by: str) -> None:
    """cdk-nag's SQS3 recognises SQS redrive and Lambda DLQs, not EventBridge/Scheduler target DLQs."""
    acknowledge(queue, "AwsSolutions-SQS3",
                f"This queue is the dead-letter queue of {used_by} (a target DeadLetterConfig, which "
                "cdk-nag does not trace); a DLQ of a DLQ would only move the problem. Its depth alarms.")
