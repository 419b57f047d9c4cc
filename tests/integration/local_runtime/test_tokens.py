"""Tokens: signed with PyJWT, Cognito's access-token claims, checked against the runtime clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from local.clock import RuntimeClock
from local.demo import DEMO_ENTERPRISES, demo_clients
from local.tokens import Client, ClientRegistry, TokenError, TokenIssuer, authorizer_claims, load_or_create_key

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local"


@pytest.fixture
def clock() -> RuntimeClock:
    clock = RuntimeClock()
    clock.set(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    return clock


@pytest.fixture
def issuer(tmp_path: Path, clock: RuntimeClock) -> TokenIssuer:
    return TokenIssuer(load_or_create_key(tmp_path / "key.pem"), ISSUER, clock.now)


ENTERPRISE = Client("ent", "secret", ("credit/enterprise",), uscc="91110000600037341L")


def test_issued_token_verifies_with_its_claims(issuer: TokenIssuer) -> None:
    # Given an enterprise client
    # When issuing and verifying its token
    claims = issuer.verify(issuer.issue(ENTERPRISE)["access_token"])
    # Then the claims are Cognito's, plus uscc
    assert claims["token_use"] == "access"
    assert claims["scope"] == "credit/enterprise"
    assert claims["client_id"] == "ent"
    assert claims["uscc"] == "91110000600037341L"
    assert claims["iss"] == ISSUER


def test_token_expires_on_the_runtime_clock(issuer: TokenIssuer, clock: RuntimeClock) -> None:
    # Given a token issued now
    token = issuer.issue(ENTERPRISE)["access_token"]
    # When the clock moves past its hour
    clock.set(clock.now() + timedelta(minutes=61))
    # Then it is refused as expired
    with pytest.raises(TokenError) as refused:
        issuer.verify(token)
    assert refused.value.reason == "expired"


@pytest.mark.parametrize("mutate", ["other-key", "other-issuer", "id-token", "garbage", "none-alg"])
def test_forged_tokens_are_invalid(issuer: TokenIssuer, tmp_path: Path, mutate: str) -> None:
    # Given a token signed with another key, for another issuer, of another use, or not a JWT at all
    claims = jwt.decode(issuer.issue(ENTERPRISE)["access_token"], options={"verify_signature": False})
    if mutate == "other-key":
        token = jwt.encode(claims, load_or_create_key(tmp_path / "other.pem"), algorithm="RS256")
    elif mutate == "other-issuer":
        token = TokenIssuer(load_or_create_key(tmp_path / "key.pem"), "https://elsewhere", issuer.now).issue(
            ENTERPRISE)["access_token"]
    elif mutate == "id-token":
        token = jwt.encode({**claims, "token_use": "id"}, load_or_create_key(tmp_path / "key.pem"), algorithm="RS256")
    elif mutate == "none-alg":
        token = jwt.encode(claims, None, algorithm="none")
    else:
        token = "abc.def.ghi"
    # When verifying it
    # Then it is invalid
    with pytest.raises(TokenError) as refused:
        issuer.verify(token)
    assert refused.value.reason == "invalid"


def test_key_is_kept_in_the_data_folder(tmp_path: Path, clock: RuntimeClock) -> None:
    # Given a token issued by one runtime
    token = TokenIssuer(load_or_create_key(tmp_path / "key.pem"), ISSUER, clock.now).issue(ENTERPRISE)["access_token"]
    # When another runtime starts on the same data folder
    again = TokenIssuer(load_or_create_key(tmp_path / "key.pem"), ISSUER, clock.now)
    # Then it accepts the token, and the key file is private
    assert again.verify(token)["client_id"] == "ent"
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0


def test_authorizer_claims_are_strings_like_api_gateway() -> None:
    # Given decoded claims
    claims = {"scope": "a b", "exp": 1795000000, "client_id": "x", "version": 2}
    # When shaping them as the Cognito authorizer does
    shaped = authorizer_claims(claims)
    # Then every value is a string and instants use API Gateway's date format
    assert shaped["scope"] == "a b"
    assert shaped["version"] == "2"
    assert shaped["exp"].endswith("UTC 2026")
    assert shaped["exp"][:3].isalpha()


def test_created_clients_persist_and_authenticate(tmp_path: Path) -> None:
    # Given a registry that created a client
    registry = ClientRegistry(tmp_path / "clients.json", demo_clients())
    created = registry.create(("credit/events",), None, "tax bureau")
    # When a new registry reads the same folder
    again = ClientRegistry(tmp_path / "clients.json", demo_clients())
    # Then the client is there, and only its secret authenticates it
    assert again.authenticate(created.client_id, created.client_secret) == created
    assert again.authenticate(created.client_id, "wrong") is None
    assert again.authenticate("demo-registry", "demo-registry-secret") is not None


def test_demo_enterprises_have_valid_usccs_and_clients() -> None:
    # Given the demo data
    from stdnum.cn import uscc

    # When checking every USCC
    # Then each is valid and has its enterprise client
    clients = {c.uscc for c in demo_clients() if c.uscc}
    for enterprise in DEMO_ENTERPRISES:
        assert uscc.is_valid(enterprise["uscc"])
        assert enterprise["uscc"] in clients
