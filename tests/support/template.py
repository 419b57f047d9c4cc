"""The synthesized CDK template, read once per test session: the single source of table shapes and
function environments for the integration tests (as it is for the local runtime)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "cdk.out" / "CustomsCreditStack.template.json"


@cache
def template() -> dict[str, Any]:
    if not TEMPLATE.exists():
        raise FileNotFoundError(f"{TEMPLATE} is missing: run `make synth` (make test does it first)")
    return json.loads(TEMPLATE.read_text())


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template()["Resources"].items() if r["Type"] == kind}


def table_env_refs() -> dict[str, str]:
    """Environment variable → logical id of the table it names, from the functions' environments."""
    tables = resources("AWS::DynamoDB::Table")
    refs: dict[str, str] = {}
    for function in resources("AWS::Lambda::Function").values():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        for name, value in variables.items():
            if isinstance(value, dict) and value.get("Ref") in tables:
                refs[name] = value["Ref"]
    return refs


def create_tables(client: Any) -> dict[str, str]:
    """Create every table of the template in (mocked) DynamoDB; return env var → table name."""
    names: dict[str, str] = {}
    for logical_id, resource in resources("AWS::DynamoDB::Table").items():
        props = resource["Properties"]
        name = props.get("TableName") or logical_id
        kwargs: dict[str, Any] = {
            "TableName": name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("StreamSpecification"):  # the outbox's (and the audit's): read by the pipes' stand-ins
            kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        if props.get("GlobalSecondaryIndexes"):
            kwargs["GlobalSecondaryIndexes"] = [
                {k: v for k, v in gsi.items() if k in {"IndexName", "KeySchema", "Projection"}}
                for gsi in props["GlobalSecondaryIndexes"]
            ]
        client.create_table(**kwargs)
        names[logical_id] = name
    return {env: names[lid] for env, lid in table_env_refs().items()}


def function_environment(function: str) -> dict[str, str]:
    """Literal environment variables of one function (values that are not references)."""
    for resource in resources("AWS::Lambda::Function").values():
        variables = resource["Properties"].get("Environment", {}).get("Variables", {})
        if variables.get("POWERTOOLS_SERVICE_NAME") == function:
            return {k: v for k, v in variables.items() if isinstance(v, str)}
    raise LookupError(f"no function with POWERTOOLS_SERVICE_NAME={function} in the template")
