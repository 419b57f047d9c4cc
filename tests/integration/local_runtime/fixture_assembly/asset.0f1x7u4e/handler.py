"""The fixture stack's one function. It records every invocation in the fixture table (so a test
can see asynchronous deliveries arrive) and answers according to the event it gets."""

import base64
import json
import os
import uuid

import boto3


def lambda_handler(event, context):
    boto3.client("dynamodb").put_item(
        TableName=os.environ["TABLE_NAME"],
        Item={"pk": {"S": f"CALL#{uuid.uuid4()}"}, "event": {"S": json.dumps(event)},
              "function": {"S": context.function_name}, "flag": {"S": os.environ.get("FIXTURE_FLAG", "")}},
    )
    if isinstance(event, dict) and "Records" in event:  # an SQS batch: report the records asked to fail
        bodies = [(r["messageId"], json.loads(r["body"])) for r in event["Records"]]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id, body in bodies
                                      if (body.get("detail") or {}).get("fail")]}
    if isinstance(event, dict) and event.get("fail"):
        raise RuntimeError("asked to fail")
    if isinstance(event, dict) and "httpMethod" in event:
        if event.get("path", "").endswith("/binary"):
            return {"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"},
                    "body": base64.b64encode(bytes(range(256))).decode(), "isBase64Encoded": True}
        if event.get("path", "").endswith("/raise"):
            raise RuntimeError("asked to fail")
        if event.get("path", "").endswith("/broken"):
            return {"no": "statusCode"}
        return {"statusCode": 200, "headers": {"Content-Type": "application/json", "X-Single": "one"},
                "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": json.dumps({"event": event})}
    return {"echo": event, "flag": os.environ.get("FIXTURE_FLAG"), "function": context.function_name,
            "remaining_ms": context.get_remaining_time_in_millis()}
