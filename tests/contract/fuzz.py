"""Contract fuzzing: schemathesis generates requests from the COMMITTED OpenAPI document
(`functions/docs/openapi.json`), the handlers answer them in-process under moto (through
`HandlerGateway`), and every answer is checked against the same document.

    python -m tests.contract.fuzz [--max-examples N] [--seed S]   # `make fuzz`: the long run

The bounded run of `make test` is `tests/contract/test_contract_fuzz.py`, on the same code."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

import boto3
import schemathesis
from moto import mock_aws
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from shared.adapters import clock as clock_adapter
from shared.adapters import dynamodb as dynamodb_adapter
from shared.adapters.settings import settings
from shared.api import idempotency
from shared.api.contract import ROUTES, SCOPE_ENTERPRISE, SCOPE_EVENTS, SCOPE_OFFICER, SCOPE_REGISTRY
from shared.domain.clock import FixedClock
from tests.contract.gateway import HandlerGateway
from tests.support.bus import bus_name
from tests.support.template import create_tables

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "functions" / "docs" / "openapi.json"

REGISTERED_USCC = "91110000600037341L"
"""Registered before the run; the enterprise token is bound to it, and path parameters are steered to it
part of the time so that requests get past the 404 into the routes' own validation."""
REGISTRATION = {"uscc": REGISTERED_USCC, "name": "Fuzz Trading Co., Ltd.", "customs_code": "1101234567",
                "registration_status": "REGISTERED", "business_types": ["CONSIGNOR_CONSIGNEE"],
                "registered_on": "2019-05-20"}

USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")

TOKENS: dict[str, dict[str, str]] = {
    "fuzz-registry": {"client_id": "fuzz-registry", "scope": SCOPE_REGISTRY, "token_use": "access"},
    "fuzz-events": {"client_id": "fuzz-events", "scope": SCOPE_EVENTS, "token_use": "access"},
    "fuzz-enterprise": {"client_id": "fuzz-enterprise", "scope": SCOPE_ENTERPRISE, "token_use": "access",
                        "uscc": REGISTERED_USCC},
    "fuzz-officer": {"client_id": "fuzz-officer", "scope": SCOPE_OFFICER, "token_use": "access"},
}
"""Bearer token → the claims Cognito's authorizer passes. No token is the fifth caller."""

CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "negative_data_rejection", "missing_required_header", "ignored_auth",
          "problem_documents", "malformed_bodies_refused")

REFUSED = (400, 415)
_AUTH = (401, 403)  # authorization is checked before the body is read
MALFORMED_BODIES: tuple[tuple[str | None, bytes, tuple[int, ...]], ...] = (
    # (Content-Type, body, the statuses that may answer it besides 401/403)
    ("application/json", b"\xff", (400,)),
    ("application/json", '{"name": "é"}'.encode("latin-1"), (400,)),
    ("application/json", b"\xed\xa0\x80", (400,)),  # an encoded lone surrogate is not UTF-8
    ("application/json", b"{", (400,)),
    ("application/json", b"", (400, 422)),
    ("application/json", b'{"a": NaN}', (400, 422)),
    ("application/json", b'{"a": 1e99999}', (400, 422)),
    ("application/json", b"[" * 100_000 + b"]" * 100_000, (400,)),
    ("application/json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, (400,)),
    ("application/json", b"\xef\xbb\xbf{}", (400, 422)),  # a byte order mark (RFC 8259 8.1: must not)
    ("application/json; charset=latin-1", b"{}", (415,)),
    ("application/json; charset", b"{}", (400, 415, 422)),
    ("text/plain", b"{}", (415,)),
    ("multipart/form-data", b"--x\r\n", (415,)),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n",
     (415,)),
    ("application/x-www-form-urlencoded", b"uscc=91110000600037341L", (415,)),
    ("application/xml", b"<a/>", (415,)),
    ("application/problem+json", b"{}", (415,)),
    ("application/json, text/plain", b"{}", (400, 415, 422)),
    ("", b"uscc=1", (400,)),  # an empty Content-Type is no declaration: read as JSON
    (None, b"uscc=1", (400,)),
    (None, b"\x00\x01\x02", (400,)),
)
"""Bodies that are not a JSON document in UTF-8 declared as `application/json`: each is answered 400 or
415 (an empty or degenerate JSON one may reach validation, 422), as a problem document."""
NOW = "2026-11-20T02:00:00+00:00"


@schemathesis.check
def problem_documents(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx/5xx is an RFC 9457 problem document (`application/problem+json`) whose `status`
    is the response's status code."""
    if response.status_code < 400:
        return None
    media_type = (response.headers.get("content-type") or [""])[0].split(";")[0].strip()
    if media_type != "application/problem+json":
        raise AssertionError(f"{response.status_code} answered as {media_type or 'no media type'}, "
                             f"not application/problem+json")
    problem = json.loads(response.content)
    if not isinstance(problem, dict) or problem.get("status") != response.status_code:
        raise AssertionError(f"problem document's status is not {response.status_code}: {response.content[:200]!r}")
    return True


@schemathesis.check
def malformed_bodies_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request whose body `Caller` replaced by one of `MALFORMED_BODIES` is refused with its status."""
    sent = MALFORMED_SENT.pop(case.id, None)
    if sent is None:
        return None
    content_type, body, expected = sent
    # A path that names nothing may be answered 404 before the body is read
    unknown = (404,) if case.path_parameters else ()
    if response.status_code not in (*expected, *_AUTH, *unknown):
        raise AssertionError(f"{body[:40]!r} sent as {content_type} was answered {response.status_code}, "
                             f"not one of {expected}")
    return True


MALFORMED_SENT: dict[str, tuple[str | None, bytes, tuple[int, ...]]] = {}
"""case id → the malformed body `Caller` sent instead of the generated one."""


@dataclass(eq=False)  # hashable: schemathesis keeps hooks in sets
class Caller:
    """Chooses the token and a fresh `Idempotency-Key` of each request (a schemathesis `before_call` hook):
    two of three requests carry a token of a scope the route accepts, the rest cycle through all five
    callers (no token, registry, events, enterprise, officer)."""

    counter: Iterator[int] = field(default_factory=count)
    used: Counter[str] = field(default_factory=Counter)

    def __call__(self, context: Any, case: Any, kwargs: Any) -> None:
        n = next(self.counter)
        route = next((r for r in ROUTES if r.method == case.method.upper() and r.path == case.path), None)
        allowed = [t for t, claims in TOKENS.items() if route and claims["scope"] in route.scopes]
        callers = [*TOKENS, None]
        token = allowed[n % len(allowed)] if allowed and n % 3 else callers[n % len(callers)]
        headers = case.headers if case.headers is not None else {}
        if "Authorization" not in headers or n % 7:  # now and then keep what schemathesis generated
            if token is None:
                headers.pop("Authorization", None)
            else:
                headers["Authorization"] = f"Bearer {token}"
        self.used[token or "none"] += 1
        key = headers.get("Idempotency-Key")
        if isinstance(key, str) and 1 <= len(key) <= 128 and key.isprintable():
            headers["Idempotency-Key"] = f"fuzz-{n}-{uuid.UUID(int=n)}"  # fresh, and the same on every run
        # Steered only from a well-formed code, so that a request generated invalid stays invalid
        uscc = (case.path_parameters or {}).get("uscc")
        if isinstance(uscc, str) and USCC_SHAPE.fullmatch(uscc) and n % 2:
            case.path_parameters["uscc"] = REGISTERED_USCC
        if case.method.upper() == "POST" and n % 4 == 0:
            content_type, body, statuses = MALFORMED_BODIES[(n // 4) % len(MALFORMED_BODIES)]
            for name in [h for h in headers if h.lower() == "content-type"]:
                del headers[name]
            if content_type is not None:
                headers["Content-Type"] = content_type
            kwargs["data"] = body
            MALFORMED_SENT[case.id] = (content_type, body, statuses)
            self.used["malformed body"] += 1
        case.headers = headers


@dataclass
class Figures:
    requests: int
    statuses: dict[int, int]
    failures: dict[str, int]
    """Distinct failures by check (schemathesis deduplicates a failure per operation and check)."""
    examples: list[str]
    tokens: dict[str, int]
    elapsed_s: float
    answers: dict[str, int]

    def summary(self) -> str:
        lines = [f"requests: {self.requests} in {self.elapsed_s:.0f} s",
                 "statuses: " + ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())),
                 "callers: " + ", ".join(f"{t}: {n}" for t, n in sorted(self.tokens.items())),
                 "failures by check: " + (", ".join(f"{c}: {n}" for c, n in sorted(self.failures.items()))
                                          or "none")]
        lines += [f"  {example}" for example in self.examples]
        return "\n".join(lines)


@contextmanager
def handlers_under_moto() -> Iterator[HandlerGateway]:
    """The template's tables and bus in moto, a fixed clock, one registered enterprise."""
    saved = dict(os.environ)
    with mock_aws():
        os.environ.update(create_tables(boto3.client("dynamodb")), EVENT_BUS_NAME=bus_name())
        boto3.client("events").create_event_bus(Name=bus_name())
        # The certification state machine (not executed here): an accepted application starts it.
        os.environ["CERTIFICATION_STATE_MACHINE_ARN"] = boto3.client("stepfunctions").create_state_machine(
            name="certification", definition='{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
            roleArn="arn:aws:iam::123456789012:role/certification")["stateMachineArn"]
        _reset()
        clock_adapter.install_clock(FixedClock(datetime.fromisoformat(NOW)))
        gateway = HandlerGateway(TOKENS)
        try:
            _register(gateway)
            yield gateway
        finally:
            clock_adapter.install_clock(None)
            _reset()
            os.environ.clear()
            os.environ.update(saved)


def _reset() -> None:
    settings.cache_clear()
    dynamodb_adapter.reset_clients()
    idempotency.reset()


def _register(gateway: HandlerGateway) -> None:
    from werkzeug.test import Client

    response = Client(gateway).post("/v1/enterprises", json=REGISTRATION, headers={
        "Authorization": "Bearer fuzz-registry", "Idempotency-Key": "fuzz-registration"})
    assert response.status_code == 201, response.get_data(as_text=True)
    gateway.statuses.clear()
    gateway.answers.clear()


def config(max_examples: int, seed: int) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": seed,
        # No undocumented query parameters: the handlers ignore what they do not read (a choice, not a fault)
        "generation": {"max-examples": max_examples, "deterministic": True, "database": "none",
                       "allow-extra-parameters": False},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": []}},
        "continue-on-failure": True,
        "workers": 1,
    })


def run(max_examples: int, seed: int = 282) -> Figures:
    caller = Caller()
    started = time.perf_counter()
    failures: Counter[str] = Counter()
    examples: list[str] = []
    with handlers_under_moto() as gateway:
        schema = schemathesis.openapi.from_path(DOCUMENT, config=config(max_examples, seed))
        schema.app = gateway
        schemathesis.hook("before_call")(caller)
        try:
            for event in from_schema(schema).execute():
                if isinstance(event, events.ScenarioFinished) and event.status == Status.FAILURE:
                    for case_id, nodes in event.recorder.checks.items():
                        for node in nodes:
                            if node.status == Status.FAILURE and node.failure_info is not None:
                                failures[node.name] += 1
                                case = event.recorder.cases[case_id].value
                                examples.append(f"{node.name} {case.method} {case.path}: "
                                                f"{node.failure_info.failure.title}: "
                                                f"{(node.failure_info.failure.message or '')[:300]}")
                elif isinstance(event, events.FatalError | events.NonFatalError):
                    examples.append(f"error in {event.label}: {event.value!r}"[:500])
        finally:
            schemathesis.hooks.unregister(caller)
    return Figures(requests=sum(gateway.statuses.values()), statuses=dict(gateway.statuses), failures=dict(failures),
                   examples=examples, tokens=dict(caller.used), elapsed_s=time.perf_counter() - started,
                   answers={f"{r} {s} {m}": n for (r, s, m), n in sorted(gateway.answers.items())})


def main(argv: list[str] | None = None) -> int:
    import tests.conftest  # noqa: F401  (the suite's AWS defaults: no real AWS is reachable)

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=282)
    parser.add_argument("--answers", action="store_true", help="list every (route, status, media type) answered")
    args = parser.parse_args(argv)
    figures = run(args.max_examples, args.seed)
    print(figures.summary())
    if args.answers:
        print("\n".join(f"  {k}: {n}" for k, n in figures.answers.items()))
    return 1 if figures.failures or any(code >= 500 for code in figures.statuses) else 0


if __name__ == "__main__":
    sys.exit(main())
