"""Property: whatever JSON (or not-JSON) a caller sends to a POST route, the answer is a 2xx or a 4xx
problem, never a 500 (Standards: "no input makes a 500")."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.api.contract import ROUTES
from tests.integration.test_registry_api import USCC, register
from tests.support.apigw import api_event

SCOPES = {"credit/registry", "credit/events", "credit/enterprise", "credit/officer"}
POST_ROUTES = [r for r in ROUTES if r.method == "POST"]

scalars = st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | st.text(max_size=30)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=12)
# Bodies shaped like the real ones, with fields of the wrong kind, plus arbitrary JSON and raw bytes
event_like = st.fixed_dictionaries({}, optional={
    "event_id": json_values, "uscc": st.sampled_from([USCC, "x", 5]), "type": st.sampled_from(
        ["SMUGGLING_PENALTY", "TAX_OVERDUE", "ARREARS_SETTLED", "PENALTY_REVOKED", "?"]),
    "business_line": json_values, "decided_on": st.sampled_from(["2026-01-01", "1999-01-01", "2099-01-01", 1]),
    "amount_cny": json_values, "due_on": json_values, "refers_to": json_values, "document_no": json_values,
    "authority": json_values, "penalty_kind": json_values, "intentional": json_values})
bodies = (json_values.map(json.dumps)
          | st.lists(event_like, max_size=3).map(lambda events: json.dumps({"events": events}))
          | st.binary(max_size=40).map(lambda b: b.decode("latin-1")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route_index=st.integers(0, len(POST_ROUTES) - 1), body=bodies)
def test_no_body_makes_a_500(invoke: Any, bus: Any, route_index: int, body: str) -> None:
    register(invoke)  # the same registration each time: a replay after the first example
    route = POST_ROUTES[route_index]
    key = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    event: dict[str, Any] = api_event("registry/post_enterprise", body=body, headers={"Idempotency-Key": key},
                                      claims={"client_id": "fuzz", "scope": " ".join(sorted(SCOPES)), "uscc": USCC})
    event.update(resource=route.path, httpMethod="POST", path=route.path.replace("{uscc}", USCC),
                 pathParameters={"uscc": USCC} if "{uscc}" in route.path else None)
    response = invoke(route.function, event)
    assert response["statusCode"] < 500, (route.path, body, response["body"])
    if response["statusCode"] >= 400:
        assert json.loads(response["body"])["status"] == response["statusCode"]


GET_ROUTES = [r for r in ROUTES if r.method == "GET" and r.function != "docs"]
texts = st.text(max_size=40) | st.sampled_from(["2026-01-01T00:00:00+08:00", "2020-01-01", "-1", "0", "501",
                                                 "eyJwayI6IngifQ", USCC, "discredited"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route_index=st.integers(0, len(GET_ROUTES) - 1), path_value=texts,
       query=st.dictionaries(st.sampled_from(["as_of", "limit", "next_token", "other"]), texts, max_size=3))
def test_no_path_or_query_makes_a_500(invoke: Any, route_index: int, path_value: str, query: dict[str, str]) -> None:
    register(invoke)
    route = GET_ROUTES[route_index]
    names = [p.strip("{}") for p in route.path.split("/") if p.startswith("{")]
    event: dict[str, Any] = api_event("registry/get_enterprise", query=query,
                                      claims={"client_id": "fuzz", "scope": "credit/officer"})
    event.update(resource=route.path, httpMethod="GET", path=route.path,
                 pathParameters=dict.fromkeys(names, path_value) or None)
    response = invoke(route.function, event)
    assert response["statusCode"] < 500, (route.path, path_value, query, response["body"])
