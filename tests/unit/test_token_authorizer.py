"""The API's one token authorizer: OIDC access tokens from the configured issuers only, verified
(signature, audience, token use, times on the injected clock), scopes to a cached policy, `uscc`
only from issuers configured to carry it, and the handlers reading its context."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.api.auth import authorize
from shared.api.contract import SCOPE_ENTERPRISE, SCOPE_EVENTS, SCOPE_OFFICER, SCOPE_REGISTRY, find_route
from shared.domain.errors import Forbidden
from shared.identity.issuers import TOKEN_ISSUERS_VARIABLE, Issuer, Issuers, with_issuer
from shared.identity.jwks import REFRESH_AFTER_S, JwksCache, KeysUnavailable
from shared.identity.policy import authorizer_response, policy_allows
from shared.identity.verification import Identity, TokenRefused, TokenVerifier
from tests.support.lambdas import LambdaContext, handler_module

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
PARTNERS = "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_pool"
ENTERPRISES = "https://idp.enterprises.example"
USCC = "91110000600037341L"
OTHER_USCC = "91310000MA1FL0000N"
METHOD = "arn:aws:execute-api:cn-north-1:123456789012:api1/api/{method}{path}"


def arn(method: str, path: str) -> str:
    return METHOD.format(method=method, path=path)


class Keys:
    """Two issuers' signing keys and a JWKS endpoint fake that counts its fetches."""

    def __init__(self) -> None:
        self.private = {iss: rsa.generate_private_key(public_exponent=65537, key_size=2048)
                        for iss in (PARTNERS, ENTERPRISES)}
        self.fetched: list[str] = []

    def jwks_uri(self, iss: str) -> str:
        return f"{iss}/.well-known/jwks.json"

    def fetch(self, url: str) -> dict[str, Any]:
        self.fetched.append(url)
        for iss, key in self.private.items():
            if self.jwks_uri(iss) == url:
                jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
                return {"keys": [jwk | {"kid": "k1", "alg": "RS256", "use": "sig"}]}
        raise KeysUnavailable(url)

    def token(self, iss: str, *, key: rsa.RSAPrivateKey | None = None, lifetime: int = 3600,
              **claims: Any) -> str:
        issued = int(NOW.timestamp())
        body = {"iss": iss, "iat": issued, "exp": issued + lifetime, "client_id": "client-1", **claims}
        return jwt.encode(body, key or self.private.get(iss) or self.private[PARTNERS], algorithm="RS256",
                          headers={"kid": "k1"})


ISSUERS = Issuers.parse(json.dumps([
    {"name": "cognito", "issuer": PARTNERS, "token_use": "access"},
    {"name": "enterprise-idp", "issuer": ENTERPRISES, "audience": "customs-credit", "uscc_claim": "uscc",
     "scopes": [SCOPE_ENTERPRISE], "default_scopes": [SCOPE_ENTERPRISE]},
]))


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def verifier(keys: Keys) -> TokenVerifier:
    return TokenVerifier(ISSUERS, JwksCache(fetch=keys.fetch))


def refusal(verifier: TokenVerifier, token: str, now: datetime = NOW) -> str:
    with pytest.raises(TokenRefused) as refused:
        verifier.verify(token, now)
    return refused.value.reason


def test_a_partner_token_gives_its_scopes_and_no_enterprise(keys: Keys, verifier: TokenVerifier) -> None:
    # Given a Cognito client-credentials token of the registry system (a stray uscc claim included)
    token = keys.token(PARTNERS, token_use="access", scope=f"{SCOPE_REGISTRY} other/scope", uscc=USCC)
    # When verifying it
    identity = verifier.verify(token, NOW)
    # Then the identity holds the contract scope only, and no uscc (Cognito is not configured to carry one)
    assert identity.scopes == (SCOPE_REGISTRY,)
    assert identity.uscc is None
    assert identity.client_id == "client-1"


def test_a_client_id_cannot_shape_the_access_log_or_the_principal(keys: Keys, verifier: TokenVerifier) -> None:
    # Given a verified token whose client id holds JSON punctuation and a control character
    token = keys.token(PARTNERS, token_use="access", scope=SCOPE_REGISTRY, client_id='a","x":"1\u0001')
    # Then the identity's client id keeps only log-safe characters
    assert verifier.verify(token, NOW).client_id == "a___x_:_1_"


def test_an_enterprise_idp_token_is_an_enterprise_token_for_its_own_uscc(keys: Keys, verifier: TokenVerifier) -> None:
    # Given the enterprise identity provider's token, which claims the officer scope too
    token = keys.token(ENTERPRISES, aud="customs-credit", uscc=USCC, scope=SCOPE_OFFICER)
    # When verifying it
    identity = verifier.verify(token, NOW)
    # Then it is an enterprise token for that USCC only: the issuer may not grant the officer scope
    assert identity.scopes == (SCOPE_ENTERPRISE,)
    assert identity.uscc == USCC


@pytest.mark.parametrize(("case", "reason"), [
    ("unconfigured issuer", "issuer"), ("wrong audience", "audience"), ("no audience", "audience"),
    ("expired", "expired"), ("bad signature", "signature"), ("id token", "token_use"),
    ("not a jwt", "malformed"), ("hs256", "malformed"), ("bad uscc", "uscc"), ("unknown key id", "signature"),
])
def test_refused_tokens_say_why(keys: Keys, verifier: TokenVerifier, case: str, reason: str) -> None:
    # Given a token wrong in one way
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens = {
        "unconfigured issuer": keys.token("https://elsewhere.example", token_use="access"),
        "wrong audience": keys.token(ENTERPRISES, aud="another-api", uscc=USCC),
        "no audience": keys.token(ENTERPRISES, uscc=USCC),
        "expired": keys.token(PARTNERS, token_use="access", lifetime=-1),
        "bad signature": keys.token(PARTNERS, key=other, token_use="access"),
        "id token": keys.token(PARTNERS, token_use="id"),
        "not a jwt": "not-a-jwt",
        "hs256": jwt.encode({"iss": PARTNERS, "exp": int(NOW.timestamp()) + 60}, "x" * 32, algorithm="HS256"),
        "bad uscc": keys.token(ENTERPRISES, aud="customs-credit", uscc="91110000600037341X"),
        "unknown key id": jwt.encode({"iss": PARTNERS, "exp": int(NOW.timestamp()) + 60, "token_use": "access"},
                                     keys.private[PARTNERS], algorithm="RS256", headers={"kid": "k9"}),
    }
    # When verifying it / Then it is refused for that reason
    assert refusal(verifier, tokens[case]) == reason


def test_expiry_follows_the_injected_clock(keys: Keys, verifier: TokenVerifier) -> None:
    # Given a token valid for an hour
    token = keys.token(PARTNERS, token_use="access", scope=SCOPE_EVENTS)
    # When the clock is 59 minutes on, then an hour on
    assert verifier.verify(token, NOW + timedelta(minutes=59)).scopes == (SCOPE_EVENTS,)
    # Then it is refused as expired at the hour
    assert refusal(verifier, token, NOW + timedelta(hours=1)) == "expired"


def test_jwks_is_fetched_once_and_refetched_only_for_a_new_key_after_a_pause(keys: Keys) -> None:
    # Given a cache on a controllable monotonic clock
    ticks = [0.0]
    cache = JwksCache(fetch=keys.fetch, monotonic=lambda: ticks[0])
    verifier = TokenVerifier(ISSUERS, cache)
    token = keys.token(PARTNERS, token_use="access", scope=SCOPE_EVENTS)
    rotated = jwt.encode({"iss": PARTNERS, "exp": int(NOW.timestamp()) + 60, "token_use": "access"},
                         keys.private[PARTNERS], algorithm="RS256", headers={"kid": "k2"})
    # When verifying twice, then a token with an unknown key id twice, then again after the pause
    verifier.verify(token, NOW)
    verifier.verify(token, NOW)
    refusal(verifier, rotated)
    refusal(verifier, rotated)
    fetched_before_pause = len(keys.fetched)
    ticks[0] = REFRESH_AFTER_S + 1
    refusal(verifier, rotated)
    # Then the set was fetched once for the known key, and again only after the pause
    assert fetched_before_pause == 1
    assert len(keys.fetched) == 2


def test_policy_opens_exactly_the_routes_of_the_tokens_scopes() -> None:
    # Given an events token's authorizer answer, computed on one method
    identity = Identity(issuer=PARTNERS, client_id="agency", scopes=(SCOPE_EVENTS,), uscc=None, expires_at=0)
    answer = authorizer_response(identity, arn("POST", "/v1/credit-events"))
    policy = answer["policyDocument"]
    # When API Gateway applies it (cached) to other methods
    # Then the events route is allowed, registration and the officer's audit check are not
    assert policy_allows(policy, arn("POST", "/v1/credit-events"))
    assert not policy_allows(policy, arn("POST", "/v1/enterprises"))
    assert not policy_allows(policy, arn("GET", f"/v1/enterprises/{USCC}/audit/verification"))
    assert answer["context"] == {"client_id": "agency", "scope": SCOPE_EVENTS, "uscc": "", "iss": PARTNERS,
                                 "token_use": "access"}


def test_handlers_read_the_authorizers_context_and_keep_an_enterprise_to_its_own_uscc() -> None:
    # Given the request context API Gateway builds from an enterprise token's authorizer answer
    identity = Identity(issuer=ENTERPRISES, client_id="e", scopes=(SCOPE_ENTERPRISE,), uscc=USCC, expires_at=0)
    context = authorizer_response(identity, arn("GET", f"/v1/enterprises/{USCC}"))["context"]
    route = find_route("GET", "/v1/enterprises/{uscc}")
    assert route is not None

    def request(uscc: str) -> dict[str, Any]:
        return {"requestContext": {"authorizer": {**context, "principalId": "e", "integrationLatency": 3}},
                "pathParameters": {"uscc": uscc}}

    # When it asks for its own record, then another enterprise's
    principal = authorize(route, request(USCC))
    # Then its own is admitted, the other refused
    assert principal.uscc == USCC
    with pytest.raises(Forbidden):
        authorize(route, request(OTHER_USCC))


def test_the_handler_answers_a_policy_or_the_401_error(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the authorizer function configured with the partner issuer, on a fake JWKS endpoint
    handler = handler_module("authorizer")
    monkeypatch.setenv(TOKEN_ISSUERS_VARIABLE, with_issuer("", Issuer(issuer=PARTNERS, jwks_uri=keys.jwks_uri(PARTNERS),
                                                                     token_use="access")))
    monkeypatch.setattr(handler, "keys", JwksCache(fetch=keys.fetch))
    from shared.adapters import clock

    monkeypatch.setattr(clock, "_installed", type("Fixed", (), {"now": staticmethod(lambda: NOW)})())
    good = keys.token(PARTNERS, token_use="access", scope=SCOPE_REGISTRY)
    expired = keys.token(PARTNERS, token_use="access", scope=SCOPE_REGISTRY, lifetime=-5)
    method = arn("POST", "/v1/enterprises")
    # When invoked with a valid token, an expired one and none
    answer = handler.lambda_handler({"type": "TOKEN", "authorizationToken": f"Bearer {good}", "methodArn": method},
                                    LambdaContext())
    failures = []
    for header in (f"Bearer {expired}", ""):
        with pytest.raises(handler.Unauthorized) as raised:
            handler.lambda_handler({"type": "TOKEN", "authorizationToken": header, "methodArn": method},
                                   LambdaContext())
        failures.append(raised.value)
    # Then the valid token gets the policy, the others API Gateway's one 401 error, named by reason
    assert policy_allows(answer["policyDocument"], method)
    assert [str(f) for f in failures] == ["Unauthorized", "Unauthorized"]
    assert [type(f).__name__ for f in failures] == ["UnauthorizedExpired", "UnauthorizedMissing"]
