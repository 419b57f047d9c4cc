"""The `/_local` routes of the local runtime (local/README.md): token, clients, clock, schedules, executions,
health. Every error is an RFC 9457 problem; bad input never produces a 500 or a traceback."""

from __future__ import annotations

import base64
import binascii
import html
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from werkzeug import Request, Response

from local import console_pages
from local.clock import RuntimeClock
from local.executions import STATUSES, ExecutionsView, UnknownExecution
from local.schedules import Scheduler, UnknownSchedule
from local.time_travel import warnings_after_moving_back
from local.tokens import Client, ClientRegistry, TokenIssuer
from shared.api.contract import SCOPE_ENTERPRISE
from shared.api.problems import PROBLEM_JSON, problem_body

log = logging.getLogger("local.api")


class Problem(Exception):
    def __init__(self, status: int, detail: str, errors: list[dict[str, Any]] | None = None,
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.extra = extra
        self.headers = headers or {}


@dataclass
class LocalServices:
    """What the routes work with; parts are None until the stack is deployed."""

    clock: RuntimeClock
    clients: ClientRegistry | None = None
    tokens: TokenIssuer | None = None
    scopes: frozenset[str] = frozenset()
    scheduler: Scheduler | None = None
    executions: ExecutionsView | None = None
    ready: bool = False
    """The `/_local` routes work (tokens can be issued, e.g. for seeding)."""
    healthy: bool = False
    """Everything is deployed, seeded and announced: health answers 200."""
    status: str = "starting"
    records_after: Callable[[datetime], dict[str, int]] | None = None
    """Decisions and events dated after an instant, by kind (None when the stack has no main table)."""


Handler = Callable[[Request, dict[str, str]], Response]


class LocalApi:
    def __init__(self, services: LocalServices) -> None:
        self.services = services
        self.routes: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
            (re.compile(r"^/$"), {"GET": self.root, "HEAD": self.root}),
            (re.compile(r"^/_local/?$"), {"GET": self.index}),
            (re.compile(r"^/_local/health$"), {"GET": self.health}),
            (re.compile(r"^/_local/token$"), {"POST": self.token}),
            (re.compile(r"^/_local/\.well-known/jwks\.json$"), {"GET": self.jwks}),
            (re.compile(r"^/_local/clients$"), {"GET": self.list_clients, "POST": self.create_client}),
            (re.compile(r"^/_local/clock$"), {"GET": self.get_clock, "POST": self.set_clock}),
            (re.compile(r"^/_local/schedules$"), {"GET": self.list_schedules}),
            (re.compile(r"^/_local/schedules/(?P<name>[^/]+)/run$"), {"POST": self.run_schedule}),
            (re.compile(r"^/_local/executions$"), {"GET": self.list_executions}),
            (re.compile(r"^/_local/executions/(?P<arn>.+)$"), {"GET": self.get_execution}),
        ]

    def handle(self, request: Request) -> Response:
        try:
            for pattern, methods in self.routes:
                match = pattern.match(request.path)
                if match is None:
                    continue
                handler = methods.get(request.method.upper())
                if handler is None:
                    raise Problem(405, f"{request.method} is not allowed on {request.path}",
                                  headers={"Allow": ", ".join(sorted(methods))})
                return handler(request, {k: unquote(v) for k, v in match.groupdict().items()})
            raise Problem(404, f"no local route {request.path}")
        except Problem as problem:
            return self.problem(request, problem)
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            return self.problem(request, Problem(500, "the local runtime failed on this request; see its log"))

    # --- plumbing ----------------------------------------------------------------------------
    @staticmethod
    def problem(request: Request, problem: Problem) -> Response:
        body = problem_body(problem.status, problem.detail, instance=request.path, errors=problem.errors,
                            extra=problem.extra)
        response = Response(json.dumps(body), status=problem.status, content_type=PROBLEM_JSON)
        for name, value in problem.headers.items():
            response.headers[name] = value
        return response

    @staticmethod
    def json(body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body, default=str), status=status, content_type="application/json")

    def require_ready(self) -> None:
        if not self.services.ready:
            raise Problem(503, f"the local runtime is {self.services.status}; try again shortly",
                          headers={"Retry-After": "1"})

    @staticmethod
    def json_body(request: Request) -> dict[str, Any]:
        raw = request.get_data(cache=True)
        if not raw.strip():
            raise Problem(400, "a JSON object body is required", errors=[{"loc": ["body"], "msg": "missing"}])
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise Problem(400, "the request body is not valid JSON",
                          errors=[{"loc": ["body"], "msg": "malformed JSON"}]) from None
        if not isinstance(body, dict):
            raise Problem(422, "the body must be a JSON object", errors=[{"loc": ["body"], "msg": "not an object"}])
        return body

    @staticmethod
    def wants_html(request: Request) -> bool:
        if request.args.get("format") in {"json", "html"}:
            return request.args.get("format") == "html"
        accept = request.accept_mimetypes
        # A browser asks for text/html first; tools send application/json or */* (JSON then).
        return accept["text/html"] > accept["application/json"]

    # --- routes -------------------------------------------------------------------------------
    def index(self, request: Request, _: dict[str, str]) -> Response:
        links = {
            "health": "/_local/health", "token": "/_local/token", "clients": "/_local/clients",
            "clock": "/_local/clock", "schedules": "/_local/schedules", "executions": "/_local/executions",
            "jwks": "/_local/.well-known/jwks.json",
        }
        if not self.wants_html(request):
            return self.json({"links": links})
        items = "".join(f'<li><a href="{href}">{name}</a></li>' for name, href in links.items())
        page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>Local runtime</title>"
                f"<body style='font-family:system-ui;margin:2rem'><h1>Local runtime</h1><ul>{items}</ul></body></html>")
        return Response(page, content_type="text/html; charset=utf-8")

    def root(self, request: Request, _: dict[str, str]) -> Response:
        """`/`: where things are, for a person (HTML) or a tool (JSON with `Accept: application/json`
        or `?format=json`). API Gateway would answer "Missing Authentication Token" here."""
        links = [
            ("api_docs", "/v1/docs", "API documentation (Swagger UI; try the API from the page)"),
            ("openapi", "/v1/openapi.json", "the OpenAPI document"),
            ("executions", "/_local/executions", "operators' console: Step Functions executions"),
            ("clients", "/_local/clients", "OAuth clients; POST /_local/token for a token"),
            ("clock", "/_local/clock", "the runtime's clock (time travel)"),
            ("schedules", "/_local/schedules", "schedules and their next fire times"),
            ("health", "/_local/health", "health"),
        ]
        requested = request.args.get("format")
        accept = request.accept_mimetypes
        wants_json = (requested == "json" if requested in {"json", "html"}
                      else accept["application/json"] > accept["text/html"])
        if wants_json:
            return self.json({"title": "Local runtime: China Customs enterprise credit API",
                              "links": {name: href for name, href, _ in links}})
        items = "".join(f'<li><a href="{href}">{href}</a> — {html.escape(text)}</li>' for _, href, text in links)
        page = ("<!doctype html><html lang=en><meta charset=utf-8>"
                "<title>Local runtime: enterprise credit API</title>"
                "<body style='font-family:system-ui;margin:2rem;max-width:48rem'>"
                "<h1>Local runtime</h1><p>China Customs enterprise credit API (GACC Order No. 282), "
                "running on this machine.</p>"
                f"<ul>{items}</ul></body></html>")
        return Response(page, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})

    def health(self, request: Request, _: dict[str, str]) -> Response:
        body = {"status": "ok" if self.services.healthy else self.services.status,
                "now": self.services.clock.now().isoformat()}
        return self.json(body, 200 if self.services.healthy else 503)

    def jwks(self, request: Request, _: dict[str, str]) -> Response:
        self.require_ready()
        assert self.services.tokens is not None
        return self.json(self.services.tokens.jwks())

    def token(self, request: Request, _: dict[str, str]) -> Response:
        self.require_ready()
        assert self.services.clients is not None
        assert self.services.tokens is not None
        content_type = (request.mimetype or "").lower()
        requested_scope: str | None = None
        # `curl -d '{...}'` labels a JSON body as a form: a body that starts like JSON is read as JSON.
        looks_like_json = request.get_data(cache=True).lstrip()[:1] == b"{"
        if content_type == "application/x-www-form-urlencoded" and not looks_like_json:
            form = request.form
            if form.get("grant_type") != "client_credentials":
                raise Problem(400, "grant_type must be client_credentials", extra={"error": "unsupported_grant_type"},
                              errors=[{"loc": ["body", "grant_type"], "msg": "must be client_credentials"}])
            client_id, client_secret = _basic_auth(request.headers.get("Authorization"))
            client_id = client_id or form.get("client_id")
            client_secret = client_secret or form.get("client_secret")
            requested_scope = form.get("scope")
        else:
            body = self.json_body(request)
            client_id, client_secret = body.get("client_id"), body.get("client_secret")
            requested_scope = body.get("scope")
            errors = [{"loc": ["body", key], "msg": "required, a non-empty string"}
                      for key, value in (("client_id", client_id), ("client_secret", client_secret))
                      if not isinstance(value, str) or not value]
            if requested_scope is not None and not isinstance(requested_scope, str):
                errors.append({"loc": ["body", "scope"], "msg": "a space-separated string"})
            if errors:
                raise Problem(422, f"{len(errors)} field(s) failed validation", errors=errors,
                              extra={"error": "invalid_request"})
        if not client_id or not client_secret:
            raise Problem(401, "client authentication failed", extra={"error": "invalid_client"})
        client = self.services.clients.authenticate(str(client_id), str(client_secret))
        if client is None:
            raise Problem(401, "unknown client or wrong secret", extra={"error": "invalid_client"},
                          headers={"WWW-Authenticate": 'Basic realm="local"'})
        scopes = None
        if requested_scope:
            scopes = tuple(requested_scope.split())
            refused = [s for s in scopes if s not in client.scopes]
            if refused:
                raise Problem(400, f"this client may not ask for {', '.join(refused)}",
                              extra={"error": "invalid_scope"},
                              errors=[{"loc": ["body", "scope"], "msg": f"not granted: {' '.join(refused)}"}])
        return self.json(self.services.tokens.issue(client, scopes))

    def list_clients(self, request: Request, _: dict[str, str]) -> Response:
        self.require_ready()
        assert self.services.clients is not None
        return self.json({"items": [c.public() for c in self.services.clients.all()]})

    def create_client(self, request: Request, _: dict[str, str]) -> Response:
        self.require_ready()
        assert self.services.clients is not None
        body = self.json_body(request)
        errors: list[dict[str, Any]] = []
        scopes = body.get("scopes")
        if (not isinstance(scopes, list) or not scopes
                or not all(isinstance(s, str) for s in scopes)):
            errors.append({"loc": ["body", "scopes"], "msg": "a non-empty list of scope names"})
            scopes = []
        for index, scope in enumerate(scopes):
            if scope not in self.services.scopes:
                errors.append({"loc": ["body", "scopes", index],
                               "msg": f"unknown scope; known: {', '.join(sorted(self.services.scopes))}"})
        uscc = body.get("uscc")
        if SCOPE_ENTERPRISE in scopes:
            if not isinstance(uscc, str) or not _valid_uscc(uscc):
                errors.append({"loc": ["body", "uscc"],
                               "msg": "an enterprise client needs the enterprise's valid 18-character USCC"})
        elif uscc is not None:
            errors.append({"loc": ["body", "uscc"], "msg": f"only {SCOPE_ENTERPRISE} clients carry a uscc"})
        name = body.get("name", "")
        if not isinstance(name, str) or len(name) > 200:
            errors.append({"loc": ["body", "name"], "msg": "a string of at most 200 characters"})
        unknown = sorted(set(body) - {"scopes", "uscc", "name"})
        errors.extend({"loc": ["body", key], "msg": "unknown field"} for key in unknown)
        if errors:
            raise Problem(422, f"{len(errors)} field(s) failed validation", errors=errors)
        client: Client = self.services.clients.create(tuple(dict.fromkeys(scopes)),
                                                      uscc.upper() if isinstance(uscc, str) else None, name)
        return self.json(client.public(), 201)

    def _clock_body(self) -> dict[str, Any]:
        clock = self.services.clock
        return {"now": clock.now().isoformat(), "real_time": not clock.travelling,
                "offset_seconds": round(clock.offset.total_seconds(), 3)}

    def get_clock(self, request: Request, _: dict[str, str]) -> Response:
        return self.json(self._clock_body())

    def set_clock(self, request: Request, _: dict[str, str]) -> Response:
        body = self.json_body(request)
        if "now" not in body:
            raise Problem(422, "1 field(s) failed validation", errors=[
                {"loc": ["body", "now"], "msg": "required: an RFC 3339 instant with offset, or null"}])
        value = body["now"]
        instant: datetime | None = None
        if value is not None:
            if not isinstance(value, str):
                raise Problem(422, "1 field(s) failed validation",
                              errors=[{"loc": ["body", "now"], "msg": "an RFC 3339 instant with offset, or null"}])
            try:
                instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise Problem(422, "1 field(s) failed validation",
                              errors=[{"loc": ["body", "now"], "msg": "not an RFC 3339 instant"}]) from None
            if instant.tzinfo is None:
                raise Problem(422, "1 field(s) failed validation",
                              errors=[{"loc": ["body", "now"], "msg": "the instant needs a UTC offset"}])
        before = self.services.clock.now()
        after = self.services.clock.set(instant)
        body = self._clock_body() | {"warnings": []}
        if after < before and self.services.records_after is not None:
            body["warnings"] = warnings_after_moving_back(self.services.records_after(after), after)
        return self.json(body)

    def list_schedules(self, request: Request, _: dict[str, str]) -> Response:
        self.require_ready()
        assert self.services.scheduler is not None
        self.services.scheduler.reload()
        return self.json({"items": [e.public() for e in self.services.scheduler.entries()]})

    def run_schedule(self, request: Request, params: dict[str, str]) -> Response:
        self.require_ready()
        assert self.services.scheduler is not None
        self.services.scheduler.reload()
        try:
            outcome = self.services.scheduler.run_now(params["name"])
        except UnknownSchedule:
            known = [e.name for e in self.services.scheduler.entries()]
            raise Problem(404, f"no schedule named {params['name']!r}", extra={"schedules": known}) from None
        return self.json(outcome)

    def list_executions(self, request: Request, _: dict[str, str]) -> Response:
        self.require_ready()
        view = self.services.executions
        assert view is not None
        status = request.args.get("status") or None
        if status is not None and status.upper() not in STATUSES:
            raise Problem(422, "1 field(s) failed validation",
                          errors=[{"loc": ["query", "status"], "msg": f"one of {', '.join(sorted(STATUSES))}"}])
        machines = view.state_machines()
        machine = request.args.get("state_machine") or None
        if machine is not None and machine not in {m["name"] for m in machines} | {m["arn"] for m in machines}:
            known = ", ".join(m["name"] for m in machines) or "none deployed"
            raise Problem(422, "1 field(s) failed validation",
                          errors=[{"loc": ["query", "state_machine"], "msg": f"a state machine name or ARN; {known}"}])
        status = status.upper() if status else None
        items = view.executions(status, machine)
        if self.wants_html(request):
            every = items if status is None else view.executions(None, machine)
            counts: dict[str, int] = {}
            for item in every:
                counts[item["status"]] = counts.get(item["status"], 0) + 1
            page = console_pages.list_html(items, machines, status, machine, counts)
            return Response(page, content_type="text/html; charset=utf-8")
        return self.json({"items": items, "next_token": None,
                          "state_machines": [m["name"] for m in machines]})

    def get_execution(self, request: Request, params: dict[str, str]) -> Response:
        self.require_ready()
        assert self.services.executions is not None
        arn = params["arn"]
        if not re.match(r"^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[^:]+:[^:]+$", arn):
            raise Problem(404, f"no execution {arn}",
                          errors=[{"loc": ["path", "arn"], "msg": "not a Step Functions execution ARN"}])
        try:
            detail = self.services.executions.detail(arn)
        except UnknownExecution:
            raise Problem(404, f"no execution {arn}") from None
        if self.wants_html(request):
            return Response(console_pages.detail_html(detail), content_type="text/html; charset=utf-8")
        return self.json(detail)


def _basic_auth(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Problem(401, "malformed Basic credentials", extra={"error": "invalid_client"}) from None
    client_id, _, secret = decoded.partition(":")
    return client_id or None, secret or None


def _valid_uscc(value: str) -> bool:
    from stdnum.cn import uscc

    return bool(uscc.is_valid(value))
