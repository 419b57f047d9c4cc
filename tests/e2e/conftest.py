"""The local runtime as a partner meets it: `python -m local` in a subprocess on free ports with a
temporary data folder, driven over HTTP, stopped by PID with a signal."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import uscc as uscc_check

from tests.e2e.client import Api, Reply

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    api: Api
    emulator: str
    data_dir: Path
    log: Path
    healthy_after_s: float

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start(data_dir: Path, *extra: str) -> Running:
    if not (REPO / "cdk.out" / "manifest.json").exists():
        pytest.fail("cdk.out is missing: run `make synth` (make e2e does it first)")
    log = data_dir.parent / f"{data_dir.name}-{uuid.uuid4().hex[:6]}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONUNBUFFERED"] = "1"
    started = time.monotonic()
    # Port 0: the runtime binds free ports itself (no race with other processes) and prints them.
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "--port", "0", "--emulator-port", "0", "--data-dir", str(data_dir),
             *extra],
            cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        api_url, emulator_url = _announced_urls(process, log)
        api = Api(api_url)
        api.wait_healthy(START_TIMEOUT_S)
    except (TimeoutError, RuntimeError) as exc:
        process.kill()
        process.wait()
        pytest.fail(f"the runtime did not become healthy ({exc}):\n{log.read_text(errors='replace')[-4000:]}")
    return Running(process, api, emulator_url, data_dir, log, time.monotonic() - started)


_API_LINE = re.compile(r"^  API\s+(http://127\.0\.0\.1:\d+)/v1/", re.MULTILINE)
_EMULATOR_LINE = re.compile(r"^  AWS emulator\s+(http://127\.0\.0\.1:\d+)\s*$", re.MULTILINE)


def _announced_urls(process: subprocess.Popen[bytes], log: Path) -> tuple[str, str]:
    """The API and emulator URLs from the start-up banner."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        api, emulator = _API_LINE.search(text), _EMULATOR_LINE.search(text)
        if api and emulator:
            return api.group(1), emulator.group(1)
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        time.sleep(0.1)
    raise TimeoutError("no start-up banner")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def descendants_of(pid: int) -> list[int]:
    """Children, their children, ...: the runtime's function workers are children of its zygote."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        children = children_of(frontier.pop())
        found.extend(children)
        frontier.extend(children)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(running: Running, sig: int = signal.SIGTERM) -> int:
    """Signal the runtime by PID, wait, and assert that nothing it started is left."""
    children = descendants_of(running.process.pid) if sys.platform == "linux" else []
    running.process.send_signal(sig)
    try:
        code = running.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        running.process.kill()
        running.process.wait()
        raise AssertionError(f"the runtime ignored signal {sig}:\n{running.output()[-3000:]}") from None
    assert not alive(running.process.pid)
    assert [c for c in children if alive(c)] == []
    for base in (running.api.base, running.emulator):
        host, port = base.removeprefix("http://").split(":")
        with socket.socket() as probe:
            assert probe.connect_ex((host, int(port))) != 0, f"{base} still accepts connections"
    return code


@contextmanager
def started(data_dir: Path, *extra: str, sig: int = signal.SIGTERM) -> Iterator[Running]:
    """A runtime for the block, stopped with `sig` at its end (`stop` checks nothing is left)."""
    running = start(data_dir, *extra)
    try:
        yield running
    finally:
        assert stop(running, sig) == 0, running.output()[-3000:]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start(tmp_path_factory.mktemp("e2e") / "data", "--seed", "demo")
    try:
        yield running
    finally:
        if running.process.poll() is None:
            assert stop(running, signal.SIGINT) == 0, running.output()[-3000:]


@pytest.fixture
def api(runtime: Running) -> Api:
    return runtime.api


# What the journeys share: a new enterprise, an agency's report, waiting for what the bus does, clock travel.

def new_uscc() -> str:
    base = "91110108" + uuid.uuid4().hex[:9].upper()
    return base + uscc_check.calc_check_digit(base)


def registration(uscc: str) -> dict[str, object]:
    return {"uscc": uscc, "name": "E2E Trading Co., Ltd.", "registration_status": "REGISTERED",
            "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-05-01"}


def register(api: Api, uscc: str, key: str | None = None) -> Reply:
    return api.post("/v1/enterprises", registration(uscc), token=api.token("demo-registry"),
                    headers={"Idempotency-Key": key or str(uuid.uuid4())})


def report(api: Api, *events: dict[str, Any]) -> Reply:
    """POST /v1/credit-events as the demo agency, under a new idempotency key."""
    return api.post("/v1/credit-events", {"events": list(events)}, token=api.token("demo-events"),
                    headers={"Idempotency-Key": str(uuid.uuid4())})


def poll[T](read: Callable[[], T], until: Callable[[T], object], timeout: float = 20.0, every: float = 0.2) -> T:
    """`read()` again until `until` holds of its value or `timeout` seconds have passed: the last value
    read (what the bus and the schedules do happens after the request that caused it answered)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value) or time.monotonic() > deadline:
            return value
        time.sleep(every)


def wait_for_decisions(api: Api, uscc: str, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    def decisions() -> list[dict[str, Any]]:
        return list(api.get(f"/v1/enterprises/{uscc}/decisions", token=api.token("demo-officer")).json["items"])

    return poll(decisions, lambda items: len(items) >= count, timeout)


@contextmanager
def real_time_after(api: Api) -> Iterator[None]:
    """The runtime's clock back to real time at the end of the block, whatever happened in it."""
    try:
        yield
    finally:
        api.post("/_local/clock", {"now": None})
