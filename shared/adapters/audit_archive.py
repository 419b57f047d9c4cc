"""Copies new audit entries to write-once storage: one S3 object per entry in the archive bucket
(Object Lock, COMPLIANCE mode: no one, root included, can delete or overwrite it before its
retention ends). The audit table's stream feeds it through an EventBridge Pipe.

Key: `<pk>/<seq, 10 digits>-<sk>.json`, so an enterprise's chain lists in order. The write is
conditional (`If-None-Match: *`): a re-delivered record finds its object and stores nothing twice."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

from shared.adapters.dynamodb import aws_client, error_code, from_item

ARCHIVE_BUCKET_ENV = "AUDIT_ARCHIVE_BUCKET"


def object_key(entry: Mapping[str, Any]) -> str:
    return f"{entry['pk']}/{int(entry.get('seq') or 0):010d}-{entry['sk']}.json"


def new_entries(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The entries a batch of DynamoDB stream records adds (INSERTs; the table allows nothing else)."""
    return [from_item(r["dynamodb"]["NewImage"]) for r in records
            if r.get("eventName") == "INSERT" and r.get("dynamodb", {}).get("NewImage")]


def archive(entries: Iterable[Mapping[str, Any]], bucket: str | None = None) -> dict[str, int]:
    """Write each entry once; raises on any other failure (the pipe retries, then parks the batch)."""
    bucket = bucket or os.environ[ARCHIVE_BUCKET_ENV]
    s3 = aws_client("s3")
    written = present = 0
    for entry in entries:
        body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        try:
            s3.put_object(Bucket=bucket, Key=object_key(entry), Body=body, ContentType="application/json",
                          ChecksumAlgorithm="SHA256", IfNoneMatch="*")
            written += 1
        except Exception as exc:
            if error_code(exc) not in ("PreconditionFailed", "ConditionalRequestConflict"):
                raise
            present += 1  # archived by an earlier delivery of the same record
    return {"written": written, "already_archived": present}
