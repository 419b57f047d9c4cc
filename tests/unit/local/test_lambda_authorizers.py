"""The local gateway's Lambda TOKEN authorizers: invoked as API Gateway invokes them, answers cached
per token on the runtime clock, policies evaluated, refusals explained."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from local.api_model import LambdaAuthorizer
from local.authorizers import LambdaAuthorizers, method_arn
from local.lambdas import Invocation
from shared.identity.policy import authorizer_response
from shared.identity.verification import Identity

AUTHORIZER = LambdaAuthorizer(name="oidc", authorizer_type="TOKEN", function_name="authorizer-fn",
                              identity_header="Authorization", validation_regex=r"^[Bb]earer [-0-9A-Za-z_.~+/]+=*$",
                              ttl_s=300)
REGISTER = method_arn("us-east-1", "123456789012", "api1", "api", "POST", "/v1/enterprises")
EVENTS = method_arn("us-east-1", "123456789012", "api1", "api", "POST", "/v1/credit-events")


class FakeAuthorizerFunction:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, name: str, event: dict[str, Any]) -> Invocation:
        self.events.append(event)
        if event["authorizationToken"] == "Bearer expired":
            payload = {"errorType": "UnauthorizedExpired", "errorMessage": "Unauthorized"}
            return Invocation("r", json.dumps(payload).encode(), "UnauthorizedExpired", 1.0)
        identity = Identity(issuer="https://issuer.example", client_id="registry", scopes=("credit/registry",),
                            uscc=None, expires_at=0)
        return Invocation("r", json.dumps(authorizer_response(identity, event["methodArn"])).encode(), None, 1.0)


def test_answers_are_cached_per_token_on_the_runtime_clock_and_policies_apply_to_other_methods() -> None:
    # Given a gateway's authorizers on a controllable clock
    now = [datetime(2026, 5, 1, tzinfo=UTC)]
    function = FakeAuthorizerFunction()
    authorizers = LambdaAuthorizers(function, lambda: now[0])
    headers = {"Authorization": "Bearer good"}
    # When a registry token registers, then posts events (cached policy), then again after the TTL
    registered = authorizers.decide(AUTHORIZER, headers, REGISTER)
    events = authorizers.decide(AUTHORIZER, headers, EVENTS)
    invoked_within_ttl = len(function.events)
    now[0] += timedelta(seconds=301)
    authorizers.decide(AUTHORIZER, headers, REGISTER)
    # Then the first is allowed with the context for the handler, the second refused by the cached
    # policy, and the function invoked again only after the TTL
    assert registered.status == 0
    assert registered.context is not None
    assert registered.context["scope"] == "credit/registry"
    assert registered.context["principalId"] == "registry"
    assert events.status == 403
    assert invoked_within_ttl == 1
    assert len(function.events) == 2
    assert function.events[0] == {"type": "TOKEN", "authorizationToken": "Bearer good", "methodArn": REGISTER}


def test_missing_malformed_and_refused_tokens_are_401_with_the_reason() -> None:
    # Given a gateway's authorizers
    function = FakeAuthorizerFunction()
    authorizers = LambdaAuthorizers(function, lambda: datetime(2026, 5, 1, tzinfo=UTC))
    # When the header is missing, not a bearer token, or the function refuses an expired token
    missing = authorizers.decide(AUTHORIZER, {}, REGISTER)
    malformed = authorizers.decide(AUTHORIZER, {"Authorization": "Basic abc"}, REGISTER)
    expired = authorizers.decide(AUTHORIZER, {"Authorization": "Bearer expired"}, REGISTER)
    # Then each is 401, the first two without invoking the function, and the reason is explained
    assert [d.status for d in (missing, malformed, expired)] == [401, 401, 401]
    assert len(function.events) == 1
    assert "no token" in missing.explanation
    assert "expired" in expired.explanation
