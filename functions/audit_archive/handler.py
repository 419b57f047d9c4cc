"""Audit archive: invoked by the EventBridge Pipe on the audit table's stream with a batch of stream
records; copies each new entry to the Object Lock bucket. Failures raise: the pipe retries, then
sends the batch's description to its DLQ (the stream shard and sequence numbers, to redrive)."""

from __future__ import annotations

from typing import Any

from shared.adapters.audit_archive import archive, new_entries
from shared.api.observability import logger, traced


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: list[dict[str, Any]] | dict[str, Any], context: Any) -> dict[str, int]:
    records = event if isinstance(event, list) else event.get("Records", [])
    outcome = archive(new_entries(records))
    logger.info("audit entries archived", extra=outcome)
    return outcome
