"""The README's walk-through, run as a newcomer runs it: a fresh `git clone` of this repository's HEAD,
`make local` in it, then the README's shell blocks marked `<!-- walkthrough -->`, verbatim, in one
bash session. Each `curl` call's HTTP status is recorded and compared with the `# → <status>` the
README prints at the end of that call.

Two things are not a newcomer's: the clone reuses this checkout's `.venv` and `.layer` (symlinks, and
`make -o` so that make takes them as built and reinstalls nothing; it still synthesizes), and
`localhost:3000` is rewritten to the port the runtime announced (`make local PORT=0` picks a free one,
so the test never collides with a runtime someone else has on 3000). The clone is of HEAD: commit a
README change before running this test."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.client import Api

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 240.0  # includes `make local` synthesizing the clone's CDK app
_MARKED_BLOCK = re.compile(r"<!-- walkthrough -->\s*```sh\n(.*?)```", re.DOTALL)
_EXPECTED = re.compile(r"#\s*→\s*(\d{3})")
_API_LINE = re.compile(r"^  API\s+(http://127\.0\.0\.1:\d+)/v1/", re.MULTILINE)
# Every curl call writes its status to stderr, so the README's own pipelines are untouched.
_RECORD_STATUS = "curl() { command curl -w '%{stderr}HTTP %{http_code} %{method} %{url_effective}\\n' \"$@\"; }\n"


def walkthrough_blocks(readme: str) -> list[str]:
    return _MARKED_BLOCK.findall(readme)


def test_the_readme_marks_a_walkthrough_with_an_expected_status_per_call() -> None:
    blocks = walkthrough_blocks((REPO / "README.md").read_text())
    assert len(blocks) >= 5
    script = "\n".join(blocks)
    calls = re.findall(r"\bcurl\b", script)
    assert len(calls) == len(_EXPECTED.findall(script)) >= 9
    for path in ("/_local/token", "/v1/enterprises", "/v1/credit-events", "/credit", "/decisions", "/v1/docs"):
        assert path in script, path


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for built in (REPO / ".venv" / ".synced", REPO / ".layer" / ".built"):
        if not built.exists():
            pytest.fail(f"{built.relative_to(REPO)} is missing: run `make synth` first (make test does)")
    clone = tmp_path_factory.mktemp("newcomer") / "repo"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to(REPO / ".venv")
    (clone / ".layer").symlink_to(REPO / ".layer")
    return clone


@pytest.fixture(scope="module")
def make_local(fresh_clone: Path) -> Iterator[Api]:
    log = fresh_clone.parent / "make-local.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    data = fresh_clone.parent / "data"
    with log.open("wb") as sink:
        # Its own session, so the signal reaches make's child (the runtime) as Ctrl-C would.
        process = subprocess.Popen(
            ["make", "-o", ".venv/.synced", "-o", ".layer/.built", "local", "PORT=0",
             f"ARGS=--fresh --emulator-port 0 --data-dir {data}"],
            cwd=fresh_clone, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        api = Api(_announced_api(process, log))
        api.wait_healthy(START_TIMEOUT_S)
        yield api
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(data, ignore_errors=True)


def _announced_api(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        found = _API_LINE.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            pytest.fail(f"make local exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)
    pytest.fail(f"make local announced no API within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-4000:]}")


def test_the_walkthrough_runs_verbatim_in_a_fresh_clone(fresh_clone: Path, make_local: Api) -> None:
    # Given the README's walk-through as the clone has it, pointed at the runtime make local started
    script = "\n".join(walkthrough_blocks((fresh_clone / "README.md").read_text()))
    expected = [int(s) for s in _EXPECTED.findall(script)]
    runnable = script.replace("localhost:3000", make_local.base.removeprefix("http://"))
    # When it runs in one bash session, in the clone, as a newcomer would paste it
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", _RECORD_STATUS + runnable], cwd=fresh_clone,
                         capture_output=True, text=True, timeout=120)
    calls = [line.split(" ", 3)[1:] for line in run.stderr.splitlines() if line.startswith("HTTP ")]
    report = "\n".join(" ".join(c) for c in calls) + f"\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    # Then every command succeeds and every call answers the status the README says
    assert run.returncode == 0, report
    assert [int(status) for status, _, _ in calls] == expected, report
    # ... and what it printed is what the README describes (the title of the contract, the root's links)
    assert "China Customs enterprise credit API" in run.stdout
    assert "/v1/docs" in run.stdout
