"""API Gateway's Lambda TOKEN authorizers, locally: the gateway invokes the template's authorizer
function (the same code as in AWS) with the TOKEN event, caches its answer per token for the
authorizer's result TTL on the runtime clock (a jump forward in time empties it, as the wait would),
evaluates the returned policy against the method ARN, and hands the context to the integration.

AWS's answers: no header or one not matching the validation expression → 401 without invoking the
function; the function failing with `Unauthorized` → 401; any other failure or a malformed answer
→ 500 (AUTHORIZER_CONFIGURATION_ERROR); a policy that does not allow the method → 403."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from local.api_model import LambdaAuthorizer
from local.lambdas import Invocation
from shared.identity.policy import policy_allows
from shared.identity.verification import REFUSALS

UNAUTHORIZED_PREFIX = "Unauthorized"


@dataclass(frozen=True)
class Decision:
    """`status` 0 when allowed (then `context` is `requestContext.authorizer`), else 401/403/500."""

    status: int
    context: dict[str, Any] | None = None
    explanation: str = ""


@dataclass(frozen=True)
class _Cached:
    answer: dict[str, Any]
    at: datetime


class LambdaAuthorizers:
    def __init__(self, invoke: Callable[[str, dict[str, Any]], Invocation], now: Callable[[], datetime]) -> None:
        self.invoke = invoke
        self.now = now
        self._cache: dict[tuple[str, str], _Cached] = {}
        self._lock = threading.Lock()
        self.invocations = 0

    def decide(self, authorizer: LambdaAuthorizer, headers: Any, method_arn: str) -> Decision:
        if authorizer.authorizer_type != "TOKEN" or not authorizer.function_name:
            return Decision(500, explanation=f"authorizer {authorizer.name} is not emulated")
        token = (headers.get(authorizer.identity_header) or "").strip()
        if not token:
            return Decision(401, explanation=REFUSALS["missing"])
        if authorizer.validation_regex and not re.match(authorizer.validation_regex, token):
            return Decision(401, explanation="the Authorization header is not 'Bearer <access_token>'")
        answer = self._answer(authorizer, token, method_arn)
        if isinstance(answer, Decision):
            return answer
        policy = answer.get("policyDocument")
        if not isinstance(policy, dict) or "principalId" not in answer:
            return Decision(500, explanation="the authorizer answered no policy or principal")
        if not policy_allows(policy, method_arn):
            return Decision(403, explanation="the token's scopes do not admit this route")
        context = {str(k): v for k, v in (answer.get("context") or {}).items()}
        context |= {"principalId": answer["principalId"], "integrationLatency": 0}
        return Decision(0, context=context)

    def _answer(self, authorizer: LambdaAuthorizer, token: str, method_arn: str) -> dict[str, Any] | Decision:
        key = (authorizer.name, token)
        now = self.now()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and 0 <= (now - cached.at).total_seconds() < authorizer.ttl_s:
                return cached.answer
        assert authorizer.function_name is not None
        event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
        invocation = self.invoke(authorizer.function_name, event)
        self.invocations += 1
        if invocation.failed:
            payload = invocation.json() or {}
            if payload.get("errorMessage") == UNAUTHORIZED_PREFIX:
                reason = _reason(str(invocation.error_type or ""))
                return Decision(401, explanation=REFUSALS.get(reason, ""))
            return Decision(500, explanation="the authorizer failed")
        answer = invocation.json()
        if not isinstance(answer, dict):
            return Decision(500, explanation="the authorizer answered no object")
        if authorizer.ttl_s > 0:
            with self._lock:
                self._cache[key] = _Cached(answer, now)
        return answer


def _reason(error_type: str) -> str:
    """`UnauthorizedExpired` → `expired`, `UnauthorizedNotYetValid` → `not_yet_valid`."""
    name = error_type.removeprefix(UNAUTHORIZED_PREFIX)
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def method_arn(region: str, account: str, api_id: str, stage: str, http_method: str, path: str) -> str:
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{http_method}{path}"
