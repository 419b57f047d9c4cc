"""The in-process AWS emulator: one moto server on loopback serving every service the stack uses,
and the process environment that points boto3 (handlers included) at it."""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
START_TIMEOUT_S = 15.0


class EmulatorPortInUse(OSError):
    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"port {port} on {host}, where the AWS emulator listens, is in use ({reason})")
        self.host = host
        self.port = port


def ensure_free(host: str, port: int) -> None:
    """Bind and release `port` as werkzeug would (SO_REUSEADDR): moto's server thread would
    otherwise print "Port ... is in use", exit the thread and leave start-up waiting forever."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise EmulatorPortInUse(host, port, exc.strerror or str(exc)) from None
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
    def running(self) -> bool:
        return self._server is not None and getattr(self._server, "_server", None) is not None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        # moto logs every request through werkzeug and warns for each unsupported template
        # resource; the runtime prints one summary instead.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        logging.getLogger("moto").setLevel(logging.ERROR)
        ensure_free(self.host, self.port)
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        # Its start() waits without a timeout for a server thread that may have died: wait here instead.
        starter = threading.Thread(target=self._server.start, name="emulator-start", daemon=True)
        starter.start()
        starter.join(START_TIMEOUT_S)
        if starter.is_alive():
            raise RuntimeError(f"the AWS emulator did not start listening on {self.endpoint} "
                               f"within {START_TIMEOUT_S:.0f} s")
        self.port = int(self._server.get_host_and_port()[1])
        self._point_process_here()
        from local import moto_patches

        # moto's Step Functions integrations address the emulator as localhost.
        moto_patches.install_in_process_transport(
            (self.endpoint, f"http://localhost:{self.port}"), self.region)

    def stop(self) -> None:
        from local import moto_patches

        moto_patches.remove_in_process_transport()
        server, self._server = self._server, None
        if server is not None and getattr(server, "_server", None) is not None:  # it did start
            server.stop()

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
