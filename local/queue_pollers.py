"""Lambda's SQS event source mappings, as the local runtime runs them: the template's mappings (deployed
into the emulator, listed through the Lambda API) each get a poller that receives up to `BatchSize`
messages, invokes the function through the runtime's invoke path with Lambda's SQS event, runs at most
`ScalingConfig.MaximumConcurrency` batches at a time, and honours partial batch responses
(`ReportBatchItemFailures`): reported records come back, the others are deleted.

As in AWS, a record that keeps failing is moved to the queue's dead-letter queue by SQS itself after
`maxReceiveCount` receives (moto applies the redrive policy on receive). A failed record becomes
visible again after `retry_delay_s` here rather than the queue's visibility timeout (six times the
function's timeout, minutes), so a demo sees the retry, as `local.delivery` does for async retries.
Long polling (`WaitTimeSeconds`) hands a message over as soon as it is sent."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from local.lambdas import Invocation

log = logging.getLogger("local.queues")

RETRY_DELAY_S = 1
WAIT_S = 1
"""Long-poll wait per receive: short, so stopping the runtime does not wait on an idle poller."""
SQS_MAX_RECEIVE = 10
DEFAULT_MAX_CONCURRENCY = 2
"""A mapping without `ScalingConfig`: AWS scales to hundreds of pollers; two keep a laptop responsive."""


@dataclass(frozen=True)
class QueueMapping:
    """An SQS event source mapping as the Lambda API describes it."""

    uuid: str
    queue_arn: str
    function: str
    batch_size: int
    max_concurrency: int
    report_item_failures: bool
    enabled: bool = True

    @classmethod
    def from_api(cls, mapping: dict[str, Any]) -> QueueMapping | None:
        arn = str(mapping.get("EventSourceArn", ""))
        if arn.split(":")[2:3] != ["sqs"]:
            return None
        scaling = mapping.get("ScalingConfig") or {}
        return cls(
            uuid=str(mapping.get("UUID")),
            queue_arn=arn,
            function=str(mapping["FunctionArn"]),
            batch_size=int(mapping.get("BatchSize") or 10),
            max_concurrency=int(scaling.get("MaximumConcurrency") or DEFAULT_MAX_CONCURRENCY),
            report_item_failures="ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []),
            enabled=mapping.get("State", "Enabled") == "Enabled",
        )

    @property
    def queue_name(self) -> str:
        return self.queue_arn.split(":")[5]

    @property
    def account(self) -> str:
        return self.queue_arn.split(":")[4]

    @property
    def region(self) -> str:
        return self.queue_arn.split(":")[3]


def lambda_event(mapping: QueueMapping, messages: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The event Lambda hands a function for a batch of SQS messages."""
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": {name: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
                                     "stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
                              for name, value in (m.get("MessageAttributes") or {}).items()},
        "md5OfBody": m.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": mapping.queue_arn,
        "awsRegion": mapping.region,
    } for m in messages]}


def failed_message_ids(mapping: QueueMapping, result: Invocation, batch_ids: list[str]) -> set[str]:
    """The records to give back: all of them when the invocation failed; with partial batch responses,
    the reported ones. A malformed report (an unknown or empty id, not a list) fails the whole batch,
    as Lambda does."""
    if result.failed:
        return set(batch_ids)
    if not mapping.report_item_failures:
        return set()
    try:
        payload = result.json()
    except ValueError:
        return set(batch_ids)
    if not isinstance(payload, dict) or payload.get("batchItemFailures") is None:
        return set()  # an empty or null response is a success
    items = payload["batchItemFailures"]
    if not isinstance(items, list):
        return set(batch_ids)
    reported = {item.get("itemIdentifier") if isinstance(item, dict) else None for item in items}
    if not reported <= set(batch_ids):  # None, "" or an id not in this batch
        return set(batch_ids)
    return {str(i) for i in reported}


class QueuePoller:
    """One mapping's poller: receives batches, runs up to `max_concurrency` of them at a time."""

    def __init__(self, mapping: QueueMapping, sqs: Any, invoke: Callable[[str, dict[str, Any]], Invocation],
                 retry_delay_s: int = RETRY_DELAY_S, wait_s: int = WAIT_S,
                 on_settled: Callable[[str, list[str]], None] | None = None) -> None:
        self.mapping = mapping
        self.on_settled = on_settled
        """Told of the messages deleted after their function handled them (queue ARN, message ids)."""
        self.sqs = sqs
        self.invoke = invoke
        self.retry_delay_s = retry_delay_s
        self.wait_s = wait_s
        self._slots = threading.BoundedSemaphore(mapping.max_concurrency)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self.running = 0
        self.peak_concurrency = 0
        self.batches: list[tuple[int, int]] = []
        """(records, records given back) per finished batch, newest last."""

    @property
    def url(self) -> str:
        if self._url is None:
            self._url = str(self.sqs.get_queue_url(QueueName=self.mapping.queue_name,
                                                   QueueOwnerAWSAccountId=self.mapping.account)["QueueUrl"])
        return self._url

    def start(self) -> None:
        self._thread = threading.Thread(target=self._poll, name=f"sqs-poller-{self.mapping.queue_name}", daemon=True)
        self._thread.start()

    def signal_stop(self) -> None:
        self._stopping.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _poll(self) -> None:
        while not self._stopping.is_set():
            if not self._slots.acquire(timeout=0.2):
                continue
            try:
                messages = self._receive()
            except Exception:
                if not self._stopping.is_set():
                    log.exception("receiving from %s failed", self.mapping.queue_name)
                    self._stopping.wait(1.0)
                messages = []
            if not messages:
                self._slots.release()
                continue
            with self._lock:
                self.running += 1
                self.peak_concurrency = max(self.peak_concurrency, self.running)
            threading.Thread(target=self._run, args=(messages,), daemon=True,
                             name=f"sqs-batch-{self.mapping.queue_name}").start()

    def _receive(self) -> list[dict[str, Any]]:
        """Up to `batch_size` messages: a long poll for the first ones, then what is already there."""
        messages: list[dict[str, Any]] = []
        wait = self.wait_s
        while len(messages) < self.mapping.batch_size and not self._stopping.is_set():
            received = self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=min(SQS_MAX_RECEIVE, self.mapping.batch_size - len(messages)),
                WaitTimeSeconds=wait, AttributeNames=["All"], MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                break
            messages += received
            wait = 0
        return messages

    def _run(self, messages: list[dict[str, Any]]) -> None:
        given_back: set[str] = set()
        try:
            ids = [m["MessageId"] for m in messages]
            try:
                result = self.invoke(self.mapping.function, lambda_event(self.mapping, messages))
                given_back = failed_message_ids(self.mapping, result, ids)
            except Exception:  # the function could not be run at all: the batch comes back
                log.exception("invoking %s for %s failed", self.mapping.function, self.mapping.queue_name)
                given_back = set(ids)
            if given_back:
                log.info("%s: %d of %d records failed; they come back in %d s", self.mapping.queue_name,
                         len(given_back), len(ids), self.retry_delay_s)
            self._settle(messages, given_back)
        except Exception:
            log.exception("settling a batch of %s failed", self.mapping.queue_name)
        finally:
            with self._lock:
                self.running -= 1
                self.batches.append((len(messages), len(given_back)))
                del self.batches[:-500]
            self._slots.release()

    def _settle(self, messages: list[dict[str, Any]], given_back: set[str]) -> None:
        done = [m for m in messages if m["MessageId"] not in given_back]
        for start in range(0, len(done), SQS_MAX_RECEIVE):
            chunk = done[start:start + SQS_MAX_RECEIVE]
            self.sqs.delete_message_batch(QueueUrl=self.url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)])
        if done and self.on_settled is not None:
            self.on_settled(self.mapping.queue_arn, [m["MessageId"] for m in done])
        for message in messages:
            if message["MessageId"] in given_back:
                self.sqs.change_message_visibility(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"],
                                                   VisibilityTimeout=self.retry_delay_s)


class QueuePollers:
    """Every SQS event source mapping of the deployment, polled."""

    def __init__(self, lambda_client: Callable[[], Any], sqs_client: Callable[[], Any],
                 invoke: Callable[[str, dict[str, Any]], Invocation], retry_delay_s: int = RETRY_DELAY_S,
                 on_settled: Callable[[str, list[str]], None] | None = None) -> None:
        self.lambda_client = lambda_client
        self.on_settled = on_settled
        self.sqs_client = sqs_client
        self.invoke = invoke
        self.retry_delay_s = retry_delay_s
        self.pollers: dict[str, QueuePoller] = {}
        """By queue ARN."""

    def start(self) -> None:
        pages = self.lambda_client().get_paginator("list_event_source_mappings").paginate()
        for page in pages:
            for described in page.get("EventSourceMappings", []):
                mapping = QueueMapping.from_api(described)
                if mapping is None or not mapping.enabled:
                    continue
                poller = QueuePoller(mapping, self.sqs_client(), self.invoke, self.retry_delay_s,
                                     on_settled=self.on_settled)
                self.pollers[mapping.queue_arn] = poller
                poller.start()
        if self.pollers:
            log.info("polling %d SQS queues for their functions", len(self.pollers))

    def stop(self) -> None:
        for poller in self.pollers.values():
            poller.signal_stop()  # all at once: each may be in a long poll
        for poller in self.pollers.values():
            poller.stop()

    def poller_for(self, queue_name: str) -> QueuePoller:
        return next(p for p in self.pollers.values() if p.mapping.queue_name == queue_name)

    def describe(self) -> list[dict[str, Any]]:
        return [{"queue": p.mapping.queue_name, "function": p.mapping.function.split(":")[-1],
                 "batch_size": p.mapping.batch_size, "max_concurrency": p.mapping.max_concurrency,
                 "report_batch_item_failures": p.mapping.report_item_failures, "running": p.running,
                 "batches": len(p.batches)} for p in self.pollers.values()]
