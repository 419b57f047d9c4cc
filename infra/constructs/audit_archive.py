"""Write-once copy of the audit: the audit table's stream → an EventBridge Pipe → the `audit_archive`
function → an S3 bucket with Object Lock in COMPLIANCE mode (no one, the root user included, can
delete or overwrite an archived entry before its retention ends).

The retention is the context value `audit_archive_retention_days` (default `DEFAULT_RETENTION_DAYS`).
The bucket is versioned (Object Lock requires it), encrypted, SSL-only, private and access-logged to
a second bucket (an Object Lock bucket cannot receive access logs itself). The pipe retries a failed
batch, splitting it to isolate a bad record, then sends the batch's stream coordinates to a watched
DLQ; the stream keeps records 24 hours, the table keeps them for good, so a redrive can re-read."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.catalog import Access, FunctionSpec
from infra.constructs.stream_pipe import stream_pipe
from infra.nag import acknowledge, default_policy
from shared.adapters.audit_archive import ARCHIVE_BUCKET_ENV

DEFAULT_RETENTION_DAYS = 3650
"""Ten years: longer than any window in which a decision can be contested or a record restored."""
RETENTION_CONTEXT = "audit_archive_retention_days"


class AuditArchive(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, specs: tuple[FunctionSpec, ...],
                 functions: Mapping[str, lambda_.Function], table: dynamodb.Table) -> None:
        super().__init__(scope, construct_id)
        retention_days = int(self.node.try_get_context(RETENTION_CONTEXT) or DEFAULT_RETENTION_DAYS)
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        self.access_logs = s3.Bucket(
            self, "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True, versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(self.access_logs, "AwsSolutions-S1",
                    "This is the server access log bucket of the audit archive; logging it into itself "
                    "would log its own log deliveries without end.")
        self.bucket = s3.Bucket(
            self, "Bucket",
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.compliance(Duration.days(retention_days)),
            versioned=True, encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            server_access_logs_bucket=self.access_logs, server_access_logs_prefix="audit-archive/",
            removal_policy=RemovalPolicy.RETAIN,
        )
        for spec in specs:
            stream = spec.audit_stream
            if stream is not None and spec.archive == Access.APPEND:
                self._pipe(spec, stream.batch_size, functions[spec.name], table)

    def _pipe(self, spec: FunctionSpec, batch_size: int, function: lambda_.Function, table: dynamodb.Table) -> None:
        if table.table_stream_arn is None:
            raise ValueError("the audit table has no stream: enable it in Tables")
        # PutObject only: no delete, no retention or legal-hold change, no read.
        function.add_to_role_policy(iam.PolicyStatement(actions=["s3:PutObject"],
                                                        resources=[self.bucket.arn_for_objects("*")]))
        function.add_environment(ARCHIVE_BUCKET_ENV, self.bucket.bucket_name)
        acknowledge(default_policy(function.role),  # type: ignore[arg-type]
                    f"AwsSolutions-IAM5[Resource::<{self._logical(self.bucket)}.Arn>/*]",
                    "Each entry is a new object under the archive bucket: object keys are per entry, "
                    "so the grant names the bucket's objects (PutObject only).")
        piped = stream_pipe(
            self, stream_arn=table.table_stream_arn, function=function, batch_size=batch_size,
            dlq_id=f"{spec.name}PipeDlq", name="the audit archive pipe",
            role_description="Reads the audit table's stream and invokes the audit archive function",
            description="Audit table stream to the write-once archive")
        self.dead_letter_queues["AuditArchivePipe"] = piped.dead_letter_queue

    @staticmethod
    def _logical(bucket: s3.Bucket) -> str:
        from aws_cdk import Stack

        return Stack.of(bucket).get_logical_id(bucket.node.default_child)  # type: ignore[arg-type]
