"""The API's one authorizer (API Gateway Lambda TOKEN authorizer): verifies the bearer access token
against the configured OIDC issuers (`TOKEN_ISSUERS`: Cognito for partner systems, an enterprise
identity provider, the local runtime's issuer) and answers the policy of the routes its scopes open,
with the scopes and the enterprise's `uscc` as context for the handlers.

A refused token raises `Exception("Unauthorized")`, the one error API Gateway turns into a 401; the
reason is logged (never the token), and named in the exception's type for the local gateway."""

from __future__ import annotations

from functools import cache
from typing import Any

from shared.adapters.clock import current_clock
from shared.api.observability import logger
from shared.identity.issuers import configured_issuers
from shared.identity.jwks import JwksCache
from shared.identity.policy import authorizer_response
from shared.identity.verification import TokenRefused, TokenVerifier, bearer_token

keys = JwksCache()
"""Signing keys, kept across invocations of this execution environment."""


class Unauthorized(Exception):
    """API Gateway answers 401 for an authorizer error whose message is exactly `Unauthorized`."""

    def __init__(self, refused: TokenRefused) -> None:
        super().__init__("Unauthorized")
        self.reason = refused.reason


@cache
def refusal_type(reason: str) -> type[Unauthorized]:
    """An exception class per refusal reason (`UnauthorizedExpired`...): Lambda reports the type as
    `errorType`, which API Gateway ignores and the local gateway uses to explain its 401."""
    return type(f"Unauthorized{reason.title().replace('_', '')}", (Unauthorized,), {})


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method_arn = str(event.get("methodArn", ""))
    try:
        token = bearer_token(event.get("authorizationToken"))
        identity = TokenVerifier(configured_issuers(), keys).verify(token, current_clock().now())
    except TokenRefused as refused:
        logger.info("token refused", extra={"reason": refused.reason, "explanation": refused.explanation,
                                            "method_arn": method_arn})
        raise refusal_type(refused.reason)(refused) from None
    logger.info("token accepted", extra={"client_id": identity.client_id, "iss": identity.issuer,
                                         "scopes": list(identity.scopes), "uscc": identity.uscc})
    return authorizer_response(identity, method_arn)
