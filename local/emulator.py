"""The in-process AWS emulator: one moto server on loopback serving every service the stack uses,
and the process environment that points boto3 (handlers included) at it."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


@dataclass
class Emulator:
    host: str
    port: int
    region: str
    account: str = DEFAULT_ACCOUNT
    _server: Any = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        # moto logs every request through werkzeug and warns for each unsupported template
        # resource; the runtime prints one summary instead.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        logging.getLogger("moto").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.port = int(self._server.get_host_and_port()[1])
        point_process_at(self)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self, service: str) -> Any:
        return _clients(self.endpoint, self.region).get(service)

    @cached_property
    def clients(self) -> _Clients:
        return _clients(self.endpoint, self.region)


def point_process_at(emulator: Emulator) -> None:
    """Every boto3 client created in this process (handlers, moto's Step Functions service
    integrations, ours) talks to the emulator with dummy credentials."""
    os.environ.update(DUMMY_CREDENTIALS)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_SECURITY_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    os.environ["AWS_ENDPOINT_URL"] = emulator.endpoint
    os.environ["AWS_REGION"] = emulator.region
    os.environ["AWS_DEFAULT_REGION"] = emulator.region
    # moto's Step Functions interpreter calls services at http://localhost:$MOTO_PORT.
    os.environ["MOTO_PORT"] = str(emulator.port)
    os.environ["MOTO_ACCOUNT_ID"] = emulator.account


class _Clients:
    def __init__(self, endpoint: str, region: str) -> None:
        self.endpoint = endpoint
        self.region = region
        self._cache: dict[str, Any] = {}

    def get(self, service: str) -> Any:
        client = self._cache.get(service)
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.session.Session().client(
                service, endpoint_url=self.endpoint, region_name=self.region,
                aws_access_key_id="local", aws_secret_access_key="local",
                config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=120),
            )
            self._cache[service] = client
        return client


_registry: dict[tuple[str, str], _Clients] = {}


def _clients(endpoint: str, region: str) -> _Clients:
    key = (endpoint, region)
    if key not in _registry:
        _registry[key] = _Clients(endpoint, region)
    return _registry[key]
