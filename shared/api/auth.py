"""Claims → principal, and the per-route authorization rule.

The API's authorizer (`functions/authorizer`, the same code in AWS and in the local gateway) has
already verified the token and allowed only the routes its scopes open; it hands over the scopes
and the enterprise's `uscc` as its context. Handlers check again so that a mis-wired method can
never open a route (and because an authorizer policy's `*` also matches longer paths), and because
only the handler knows which enterprise a request is about."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from shared.api.contract import SCOPE_ENTERPRISE, SCOPE_OFFICER, Route
from shared.api.http import header
from shared.domain.errors import Forbidden, Unauthorized

SEND_TOKEN = "send `Authorization: Bearer <access token>` (OAuth 2.0 client credentials)"
_AUTHORIZATION_LOC = ["header", "Authorization"]


class Principal(NamedTuple):
    """Who calls (a NamedTuple: cheaper than a frozen dataclass to create at every cold start)."""

    client_id: str
    scopes: frozenset[str]
    uscc: str | None = None

    @property
    def is_officer(self) -> bool:
        return SCOPE_OFFICER in self.scopes

    def may_act_for(self, uscc: str) -> bool:
        """Officers may act for anyone; an enterprise token only for its own `uscc`."""
        if self.is_officer:
            return True
        return SCOPE_ENTERPRISE in self.scopes and self.uscc == uscc

    def ensure_may_act_for(self, uscc: str) -> None:
        if self.may_act_for(uscc):
            return
        if SCOPE_ENTERPRISE in self.scopes and self.uscc is None:
            raise Forbidden("this enterprise token carries no uscc claim, so it may act for no enterprise; "
                            "ask for a client bound to your uscc")
        raise Forbidden(f"this token may not act for enterprise {uscc}")


ANONYMOUS = Principal(client_id="anonymous", scopes=frozenset())


def claims_of(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The verified claims of the request: a Lambda authorizer's context sits directly in
    `requestContext.authorizer` (with its `principalId`); a Cognito authorizer's claims under
    `requestContext.authorizer.claims` (the shape of the recorded sample events)."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    if not isinstance(authorizer, Mapping):
        return None
    claims = authorizer.get("claims")
    if isinstance(claims, Mapping) and claims:
        return claims
    if authorizer.get("principalId") and "scope" in authorizer:
        return authorizer
    return None


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    if not claims:
        return ANONYMOUS
    raw_scope = claims.get("scope") or ""
    scopes = frozenset(raw_scope.split()) if isinstance(raw_scope, str) else frozenset(raw_scope)
    uscc = claims.get("uscc") or claims.get("custom:uscc")
    client_id = claims.get("client_id") or claims.get("sub") or "unknown"
    return Principal(client_id=str(client_id), scopes=scopes, uscc=str(uscc) if uscc else None)


def _missing_token(event: Mapping[str, Any]) -> Unauthorized:
    """Why a protected route got no claims, without echoing the token. In AWS the authorizer
    answers for absent, malformed, expired or badly signed tokens before the handler runs; a
    handler sees no claims only on a mis-wired method, or from a caller that bypassed the gateway."""
    authorization = (header(event, "Authorization") or "").strip()
    if not authorization:
        return Unauthorized(f"no bearer token: {SEND_TOKEN}",
                            errors=[{"loc": _AUTHORIZATION_LOC, "msg": "missing"}])
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Unauthorized(f"the Authorization header is not a bearer token: {SEND_TOKEN}",
                            errors=[{"loc": _AUTHORIZATION_LOC, "msg": "expected `Bearer <access token>`"}])
    return Unauthorized("the bearer token was not verified by the gateway for this route; "
                        "quote the x-correlation-id when reporting it",
                        errors=[{"loc": _AUTHORIZATION_LOC, "msg": "not verified"}])


def authorize(route: Route, event: Mapping[str, Any]) -> Principal:
    """401 without claims on a protected route, or with an ID token's; 403 without one of its
    scopes, or when an enterprise token asks about another enterprise's path parameter."""
    claims = claims_of(event)
    principal = principal_from_claims(claims)
    if route.public:
        return principal
    if claims is None:
        raise _missing_token(event)
    if claims.get("token_use") == "id":
        raise Unauthorized(f"an ID token was sent: {SEND_TOKEN}",
                           errors=[{"loc": _AUTHORIZATION_LOC, "msg": "ID token instead of an access token"}])
    if not principal.scopes.intersection(route.scopes):
        held = ", ".join(sorted(principal.scopes)) or "none"
        raise Forbidden(f"this route needs one of the scopes: {', '.join(route.scopes)}; this token has: {held}")
    if route.own:
        uscc = (event.get("pathParameters") or {}).get(route.own) or ""
        principal.ensure_may_act_for(uscc)
    return principal
