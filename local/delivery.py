"""Asynchronous delivery: EventBridge rule targets, Scheduler targets, and Lambda's own async
invocations (retries, then the function's dead-letter queue or on-failure destination).

As in AWS, EventBridge and Scheduler hand a Lambda target to Lambda's async queue; their own
retry policy and DLQ cover only what cannot be handed over (an unknown function, a state machine
that refuses the execution). A function that raises is retried by the async queue
(`MaximumRetryAttempts`, default 2) and then parked in its DLQ with the attributes AWS sets.
Retry delays are seconds here rather than AWS's one and two minutes, so a demo sees the outcome.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local.lambdas import FunctionConfig, FunctionRunner, Invocation
from local.stack import AsyncPolicy
from local.target_input import target_input

log = logging.getLogger("local.delivery")

RETRY_DELAYS_S = (1.0, 2.0)


def arn_service(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else ""


@dataclass(order=True)
class _Pending:
    due: float
    sequence: int
    function: str = field(compare=False)
    payload: bytes = field(compare=False)
    request_id: str = field(compare=False)
    attempt: int = field(compare=False, default=0)
    first_seen: float = field(compare=False, default_factory=time.monotonic)


class AsyncInvoker:
    """Lambda's asynchronous invocation queue (InvocationType=Event)."""

    def __init__(self, runner: FunctionRunner, lookup: Callable[[str], FunctionConfig],
                 policy_for: Callable[[str], AsyncPolicy], dead_letter: Callable[[str, bytes, dict[str, str]], None],
                 retry_delays: tuple[float, ...] = RETRY_DELAYS_S) -> None:
        self.runner = runner
        self.lookup = lookup
        self.policy_for = policy_for
        self.dead_letter = dead_letter
        self.retry_delays = retry_delays
        self._heap: list[_Pending] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._running = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.completed: list[tuple[str, str, str | None]] = []
        """(function, request id, error type or None) of finished invocations, newest last."""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="lambda-async", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def submit(self, function: str, payload: bytes) -> str:
        """Queue an invocation; raises LookupError for an unknown function (as Invoke does)."""
        config = self.lookup(function)
        request_id = str(uuid.uuid4())
        self._push(_Pending(time.monotonic(), next(self._sequence), config.name, payload, request_id))
        return request_id

    def _push(self, item: _Pending) -> None:
        with self._condition:
            heapq.heappush(self._heap, item)
            self._condition.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """True once nothing is queued or running (retries included)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._heap or self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
        return True

    def _work(self) -> None:
        while True:
            with self._condition:
                while not self._stopping and (not self._heap or self._heap[0].due > time.monotonic()):
                    wait = self._heap[0].due - time.monotonic() if self._heap else None
                    self._condition.wait(wait)
                if self._stopping:
                    return
                item = heapq.heappop(self._heap)
                self._running += 1
            try:
                self._run(item)
            except Exception:  # never let one bad invocation stop the queue
                log.exception("async invocation of %s failed to run", item.function)
            finally:
                with self._condition:
                    self._running -= 1
                    self._condition.notify_all()

    def _run(self, item: _Pending) -> None:
        try:
            config = self.lookup(item.function)
        except LookupError:
            log.warning("async invocation dropped: function %s no longer exists", item.function)
            return
        event = json.loads(item.payload) if item.payload else {}
        result: Invocation = self.runner.invoke(config, event, request_id=item.request_id)
        self.completed.append((config.name, item.request_id, result.error_type))
        del self.completed[:-200]
        if not result.failed:
            return
        policy = self.policy_for(config.name)
        age = time.monotonic() - item.first_seen
        if item.attempt < policy.max_retries and age < policy.max_event_age_s:
            delay = self.retry_delays[min(item.attempt, len(self.retry_delays) - 1)]
            log.info("%s failed (%s); retry %d in %.0f s", config.name, result.error_type, item.attempt + 1, delay)
            self._push(_Pending(time.monotonic() + delay, next(self._sequence), item.function, item.payload,
                                item.request_id, item.attempt + 1, item.first_seen))
            return
        if policy.on_failure_arn is None:
            log.warning("%s failed after %d attempts; no DLQ configured, event dropped",
                        config.name, item.attempt + 1)
            return
        error = result.json() or {}
        self.dead_letter(policy.on_failure_arn, item.payload, {
            "RequestID": item.request_id,
            "ErrorCode": "200",
            "ErrorMessage": str(error.get("errorMessage", result.error_type))[:1024],
        })


class TargetDelivery:
    """Delivers to the targets of rules and schedules, in the emulator."""

    def __init__(self, invoker: AsyncInvoker, client: Callable[[str], Any], now: Callable[[], datetime]) -> None:
        self.invoker = invoker
        self.client = client
        self.now = now
        self._queue_urls: dict[str, str] = {}
        self.on_queued: Callable[[str, str, str, dict[str, str]], None] | None = None
        """Told of each message put on a queue (ARN, message id, body, attributes) before the put returns
        (the runtime's inbox ledger)."""

    # --- moto hook: EventBridge rules -------------------------------------------------------
    def deliver_rule_target(self, rule: Any, target: dict[str, Any], event: dict[str, Any]) -> bool:
        arn = str(target.get("Arn", ""))
        if arn_service(arn) not in {"lambda", "states", "sqs"}:
            return False
        event = self.normalise_event(event)
        try:
            payload = target_input(target, event, rule.arn, rule.name)
            self.send(arn, payload, target)
        except Exception as exc:
            log.warning("rule %s could not deliver to %s: %s", rule.name, arn, exc)
            dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
            if dlq:
                self.send_to_queue(dlq, json.dumps(event).encode(), {
                    "RULE_ARN": rule.arn, "TARGET_ARN": arn,
                    "ERROR_CODE": type(exc).__name__, "ERROR_MESSAGE": str(exc)[:1024],
                })
        return True

    def normalise_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """moto keeps `time` as epoch seconds and adds `ingestion-time`; targets get RFC 3339 and
        no extra key. An event published without `Time` gets the runtime clock's now."""
        event = dict(event)
        event.pop("ingestion-time", None)
        stamp = event.get("time")
        if isinstance(stamp, int | float):
            instant = self.now() if abs(stamp - time.time()) < 5 else datetime.fromtimestamp(stamp, UTC)
            event["time"] = instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return event

    # --- the three target kinds -------------------------------------------------------------
    def send(self, arn: str, payload: str, target: dict[str, Any]) -> str:
        """Returns the request id, execution ARN or message id."""
        service = arn_service(arn)
        if service == "lambda":
            return self.invoker.submit(arn, payload.encode())
        if service == "states":
            response = self.client("stepfunctions").start_execution(
                stateMachineArn=arn, name=str(uuid.uuid4()), input=payload)
            return str(response["executionArn"])
        if service == "sqs":
            group = (target.get("SqsParameters") or {}).get("MessageGroupId")
            return self.send_to_queue(arn, payload.encode(), {}, group_id=group)
        raise ValueError(f"unsupported target {arn}")

    def send_to_queue(self, queue_arn: str, body: bytes, attributes: dict[str, str],
                      group_id: str | None = None) -> str:
        sqs = self.client("sqs")
        url = self._queue_urls.get(queue_arn)
        if url is None:
            _, _, _, _, account, name = queue_arn.split(":", 5)
            url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
            self._queue_urls[queue_arn] = url
        kwargs: dict[str, Any] = {
            "QueueUrl": url,
            "MessageBody": body.decode(),
            "MessageAttributes": {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        }
        if group_id:
            kwargs["MessageGroupId"] = group_id
            kwargs["MessageDeduplicationId"] = str(uuid.uuid4())
        message_id = str(sqs.send_message(**kwargs)["MessageId"])
        if self.on_queued is not None:
            self.on_queued(queue_arn, message_id, kwargs["MessageBody"], attributes)
        return message_id
