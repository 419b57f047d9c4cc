"""The in-process AWS emulator: one moto server on loopback serving every service the stack uses,
and the process environment that points boto3 (handlers included) at it."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


class Emulator:
    def __init__(self, host: str, port: int, region: str, account: str = DEFAULT_ACCOUNT) -> None:
        self.host = host
        self.port = port
        self.region = region
        self.account = account
        self._server: Any = None
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

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
        self._point_process_here()
        from local import moto_patches

        # moto's Step Functions integrations address the emulator as localhost.
        moto_patches.install_in_process_transport(
            (self.endpoint, f"http://localhost:{self.port}"), self.region)

    def stop(self) -> None:
        from local import moto_patches

        moto_patches.remove_in_process_transport()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self, service: str) -> Any:
        """A boto3 client on the emulator, one per service (boto3 clients are thread-safe)."""
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                import boto3
                from botocore.config import Config

                session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local",
                                                region_name=self.region)
                client = session.client(  # type: ignore[call-overload]
                    service, endpoint_url=self.endpoint,
                    config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=120))
                self._clients[service] = client
            return client

    def _point_process_here(self) -> None:
        """Every boto3 client created in this process (handlers, moto's Step Functions service
        integrations) talks to the emulator with dummy credentials."""
        os.environ.update(DUMMY_CREDENTIALS)
        for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE"):
            os.environ.pop(name, None)
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint
        os.environ["AWS_REGION"] = self.region
        os.environ["AWS_DEFAULT_REGION"] = self.region
        # moto's Step Functions interpreter calls services at http://localhost:$MOTO_PORT.
        os.environ["MOTO_PORT"] = str(self.port)
        os.environ["MOTO_ACCOUNT_ID"] = self.account
