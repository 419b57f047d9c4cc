"""Alarms: a message in any DLQ, any function error, any API 5xx. Each is a page-worthy event in a
system whose outputs are legal decisions; none of them is expected in normal operation.

No notification topic yet: an encrypted SNS topic needs a customer-managed KMS key (CloudWatch
cannot publish to a topic under the AWS-managed key); wire `alarms` to it where operators decide."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.outputs import camel

PERIOD = Duration.minutes(5)


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: Mapping[str, lambda_.IFunction],
                 dead_letter_queues: Mapping[str, sqs.IQueue], rest_api: apigw.RestApi) -> None:
        super().__init__(scope, construct_id)
        self.alarms: list[cloudwatch.Alarm] = []
        for key, queue in dead_letter_queues.items():
            self._above_zero(
                f"{key}DlqDepth",
                queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                "A failed async invocation was parked in this dead-letter queue: inspect and redrive",
            )
        for name, function in functions.items():
            self._above_zero(
                f"{camel(name)}Errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                f"The {name} function failed (unhandled error, timeout or throttle)",
            )
        self._above_zero(
            "Api5xx",
            rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
            "The API answered 5xx: handlers never do for bad input, so this is a defect or an outage",
        )

    def _above_zero(self, construct_id: str, metric: cloudwatch.IMetric, description: str) -> None:
        self.alarms.append(cloudwatch.Alarm(
            self, construct_id,
            metric=metric,
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        ))
