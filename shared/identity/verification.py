"""Verify a bearer access token against the configured issuers: the issuer is one we trust, the
signature verifies with its published key, the audience and token use are the configured ones, the
token is current on the injected clock (so the local runtime's time travel expires tokens), and the
scopes are those the issuer may grant. The result is the caller's identity; every refusal says why
in words that name nothing secret (no token, no key material)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from shared.api.contract import ALL_SCOPES
from shared.domain.uscc_check import InvalidUscc, validate_uscc
from shared.identity.issuers import ALGORITHMS, Issuer, Issuers
from shared.identity.jwks import JwksCache, KeysUnavailable

CLOCK_SKEW_S = 60
"""Tolerance for `nbf`/`iat` slightly ahead of our clock (issuers' clocks drift); never for `exp`."""


class TokenRefused(Exception):
    """A token that does not admit its bearer. `reason` is a short code (`missing`, `malformed`,
    `issuer`, `signature`, `audience`, `token_use`, `expired`, `not_yet_valid`, `keys`, `uscc`)."""

    def __init__(self, reason: str, explanation: str) -> None:
        super().__init__(explanation)
        self.reason = reason
        self.explanation = explanation


REFUSALS = {
    "missing": "no token: send 'Authorization: Bearer <access_token>'",
    "malformed": "the bearer token is not a well-formed JWT access token",
    "issuer": "the token was issued by another issuer, not one this API is configured to trust",
    "signature": "the token's signature does not verify with its issuer's signing key (issued elsewhere, or "
                 "altered); get a new token",
    "audience": "the token is not meant for this API (audience)",
    "token_use": "an access token is required, not an ID token",
    "expired": "the token has expired; get a new token",
    "not_yet_valid": "the token is not valid yet",
    "keys": "the issuer's signing keys cannot be fetched now; retry",
    "uscc": "the token's enterprise claim is not a valid USCC",
}
"""One sentence per refusal reason, for places that know the reason but not the details."""


@dataclass(frozen=True)
class Identity:
    issuer: str
    client_id: str
    scopes: tuple[str, ...]
    uscc: str | None
    expires_at: int

    def context(self) -> dict[str, str]:
        """What the authorizer hands API Gateway for the handlers (flat strings, as API Gateway
        requires), under the claim names `shared/api/auth.py` reads."""
        return {"client_id": self.client_id, "scope": " ".join(self.scopes), "uscc": self.uscc or "",
                "iss": self.issuer, "token_use": "access"}


def bearer_token(authorization: str | None) -> str:
    value = (authorization or "").strip()
    if not value:
        raise TokenRefused("missing", "no token: send 'Authorization: Bearer <access_token>'")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("malformed", "the Authorization header is not 'Bearer <access_token>'")
    return token.strip()


class TokenVerifier:
    def __init__(self, issuers: Issuers, keys: JwksCache) -> None:
        self.issuers = issuers
        self.keys = keys

    def verify(self, token: str, now: datetime) -> Identity:
        header, unverified = _unverified(token)
        issuer = self.issuers.get(unverified.get("iss"))
        if issuer is None:
            raise TokenRefused("issuer", "the token was issued by another issuer; this API accepts "
                               + ", ".join(self.issuers.names()))
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise TokenRefused("malformed", f"the token is not signed with one of {', '.join(ALGORITHMS)}")
        claims = self._verified_claims(token, issuer, header, str(algorithm))
        _check_times(claims, now)
        if issuer.token_use and claims.get("token_use") != issuer.token_use:
            raise TokenRefused("token_use", f"an access token is required (token_use must be '{issuer.token_use}')")
        return _identity(issuer, claims)

    def _verified_claims(self, token: str, issuer: Issuer, header: Mapping[str, Any], algorithm: str) -> dict[str, Any]:
        kid = header.get("kid")
        try:
            jwk = self.keys.key(issuer.jwks_uri, str(kid) if kid is not None else None)
        except KeysUnavailable as exc:
            raise TokenRefused("keys", f"the signing keys of {issuer.issuer} cannot be fetched now; retry") from exc
        if jwk is None:
            raise TokenRefused("signature", f"the token's key id is not among the signing keys of {issuer.issuer}")
        try:
            key = jwt.PyJWK(jwk, algorithm=algorithm)
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[algorithm], issuer=issuer.issuer, audience=issuer.audience,
                # Times are checked against the injected clock below, not the wall clock.
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                         "verify_aud": issuer.audience is not None, "require": ["exp", "iss"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise TokenRefused("signature", "the token's signature does not verify with the issuer's signing key "
                                            "(issued elsewhere, or altered); get a new token") from exc
        except (jwt.InvalidAudienceError, jwt.MissingRequiredClaimError) as exc:
            if isinstance(exc, jwt.MissingRequiredClaimError) and exc.claim != "aud":
                raise TokenRefused("malformed", f"the token lacks the '{exc.claim}' claim") from exc
            raise TokenRefused("audience", f"the token is not meant for this API (audience {issuer.audience})") from exc
        except jwt.PyJWTError as exc:
            raise TokenRefused("malformed", "the token's claims or key are not valid") from exc
        return claims


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise TokenRefused("malformed", "the bearer token is not a well-formed JWT (three base64url parts: "
                                        "header, claims, signature)") from exc
    return header, claims


def _check_times(claims: Mapping[str, Any], now: datetime) -> None:
    instant = int(now.timestamp())
    try:
        expires = int(claims["exp"])
        not_before = int(claims.get("nbf", claims.get("iat", 0)))
    except (TypeError, ValueError) as exc:
        raise TokenRefused("malformed", "the token's exp/nbf/iat are not numbers") from exc
    if expires <= instant:
        raise TokenRefused("expired", f"it expired at {_iso(expires)}; the API's clock reads {_iso(instant)}; "
                                      "get a new token")
    if not_before > instant + CLOCK_SKEW_S:
        raise TokenRefused("not_yet_valid", f"it is valid from {_iso(not_before)}; the API's clock reads "
                                            f"{_iso(instant)}")


def _identity(issuer: Issuer, claims: Mapping[str, Any]) -> Identity:
    raw_scope = claims.get("scope") or claims.get("scp") or ""
    held = raw_scope.split() if isinstance(raw_scope, str) else [str(s) for s in raw_scope]
    allowed = set(issuer.scopes) if issuer.scopes is not None else set(ALL_SCOPES)
    scopes = tuple(sorted({s for s in held if s in allowed} | set(issuer.default_scopes)))
    uscc = None
    if issuer.uscc_claim and claims.get(issuer.uscc_claim):
        try:
            uscc = validate_uscc(str(claims[issuer.uscc_claim]))
        except InvalidUscc as exc:
            raise TokenRefused("uscc", f"the token's {issuer.uscc_claim} claim is not a valid USCC") from exc
    client_id = _LOG_UNSAFE.sub("_", str(claims.get("client_id") or claims.get("azp") or claims.get("sub")
                                         or "unknown"))[:128]
    return Identity(issuer=issuer.issuer, client_id=client_id, scopes=scopes, uscc=uscc,
                    expires_at=int(claims["exp"]))


_LOG_UNSAFE = re.compile(r"[^A-Za-z0-9._:@+-]")
"""The client id goes into the policy's principal and the access log's JSON as it is (API Gateway does not
escape `$context.authorizer.*`): an issuer's odd client id must not be able to shape either."""


def _iso(instant: int) -> str:
    return datetime.fromtimestamp(instant, UTC).isoformat()
