"""The runtime's HTTP server stops whether or not it was started: the port listens from
construction, so SIGTERM during start-up can stop it before `start()`."""

from __future__ import annotations

import socket
import threading

from local.http_server import HttpServer


def _app(environ: object, start_response: object) -> list[bytes]:
    return []


def _stops_within(server: HttpServer, seconds: float) -> bool:
    stopper = threading.Thread(target=server.stop, daemon=True)
    stopper.start()
    stopper.join(seconds)
    return not stopper.is_alive()


def test_a_server_never_started_stops_and_frees_its_port() -> None:
    server = HttpServer(_app, "127.0.0.1", 0)
    assert _stops_within(server, 5.0)  # before the fix: shutdown() waited forever
    with socket.socket() as client:
        assert client.connect_ex(("127.0.0.1", server.port)) != 0


def test_a_started_server_stops_and_frees_its_port() -> None:
    server = HttpServer(_app, "127.0.0.1", 0)
    server.start()
    assert _stops_within(server, 5.0)
    with socket.socket() as client:
        assert client.connect_ex(("127.0.0.1", server.port)) != 0
