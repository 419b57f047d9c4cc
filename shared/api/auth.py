"""Claims → principal, and the per-route authorization rule.

API Gateway's Cognito authorizer has already checked the token and the method's scopes in AWS
(and the local gateway does the same); handlers check again so that a mis-wired method can never
open a route, and because only the handler knows which enterprise a request is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.api.contract import SCOPE_ENTERPRISE, SCOPE_OFFICER, Route
from shared.domain.errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Principal:
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
        if not self.may_act_for(uscc):
            raise Forbidden(f"this token may not act for enterprise {uscc}")


ANONYMOUS = Principal(client_id="anonymous", scopes=frozenset())


def claims_of(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = authorizer.get("claims")
    return claims if isinstance(claims, Mapping) and claims else None


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    if not claims:
        return ANONYMOUS
    raw_scope = claims.get("scope") or ""
    scopes = frozenset(raw_scope.split()) if isinstance(raw_scope, str) else frozenset(raw_scope)
    uscc = claims.get("uscc") or claims.get("custom:uscc")
    client_id = claims.get("client_id") or claims.get("sub") or "unknown"
    return Principal(client_id=str(client_id), scopes=scopes, uscc=str(uscc) if uscc else None)


def authorize(route: Route, event: Mapping[str, Any]) -> Principal:
    """401 without claims on a protected route; 403 without one of its scopes, or when an
    enterprise token asks about another enterprise's path parameter."""
    claims = claims_of(event)
    principal = principal_from_claims(claims)
    if route.public:
        return principal
    if claims is None:
        raise Unauthorized("a bearer token is required for this route")
    if not principal.scopes.intersection(route.scopes):
        raise Forbidden(f"this route needs one of the scopes: {', '.join(route.scopes)}")
    if route.own:
        uscc = (event.get("pathParameters") or {}).get(route.own) or ""
        principal.ensure_may_act_for(uscc)
    return principal
