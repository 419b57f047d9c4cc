"""The local runtime keeps what it acknowledged, and always stops when told: a write answered 2xx
survives `kill -9`; a busy emulator port ends start-up at once with a message that says what to do;
SIGTERM during start-up stops it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, alive, descendants_of, new_uscc, register, start, started

pytestmark = pytest.mark.e2e
HANG_GUARD_S = 60  # only against a hang; nothing is asserted about how long anything takes


def test_acknowledged_registrations_survive_kill_9(tmp_path: Path) -> None:
    # Given a runtime that answered 201 to five registrations (snapshots far apart: only the
    # journal can keep them)
    data = tmp_path / "data"
    first = start(data, "--save-every", "3600")
    usccs = [new_uscc() for _ in range(5)]
    try:
        for uscc in usccs:
            assert register(first.api, uscc).status == 201
    finally:
        # When it is killed with SIGKILL (no chance to save anything, nor to stop its workers)
        workers = descendants_of(first.process.pid)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=HANG_GUARD_S)
    assert first.process.returncode == -signal.SIGKILL
    # Then its worker processes (a zygote and the registry function's worker at least) end with it
    assert len(workers) >= 2
    deadline = time.monotonic() + HANG_GUARD_S
    while [pid for pid in workers if _running(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if _running(pid)] == []
    # Then, started again on the same data folder, all five are there
    with started(data) as second:
        officer = second.api.token("demo-officer")
        found = [second.api.get(f"/v1/enterprises/{uscc}", token=officer).status for uscc in usccs]
        assert found == [200] * 5, second.output()[-3000:]
    # And a third start (after the clean stop) still has them, from the snapshot alone
    with started(data) as third:
        officer = third.api.token("demo-officer")
        assert [third.api.get(f"/v1/enterprises/{u}", token=officer).status for u in usccs] == [200] * 5
        assert (data / "dynamodb.journal").read_text() == ""


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whichever process adopts it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return alive(pid) and sys.platform != "linux"


def _runtime_command(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "local", "--data-dir", str(data), *args]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "EMULATOR_PORT"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def test_busy_emulator_port_exits_with_a_message_naming_it(tmp_path: Path) -> None:
    # Given something already listening on the port the emulator wants
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        # When the runtime starts with that emulator port
        finished = subprocess.run(_runtime_command(tmp_path / "data", "--port", "0", "--emulator-port", str(port)),
                                  cwd=REPO, env=_env(), capture_output=True, text=True, timeout=HANG_GUARD_S)
    # Then it exits non-zero, naming the port and how to choose another
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0, output
    assert f"port {port}" in output
    assert "--emulator-port" in output
    assert "EMULATOR_PORT" in output
    assert "Traceback" not in output


def test_sigterm_during_start_up_stops_the_runtime(tmp_path: Path) -> None:
    # Given a runtime that is still starting (its API port answers before the stack is deployed)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / f"start-{uuid.uuid4().hex[:6]}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(_runtime_command(tmp_path / "data", "--port", str(port), "--emulator-port", "0"),
                                   cwd=REPO, env=_env(), stdout=sink, stderr=subprocess.STDOUT)
    try:
        while process.poll() is None:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
        # When it gets SIGTERM before it is up
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=HANG_GUARD_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # Then it abandoned start-up and stopped, and the port is free again
    output = log.read_text(errors="replace")
    assert not alive(process.pid)
    assert code == 128 + signal.SIGTERM, output[-3000:]
    assert "stopping during start-up (SIGTERM)" in output
    assert "Local runtime is up" not in output
    with socket.socket() as client:
        assert client.connect_ex(("127.0.0.1", port)) != 0
