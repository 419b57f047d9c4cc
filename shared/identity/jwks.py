"""Signing keys of the configured issuers: fetched from each issuer's JWKS URI on first use, kept
for the life of the execution environment, and fetched again when a token names a key id the cache
does not hold (the issuer rotated its keys), at most once per `REFRESH_AFTER_S` per issuer, so a
stream of tokens with made-up key ids cannot turn the authorizer into a request amplifier."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FETCH_TIMEOUT_S = 3.0
REFRESH_AFTER_S = 60.0
MAX_JWKS_BYTES = 256 * 1024

Fetch = Callable[[str], dict[str, Any]]


class KeysUnavailable(Exception):
    """The issuer's JWKS could not be fetched or read (the token cannot be verified now)."""


def fetch_json(url: str) -> dict[str, Any]:
    if not url.startswith(("https://", "http://")):
        raise KeysUnavailable(f"JWKS URI {url} is not an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:  # scheme checked above
            body = response.read(MAX_JWKS_BYTES + 1)
    except OSError as exc:
        raise KeysUnavailable(f"fetching {url} failed: {exc}") from exc
    if len(body) > MAX_JWKS_BYTES:
        raise KeysUnavailable(f"{url} answered more than {MAX_JWKS_BYTES} bytes")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise KeysUnavailable(f"{url} did not answer JSON") from exc
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeysUnavailable(f"{url} did not answer a JWK set")
    return document


@dataclass
class _Entry:
    keys: dict[str, dict[str, Any]]
    fetched_at: float


@dataclass
class JwksCache:
    fetch: Fetch = fetch_json
    monotonic: Callable[[], float] = time.monotonic
    fetches: int = 0
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, jwks_uri: str, kid: str | None) -> dict[str, Any] | None:
        """The JWK with `kid` (or the only key, when the token names none), or None if the issuer
        does not publish it. Raises KeysUnavailable when the set cannot be fetched."""
        with self._lock:
            entry = self._entries.get(jwks_uri)
            found = _pick(entry, kid)
            if found is not None:
                return found
            if entry is not None and self.monotonic() - entry.fetched_at < REFRESH_AFTER_S:
                return None
            document = self.fetch(jwks_uri)
            self.fetches += 1
            keys = {str(k.get("kid", "")): k for k in document["keys"] if isinstance(k, dict)}
            entry = self._entries[jwks_uri] = _Entry(keys, self.monotonic())
            return _pick(entry, kid)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _pick(entry: _Entry | None, kid: str | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    if kid is None:
        return next(iter(entry.keys.values())) if len(entry.keys) == 1 else None
    return entry.keys.get(kid)
