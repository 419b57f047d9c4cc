"""Opaque `next_token` pagination (`limit` default 50, max 500)."""

from __future__ import annotations

import base64
import json
from typing import Any

from shared.domain.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_token(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_token(token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("next_token is not a token this API issued",
                               errors=[{"loc": ["query", "next_token"], "msg": "invalid token"}]) from exc
    if not isinstance(value, dict):
        raise ValidationFailed("next_token is not a token this API issued",
                               errors=[{"loc": ["query", "next_token"], "msg": "invalid token"}])
    return value
