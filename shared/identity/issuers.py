"""The token issuers a deployment trusts, as configuration data.

The stack writes them into the authorizer's environment (`TOKEN_ISSUERS`, a JSON list) from its
configuration (cdk.json context `identity`); the local runtime adds its own issuer when it deploys.
No issuer is special in code: Cognito (partner systems, client credentials), an enterprise identity
provider (tokens carrying the enterprise's `uscc`) and the local runtime's issuer are three rows.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

TOKEN_ISSUERS_VARIABLE = "TOKEN_ISSUERS"
ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384")
"""Asymmetric algorithms only: a shared-secret (HS*) token could be forged by anyone who holds the
secret, and `none` is never accepted."""


@dataclass(frozen=True)
class Issuer:
    issuer: str
    """The `iss` claim, exactly (e.g. `https://cognito-idp.<region>.amazonaws.com/<pool id>`)."""
    jwks_uri: str
    """Where the issuer publishes its signing keys (fetched once, cached, refreshed on an unknown `kid`)."""
    audience: str | None = None
    """Required `aud` value; None for issuers whose access tokens carry none (Cognito's: their scopes,
    under this API's resource server, are what binds them to this API)."""
    token_use: str | None = None
    """Required `token_use` claim (Cognito marks access tokens `access`; an ID token is refused)."""
    uscc_claim: str | None = None
    """Claim holding the enterprise's USCC. Only issuers configured with one can speak for an
    enterprise; a `uscc` claim in another issuer's token is ignored."""
    scopes: tuple[str, ...] | None = None
    """The scopes this issuer may grant (None: any). A token's other scopes are dropped."""
    default_scopes: tuple[str, ...] = ()
    """Scopes every token of this issuer gets (an enterprise identity provider does not mint this
    API's scopes: its tokens are enterprise tokens by virtue of who issued them)."""
    name: str = ""

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Issuer:
        issuer = str(raw["issuer"]).rstrip("/")
        scopes = raw.get("scopes")
        return cls(
            issuer=issuer,
            jwks_uri=str(raw.get("jwks_uri") or f"{issuer}/.well-known/jwks.json"),
            audience=raw.get("audience") or None,
            token_use=raw.get("token_use") or None,
            uscc_claim=raw.get("uscc_claim") or None,
            scopes=tuple(scopes) if scopes is not None else None,
            default_scopes=tuple(raw.get("default_scopes") or ()),
            name=str(raw.get("name") or issuer),
        )

    def to_json(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"name": self.name, "issuer": self.issuer, "jwks_uri": self.jwks_uri}
        for key, value in (("audience", self.audience), ("token_use", self.token_use),
                           ("uscc_claim", self.uscc_claim)):
            if value:
                raw[key] = value
        if self.scopes is not None:
            raw["scopes"] = list(self.scopes)
        if self.default_scopes:
            raw["default_scopes"] = list(self.default_scopes)
        return raw


@dataclass(frozen=True)
class Issuers:
    by_iss: dict[str, Issuer] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Issuers:
        rows = json.loads(text) if text.strip() else []
        if not isinstance(rows, list):
            raise ValueError(f"{TOKEN_ISSUERS_VARIABLE} must be a JSON list of issuers")
        issuers = [Issuer.from_json(row) for row in rows]
        return cls({i.issuer: i for i in issuers})

    def get(self, iss: object) -> Issuer | None:
        return self.by_iss.get(str(iss).rstrip("/")) if isinstance(iss, str) else None

    def names(self) -> list[str]:
        return sorted(self.by_iss)


def configured_issuers() -> Issuers:
    """The issuers of this process's environment (parsed once per distinct value)."""
    return _parse(os.environ.get(TOKEN_ISSUERS_VARIABLE, ""))


@lru_cache(maxsize=4)
def _parse(text: str) -> Issuers:
    return Issuers.parse(text)


def with_issuer(text: str, issuer: Issuer) -> str:
    """`TOKEN_ISSUERS` with `issuer` added (replacing one with the same `iss`)."""
    rows = [row for row in (json.loads(text) if text.strip() else []) if row.get("issuer") != issuer.issuer]
    return json.dumps([*rows, issuer.to_json()])
