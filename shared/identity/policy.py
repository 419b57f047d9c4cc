"""The IAM policy a Lambda authorizer returns for a verified identity.

API Gateway caches the policy per token (the authorizer's result TTL) and applies it to every
method the token is then sent to, so it cannot be about the one method being called: it allows each
protected route (from `contract.ROUTES`) whose scopes the token holds, and nothing else. A route the
token holds no scope for is refused by API Gateway itself (403 ACCESS_DENIED).

`*` in an execute-api resource also matches `/`, so `GET/v1/enterprises/*` (the full record) also
matches longer GET paths under it. So the policy also denies, explicitly, each protected route the
token may not call, unless that Deny's wildcards would also match a route it may call (a Deny wins);
those few are refused by the handlers, which check the route's scopes again (`shared/api/auth.py`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from shared.api.contract import ROUTES, Route
from shared.identity.verification import Identity

_PARAMETER = re.compile(r"\{[^}]+\}")


def api_arn_prefix(method_arn: str) -> str:
    """`arn:aws:execute-api:<region>:<account>:<api id>/<stage>` of a method ARN."""
    resource, _, path = method_arn.partition("/")
    stage = path.split("/", 1)[0]
    if not resource.startswith("arn:") or not stage:
        raise ValueError(f"not an execute-api method ARN: {method_arn}")
    return f"{resource}/{stage}"


def route_resource(prefix: str, route: Route) -> str:
    return f"{prefix}/{route.method}{_PARAMETER.sub('*', route.path)}"


def _sample(prefix: str, route: Route) -> str:
    """A concrete method ARN of the route (each path parameter a value without `/`)."""
    return f"{prefix}/{route.method}{_PARAMETER.sub('x', route.path)}"


def allowed_resources(identity: Identity, method_arn: str, routes: Iterable[Route] = ROUTES) -> list[str]:
    prefix = api_arn_prefix(method_arn)
    held = set(identity.scopes)
    return sorted({route_resource(prefix, r) for r in routes if not r.public and held.intersection(r.scopes)})


def denied_resources(identity: Identity, method_arn: str, routes: Iterable[Route] = ROUTES) -> list[str]:
    prefix = api_arn_prefix(method_arn)
    held = set(identity.scopes)
    protected = [r for r in routes if not r.public]
    allowed = [_sample(prefix, r) for r in protected if held.intersection(r.scopes)]
    denied = (route_resource(prefix, r) for r in protected if not held.intersection(r.scopes))
    return sorted({d for d in denied if not any(resource_matches(d, sample) for sample in allowed)})


def policy_document(identity: Identity, method_arn: str, routes: Iterable[Route] = ROUTES) -> dict[str, Any]:
    routes = tuple(routes)
    allowed = allowed_resources(identity, method_arn, routes)
    if not allowed:  # a valid token with none of this API's scopes: nothing to allow
        return {"Version": "2012-10-17",
                "Statement": [{"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": [method_arn]}]}
    statements: list[dict[str, Any]] = [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": allowed}]
    denied = denied_resources(identity, method_arn, routes)
    if denied:
        statements.append({"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": denied})
    return {"Version": "2012-10-17", "Statement": statements}


def authorizer_response(identity: Identity, method_arn: str, routes: Iterable[Route] = ROUTES) -> dict[str, Any]:
    return {"principalId": identity.client_id, "policyDocument": policy_document(identity, method_arn, routes),
            "context": identity.context()}


def resource_matches(pattern: str, arn: str) -> bool:
    """IAM's resource wildcards: `*` any run of characters (`/` included), `?` one character."""
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, arn) is not None


def policy_allows(policy: dict[str, Any], method_arn: str) -> bool:
    """How API Gateway evaluates an authorizer's policy for one method: an explicit Deny wins,
    otherwise an Allow is needed."""
    allowed = False
    statements = policy.get("Statement") or []
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        if not any(a in {"execute-api:Invoke", "execute-api:*", "*"} for a in actions):
            continue
        resources = statement.get("Resource")
        resources = resources if isinstance(resources, list) else [resources]
        if any(resource_matches(str(r), method_arn) for r in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed
