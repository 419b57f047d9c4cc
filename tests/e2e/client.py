"""A partner's-eye HTTP client for the local runtime (standard library only)."""

from __future__ import annotations

import base64
import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    raw: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def headers_named(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    @property
    def text(self) -> str:
        return self.raw.decode()


@dataclass
class Api:
    base: str
    """`http://127.0.0.1:<port>`"""
    timeout: float = 30.0
    default_headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                token: str | None = None, raw: bytes | None = None, query: dict[str, Any] | None = None) -> Reply:
        host, port = self.base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
        sent = dict(self.default_headers)
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        if token:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        target = path + ("?" + urlencode(query, doseq=True) if query else "")
        try:
            connection.request(method, target, body=data, headers=sent)
            response = connection.getresponse()
            return Reply(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, body, **kwargs)

    def token(self, client_id: str, client_secret: str | None = None) -> str:
        reply = self.post("/_local/token", {"client_id": client_id,
                                            "client_secret": client_secret or f"{client_id}-secret"})
        assert reply.status == 200, reply.text
        return str(reply.json["access_token"])

    def form_token(self, client_id: str, client_secret: str) -> Reply:
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        return self.request("POST", "/_local/token", raw=b"grant_type=client_credentials",
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Authorization": f"Basic {basic}"})

    def wait_healthy(self, timeout: float = 30.0) -> float:
        """Seconds until /_local/health answered 200."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                if self.get("/_local/health").status == 200:
                    return time.monotonic() - started
            except (ConnectionError, OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.base} not healthy after {timeout} s")

