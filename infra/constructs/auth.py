"""OAuth 2.0 client-credentials for partner systems: a Cognito user pool used only as an
authorization server (no people sign in), a resource server `credit` with the contract's scopes,
and one app client per system role.

Enterprise clients and their `uscc` claim (not built yet): each enterprise gets its own app client
(scope `credit/enterprise`) when it is onboarded, and the pool gets a pre-token-generation Lambda
trigger, event version V3_0 (the only version invoked for M2M client-credentials tokens, and it
needs the Essentials/Plus feature plan), that looks the client_id up in a client_id → uscc mapping
and adds `uscc` to the access token's claims. API Gateway passes it on in
`requestContext.authorizer.claims`, where `shared/api/auth.py` reads it; the local runtime's
tokens carry the same claim."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.nag import acknowledge
from infra.outputs import camel
from shared.api.contract import ALL_SCOPES, SCOPE_EVENTS, SCOPE_OFFICER, SCOPE_REGISTRY

RESOURCE_SERVER = "credit"
ACCESS_TOKEN_VALIDITY = Duration.minutes(60)

SYSTEM_CLIENTS: dict[str, tuple[str, ...]] = {
    "registry": (SCOPE_REGISTRY,),
    "events": (SCOPE_EVENTS,),
    "officer": (SCOPE_OFFICER,),
}
"""App clients of the systems that are not an enterprise, by role, with the scopes they may ask for."""


class Auth(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, domain_prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
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
        acknowledge(self.user_pool, "AwsSolutions-COG8",
                    "The Plus feature plan adds protections of user sign-ins (threat protection); this "
                    "pool has no users and only issues client-credentials tokens to partner systems, and "
                    "M2M token customization (pre-token generation V3 for the enterprise `uscc` claim) "
                    "needs Essentials, not Plus.")

        self.scopes: dict[str, cognito.ResourceServerScope] = {}
        for full_name, description in ALL_SCOPES.items():
            identifier, _, name = full_name.partition("/")
            if identifier != RESOURCE_SERVER:
                raise ValueError(f"scope {full_name} is not under resource server {RESOURCE_SERVER}")
            self.scopes[full_name] = cognito.ResourceServerScope(
                scope_name=name, scope_description=description[:256])
        self.resource_server = self.user_pool.add_resource_server(
            "ResourceServer",
            identifier=RESOURCE_SERVER,
            user_pool_resource_server_name="Customs credit API",
            scopes=list(self.scopes.values()),
        )

        self.clients: dict[str, cognito.UserPoolClient] = {}
        for role, role_scopes in SYSTEM_CLIENTS.items():
            self.clients[role] = self.user_pool.add_client(
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

        self.domain = self.user_pool.add_domain(
            "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix))
