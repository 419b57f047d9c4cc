"""Who may call the API: the token issuers the API's one authorizer trusts.

No identity lives in per-enterprise resources. The authorizer (`functions/authorizer`, an API
Gateway Lambda TOKEN authorizer) accepts access tokens from the issuers of the stack's configuration
(cdk.json context `identity`):

- Cognito (`"cognito": true`, the default): a user pool used only as an OAuth 2.0 authorization
  server for partner systems (no people sign in), with a resource server `credit` carrying the
  contract's scopes and one client-credentials app client per system role (registry, agencies,
  officers' tools): a handful of clients, whatever the number of enterprises.
- Any number of other OIDC issuers (`"issuers": [...]`, each `{name, issuer, jwks_uri?, audience?,
  token_use?, uscc_claim?, scopes?, default_scopes?}`, see `shared/identity/issuers.py`): typically
  the enterprise identity provider, whose tokens carry the enterprise's USCC in `uscc_claim` and get
  `credit/enterprise` as `default_scopes`. A region without Cognito sets `"cognito": false` and lists
  its partner systems' issuer here too.

The local runtime adds its own issuer (`local/tokens.py`) when it deploys the template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.nag import acknowledge
from infra.outputs import camel
from shared.api.contract import ALL_SCOPES, SCOPE_EVENTS, SCOPE_OFFICER, SCOPE_REGISTRY
from shared.identity.issuers import Issuer

RESOURCE_SERVER = "credit"
ACCESS_TOKEN_VALIDITY = Duration.minutes(60)

SYSTEM_CLIENTS: dict[str, tuple[str, ...]] = {
    "registry": (SCOPE_REGISTRY,),
    "events": (SCOPE_EVENTS,),
    "officer": (SCOPE_OFFICER,),
}
"""App clients of the systems that are not an enterprise, by role, with the scopes they may ask for."""


@dataclass(frozen=True)
class IdentityConfig:
    cognito: bool = True
    issuers: tuple[Issuer, ...] = ()

    @classmethod
    def from_context(cls, value: Mapping[str, Any] | None) -> IdentityConfig:
        value = value or {}
        unknown = set(value) - {"cognito", "issuers"}
        if unknown:
            raise ValueError(f"identity context: unknown keys {sorted(unknown)} (expected cognito, issuers)")
        config = cls(cognito=bool(value.get("cognito", True)),
                     issuers=tuple(Issuer.from_json(raw) for raw in value.get("issuers") or ()))
        if not config.cognito and not config.issuers:
            raise ValueError("identity context: with cognito false, list at least one issuer, or no token "
                             "could ever be accepted")
        return config


class Auth(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: IdentityConfig, domain_prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.user_pool: cognito.UserPool | None = None
        self.domain: cognito.UserPoolDomain | None = None
        self.clients: dict[str, cognito.UserPoolClient] = {}
        if config.cognito:
            self._cognito(domain_prefix)

    def issuers_json(self) -> str:
        """`TOKEN_ISSUERS` for the authorizer: the configured issuers, Cognito's first when it exists."""
        rows: list[dict[str, Any]] = []
        if self.user_pool is not None:
            stack = Stack.of(self)
            issuer = f"https://cognito-idp.{stack.region}.{stack.url_suffix}/{self.user_pool.user_pool_id}"
            rows.append(Issuer(name="cognito", issuer=issuer, jwks_uri=f"{issuer}/.well-known/jwks.json",
                               token_use="access").to_json())
        rows.extend(issuer.to_json() for issuer in self.config.issuers)
        return Stack.of(self).to_json_string(rows)

    def _cognito(self, domain_prefix: str) -> None:
        self.user_pool = pool = cognito.UserPool(
            self, "UserPool",
            self_sign_up_enabled=False,
            # No human users exist; should one ever be created, it gets a strong password and MFA.
            password_policy=cognito.PasswordPolicy(
                min_length=14, require_digits=True, require_lowercase=True,
                require_uppercase=True, require_symbols=True,
            ),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.NONE,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(pool, "AwsSolutions-COG8",
                    "The Plus feature plan adds protections of user sign-ins (threat protection); this pool "
                    "has no users and only issues client-credentials tokens to a few partner systems "
                    "(enterprises sign in at their own identity provider, not here).")

        self.scopes: dict[str, cognito.ResourceServerScope] = {}
        for full_name, description in ALL_SCOPES.items():
            identifier, _, name = full_name.partition("/")
            if identifier != RESOURCE_SERVER:
                raise ValueError(f"scope {full_name} is not under resource server {RESOURCE_SERVER}")
            self.scopes[full_name] = cognito.ResourceServerScope(
                scope_name=name, scope_description=description[:256])
        self.resource_server = pool.add_resource_server(
            "ResourceServer",
            identifier=RESOURCE_SERVER,
            user_pool_resource_server_name="Customs credit API",
            scopes=list(self.scopes.values()),
        )
        for role, role_scopes in SYSTEM_CLIENTS.items():
            self.clients[role] = pool.add_client(
                f"{camel(role)}Client",
                user_pool_client_name=f"{role}-system",
                generate_secret=True,
                o_auth=cognito.OAuthSettings(
                    flows=cognito.OAuthFlows(client_credentials=True),
                    scopes=[cognito.OAuthScope.resource_server(self.resource_server, self.scopes[s])
                            for s in role_scopes],
                ),
                access_token_validity=ACCESS_TOKEN_VALIDITY,
                enable_token_revocation=True,
                prevent_user_existence_errors=True,
            )
        self.domain = pool.add_domain(
            "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix))
