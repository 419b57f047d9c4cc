"""The whole system on loopback: start-up, wiring and shutdown of the local runtime.

Start-up order: the HTTP server listens first (health answers 503 "deploying"), then the emulator
starts, the synthesized template is deployed into it through CloudFormation, saved tables are
loaded, and the gateway opens; health turns 200 once demo data (if asked for) is in.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

from local import api_model, assembly, moto_patches
from local.case_deadline_reader import case_deadline_reader
from local.clock import RuntimeClock
from local.delivery import AsyncInvoker, TargetDelivery
from local.demo import CERTIFIERS_PATH, demo_clients, seed, seed_certifiers
from local.deploy import deploy
from local.emulator import Emulator
from local.executions import ExecutionsView
from local.gateway import Gateway
from local.http_server import HttpServer
from local.inbox_ledger import InboxLedger
from local.journal import WriteJournal
from local.lambdas import CodeLocator, FunctionConfig, Invocation
from local.local_api import LocalApi, LocalServices
from local.persistence import TableSnapshots
from local.queue_pollers import QueuePollers
from local.schedules import Scheduler
from local.stack import AsyncPolicy, DeployedStack
from local.stream_pipes import StreamPipes
from local.time_travel import ClockFile, records_dated_after
from local.tokens import ClientRegistry, TokenIssuer, load_or_create_key, local_issuer, trust_local_issuer
from local.workers import WorkerPool
from local.workflow_recovery import CERTIFICATION, OBJECTION, resume_lost_executions
from shared.api.problems import PROBLEM_JSON, problem_body

log = logging.getLogger("local")
MAIN_TABLE_OUTPUT = "MainTableName"
"""The stack output naming the table of decisions and credit events (infra/outputs.py)."""
OUTBOX_RELAY_OUTPUT = "FunctionNameOutboxRelay"
"""The stack output naming the outbox relay (`infra.outputs.function_output("outbox_relay")`)."""
CERTIFICATION_STATE_MACHINE = "CertificationStateMachineArn"
OBJECTION_STATE_MACHINE = "ObjectionStateMachineArn"
"""The stack outputs naming the state machines (`infra.outputs`)."""


@dataclass
class Options:
    port: int = 3000
    emulator_port: int = 4566
    host: str = "127.0.0.1"
    data_dir: Path = Path(".local-data")
    cdk_out: Path = Path("cdk.out")
    stack: str | None = None
    region: str = "us-east-1"
    fresh: bool = False
    seed: str | None = None
    save_every_s: float = 30.0
    warm: bool = True


class _Hooks:
    """What the moto patches call back into."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def invoke_lambda(self, function: Any, body: Any, headers: Any, response_headers: dict[str, str]) -> bytes:
        config = FunctionConfig.from_moto(function)
        invocation_type = _header(headers, "X-Amz-Invocation-Type") or "RequestResponse"
        payload = body.encode() if isinstance(body, str) else bytes(body or b"")
        if invocation_type == "DryRun":
            return b""
        if invocation_type == "Event":
            response_headers["x-amzn-RequestId"] = self.runtime.invoker.submit(config.name, payload)
            return b""
        try:
            event = json.loads(payload) if payload.strip() else {}
        except ValueError:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": "InvalidRequestContentException",
                               "errorMessage": "Could not parse request body into json"}).encode()
        result = self.runtime.runner.invoke(config, event)
        response_headers["x-amz-executed-version"] = "$LATEST"
        if result.failed:
            response_headers["x-amz-function-error"] = "Unhandled"
        return result.payload

    def deliver_rule_target(self, rule: Any, target: dict[str, Any], event: dict[str, Any]) -> bool:
        return self.runtime.delivery.deliver_rule_target(rule, target, event)


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value)
    return None


class Runtime:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.clock = RuntimeClock()
        self.services = LocalServices(clock=self.clock, status="starting")
        self.local_api = LocalApi(self.services)
        self.gateway: Gateway | None = None
        self.http = HttpServer(self._wsgi, options.host, options.port)
        self.emulator = Emulator(options.host, options.emulator_port, options.region)
        self.runner = WorkerPool(CodeLocator({}, options.data_dir / "lambda-code"),
                                 clock_offset=lambda: self.clock.offset.total_seconds(),
                                 aws=moto_patches.answer_from_worker)
        self.invoker = AsyncInvoker(self.runner, self.function, self._async_policy, self._dead_letter)
        self.delivery = TargetDelivery(self.invoker, self.emulator.client, self.clock.now)
        self.stack: DeployedStack | None = None
        self.model: api_model.RestApiModel | None = None
        self.snapshots: TableSnapshots | None = None
        self.journal: WriteJournal | None = None
        self.scheduler: Scheduler | None = None
        self.pipes: StreamPipes | None = None
        self.inbox = InboxLedger(options.data_dir / "inbox.ledger")
        """Bus deliveries in flight, kept across restarts (`local.inbox_ledger`)."""
        self.delivery.on_queued = self.inbox.sent
        self.queues = QueuePollers(lambda: self.emulator.client("lambda"), lambda: self.emulator.client("sqs"),
                                   self.invoke, on_settled=self.inbox.settled)
        """Lambda's SQS event source mappings (bus → inbox queue → function)."""
        self.not_emulated: list[str] = []
        self.startup_s: float | None = None
        self.resumed_executions: list[str] = []
        """Executions started again at start, lost with the last stop (`local.workflow_recovery`)."""
        self.clock_restored = False
        """The clock came back travelled from the data folder (the banner says so)."""
        self._stopped = threading.Event()

    # --- the one WSGI application -----------------------------------------------------------
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path in {"/", "/_local"} or request.path.startswith("/_local/"):
            response = self.local_api.handle(request)
        elif self.gateway is None:
            body = problem_body(503, f"the local runtime is {self.services.status}; try again shortly",
                                instance=request.path)
            response = Response(json.dumps(body), status=503, content_type=PROBLEM_JSON,
                                headers={"Retry-After": "1"})
        else:
            try:
                response = self.gateway.handle(request)
            except Exception:
                log.exception("gateway failed on %s %s", request.method, request.path)
                body = problem_body(500, "the local gateway failed; see the runtime's log", instance=request.path)
                response = Response(json.dumps(body), status=500, content_type=PROBLEM_JSON)
        if "x-correlation-id" not in response.headers:
            response.headers["x-correlation-id"] = request.headers.get("x-correlation-id") or str(uuid.uuid4())
        return response(environ, start_response)

    # --- start ------------------------------------------------------------------------------
    def start(self, announce: Callable[[Runtime], None] | None = None) -> None:
        """Deploy and serve; `announce` runs just before health turns 200 (the banner)."""
        started = time.perf_counter()
        options = self.options
        data = options.data_dir
        if options.fresh and data.exists():
            for child in ("dynamodb.json", "dynamodb.journal", "inbox.ledger", "clients.json", "clock.json",
                          "lambda-code"):
                path = data / child
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
        data.mkdir(parents=True, exist_ok=True)
        clock_file = ClockFile(data / "clock.json")
        self.clock_restored = clock_file.restore(self.clock)
        self.clock.on_change(lambda _before, _after: clock_file.save(self.clock))

        from shared.adapters import clock as clock_adapter

        clock_adapter.install_clock(self.clock)
        self.http.start()
        self.services.status = "deploying"

        cloud = assembly.load(options.cdk_out, options.stack)
        self.runner.locator.assets_by_key = {a.object_key: a.source for a in cloud.assets if a.packaging == "zip"}
        moto_patches.apply(_Hooks(self))
        self.emulator.start()
        self.invoker.start()

        deployed = deploy(cloud, self.emulator)
        self.not_emulated = moto_patches.unsupported_resource_types(
            {r.get("Type", "") for r in cloud.resources.values()})
        self.stack = DeployedStack(cloud, self.emulator.account, self.emulator.region, deployed["resources"])
        self.queues.start()

        tables = {logical: physical for logical, physical in deployed["resources"].items()
                  if deployed["types"].get(logical) == "AWS::DynamoDB::Table" and physical}
        self.journal = WriteJournal(data / "dynamodb.journal", tables)
        self.snapshots = TableSnapshots(data / "dynamodb.json", lambda: self.emulator.client("dynamodb"), tables,
                                        self.journal)
        loaded = self.snapshots.load()
        if loaded:
            log.info("loaded %d saved DynamoDB items from %s", loaded, self.snapshots.path)
        if self.journal.path.exists() and self.journal.path.stat().st_size:
            self.snapshots.save()  # the replayed writes go into the snapshot; the journal starts empty
        self.journal.open(self.journal.seq)
        moto_patches.set_write_journal(self.journal)
        self._redeliver_in_flight(deployed)

        model = api_model.build(cloud, deployed["resources"])
        key = load_or_create_key(data / "signing-key.pem")
        issuer = f"https://cognito-idp.{options.region}.amazonaws.com/{options.region}_local"
        tokens = TokenIssuer(key, issuer, self.clock.now)
        from shared.api.contract import ALL_SCOPES

        self.services.tokens = tokens
        self.services.clients = ClientRegistry(data / "clients.json", demo_clients())
        self.services.scopes = (model.scopes if model and model.scopes else frozenset()) | frozenset(ALL_SCOPES)
        self.services.executions = ExecutionsView(self.emulator.client, self.clock.now)
        main_table = (deployed.get("outputs") or {}).get(MAIN_TABLE_OUTPUT)
        if main_table:
            self.services.records_after = lambda instant: records_dated_after(
                self.emulator.client("dynamodb"), main_table, instant)
            self.services.executions.subject_deadline = case_deadline_reader(self.emulator.client, main_table,
                                                                             self.clock.now)
        self.scheduler = Scheduler(self.emulator.client, self.clock.now, self.delivery, self.runner, self.function,
                                   self.emulator.account, self.emulator.region)
        self.scheduler.reload()
        self.clock.on_change(self.scheduler.clock_changed)
        self.services.scheduler = self.scheduler
        if model is not None:
            trust_local_issuer(self.emulator.client("lambda"), cloud, deployed["resources"],
                               local_issuer(tokens, f"http://{options.host}:{self.http.port}"))
            self.gateway = Gateway(model, tokens, self.invoke, self.emulator.account, self.clock.now,
                                   region=self.emulator.region)
        else:
            log.warning("the template defines no REST API; only /_local routes are served")
        self.model = model
        self.services.ready = True  # /_local routes work from here (seeding needs a token)
        if model is not None and model.match("POST", CERTIFIERS_PATH).method is not None:
            seed_certifiers(f"http://{options.host}:{self.http.port}")  # Art 19 roster: the six demo certifiers

        if options.seed:
            self.services.status = "seeding"
            seed(options.seed, f"http://{options.host}:{self.http.port}")
        self.scheduler.start()
        self._start_pipes(deployed.get("outputs") or {})
        self._resume_lost_executions(deployed.get("outputs") or {})
        self.snapshots.start(options.save_every_s)
        self.startup_s = time.perf_counter() - started
        if options.warm:
            threading.Thread(target=self._warm, name="warm-handlers", daemon=True).start()
        if announce is not None:
            announce(self)
        self.services.status = "ok"
        self.services.healthy = True

    def _start_pipes(self, stack_outputs: dict[str, str]) -> None:
        """Streams → functions, as the template's pipes; then what the outbox still holds undelivered
        (a runtime stopped before its pipe read them) is sent by the relay's redrive."""
        assert self.stack is not None
        self.pipes = StreamPipes(self.stack, self.emulator.client, self.invoke, self.delivery.send_to_queue)
        self.pipes.start()
        relay = stack_outputs.get(OUTBOX_RELAY_OUTPUT)
        if relay:
            result = self.invoke(relay, {"redrive": 100})
            log.info("outbox redrive at start: %s", result.payload.decode(errors="replace"))

    def _redeliver_in_flight(self, deployed: dict[str, Any]) -> None:
        """Record what the bus puts on the inbox queues from now on, and put back what the last run's
        inboxes held unsettled (`local.inbox_ledger`): after the tables are loaded, before anything runs."""
        logical_by_name = {str(physical).rsplit("/", 1)[-1]: logical
                           for logical, physical in deployed["resources"].items()
                           if deployed["types"].get(logical) == "AWS::SQS::Queue" and physical}
        logical_by_arn = {arn: logical_by_name[arn.split(":")[5]] for arn in self.queues.pollers
                          if arn.split(":")[5] in logical_by_name}
        unsettled = self.inbox.unsettled()
        self.inbox.open(logical_by_arn)
        arn_by_logical = {logical: arn for arn, logical in logical_by_arn.items()}
        sent = 0
        for message in unsettled:
            arn = arn_by_logical.get(message.queue)
            if arn is None:
                log.warning("an undelivered message for queue %s, no longer an inbox of the stack: dropped",
                            message.queue)
                continue
            self.delivery.send_to_queue(arn, message.body.encode(), message.attributes)
            sent += 1
        self.inbox.compact()
        if sent:
            log.info("put back %d bus deliveries the last run had not finished", sent)

    def _resume_lost_executions(self, stack_outputs: dict[str, str]) -> None:
        """The executions of the cases and objections whose workflow had not finished when the runtime last
        stopped, started again (`local.workflow_recovery`)."""
        main_table = stack_outputs.get(MAIN_TABLE_OUTPUT)
        machines = {kind: stack_outputs[output] for kind, output in
                    ((CERTIFICATION, CERTIFICATION_STATE_MACHINE), (OBJECTION, OBJECTION_STATE_MACHINE))
                    if stack_outputs.get(output)}
        if main_table and machines:
            self.resumed_executions = resume_lost_executions(self.emulator.client, main_table, machines)

    def function(self, name_or_arn: str) -> FunctionConfig:
        try:
            fn = moto_patches.lambda_function(self.emulator.account, self.emulator.region, name_or_arn)
        except Exception as exc:
            raise LookupError(f"function {name_or_arn} is not deployed") from exc
        return FunctionConfig.from_moto(fn)

    def invoke(self, function_name: str, event: dict[str, Any]) -> Invocation:
        return self.runner.invoke(self.function(function_name), event)

    def _async_policy(self, function_name: str) -> AsyncPolicy:
        return self.stack.async_policy(function_name) if self.stack else AsyncPolicy()

    def _dead_letter(self, arn: str, payload: bytes, attributes: dict[str, str]) -> None:
        if arn.split(":")[2] == "sqs":
            self.delivery.send_to_queue(arn, payload, attributes)
        else:
            self.delivery.send(arn, payload.decode(), {})

    def _warm(self) -> None:
        self.runner.warm()  # the zygote with the common imports; each function's workers start on demand

    # --- stop -------------------------------------------------------------------------------
    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.services.ready = False
        self.services.healthy = False
        self.services.status = "stopping"
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.pipes is not None:
            self.pipes.stop()
        if self.snapshots is not None:
            self.snapshots.stop()
        self.queues.stop()
        self.inbox.close()
        self.invoker.stop()
        self.runner.stop()
        if self.snapshots is not None:
            try:
                count = self.snapshots.save()
                log.info("saved %d DynamoDB items to %s", count, self.snapshots.path)
            except Exception:
                log.exception("could not save the DynamoDB tables")
        if self.journal is not None:
            moto_patches.set_write_journal(None)
            self.journal.close()
        if self.emulator.running:  # else the endpoint may be another program's, which may never answer
            _stop_executions(self.emulator)
        self.http.stop()
        self.emulator.stop()
        from shared.adapters import clock as clock_adapter

        clock_adapter.install_clock(None)


def _stop_executions(emulator: Emulator) -> None:
    """Waiting executions hold threads; stop them so the process ends promptly."""
    try:
        sfn = emulator.client("stepfunctions")
        for machine in sfn.list_state_machines().get("stateMachines", []):
            running = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], statusFilter="RUNNING")
            for execution in running.get("executions", []):
                sfn.stop_execution(executionArn=execution["executionArn"], error="LocalRuntimeStopped",
                                   cause="the local runtime was stopped")
    except Exception:
        log.debug("could not stop running executions", exc_info=True)
