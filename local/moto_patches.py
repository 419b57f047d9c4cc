"""Every place where the local runtime reaches into moto's internals (moto is pinned ==5.2.5).

moto's public surface (its HTTP server, speaking the AWS APIs) is used everywhere else. What it
cannot do without Docker or does not do at all is filled in here, and only here:

| patch                                   | why                                                        |
|-----------------------------------------|------------------------------------------------------------|
| `LambdaSimpleBackend.invoke`            | without Docker moto returns canned payloads; run the real  |
|                                         | handler in-process instead (`local.lambdas`)               |
| `LambdaBackend.create_event_source_mapping` | moto invokes an SQS mapping's function inside     |
|                                         | SendMessage, deletes the whole batch on success (no partial |
|                                         | batch response, no concurrency cap) and makes the sender   |
|                                         | wait; detach it so the runtime's pollers deliver          |
|                                         | (`local.queue_pollers`)                                    |
| `events Rule.send_to_targets`           | moto raises for Lambda and Step Functions targets and      |
|                                         | ignores InputPath/Input; deliver them (`local.delivery`)   |
| `StateMachine` CloudFormation handlers  | the template's state machines would land in moto's         |
|                                         | non-executing backend; create them where they execute      |
| `StepFunctionsParserBackend.start_execution` | an unnamed execution gets ARN `...:None`; name it      |
|                                         | with a UUID as AWS does                                    |
| `StepFunctionsParserBackend.stop_execution` | moto marks nothing: an execution waiting for a task |
|  and `StepFunctionResponse.stop_execution`  | token stays RUNNING until the token comes (the thread |
|                                         | waits on the callback, not on the stop) and the request's |
|                                         | `error`/`cause` are dropped; stop it at once, as AWS does |
| `StepFunctionResponse.send_task_failure` | drops the request's `cause`: a Catch's `$.Cause` and the  |
|                                         | history lose why an officer's task failed; pass it on      |
| `EventBus.physical_resource_id`         | missing, so `{"Ref": bus}` resolves to the Python object   |
|                                         | and every rule on a custom bus fails to deploy             |
| CloudFormation `AWS::Scheduler::Schedule` / `ScheduleGroup` | not supported; create them in   |
|                                         | moto's Scheduler backend so the runtime (and the AWS CLI)  |
|                                         | can list and fire them                                     |
| `DynamoHandler.call_action`             | journal every accepted DynamoDB write before it is answered |
|                                         | (`local.journal`), so an acknowledged write survives kill -9 |
| botocore `before-send` handler (added)  | calls from this process to the emulator (handlers, the     |
|                                         | runtime) skip TCP and werkzeug and go through moto's own   |
|                                         | request dispatch (`BotocoreStubber.process_request`, what  |
|                                         | `mock_aws` uses): about 1.7 ms less per DynamoDB call      |

Reads of internals (no behaviour change): `resolve_in_stack` (CloudFormation intrinsic
resolution against a deployed stack), `lambda_function` (a function's code and settings) and
`unsupported_resource_types` (what moto's CloudFormation skips, for the start-up banner).

`tests/integration/local_runtime/test_moto_patches.py` checks every patched attribute and every
signature the replacements assume, so a moto upgrade fails loudly there instead of subtly here.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from moto.awslambda.models import EventSourceMapping, LambdaBackend, LambdaFunction
from moto.awslambda_simple.models import LambdaSimpleBackend, lambda_simple_backends
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation.models import cloudformation_backends
from moto.core.common_models import CloudFormationModel
from moto.core.config import default_user_config
from moto.dynamodb.responses import DynamoHandler
from moto.events.models import EventBus, Rule
from moto.scheduler.models import scheduler_backends
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.parser.models import StepFunctionsParserBackend, stepfunctions_parser_backends
from moto.stepfunctions.responses import StepFunctionResponse

from local.journal import JOURNALED


class Hooks(Protocol):
    """What the runtime provides to the patched methods."""

    def invoke_lambda(self, function: LambdaFunction, body: Any, headers: Any,
                      response_headers: dict[str, str]) -> bytes: ...

    def deliver_rule_target(self, rule: Rule, target: dict[str, Any], event: dict[str, Any]) -> bool:
        """Deliver `event` to `target`; False leaves the target to moto's own delivery."""
        ...


@dataclass
class Patch:
    owner: Any
    attribute: str
    replacement: Any
    why: str
    original: Any = None


_hooks: Hooks | None = None
_applied: list[Patch] = []
_saved_config: dict[str, Any] = {}
_scheduler_models_enabled = False
"""The Scheduler resource classes below register with moto when this module is imported
(moto lists CloudFormationModel subclasses); they claim their resource types only while
the patches are applied."""


def configure_emulator() -> None:
    """moto's documented switches: run state machines, and no Docker for Lambda (our runner
    replaces the simple backend's canned answers)."""
    for key in ("stepfunctions", "lambda"):
        _saved_config.setdefault(key, default_user_config.get(key))
    default_user_config["stepfunctions"] = {"execute_state_machine": True}
    default_user_config["lambda"] = {"use_docker": False}


# --- Lambda -----------------------------------------------------------------------------------

def _invoke(self: LambdaSimpleBackend, function_name: str, qualifier: str | None, body: Any,
            headers: Any, response_headers: Any) -> bytes | None:
    function = self.get_function(function_name, qualifier)
    if _hooks is None:  # pragma: no cover - apply() always installs hooks first
        raise RuntimeError("local runtime hooks are not installed")
    return _hooks.invoke_lambda(function, body, headers, response_headers)


def lambda_function(account_id: str, region: str, name_or_arn: str) -> LambdaFunction:
    """The function as moto stores it (code location, handler, environment, timeout)."""
    return lambda_simple_backends[account_id][region].get_function(name_or_arn, None)


_original_create_event_source_mapping: Callable[..., EventSourceMapping] = LambdaBackend.create_event_source_mapping


def _create_event_source_mapping(self: LambdaBackend, spec: dict[str, Any]) -> EventSourceMapping:
    """Create the mapping (listed by the Lambda API), but detached from moto's SQS queue, which would
    otherwise invoke the function inside SendMessage."""
    from moto.sqs.models import sqs_backends

    mapping = _original_create_event_source_mapping(self, spec)
    for queue in sqs_backends[self.account_id][self.region_name].queues.values():
        if queue.lambda_event_source_mappings.get(mapping.function_arn) is mapping:
            del queue.lambda_event_source_mappings[mapping.function_arn]
    return mapping


# --- EventBridge ------------------------------------------------------------------------------

_original_send_to_targets: Callable[..., None] = Rule.send_to_targets


def _send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
    if self.state == "DISABLED" or not self.event_pattern.matches_event(original_event):  # type: ignore[arg-type]
        return
    for target in self.targets:
        if _hooks is not None and _hooks.deliver_rule_target(self, target, original_event):
            continue
        # Targets moto handles itself (logs, archives, other buses, API destinations).
        single = copy.copy(self)
        single.targets = [target]
        _original_send_to_targets(single, original_event, transform_input)


def _event_bus_physical_id(self: EventBus) -> str:
    return self.name


# --- Step Functions ---------------------------------------------------------------------------

def _executing_backend(account_id: str, region: str) -> StepFunctionsParserBackend:
    return stepfunctions_parser_backends[account_id][region]


def _sfn_create_from_cfn(cls: type, resource_name: str, cloudformation_json: Any, account_id: str,
                         region_name: str, **kwargs: Any) -> StateMachine:
    properties = cloudformation_json["Properties"]
    backend = _executing_backend(account_id, region_name)
    return backend.create_state_machine(
        name=properties.get("StateMachineName", resource_name),
        definition=properties.get("DefinitionString", ""),
        roleArn=properties.get("RoleArn", ""),
        tags=[{"key": t["Key"], "value": t["Value"]} for t in properties.get("Tags", [])],
        loggingConfiguration=_lower_keys(properties.get("LoggingConfiguration")),
        tracingConfiguration=_lower_keys(properties.get("TracingConfiguration")),
        sm_type=properties.get("StateMachineType", "STANDARD"),
    )


def _lower_keys(value: Any) -> Any:
    """CloudFormation spells `Level`, the API `level`."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _sfn_delete_from_cfn(cls: type, resource_name: str, cloudformation_json: Any, account_id: str,
                         region_name: str) -> None:
    _executing_backend(account_id, region_name).delete_state_machine(resource_name)


def _sfn_update_from_cfn(cls: type, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
                         account_id: str, region_name: str) -> StateMachine:
    properties = cloudformation_json.get("Properties", {})
    backend = _executing_backend(account_id, region_name)
    return backend.update_state_machine(original_resource.arn, definition=properties.get("DefinitionString"),
                                        role_arn=properties.get("RoleArn"))


_original_start_execution: Callable[..., Any] = StepFunctionsParserBackend.start_execution


def _start_execution(self: StepFunctionsParserBackend, state_machine_arn: str, name: str | None = None,
                     execution_input: str | None = None, trace_header: str | None = None) -> Any:
    return _original_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), execution_input,
                                     trace_header)


STOP_SETTLE_S = 5.0
"""How long a stop waits for the execution's thread to record `ExecutionAborted` itself."""


def _stop_execution(self: StepFunctionsParserBackend, execution_arn: str, error: str | None = None,
                    cause: str | None = None) -> Any:
    """StopExecution as AWS does it: the execution is ABORTED when the call returns, with the caller's
    error and cause, whatever it was waiting for. moto's own only flags the interpreter, whose
    thread goes on waiting for a task token (or a Lambda) that may never come."""
    execution: Any = self.describe_execution(execution_arn)  # the parser's Execution
    worker = getattr(execution, "exec_worker", None)
    if execution.status != "RUNNING" or worker is None or worker.env is None:
        return execution
    stop_date = datetime.now(UTC)
    worker.stop(stop_date=stop_date, error=error, cause=cause)
    for endpoint in list(worker.env.callback_pool_manager._pool.values()):
        endpoint.interrupt_all()  # wake the task waiting for its token; it sees the stopped program
    deadline = time.monotonic() + STOP_SETTLE_S
    while execution.status == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.01)
    if execution.status == "RUNNING":  # a Lambda still running in-process: report the stop anyway
        execution.exec_status = ExecutionStatus.ABORTED
        execution.stop_date = stop_date
    execution.error, execution.cause = error, cause
    return execution


_original_set_error: Callable[..., None] = Environment.set_error
_original_set_timed_out: Callable[..., None] = Environment.set_timed_out


def _set_error(self: Environment, error: Any) -> None:
    if not isinstance(self._program_state, ProgramStopped):  # a stopped execution stays ABORTED
        _original_set_error(self, error)


def _set_timed_out(self: Environment) -> None:
    if not isinstance(self._program_state, ProgramStopped):
        _original_set_timed_out(self)


def _stop_execution_response(self: StepFunctionResponse) -> Any:
    from moto.core.responses import ActionResult

    execution = self.stepfunction_backend.stop_execution(  # type: ignore[call-arg]
        self._get_param("executionArn"), error=self._get_param("error"), cause=self._get_param("cause"))
    return ActionResult({"stopDate": execution.stop_date})


def _send_task_failure_response(self: StepFunctionResponse) -> Any:
    from moto.core.responses import EmptyResult

    self.stepfunction_backend.send_task_failure(  # type: ignore[call-arg]
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause"))
    return EmptyResult()


# --- EventBridge Scheduler through CloudFormation ---------------------------------------------

class _SchedulerResource:
    """What both Scheduler resource types share: named by `Name`, with an `Arn` attribute. A mixin, not
    a CloudFormationModel subclass: moto finds resource types among that class's DIRECT subclasses."""

    def __init__(self, name: str, arn: str) -> None:
        self.name = name
        self.arn = arn

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.arn


class _ScheduleGroupResource(_SchedulerResource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Scheduler::ScheduleGroup" if _scheduler_models_enabled else "Local::Disabled::ScheduleGroup"

    @classmethod
    def create_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
            **kwargs: Any) -> _ScheduleGroupResource:
        properties = cloudformation_json.get("Properties", {})
        backend = scheduler_backends[account_id][region_name]
        tags = [{"Key": t["Key"], "Value": t["Value"]} for t in properties.get("Tags", [])]
        group = backend.create_schedule_group(name=properties.get("Name", resource_name), tags=tags)
        return cls(group.name, group.arn)


class _ScheduleResource(_SchedulerResource, CloudFormationModel):
    def __init__(self, name: str, group: str, arn: str) -> None:
        super().__init__(name, arn)
        self.group = group

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Scheduler::Schedule" if _scheduler_models_enabled else "Local::Disabled::Schedule"

    @classmethod
    def create_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
            **kwargs: Any) -> _ScheduleResource:
        p = cloudformation_json.get("Properties", {})
        backend = scheduler_backends[account_id][region_name]
        group = p.get("GroupName") or "default"
        schedule = backend.create_schedule(
            description=p.get("Description"), end_date=p.get("EndDate"),
            flexible_time_window=p.get("FlexibleTimeWindow", {"Mode": "OFF"}), group_name=group,
            kms_key_arn=p.get("KmsKeyArn"), name=p.get("Name", resource_name),
            schedule_expression=p["ScheduleExpression"],
            schedule_expression_timezone=p.get("ScheduleExpressionTimezone"),
            start_date=p.get("StartDate"), state=p.get("State"), target=p["Target"],
            action_after_completion=None,
        )
        return cls(schedule.name, group, schedule.arn)

    @classmethod
    def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
        group = cloudformation_json.get("Properties", {}).get("GroupName")
        scheduler_backends[account_id][region_name].delete_schedule(group, resource_name)


def _register_cloudformation_models() -> None:
    # moto finds resource classes through CloudFormationModel.__subclasses__(), cached once.
    cfn_parsing.get_model_map.cache_clear()
    cfn_parsing.get_name_type_map.cache_clear()


# --- DynamoDB write journal --------------------------------------------------------------------

class WriteRecorder(Protocol):
    lock: Any

    def record(self, action: str, params: dict[str, Any]) -> None: ...


_journal: WriteRecorder | None = None
_dynamodb_call_action = DynamoHandler.__dict__["call_action"]


def set_write_journal(journal: WriteRecorder | None) -> None:
    global _journal
    _journal = journal


def _journaled_call_action(self: DynamoHandler) -> Any:
    journal = _journal
    action = self._get_action()
    if journal is None or action not in JOURNALED:  # reads never wait for the journal
        return _dynamodb_call_action(self)
    with journal.lock:  # the journal's order is the order the tables saw
        result = _dynamodb_call_action(self)
        status = result[0] if isinstance(result, tuple) else 200
        if int(status) < 300:
            journal.record(action, getattr(self, "params", {}))
    return result


# --- in-process transport ----------------------------------------------------------------------

# botocore's hyphenated service id (as in event names) → the endpoint prefix moto's URL patterns use.
# SQS stays on HTTP: its responses embed the request's host in queue URLs.
IN_PROCESS_SERVICES = {"dynamodb": "dynamodb", "sfn": "states", "eventbridge": "events", "lambda": "lambda",
                       "scheduler": "scheduler"}


class InProcessTransport:
    """A botocore `before-send` handler: a request addressed to the emulator's endpoint is answered
    by moto's dispatch in this thread; anything else (or an unknown service) goes out as usual."""

    def __init__(self, endpoints: tuple[str, ...], region: str) -> None:
        from moto.core.botocore_stubber import BotocoreStubber

        self.endpoints = endpoints
        self.region = region
        self._stubber = BotocoreStubber()

    def __call__(self, request: Any, event_name: str = "", **kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders
        from moto.core.botocore_stubber import MockRawResponse

        url = str(request.url)
        endpoint = next((e for e in self.endpoints if url.startswith(e)), None)
        parts = event_name.split(".")
        prefix = IN_PROCESS_SERVICES.get(parts[1]) if endpoint and len(parts) > 1 else None
        if endpoint is None or prefix is None:
            return None
        request.url = f"https://{prefix}.{self.region}.amazonaws.com{url[len(endpoint):]}"
        try:
            answer = self._stubber.process_request(request)
        finally:
            request.url = url
        if answer is None:
            return None
        status, headers, body = answer
        http_headers = HTTPHeaders()
        for name, value in headers.items():
            http_headers[name] = str(value)
        return AWSResponse(url, status, http_headers, MockRawResponse(body))


_transport: InProcessTransport | None = None


def install_in_process_transport(endpoints: tuple[str, ...], region: str) -> None:
    """For boto3 sessions created from now on (handlers create theirs on first use)."""
    from botocore.handlers import BUILTIN_HANDLERS

    global _transport
    remove_in_process_transport()
    _transport = InProcessTransport(endpoints, region)
    BUILTIN_HANDLERS.append(("before-send", _transport))


def remove_in_process_transport() -> None:
    from botocore.handlers import BUILTIN_HANDLERS

    global _transport
    if _transport is not None:
        BUILTIN_HANDLERS[:] = [h for h in BUILTIN_HANDLERS if h[1] is not _transport]
        _transport = None


def resolve_in_stack(account_id: str, region: str, stack_name: str, value: Any) -> Any:
    """Resolve CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, ...) in `value`
    against a deployed stack, exactly as moto resolved them during the deploy."""
    backend = cloudformation_backends[account_id][region]
    for stack in backend.stacks.values():
        if stack.name == stack_name and stack.status != "DELETE_COMPLETE":
            return cfn_parsing.clean_json(copy.deepcopy(value), stack.resource_map)
    raise LookupError(f"stack {stack_name} is not deployed")


def unsupported_resource_types(types: set[str]) -> list[str]:
    """Which CloudFormation resource types moto's CloudFormation skips (created as nothing)."""
    supported = set(cfn_parsing.get_model_map())
    return sorted(t for t in types if t not in supported and t not in cfn_parsing.NULL_MODELS
                  and not t.startswith("Custom::"))


# --- installation -----------------------------------------------------------------------------

def patches() -> list[Patch]:
    return [
        Patch(LambdaSimpleBackend, "invoke", _invoke, "run the function's handler in-process"),
        Patch(LambdaBackend, "create_event_source_mapping", _create_event_source_mapping,
              "SQS mappings are polled by the runtime (local.queue_pollers), not invoked inside SendMessage"),
        Patch(Rule, "send_to_targets", _send_to_targets,
              "deliver to Lambda, Step Functions and SQS targets with InputPath/Input/InputTransformer"),
        Patch(StateMachine, "create_from_cloudformation_json", classmethod(_sfn_create_from_cfn),
              "deploy state machines into the executing backend"),
        Patch(StateMachine, "delete_from_cloudformation_json", classmethod(_sfn_delete_from_cfn),
              "delete them from the executing backend"),
        Patch(StateMachine, "update_from_cloudformation_json", classmethod(_sfn_update_from_cfn),
              "update them in the executing backend"),
        Patch(StepFunctionsParserBackend, "start_execution", _start_execution,
              "name unnamed executions with a UUID"),
        Patch(StepFunctionsParserBackend, "stop_execution", _stop_execution,
              "stop an execution at once (even one waiting for a task token), keeping error and cause"),
        Patch(Environment, "set_error", _set_error, "an error after a stop does not turn ABORTED into FAILED"),
        Patch(Environment, "set_timed_out", _set_timed_out, "nor does a time-out"),
        Patch(StepFunctionResponse, "stop_execution", _stop_execution_response,
              "hand StopExecution's error and cause to the backend"),
        Patch(StepFunctionResponse, "send_task_failure", _send_task_failure_response,
              "hand SendTaskFailure's cause to the backend"),
        Patch(EventBus, "physical_resource_id", property(_event_bus_physical_id),
              "Ref of an event bus is its name"),
        Patch(DynamoHandler, "call_action", _journaled_call_action,
              "journal accepted DynamoDB writes before answering them"),
    ]


def apply(hooks: Hooks) -> None:
    """Install the runtime's hooks and every patch (idempotent; the hooks can be replaced)."""
    global _hooks, _scheduler_models_enabled
    _hooks = hooks
    configure_emulator()
    if _applied:
        return
    for patch in patches():
        patch.original = patch.owner.__dict__.get(patch.attribute)
        setattr(patch.owner, patch.attribute, patch.replacement)
        _applied.append(patch)
    _scheduler_models_enabled = True
    _register_cloudformation_models()


def revert() -> None:
    """Undo every patch and switch (the tests run other suites in the same process)."""
    global _hooks, _scheduler_models_enabled
    for patch in reversed(_applied):
        if patch.original is None:
            delattr(patch.owner, patch.attribute)
        else:
            setattr(patch.owner, patch.attribute, patch.original)
    _applied.clear()
    _hooks = None
    set_write_journal(None)
    _scheduler_models_enabled = False
    _register_cloudformation_models()
    remove_in_process_transport()
    for key, value in _saved_config.items():
        default_user_config[key] = value  # type: ignore[literal-required]
    _saved_config.clear()


def scheduler_cloudformation_types() -> tuple[type[CloudFormationModel], ...]:
    return (_ScheduleResource, _ScheduleGroupResource)


__all__ = ["Hooks", "InProcessTransport", "apply", "configure_emulator", "install_in_process_transport",
           "lambda_function", "patches", "remove_in_process_transport", "resolve_in_stack", "revert",
           "scheduler_cloudformation_types", "set_write_journal", "unsupported_resource_types"]
