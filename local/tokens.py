"""OAuth 2.0 client-credentials, locally: client records and signed access tokens shaped like
Cognito's (RS256 JWT, `token_use: access`, space-separated `scope`, `client_id`, `iss`, `exp`,
`iat`, `jti`, plus `uscc` for enterprise clients, as the pool's pre-token-generation trigger adds
in AWS). Signed and verified with PyJWT; the key is generated once per data folder and kept there.
Times come from the runtime clock, so time travel expires tokens as it would in AWS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from local.api_model import authorizer_functions
from local.assembly import Assembly
from shared.identity.issuers import TOKEN_ISSUERS_VARIABLE, Issuer, with_issuer

TOKEN_LIFETIME_S = 3600
ALGORITHM = "RS256"


class TokenError(Exception):
    """Why a token is refused: `reason` is `missing`, `invalid` or `expired`; `detail` is API
    Gateway's own message ("Unauthorized", "The incoming token has expired"); `explanation` says
    what was wrong and what to send, naming nothing secret (no token, no key material; the issuer
    and the runtime's clock are public)."""

    def __init__(self, reason: str, detail: str, explanation: str = "") -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.explanation = explanation

    @property
    def explained(self) -> str:
        return f"{self.detail}: {self.explanation}" if self.explanation else self.detail


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    uscc: str | None = None
    name: str = ""
    demo: bool = False

    def public(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "client_secret": self.client_secret, "scopes": list(self.scopes),
                "uscc": self.uscc, "name": self.name, "demo": self.demo}


@dataclass
class ClientRegistry:
    """Demo clients (stable, documented) plus the ones created through `POST /_local/clients`,
    which are kept in `<data>/clients.json`."""

    path: Path
    demo: tuple[Client, ...]
    _created: dict[str, Client] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.path.exists():
            for raw in json.loads(self.path.read_text()).get("clients", []):
                client = Client(raw["client_id"], raw["client_secret"], tuple(raw["scopes"]), raw.get("uscc"),
                                raw.get("name", ""))
                self._created[client.client_id] = client

    def all(self) -> list[Client]:
        return [*self.demo, *self._created.values()]

    def get(self, client_id: str) -> Client | None:
        for client in self.demo:
            if client.client_id == client_id:
                return client
        return self._created.get(client_id)

    def authenticate(self, client_id: str, client_secret: str) -> Client | None:
        client = self.get(client_id)
        if client is None or not hmac.compare_digest(client.client_secret.encode(), client_secret.encode()):
            return None
        return client

    def create(self, scopes: tuple[str, ...], uscc: str | None, name: str) -> Client:
        client = Client(client_id="local-" + secrets.token_hex(8), client_secret=secrets.token_urlsafe(24),
                        scopes=scopes, uscc=uscc, name=name)
        with self._lock:
            self._created[client.client_id] = client
            self._save()
        return client

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        records = [{k: v for k, v in asdict(c).items() if k != "demo"} for c in self._created.values()]
        partial.write_text(json.dumps({"clients": records}, indent=2))
        os.replace(partial, self.path)


def load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, rsa.RSAPrivateKey):
            return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


class TokenIssuer:
    def __init__(self, key: rsa.RSAPrivateKey, issuer: str, now: Callable[[], datetime],
                 lifetime_s: int = TOKEN_LIFETIME_S) -> None:
        self._key = key
        self._public = key.public_key()
        public_der = self._public.public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
        self.key_id = hashlib.sha256(public_der).hexdigest()[:16]
        self.issuer = issuer
        self.now = now
        self.lifetime_s = lifetime_s

    def issue(self, client: Client, scopes: tuple[str, ...] | None = None) -> dict[str, Any]:
        issued = int(self.now().timestamp())
        granted = scopes if scopes is not None else client.scopes
        claims: dict[str, Any] = {
            "sub": client.client_id,
            "token_use": "access",
            "scope": " ".join(granted),
            "auth_time": issued,
            "iss": self.issuer,
            "exp": issued + self.lifetime_s,
            "iat": issued,
            "version": 2,
            "jti": str(uuid.uuid4()),
            "client_id": client.client_id,
        }
        if client.uscc:
            claims["uscc"] = client.uscc
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.key_id})
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime_s}

    def verify(self, token: str | None) -> dict[str, Any]:
        if not token:
            raise TokenError("missing", "Unauthorized",
                             "no token: send 'Authorization: Bearer <access_token>' (POST /_local/token issues one)")
        try:
            # Expiry is checked below against the runtime clock, not the wall clock.
            claims: dict[str, Any] = jwt.decode(
                token, self._public, algorithms=[ALGORITHM], issuer=self.issuer,
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                         "require": ["exp", "iat", "client_id", "token_use"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise TokenError("invalid", "Unauthorized",
                             "the token's signature does not verify with this runtime's signing key "
                             "(issued by another runtime or data folder, or altered); get a new token") from exc
        except jwt.InvalidIssuerError as exc:
            raise TokenError("invalid", "Unauthorized",
                             f"the token was issued by another issuer; this runtime accepts {self.issuer}") from exc
        except jwt.InvalidAlgorithmError as exc:
            raise TokenError("invalid", "Unauthorized", f"the token is not signed with {ALGORITHM}") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise TokenError("invalid", "Unauthorized",
                             f"the token lacks the '{exc.claim}' claim of an access token") from exc
        except jwt.DecodeError as exc:
            raise TokenError("invalid", "Unauthorized",
                             "the bearer token is not a well-formed JWT (three base64url parts: header, claims, "
                             "signature)") from exc
        except jwt.PyJWTError as exc:
            raise TokenError("invalid", "Unauthorized", "the token's claims are not valid") from exc
        if claims.get("token_use") != "access":
            raise TokenError("invalid", "Unauthorized", "an access token is required (token_use must be 'access')")
        now = int(self.now().timestamp())
        if int(claims["exp"]) <= now:
            expired_at = datetime.fromtimestamp(int(claims["exp"]), UTC).isoformat()
            raise TokenError("expired", "The incoming token has expired",
                             f"it expired at {expired_at}; the runtime's clock reads "
                             f"{datetime.fromtimestamp(now, UTC).isoformat()}; get a new token")
        return claims

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._public))
        jwk.update(kid=self.key_id, alg=ALGORITHM, use="sig")
        return {"keys": [jwk]}


def local_issuer(tokens: TokenIssuer, base_url: str) -> Issuer:
    """This runtime's issuer as a row of the authorizer's configuration: its JWKS is served at
    `/_local/.well-known/jwks.json`; it issues partner and enterprise tokens alike (`uscc`)."""
    return Issuer(name="local", issuer=tokens.issuer, jwks_uri=f"{base_url}/_local/.well-known/jwks.json",
                  token_use="access", uscc_claim="uscc")


def trust_local_issuer(lambda_client: Any, cloud: Assembly, physical_ids: dict[str, str], issuer: Issuer) -> None:
    """Add `issuer` to the `TOKEN_ISSUERS` of every deployed authorizer function: the template's
    issuers stay trusted (the authorizer's code path is AWS's), and this runtime's tokens are too."""
    for logical in authorizer_functions(cloud):
        name = physical_ids.get(logical)
        if not name:
            continue
        variables = dict((lambda_client.get_function_configuration(FunctionName=name).get("Environment") or {})
                         .get("Variables") or {})
        variables[TOKEN_ISSUERS_VARIABLE] = with_issuer(variables.get(TOKEN_ISSUERS_VARIABLE, ""), issuer)
        lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": variables})


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway's Cognito authorizer passes them to a REST proxy integration: every
    value a string, instants in the Java date format API Gateway uses."""
    rendered: dict[str, str] = {}
    for key, value in claims.items():
        if key in {"exp", "iat", "auth_time"} and isinstance(value, int):
            rendered[key] = datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, list | dict):
            rendered[key] = json.dumps(value)
        else:
            rendered[key] = str(value)
    return rendered
