"""Cognito as the OAuth 2.0 authorization server: client credentials only, the contract's scopes."""

from __future__ import annotations

from infra.constructs.auth import SYSTEM_CLIENTS
from shared.api.contract import ALL_SCOPES
from tests.infra.conftest import Synthesized


def test_user_pool_admits_no_self_sign_up(synthesized: Synthesized) -> None:
    # Given the user pool / When reading its admin settings
    (pool,) = synthesized.resources("AWS::Cognito::UserPool").values()
    # Then nobody can sign up
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_resource_server_carries_the_contract_scopes(synthesized: Synthesized) -> None:
    # Given the resource server / When reading its scopes
    (server,) = synthesized.resources("AWS::Cognito::UserPoolResourceServer").values()
    identifier = server["Properties"]["Identifier"]
    scopes = {f"{identifier}/{s['ScopeName']}" for s in server["Properties"]["Scopes"]}
    # Then they are exactly contract.ALL_SCOPES (credit/registry, ...)
    assert scopes == set(ALL_SCOPES)


def test_each_system_role_has_a_client_credentials_client(synthesized: Synthesized) -> None:
    # Given the app clients / When reading their OAuth settings
    clients = {c["Properties"]["ClientName"]: c["Properties"]
               for c in synthesized.resources("AWS::Cognito::UserPoolClient").values()}
    # Then each system role has a secret client allowed only the client-credentials flow and its scopes
    assert set(clients) == {f"{role}-system" for role in SYSTEM_CLIENTS}
    for role, scopes in SYSTEM_CLIENTS.items():
        client = clients[f"{role}-system"]
        assert client["GenerateSecret"] is True
        assert client["AllowedOAuthFlows"] == ["client_credentials"]
        assert client["AllowedOAuthFlowsUserPoolClient"] is True
        rendered = [scope["Fn::Join"][1][-1] if isinstance(scope, dict) else scope
                    for scope in client["AllowedOAuthScopes"]]
        assert sorted(s.lstrip("/") for s in rendered) == sorted(s.split("/")[1] for s in scopes)


def test_hosted_domain_prefix_comes_from_context(synthesized: Synthesized) -> None:
    # Given cdk.json's context (stage "dev", no explicit prefix) / When reading the domain
    (domain,) = synthesized.resources("AWS::Cognito::UserPoolDomain").values()
    # Then the prefix is derived from the stage
    assert domain["Properties"]["Domain"] == "customs-credit-dev"
