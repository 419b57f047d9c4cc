"""The loopback HTTP server in front of the gateway and the `/_local` routes (werkzeug, threaded)."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _RequestHandler(WSGIRequestHandler):
    def make_environ(self) -> Any:
        environ = super().make_environ()
        # WSGI folds repeated headers into one comma-joined value; API Gateway's multiValueHeaders
        # keeps each line, so the raw list travels alongside.
        environ["local.raw_headers"] = list(self.headers.items())
        return environ

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return  # one line per request would drown the handlers' own logs


class HttpServer:
    def __init__(self, app: Any, host: str, port: int) -> None:
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True, request_handler=_RequestHandler)
        self._server.daemon_threads = True  # type: ignore[attr-defined]
        self.host = host
        self.port = int(self._server.server_port)
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"http-{self.port}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        # The port listens from construction, so a stop can come (SIGTERM during start-up) before
        # start(): shutdown() would then wait forever for a serve_forever that never ran.
        started = self._thread.ident is not None
        if started:
            self._server.shutdown()
        self._server.server_close()
        if started:
            self._thread.join(timeout=5)
