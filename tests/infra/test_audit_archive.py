"""The write-once copy of the audit: stream → pipe (retries, DLQ) → function → Object Lock bucket."""

from __future__ import annotations

from typing import Any

from infra import outputs
from infra.constructs.audit_archive import DEFAULT_RETENTION_DAYS
from infra.constructs.stream_pipe import PIPE_RETRY_ATTEMPTS
from tests.infra.conftest import Synthesized
from tests.infra.support import as_list, logical_id_of_output, mentions, statements


def _bucket(synthesized: Synthesized) -> tuple[str, dict[str, Any]]:
    bucket_id = logical_id_of_output(synthesized.raw, outputs.AUDIT_ARCHIVE_BUCKET)
    return bucket_id, synthesized.raw["Resources"][bucket_id]


def test_audit_table_streams_new_entries(synthesized: Synthesized) -> None:
    audit_id = logical_id_of_output(synthesized.raw, outputs.AUDIT_TABLE)
    props = synthesized.raw["Resources"][audit_id]["Properties"]
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_archive_bucket_is_write_once_encrypted_versioned_ssl_only_and_logged(synthesized: Synthesized) -> None:
    bucket_id, bucket = _bucket(synthesized)
    props = bucket["Properties"]
    assert props["ObjectLockEnabled"] is True
    retention = props["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert retention == {"Mode": "COMPLIANCE", "Days": DEFAULT_RETENTION_DAYS}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert all(props["PublicAccessBlockConfiguration"][k] for k in
               ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    log_bucket = props["LoggingConfiguration"]["DestinationBucketName"]["Ref"]
    assert log_bucket != bucket_id
    assert synthesized.raw["Resources"][log_bucket]["Type"] == "AWS::S3::Bucket"
    assert bucket["DeletionPolicy"] == "Retain"
    ssl_denials = [s for p in synthesized.resources("AWS::S3::BucketPolicy").values()
                   if mentions(p["Properties"]["Bucket"], bucket_id)
                   for s in as_list(p["Properties"]["PolicyDocument"]["Statement"])
                   if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]
    assert ssl_denials


def test_pipe_feeds_the_archive_function_from_the_stream_with_retries_and_a_watched_dlq(
        synthesized: Synthesized) -> None:
    audit_id = logical_id_of_output(synthesized.raw, outputs.AUDIT_TABLE)
    archive_fn = logical_id_of_output(synthesized.raw, outputs.function_output("audit_archive"))
    (pipe,) = [p for p in synthesized.resources("AWS::Pipes::Pipe").values()
               if p["Properties"]["Source"] == {"Fn::GetAtt": [audit_id, "StreamArn"]}]
    props = pipe["Properties"]
    assert mentions(props["Target"], archive_fn)
    stream = props["SourceParameters"]["DynamoDBStreamParameters"]
    assert stream["StartingPosition"] == "TRIM_HORIZON"
    assert stream["MaximumRetryAttempts"] == PIPE_RETRY_ATTEMPTS > 0
    dlq_id = stream["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    assert synthesized.raw["Resources"][dlq_id]["Type"] == "AWS::SQS::Queue"
    watched = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
               for a in synthesized.resources("AWS::CloudWatch::Alarm").values()
               if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"}
    assert dlq_id in watched
    # The function invoked synchronously: its errors come back to the pipe's retries
    assert props["TargetParameters"]["LambdaFunctionParameters"]["InvocationType"] == "REQUEST_RESPONSE"


def test_archive_function_may_only_put_objects_into_the_archive(synthesized: Synthesized) -> None:
    bucket_id, _ = _bucket(synthesized)
    granted = {a for _, s in statements(synthesized.raw["Resources"])
               if s["Effect"] == "Allow" and mentions(s.get("Resource"), bucket_id)
               for a in as_list(s["Action"])}
    assert granted == {"s3:PutObject"}


def test_retention_is_a_context_value(tmp_path_factory: Any) -> None:
    from infra.app import build_app
    from infra.outputs import STACK_NAME
    from tests.infra.conftest import NO_ASSET_STAGING

    outdir = tmp_path_factory.mktemp("cdk.out.retention")
    app = build_app(outdir, context={**NO_ASSET_STAGING, "audit_archive_retention_days": 30})
    template = app.synth().get_stack_artifact(STACK_NAME).template  # artifact id (stack name: CustomsCredit-<stage>)
    (bucket,) = [r for r in template["Resources"].values()
                 if r["Type"] == "AWS::S3::Bucket" and r["Properties"].get("ObjectLockEnabled")]
    assert bucket["Properties"]["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Days"] == 30
