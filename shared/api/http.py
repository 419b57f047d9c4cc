"""Small readers over the API Gateway REST (v1) proxy event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def header(event: Mapping[str, Any], name: str) -> str | None:
    """Case-insensitive header lookup over `headers` and `multiValueHeaders` (first value)."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted and value is not None:
            return str(value)
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted and values:
            return str(values[0])
    return None


def set_header(response: dict[str, Any], name: str, value: str) -> None:
    headers = response.get("headers") or {}
    headers[name] = value
    response["headers"] = headers
    multi = response.get("multiValueHeaders")
    if isinstance(multi, dict):
        multi[name] = [value]


def replace_header(event: dict[str, Any], name: str, value: str) -> None:
    """Set a request header in both of the event's header maps, whatever case it came in."""
    wanted = name.lower()
    for bucket, new in (("headers", value), ("multiValueHeaders", [value])):
        headers = event.get(bucket)
        if not isinstance(headers, dict):
            continue
        for key in [k for k in headers if k.lower() == wanted]:
            del headers[key]
        headers[name] = new
