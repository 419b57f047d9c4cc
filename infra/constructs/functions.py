"""One Lambda function per catalog row, each with its own role holding only the grants its row
names, its own log group, and the shared layer (locked runtime dependencies + `shared`)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from aws_cdk import ArnFormat, CfnElement, Duration, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.catalog import CERTIFICATION_WORKFLOW, OBJECTION_WORKFLOW, Access, FunctionSpec
from infra.constructs.queues import dead_letter_queue
from infra.constructs.tables import Tables
from infra.nag import acknowledge, default_policy
from infra.outputs import camel
from infra.stage import DEFAULT_STAGE, workflow_name

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
METRICS_NAMESPACE = "CustomsCredit"

LOG_RETENTION = logs.RetentionDays.ONE_YEAR
"""Function logs are compliance data: they tie each x-correlation-id to the decision it produced.
An enterprise may contest a decision by objection (Art 39), administrative reconsideration (60 days)
or litigation (6 months from knowing of it); a year covers those windows with margin. The audit
table (retained, PITR) is the long-term record, so logs need not live as long as credit records."""

FUNCTION_ASSETS = ".build"
"""Where scripts/build-functions.sh stages `functions/<name>/` with unchecked-hash bytecode."""

ASYNC_RETRY_ATTEMPTS = 2
ASYNC_MAX_EVENT_AGE = Duration.hours(6)


class Functions(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, specs: tuple[FunctionSpec, ...],
                 tables: Tables, bus: events.IEventBus, bus_name: str, root: Path, snap_start: bool = False,
                 reserve_concurrency: bool = True, stage: str = DEFAULT_STAGE) -> None:
        super().__init__(scope, construct_id)
        self.stage = stage
        self.snap_start = snap_start
        self.reserve_concurrency = reserve_concurrency
        layer_dir = root / ".layer"
        if not (layer_dir / "python").is_dir():
            raise FileNotFoundError(f"{layer_dir}/python is missing: run `make layer` (scripts/build-layer.sh)")
        self.layer = lambda_.LayerVersion(
            self, "SharedLayer",
            code=lambda_.Code.from_asset(str(layer_dir), exclude=[".built"]),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Locked runtime dependencies (arm64, cp312) and the repository's `shared` package",
        )
        self.functions: dict[str, lambda_.Function] = {}
        self.invocation_targets: dict[str, lambda_.IFunction] = {}
        """What API routes, bus rules and schedules invoke: the function, or with SnapStart its alias
        `live` on the published version (SnapStart applies to published versions only)."""
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        for spec in specs:
            function = self.functions[spec.name] = self._function(spec, tables, bus, bus_name, root)
            self.invocation_targets[spec.name] = self._live_alias(spec, function) if snap_start else function

    def _live_alias(self, spec: FunctionSpec, function: lambda_.Function) -> lambda_.Alias:
        alias = lambda_.Alias(self, f"{camel(spec.name)}Live", alias_name="live", version=function.current_version)
        if spec.is_async_target:  # retries and event age are per qualifier; the DLQ is in the version
            alias.configure_async_invoke(retry_attempts=ASYNC_RETRY_ATTEMPTS, max_event_age=ASYNC_MAX_EVENT_AGE)
            acknowledge(alias.node.find_child("EventInvokeConfig"), "Serverless-LambdaAsyncFailureDestination",
                        "Failed async events go to the function's dead-letter queue (DeadLetterConfig, "
                        "published with the version), which holds the event to redrive.")
        return alias

    def _function(self, spec: FunctionSpec, tables: Tables, bus: events.IEventBus, bus_name: str,
                  root: Path) -> lambda_.Function:
        scope = Construct(self, camel(spec.name))
        code_dir = root / spec.code_path
        if not code_dir.is_dir():
            raise FileNotFoundError(f"{spec.name}: code folder {code_dir} does not exist")
        # The asset is the staged copy with bytecode (scripts/build-functions.sh), not the source.
        asset_dir = root / FUNCTION_ASSETS / spec.code_path
        if not asset_dir.is_dir():
            raise FileNotFoundError(f"{asset_dir} is missing: run `make assets` (scripts/build-functions.sh)")

        log_group = logs.LogGroup(scope, "Logs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.RETAIN)
        role = iam.Role(
            scope, "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs the {spec.name} function: only the grants its catalog row names",
        )
        # Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this log group only.
        log_group.grant_write(role)

        environment = {
            "POWERTOOLS_SERVICE_NAME": spec.name,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            # Lambda active tracing is on; the Powertools Tracer (X-Ray SDK import, ~135 ms cold
            # start) is opt-in per function, see shared/api/observability.py.
            "POWERTOOLS_TRACER": "off",
            # pydantic scans installed entry points for plugins at import (~30 ms); we use none.
            "PYDANTIC_DISABLE_PLUGINS": "__all__",
        }
        environment |= _grant_tables(spec, tables, role)
        if spec.bus == Access.PUT:
            bus.grant_put_events_to(role)
            environment["EVENT_BUS_NAME"] = bus_name
        environment |= _grant_workflow(spec, role, self.stage)

        async_dlq = None
        if spec.is_async_target:
            async_dlq = dead_letter_queue(scope, "AsyncDlq")
            self.dead_letter_queues[f"{camel(spec.name)}Async"] = async_dlq

        function = lambda_.Function(
            scope, "Function",
            description=spec.description,
            code=lambda_.Code.from_asset(str(asset_dir)),
            handler=spec.handler,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            layers=[self.layer],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
            environment=environment,
            # Async invocations (bus rules, schedules): Lambda retries, then parks the event.
            dead_letter_queue=async_dlq,
            retry_attempts=ASYNC_RETRY_ATTEMPTS if async_dlq else None,
            max_event_age=ASYNC_MAX_EVENT_AGE if async_dlq else None,
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if self.snap_start else None,
            # API functions: capacity no burst of bus or schedule work can take (catalog.validate checks it fits).
            reserved_concurrent_executions=spec.reserved_concurrency if self.reserve_concurrency else None,
        )
        acknowledge(default_policy(role), "AwsSolutions-IAM5[Resource::*]",
                    "Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no "
                    "resource-level permissions, so X-Ray requires Resource '*'.")
        pinned_runtime = ("Pinned to python3.12 on purpose: the shared layer is built for cp312/arm64 and "
                          "local runs and tests use the same minor version; moving on is a deliberate upgrade.")
        acknowledge(function, "AwsSolutions-L1", pinned_runtime)
        acknowledge(function, "Serverless-LambdaLatestVersion", pinned_runtime)
        if async_dlq is None:
            acknowledge(function, "Serverless-LambdaDLQ",
                        "Invoked only synchronously (API Gateway proxy integration, the inbox queue's event "
                        "source mapping, Step Functions tasks): the caller gets the error (the inbox queue "
                        "redrives to its own DLQ), and a function DLQ applies to asynchronous invocations only.")
        else:
            invoke_config = function.node.find_child("EventInvokeConfig")
            acknowledge(invoke_config, "Serverless-LambdaAsyncFailureDestination",
                        "Failed async events go to the function's dead-letter queue (DeadLetterConfig, "
                        "SQS, depth alarm), which holds the event to redrive; an on-failure destination "
                        "would be a second copy of the same failure.")
        return function


def _grant_workflow(spec: FunctionSpec, role: iam.Role, stage: str) -> dict[str, str]:
    """The row's Step Functions actions on each state machine it names (by its stage's name) and its executions."""
    environment: dict[str, str] = {}
    for name, access, variable in ((CERTIFICATION_WORKFLOW, spec.workflow, "CERTIFICATION_STATE_MACHINE_ARN"),
                                   (OBJECTION_WORKFLOW, spec.objection_workflow, "OBJECTION_STATE_MACHINE_ARN")):
        if access != Access.NONE:
            environment[variable] = _grant_machine(role, workflow_name(name, stage), spec.workflow_actions)
    return environment


def _grant_machine(role: iam.Role, name: str, actions: tuple[str, ...]) -> str:
    stack = Stack.of(role)
    machine = stack.format_arn(service="states", resource="stateMachine", resource_name=name,
                               arn_format=ArnFormat.COLON_RESOURCE_NAME)
    executions = stack.format_arn(service="states", resource="execution",
                                  resource_name=f"{name}:*", arn_format=ArnFormat.COLON_RESOURCE_NAME)
    on_machine = sorted(f"states:{a}" for a in actions if a != "StopExecution")
    if on_machine:
        role.add_to_policy(iam.PolicyStatement(actions=on_machine, resources=[machine]))
    if "StopExecution" in actions:
        role.add_to_policy(iam.PolicyStatement(actions=["states:StopExecution"], resources=[executions]))
        nag_executions = f"arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{name}:*"
        acknowledge(default_policy(role), f"AwsSolutions-IAM5[Resource::{nag_executions}]",
                    f"StopExecution names an execution, and execution names are per case: the grant is every "
                    f"execution of the {name} state machine and nothing else.")
    return machine


def _grant_tables(spec: FunctionSpec, tables: Tables, role: iam.Role) -> dict[str, str]:
    """Grants for the tables the row names; returns the env vars that tell the code their names."""
    env: dict[str, str] = {}
    if spec.main != Access.NONE:
        # Exactly the actions the row lists (derived from the code by the infra tests): no Scan, no
        # DescribeTable, no stream reads, no batch writes unless the code makes them.
        tables.main.grant(role, *(f"dynamodb:{action}" for action in spec.main_actions))
        env["TABLE_NAME"] = tables.main.table_name
        main_table = cast(CfnElement, tables.main.node.default_child)
        index_arns = f"<{Stack.of(role).get_logical_id(main_table)}.Arn>/index/*"
        acknowledge(default_policy(role), f"AwsSolutions-IAM5[Resource::{index_arns}]",
                    "Queries on the main table's sparse GSIs (gsi1 public lists, gsi2 due index, gsi3 feed): "
                    "Table.grant names the indexes as <table>/index/*, and this table has only those three.")
    if spec.idempotency == Access.READWRITE:
        # Exactly what Powertools' DynamoDBPersistenceLayer calls (no Scan, no batch writes).
        tables.idempotency.grant(role, "dynamodb:GetItem", "dynamodb:PutItem",
                                 "dynamodb:UpdateItem", "dynamodb:DeleteItem")
        env["IDEMPOTENCY_TABLE_NAME"] = tables.idempotency.table_name
    if spec.audit == Access.APPEND:
        # PutItem only (also covers Put inside TransactWriteItems). Never Update/Delete.
        tables.audit.grant(role, "dynamodb:PutItem")
    elif spec.audit == Access.READ:
        # The chain verification queries one enterprise's entries (its head is in the main table).
        tables.audit.grant(role, "dynamodb:Query")
    if spec.audit != Access.NONE:
        env["AUDIT_TABLE_NAME"] = tables.audit.table_name
    return env
