"""Queues: the inbox queues through which the bus feeds functions (`BusDelivery`), and the
dead-letter queues of the async edges (EventBridge rule targets, Scheduler targets, Lambda async
invocations, inboxes). One DLQ factory so that every DLQ has the same guarantees and is found by the
monitoring construct."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.catalog import FunctionSpec
from infra.nag import acknowledge
from infra.outputs import camel

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


VISIBILITY_PER_TIMEOUT = 6
"""AWS's advice for a queue polled by Lambda: a visibility timeout of at least six times the function's
timeout, so a batch still being retried after throttling is not received twice."""
INBOX_RETENTION = Duration.days(4)
"""A backlog this old has long paged someone (age-of-oldest-message alarm); records then expire."""
CONSUME_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
"""What Lambda's poller calls with the function's role (its documented minimum; no ChangeMessageVisibility,
no GetQueueUrl, no SendMessage)."""


class BusDelivery(Construct):
    """The inbox queue of every function the bus feeds (rows with `BusRule` triggers): the bus rules
    target the queue, and Lambda polls it in batches of `QueueDelivery.batch_size` with at most
    `max_concurrency` concurrent invocations, so a burst of events waits in the queue instead of taking
    the account's Lambda concurrency. The handler reports failed records (`ReportBatchItemFailures`);
    each comes back after the visibility timeout, and after `max_receive_count` receives moves to the
    inbox's dead-letter queue, body intact, for inspection and redrive."""

    def __init__(self, scope: Construct, construct_id: str, *, specs: tuple[FunctionSpec, ...],
                 functions: Mapping[str, lambda_.IFunction]) -> None:
        super().__init__(scope, construct_id)
        self.inboxes: dict[str, sqs.Queue] = {}
        """Inbox queue by function name (what the bus rules target)."""
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        for spec in specs:
            if spec.is_queue_fed:
                self._inbox(spec, functions[spec.name])

    def _inbox(self, spec: FunctionSpec, function: lambda_.IFunction) -> None:
        prefix = camel(spec.name)
        delivery = spec.delivery
        dlq = dead_letter_queue(self, f"{prefix}InboxDlq")
        self.dead_letter_queues[f"{prefix}Inbox"] = dlq
        inbox = self.inboxes[spec.name] = sqs.Queue(
            self, f"{prefix}Inbox",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=INBOX_RETENTION,
            visibility_timeout=Duration.seconds(VISIBILITY_PER_TIMEOUT * spec.timeout_s),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=delivery.max_receive_count),
        )
        mapping = lambda_.EventSourceMapping(
            self, f"{prefix}InboxMapping",
            target=function,
            event_source_arn=inbox.queue_arn,
            batch_size=delivery.batch_size,
            max_batching_window=Duration.seconds(delivery.max_batching_window_s) if delivery.max_batching_window_s
            else None,
            max_concurrency=delivery.max_concurrency,
            report_batch_item_failures=True,
        )
        acknowledge(mapping, "Serverless-LambdaEventSourceMappingDestination",
                    "An SQS event source mapping takes no on-failure destination (streams and Kafka only): "
                    "the inbox queue's redrive policy parks a record failed max_receive_count times in the "
                    "inbox DLQ, body intact, with a depth alarm.")
        # Not SqsEventSource: it grants grant_consume_messages (also ChangeMessageVisibility, GetQueueUrl).
        inbox.grant(function, *CONSUME_ACTIONS)
