"""Local runtime figures (`make bench` section; also `python -m scripts.bench_local`), printed and
never asserted:

- time from start to healthy: `python -m local` (installed, synthesized), and `make local` (which
  also checks the install and the synthesis are up to date);
- p50/p95 of 200 sequential `GET /v1/enterprises/{uscc}` and `POST /v1/enterprises`, and of 200
  pages of 50 of the national disclosure feed (`GET /v1/disclosures`) with 200 records on it;
- resident memory idle, and with 50 Step Functions executions waiting for a callback;
- `GET /v1/enterprises/{uscc}/credit` (the public credit view) from 8 concurrent keep-alive clients,
  requests/s and p95, next to 1 client: functions run in worker processes (`local/workers.py`), so
  concurrent requests run concurrently; and the memory of the runtime with its zygote and workers
  (RSS summed, and PSS, which counts the pages they share once), idle before and after that run;
- restoration receipt → decision: p50/p95 of 30 sequential `POST /v1/restorations` (kind DISCLOSURE),
  from sending the POST to the first `GET /v1/restorations/{id}` that no longer answers RECEIVED (the
  review runs asynchronously: bus rule → `restoration_review`); polled every 5 ms.
- what the write journal (`local/journal.py`, what makes a 2xx survive `kill -9`) costs: its
  journaled writes per `POST /v1/enterprises`, times the time to journal one of those writes
  (append and flush, measured on the run's own journal lines).

Targets (the issue): healthy <= 15 s; GET p50 <= 15 ms; POST p50 <= 40 ms; RSS <= 400 MB idle.
Everything runs on loopback, on free ports, in a temporary data folder, and is stopped at the end.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REQUESTS = 200
RESTORATIONS = 30
RESTORATION_POLL_S = 0.005
WAITING_EXECUTIONS = 50
EVENTS_PER_POST = 25
"""Credit events per POST when filling the feed: a batch of 100 (the API's most) takes the ingestion
function 8-9 s in the local emulator on a busy 2-core machine, against its 10 s Timeout, which the
local runtime enforces as Lambda does (the bench measures the feed, not that edge)."""
TARGETS = {"healthy_s": 15.0, "get_p50_ms": 15.0, "post_p50_ms": 40.0, "rss_idle_mb": 400.0}

CALLBACK_HANDLER = "def lambda_handler(event, context):\n    return {'ok': True}\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Http:
    """One keep-alive connection, as a partner's HTTP client would hold."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
        response = self.connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None


def _wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 120.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the runtime exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/_local/health")
            if connection.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError("not healthy")


def _start(command: list[str], port: int, log: Path) -> tuple[subprocess.Popen[bytes], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    _wait_healthy(port, process)
    return process, time.monotonic() - started


def _stop(process: subprocess.Popen[bytes]) -> None:
    # `make` runs python as a child: signal the whole session (both were started by this script).
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _runtime_pid(port: int) -> int:
    """The Python process listening on `port` (under `make`, the child of make)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            inode = fields[9]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return int(entry.name)
        except OSError:
            continue
    raise LookupError(f"no process listens on {port}")


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "Threads"}:
            values[key] = int(rest.split()[0])
    return values


def _descendants(pid: int) -> list[int]:
    """The runtime's worker zygote and the workers it forked."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(parent, []).append(int(entry.name))
    found, frontier = [], [pid]
    while frontier:
        children = parents.get(frontier.pop(), [])
        found.extend(children)
        frontier.extend(children)
    return found


def _tree_memory(pid: int) -> dict[str, float]:
    """RSS and PSS (MB) of the runtime plus its zygote and workers, and how many processes that is."""
    rss = pss = 0
    processes = [pid, *_descendants(pid)]
    for member in processes:
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key == "Rss":
                    rss += int(rest.split()[0])
                elif key == "Pss":
                    pss += int(rest.split()[0])
        except OSError:
            continue
    return {"rss_mb": rss / 1024, "pss_mb": pss / 1024, "processes": float(len(processes))}


CREDIT_VIEW = "/v1/enterprises/91110000600037341L/credit"
CONCURRENT_CLIENTS = 8
REQUESTS_PER_CLIENT = 60


def _credit_view_load(port: int, clients: int, per_client: int) -> dict[str, float]:
    """`clients` keep-alive clients, each sending `per_client` GETs of the credit view back to back."""
    samples: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        http = _Http(port)
        http.call("GET", CREDIT_VIEW)  # this client's connection open, a worker warm
        barrier.wait()
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            status, _ = http.call("GET", CREDIT_VIEW)
            mine.append((time.perf_counter() - started) * 1000)
            if status != 200:
                failures.append(status)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert not failures, failures
    return {"rps": len(samples) / elapsed, "p50_ms": _percentile(samples, 0.5), "p95_ms": _percentile(samples, 0.95)}


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _uscc(index: int) -> str:
    from stdnum.cn import uscc

    base = f"91110108{uuid.uuid4().hex[:5].upper()}{index:04d}"
    return base + uscc.calc_check_digit(base)


def _latency(port: int) -> dict[str, float]:
    client = _Http(port)
    _, officer = client.call("POST", "/_local/token",
                             {"client_id": "demo-officer", "client_secret": "demo-officer-secret"})
    _, registry = client.call("POST", "/_local/token",
                              {"client_id": "demo-registry", "client_secret": "demo-registry-secret"})
    get_headers = {"Authorization": f"Bearer {officer['access_token']}"}
    post_auth = f"Bearer {registry['access_token']}"
    client.call("GET", "/v1/enterprises/91110000600037341L", headers=get_headers)  # first-request import
    gets = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        status, _ = client.call("GET", "/v1/enterprises/91110000600037341L", headers=get_headers)
        gets.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    posts = []
    registered: list[str] = []
    for index in range(REQUESTS):
        body = {"uscc": _uscc(index), "name": f"Bench {index} Co., Ltd.", "registration_status": "REGISTERED",
                "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01"}
        started = time.perf_counter()
        status, _ = client.call("POST", "/v1/enterprises", body,
                                headers={"Authorization": post_auth, "Idempotency-Key": str(uuid.uuid4())})
        posts.append((time.perf_counter() - started) * 1000)
        assert status == 201, status
        registered.append(str(body["uscc"]))
    feed = _feed_latency(client, registered)
    return {"get_p50_ms": _percentile(gets, 0.5), "get_p95_ms": _percentile(gets, 0.95),
            "post_p50_ms": _percentile(posts, 0.5), "post_p95_ms": _percentile(posts, 0.95), **feed}


def _feed_latency(client: _Http, usccs: list[str]) -> dict[str, float]:
    """A GENERAL penalty for each enterprise, then pages of 50 of the national feed, sequentially."""
    from datetime import date, timedelta

    _, events = client.call("POST", "/_local/token",
                            {"client_id": "demo-events", "client_secret": "demo-events-secret"})
    auth = f"Bearer {events['access_token']}"
    decided = (date.today() - timedelta(days=30)).isoformat()
    for start in range(0, len(usccs), EVENTS_PER_POST):
        batch = [{"event_id": f"bench-{uscc}", "uscc": uscc, "type": "SMUGGLING_PENALTY",
                  "business_line": "OWN_ACCOUNT", "decided_on": decided, "penalty_kind": "FINE",
                  "amount_cny": "50000.00", "document_no": "BENCH-1", "authority": "Bench Customs"}
                 for uscc in usccs[start:start + EVENTS_PER_POST]]
        status, _ = client.call("POST", "/v1/credit-events", {"events": batch},
                                headers={"Authorization": auth, "Idempotency-Key": str(uuid.uuid4())})
        assert status == 202, status
    deadline = time.monotonic() + 180
    shown = 0
    while time.monotonic() < deadline:  # evaluations run asynchronously (the bus delivers them)
        _, page = client.call("GET", "/v1/disclosures?limit=500")
        shown = len(page["items"])
        if shown >= len(usccs):
            break
        time.sleep(0.5)
    pages = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        status, page = client.call("GET", "/v1/disclosures?limit=50")
        pages.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    return {"feed_p50_ms": _percentile(pages, 0.5), "feed_p95_ms": _percentile(pages, 0.95), "feed_records": shown}


def _restoration_latency(port: int) -> dict[str, float]:
    """Receipt → decision of record restorations on one enterprise with one penalty per application."""
    client = _Http(port)
    token = {k: client.call("POST", "/_local/token", {"client_id": k, "client_secret": f"{k}-secret"})[1]
             ["access_token"] for k in ("demo-registry", "demo-events")}
    uscc = _uscc(9999)
    status, _ = client.call("POST", "/v1/enterprises",
                            {"uscc": uscc, "name": "Bench restoration Co., Ltd.", "registration_status": "REGISTERED",
                             "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01"},
                            headers={"Authorization": f"Bearer {token['demo-registry']}",
                                     "Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, status
    _, own = client.call("POST", "/_local/clients", {"scopes": ["credit/enterprise"], "uscc": uscc})
    _, own_token = client.call("POST", "/_local/token", {"client_id": own["client_id"],
                                                         "client_secret": own["client_secret"]})
    auth = {"Authorization": f"Bearer {own_token['access_token']}"}
    events = [{"event_id": f"BENCH-PEN-{i}", "uscc": uscc, "type": "SMUGGLING_PENALTY",
               "business_line": "OWN_ACCOUNT", "decided_on": "2026-04-15", "penalty_kind": "FINE",
               "amount_cny": "250000.00", "document_no": f"BENCH-{i}", "authority": "Bench Customs"}
              for i in range(RESTORATIONS)]
    status, _ = client.call("POST", "/v1/credit-events", {"events": events},
                            headers={"Authorization": f"Bearer {token['demo-events']}",
                                     "Idempotency-Key": str(uuid.uuid4())})
    assert status == 202, status
    time.sleep(2)  # let the evaluation of the penalties finish first
    documents = [{"type": "FULFILMENT_PROOF", "reference": "p"}, {"type": "COMMITMENT_LETTER", "reference": "l"}]
    samples, outcomes = [], []
    for event in events:
        started = time.perf_counter()
        status, created = client.call("POST", "/v1/restorations",
                                      {"uscc": uscc, "kind": "DISCLOSURE", "event_ids": [event["event_id"]],
                                       "documents": documents}, headers={**auth, "Idempotency-Key": str(uuid.uuid4())})
        assert status == 201, (status, created)
        while True:
            _, body = client.call("GET", f"/v1/restorations/{created['restoration_id']}", headers=auth)
            if body["status"] != "RECEIVED":
                break
            time.sleep(RESTORATION_POLL_S)
        samples.append((time.perf_counter() - started) * 1000)
        outcomes.append(body["status"])
    return {"restoration_p50_ms": _percentile(samples, 0.5), "restoration_p95_ms": _percentile(samples, 0.95),
            "restoration_outcomes": float(outcomes.count("APPROVED"))}


def _waiting_executions(emulator_port: int, port: int, count: int) -> None:
    import boto3

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{emulator_port}",  # type: ignore[call-overload]
                            region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")

    role = client("iam").create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", CALLBACK_HANDLER)
    function = client("lambda").create_function(FunctionName="bench-callback", Runtime="python3.12", Role=role,
                                                Handler="app.lambda_handler", Code={"ZipFile": code.getvalue()})
    definition = {"StartAt": "Wait", "States": {"Wait": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": True,
        "Parameters": {"FunctionName": function["FunctionArn"], "Payload": {"token.$": "$$.Task.Token"}}}}}
    sfn = client("stepfunctions")
    machine = sfn.create_state_machine(name="bench-waiting", roleArn=role,
                                       definition=json.dumps(definition))["stateMachineArn"]
    for index in range(count):
        sfn.start_execution(stateMachineArn=machine, name=f"waiting-{index}", input="{}")
    http = _Http(port)
    deadline = time.monotonic() + 300  # a guard only: 50 workers' first invocations on a busy 2-core machine
    waiting = 0
    while time.monotonic() < deadline:
        _, listing = http.call("GET", "/_local/executions?status=RUNNING")
        waiting = 0
        for item in listing["items"]:
            _, detail = http.call("GET", f"/_local/executions/{item['execution_arn']}")
            waiting += bool(detail["waiting_for_callback"])
        if waiting >= count:
            return
        time.sleep(0.5)
    raise TimeoutError(f"only {waiting} of {count} executions reached their callback task in 300 s")


def _journal_cost(lines: list[str], rounds: int = 2000) -> float:
    """Microseconds to journal one write like `lines` (the run's own): encode, append, flush."""
    from local.journal import WriteJournal, _decode

    entries = [json.loads(line) for line in lines if line.strip()]
    if not entries:
        return float("nan")
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as scratch:
        journal = WriteJournal(Path(scratch) / "dynamodb.journal", {name: name for name in _logical_ids(entries)})
        journal.open(after_seq=0)
        samples = [(e["action"], _decode(e["params"])) for e in entries]
        started = time.perf_counter()
        for index in range(rounds):
            action, params = samples[index % len(samples)]
            with journal.lock:
                journal.record(action, params)
        elapsed = time.perf_counter() - started
        journal.close()
    return elapsed / rounds * 1e6


def _logical_ids(entries: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for entry in entries:
        params = entry["params"]
        names.update(params.get("RequestItems", {}))
        if "TableName" in params:
            names.add(params["TableName"])
        for item in params.get("TransactItems", []):
            names.update(part["TableName"] for part in item.values() if isinstance(part, dict) and "TableName" in part)
    return names


def main() -> None:
    print("\n== local runtime (scripts/bench_local.py)")
    if not (REPO / "cdk.out" / "manifest.json").exists():
        print("  cdk.out is missing: run `make synth` first")
        return
    with tempfile.TemporaryDirectory(prefix="bench-local-") as scratch:
        data = Path(scratch) / "data"
        port, emulator_port = _free_port(), _free_port()
        python = [sys.executable, "-m", "local", "--port", str(port), "--emulator-port", str(emulator_port),
                  "--data-dir", str(data), "--fresh", "--seed", "demo", "--log-level", "WARNING",
                  "--save-every", "3600"]  # no snapshot empties the journal while it is counted
        process, healthy_s = _start(python, port, Path(scratch) / "python.log")
        try:
            time.sleep(3)  # let the background handler warm-up finish before measuring idle memory
            pid = _runtime_pid(port)
            idle = _status(pid)
            tree_idle = _tree_memory(pid)
            one_client = _credit_view_load(port, 1, REQUESTS_PER_CLIENT * 2)
            many_clients = _credit_view_load(port, CONCURRENT_CLIENTS, REQUESTS_PER_CLIENT)
            time.sleep(1)
            tree_warm = _tree_memory(pid)
            journal = data / "dynamodb.journal"
            journaled_before = len(journal.read_text().splitlines())
            latency = _latency(port)
            journal_lines = journal.read_text().splitlines()[journaled_before:]
            restoration = _restoration_latency(port)
            after_requests = _status(pid)
            _waiting_executions(emulator_port, port, WAITING_EXECUTIONS)
            waiting = _status(pid)
        finally:
            _stop(process)

        make_port = _free_port()
        make = ["make", "--no-print-directory", "local", f"PORT={make_port}",
                f"ARGS=--emulator-port 0 --data-dir {data} --log-level WARNING"]
        make_process, make_healthy_s = _start(make, make_port, Path(scratch) / "make.log")
        _stop(make_process)

    figures = {"healthy_s": healthy_s, **latency, "rss_idle_mb": idle["VmRSS"] / 1024}
    print(f"  start → healthy   python -m local {healthy_s:5.1f} s   make local (warm) {make_healthy_s:5.1f} s"
          f"   (target ≤ {TARGETS['healthy_s']:.0f} s)")
    print(f"  GET  /v1/enterprises/{{uscc}}  p50 {latency['get_p50_ms']:6.1f} ms  p95 {latency['get_p95_ms']:6.1f} ms"
          f"   ({REQUESTS} sequential; target p50 ≤ {TARGETS['get_p50_ms']:.0f} ms)")
    print(f"  POST /v1/enterprises          p50 {latency['post_p50_ms']:6.1f} ms  p95 {latency['post_p95_ms']:6.1f} ms"
          f"   ({REQUESTS} sequential; target p50 ≤ {TARGETS['post_p50_ms']:.0f} ms)")
    print(f"  GET  /v1/disclosures?limit=50 p50 {latency['feed_p50_ms']:6.1f} ms  p95 {latency['feed_p95_ms']:6.1f} ms"
          f"   ({REQUESTS} sequential; {latency['feed_records']:.0f} records on the feed)")
    print(f"  RSS idle {idle['VmRSS'] / 1024:6.0f} MB ({idle['Threads']} threads)   after the requests "
          f"{after_requests['VmRSS'] / 1024:.0f} MB   with {WAITING_EXECUTIONS} waiting executions "
          f"{waiting['VmRSS'] / 1024:.0f} MB ({waiting['Threads']} threads)   (target idle ≤ "
          f"{TARGETS['rss_idle_mb']:.0f} MB)")
    print(f"  GET  /v1/enterprises/{{uscc}}/credit   1 client  {one_client['rps']:6.1f} req/s  "
          f"p50 {one_client['p50_ms']:6.1f} ms  p95 {one_client['p95_ms']:6.1f} ms")
    print(f"  GET  /v1/enterprises/{{uscc}}/credit   {CONCURRENT_CLIENTS} clients {many_clients['rps']:6.1f} req/s  "
          f"p50 {many_clients['p50_ms']:6.1f} ms  p95 {many_clients['p95_ms']:6.1f} ms   "
          f"({CONCURRENT_CLIENTS} × {REQUESTS_PER_CLIENT} keep-alive; on {os.cpu_count()} cores)")
    print(f"  runtime + workers  idle after start {tree_idle['rss_mb']:5.0f} MB RSS / {tree_idle['pss_mb']:5.0f} MB "
          f"PSS ({tree_idle['processes']:.0f} processes)   idle after the concurrent run {tree_warm['rss_mb']:5.0f} MB "
          f"RSS / {tree_warm['pss_mb']:5.0f} MB PSS ({tree_warm['processes']:.0f} processes)")
    print(f"  restoration receipt → decision  p50 {restoration['restoration_p50_ms']:6.1f} ms  "
          f"p95 {restoration['restoration_p95_ms']:6.1f} ms   ({RESTORATIONS} sequential DISCLOSURE applications, "
          f"{restoration['restoration_outcomes']:.0f} APPROVED; POST sent → GET no longer RECEIVED)")
    per_write_us = _journal_cost(journal_lines)
    writes_per_post = len(journal_lines) / REQUESTS
    print(f"  write journal      {writes_per_post:.1f} journaled writes per POST × {per_write_us:.0f} µs each "
          f"= {writes_per_post * per_write_us / 1000:.2f} ms per POST (append + flush; no fsync)")
    misses = [k for k, limit in TARGETS.items() if figures[k] > limit]
    print("  all targets met" if not misses else f"  over target: {', '.join(misses)}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
