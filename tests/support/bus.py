"""The template's EventBridge rules, wired in moto with an SQS capture queue per rule, so a test can
deliver what the real rules matched to the functions they target (as EventBridge would)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.template import resources


def bus_name() -> str:
    (bus,) = resources("AWS::Events::EventBus").values()
    return str(bus["Properties"]["Name"])


def _function_of(target_arn: Any) -> str:
    """The function a rule target feeds: the target itself, or the function polling the target queue."""
    logical_id = target_arn["Fn::GetAtt"][0]
    for mapping in resources("AWS::Lambda::EventSourceMapping").values():
        if mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [logical_id, "Arn"]}:
            logical_id = mapping["Properties"]["FunctionName"]["Ref"]
    function = resources("AWS::Lambda::Function")[logical_id]
    return str(function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"])


@dataclass
class WiredBus:
    events: Any
    sqs: Any
    queues: dict[str, str] = field(default_factory=dict)  # function → queue url
    published: list[dict[str, Any]] = field(default_factory=list)  # everything seen on the bus, in order
    relay: Callable[[], object] = lambda: None  # the outbox's pipe: puts committed events on the bus

    def drain(self, function: str) -> list[dict[str, Any]]:
        self.relay()
        delivered: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.queues[function], MaxNumberOfMessages=10)
            batch = messages.get("Messages", [])
            if not batch:
                return delivered
            for message in batch:
                delivered.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queues[function], ReceiptHandle=message["ReceiptHandle"])

    def tail(self) -> list[dict[str, Any]]:
        """Everything published on the bus since the last call (captured by a catch-all rule)."""
        self.published.extend(self.drain("*"))
        return self.published


def wire_bus(events: Any, sqs: Any) -> WiredBus:
    import boto3

    from tests.support.outbox_pump import OutboxPump

    name = bus_name()
    events.create_event_bus(Name=name)
    from botocore.config import Config

    # moto routes only the regional streams endpoint, not botocore's account-based one
    streams = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
    wired = WiredBus(events, sqs, relay=OutboxPump(boto3.client("dynamodb"), streams))
    rules = [(rule["Properties"]["EventPattern"], _function_of(t["Arn"]))
             for rule in resources("AWS::Events::Rule").values()
             for t in rule["Properties"]["Targets"]]
    rules.append(({"source": ["customs.credit"]}, "*"))
    for index, (pattern, function) in enumerate(rules):
        url = sqs.create_queue(QueueName=f"capture-{index}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name=f"rule-{index}", EventBusName=name, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=f"rule-{index}", EventBusName=name, Targets=[{"Id": "capture", "Arn": arn}])
        wired.queues[function] = url
    return wired
