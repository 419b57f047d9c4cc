"""Before the stack is deployed the runtime already listens, and says it is not ready."""

from __future__ import annotations

from pathlib import Path

from local.runtime import Options, Runtime
from tests.e2e.client import Api
from tests.integration.local_runtime.conftest import FIXTURE_ASSEMBLY


def test_health_is_503_until_deployed(tmp_path: Path) -> None:
    # Given a runtime whose HTTP server listens but whose stack is not deployed yet
    runtime = Runtime(Options(port=0, emulator_port=0, data_dir=tmp_path, cdk_out=FIXTURE_ASSEMBLY, warm=False))
    runtime.http.start()
    try:
        api = Api(f"http://127.0.0.1:{runtime.http.port}")
        # When asking for health, a local route and an API route
        health = api.get("/_local/health")
        token = api.post("/_local/token", {"client_id": "demo-registry", "client_secret": "demo-registry-secret"})
        route = api.get("/v1/anything")
        # Then all three say "not yet" (503 problems with Retry-After), with a correlation id
        assert health.status == 503
        assert health.json["status"] == "starting"
        for reply in (token, route):
            assert reply.status == 503
            assert reply.header("Content-Type") == "application/problem+json"
            assert reply.header("Retry-After") == "1"
            assert reply.header("x-correlation-id")
    finally:
        runtime.http.stop()
