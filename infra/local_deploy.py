"""Deploy the synthesized template into moto's CloudFormation (the local runtime's emulator).

Works like `cdk deploy` does against a bootstrapped account: publish the file assets listed in
`cdk.out/<stack>.assets.json` to the bootstrap bucket, then create the stack from the template.
No CDK import (no jsii/Node start): it needs only boto3 clients, so it runs under `moto.mock_aws()`
in-process or against a `ThreadedMotoServer` endpoint alike.

    with mock_aws():
        deployed = deploy_to_moto(Path("cdk.out"))
    deployed["outputs"]["MainTableName"]          # CfnOutputs, see infra/outputs.py
    deployed["resources"]["TablesMainBB1D2EBD"]   # logical id → physical id

moto skips resource types it does not implement (AWS::ApiGateway::Stage, ::Account, Cognito, ...)
with a warning, so their physical ids are missing or placeholders. Plain moto skips
AWS::Scheduler::Schedule too; the local runtime patches CloudFormation support for it in
(`local/moto_patches.py`), so there the schedules exist in moto and fire on the runtime's clock.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

from infra.outputs import STACK_NAME

DEFAULT_REGION = "us-east-1"
TERMINAL_FAILURES = {"CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "ROLLBACK_IN_PROGRESS"}


class DeployFailed(RuntimeError):
    pass


def deploy_to_moto(cdk_out: Path, stack_name: str = STACK_NAME, region: str = DEFAULT_REGION, *,
                   cfn_client: Any = None, s3_client: Any = None, account: str | None = None,
                   timeout_s: float = 60.0) -> dict[str, Any]:
    """Publish `cdk_out`'s assets and create `stack_name`; wait for CREATE_COMPLETE.

    Clients default to `boto3.client(...)` in `region` (inside `mock_aws()` that is moto); pass
    clients bound to a moto server's `endpoint_url` to deploy there. `account` defaults to the
    caller's account as STS reports it (moto: 123456789012).

    Returns `{"stack_id", "stack_name", "status", "outputs": {key: value},
    "resources": {logical_id: physical_id}, "types": {logical_id: resource_type}}`.
    Raises `DeployFailed` with the failed resources' reasons."""
    import boto3

    cdk_out = Path(cdk_out)
    cfn = cfn_client or boto3.client("cloudformation", region_name=region)
    s3 = s3_client or boto3.client("s3", region_name=region)
    if account is None:
        sts = boto3.client("sts", region_name=region, endpoint_url=_custom_endpoint(s3))
        account = str(sts.get_caller_identity()["Account"])

    publish_assets(cdk_out, stack_name, s3, account=account, region=region)
    template = (cdk_out / f"{stack_name}.template.json").read_text()
    stack_id = cfn.create_stack(
        StackName=stack_name,
        TemplateBody=template,
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
    )["StackId"]

    deadline = time.monotonic() + timeout_s
    while True:
        stack = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
        status = stack["StackStatus"]
        if status == "CREATE_COMPLETE":
            break
        if status in TERMINAL_FAILURES or time.monotonic() > deadline:
            raise DeployFailed(f"{stack_name}: {status}; {_failure_reasons(cfn, stack_id)}")
        time.sleep(0.1)

    summaries = _resource_summaries(cfn, stack_id)
    return {
        "stack_id": stack_id,
        "stack_name": stack_name,
        "status": status,
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "resources": {r["LogicalResourceId"]: r.get("PhysicalResourceId", "") for r in summaries},
        "types": {r["LogicalResourceId"]: r["ResourceType"] for r in summaries},
    }


def publish_assets(cdk_out: Path, stack_name: str, s3: Any, *, account: str, region: str) -> list[str]:
    """Upload every file asset of the stack's asset manifest (directories zipped, as the CDK CLI
    does) to its destination bucket, creating the bucket if needed. Returns the object keys."""
    manifest = json.loads((cdk_out / f"{stack_name}.assets.json").read_text())
    keys: list[str] = []
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for asset in manifest.get("files", {}).values():
        source = cdk_out / asset["source"]["path"]
        body = _zip_dir(source) if asset["source"].get("packaging") == "zip" else source.read_bytes()
        for destination in asset["destinations"].values():
            bucket = _substitute(destination["bucketName"], account, region)
            key = _substitute(destination["objectKey"], account, region)
            if bucket not in existing:
                if region == "us-east-1":
                    s3.create_bucket(Bucket=bucket)
                else:
                    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
                existing.add(bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            keys.append(key)
    return keys


def _custom_endpoint(client: Any) -> str | None:
    """The client's endpoint when it points at an emulator server, else None (AWS's own URL is
    per service, so it cannot be reused for STS; under `mock_aws()` moto intercepts AWS URLs)."""
    url = str(client.meta.endpoint_url)
    return None if ".amazonaws.com" in url else url


def _substitute(value: str, account: str, region: str) -> str:
    return (value.replace("${AWS::AccountId}", account).replace("${AWS::Region}", region)
            .replace("${AWS::Partition}", "aws"))


def _zip_dir(path: Path) -> bytes:
    """Zip a directory asset. Stored, not deflated: the emulator only unpacks it, and the 18 MB
    layer zips ~10x faster this way."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            archive.write(file, file.relative_to(path).as_posix())
    return buffer.getvalue()


def _resource_summaries(cfn: Any, stack_id: str) -> list[dict[str, Any]]:
    summaries: list[dict[str, Any]] = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_id):
        summaries.extend(page["StackResourceSummaries"])
    return summaries


def _failure_reasons(cfn: Any, stack_id: str) -> str:
    try:
        stack_events = cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
    except Exception as exc:  # the reason is best effort; the status already says it failed
        return f"(no events: {exc})"
    failed = [f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}"
              for e in stack_events if e.get("ResourceStatus", "").endswith("FAILED")]
    return "; ".join(failed) or "no failed resource events"
