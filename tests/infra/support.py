"""Small readers of synthesized CloudFormation JSON shared by the infra tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

WRITE_ACTIONS_FORBIDDEN_ON_AUDIT = {
    "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete", "dynamodb:*", "*",
}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def mentions(value: Any, logical_id: str) -> bool:
    """Whether a template fragment refers to `logical_id` (Ref, GetAtt, or inside Fn::Join)."""
    return f'"{logical_id}"' in json.dumps(value)


def statements(resources: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every IAM statement of identity policies: (logical id of the policy/role, statement)."""
    for logical_id, resource in resources.items():
        props = resource.get("Properties", {})
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for statement in as_list(props["PolicyDocument"]["Statement"]):
                yield logical_id, statement
        elif resource["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                for statement in as_list(policy["PolicyDocument"]["Statement"]):
                    yield logical_id, statement


def acknowledged(resource: dict[str, Any]) -> set[str]:
    """cdk-nag acknowledgements written into the resource's metadata."""
    rules = resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    return {rule["id"] for rule in rules}


def logical_id_of_output(raw: dict[str, Any], key: str) -> str:
    value = raw["Outputs"][key]["Value"]
    if "Ref" in value:
        return str(value["Ref"])
    return str(value["Fn::GetAtt"][0])
