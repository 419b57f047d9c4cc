"""The one stack: composes one construct per capability and publishes what the local runtime and
operators need to find (CloudFormation outputs). No resource is defined here directly."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import outputs
from infra.catalog import FunctionSpec, validate
from infra.constructs.api import API_NAME, STAGE_NAME, Api
from infra.constructs.audit_archive import AuditArchive
from infra.constructs.auth import Auth, IdentityConfig
from infra.constructs.edge import Edge
from infra.constructs.events import Events
from infra.constructs.functions import Functions
from infra.constructs.monitoring import Monitoring
from infra.constructs.outbox import Outbox
from infra.constructs.queues import BusDelivery
from infra.constructs.schedules import Schedules
from infra.constructs.tables import Tables
from infra.constructs.workflows import Workflows
from infra.stage import DEFAULT_STAGE, physical_name, protected_edge
from shared.identity.issuers import TOKEN_ISSUERS_VARIABLE

AUTHORIZER = "authorizer"
"""The catalog row of the API's token authorizer."""


class CustomsCreditStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, specs: tuple[FunctionSpec, ...],
                 root: Path, cognito_domain_prefix: str, stage: str = DEFAULT_STAGE, **kwargs: object) -> None:
        super().__init__(scope, construct_id, description="China Customs enterprise credit management "
                         "(GACC Order 282): API, functions, tables, schedules", **kwargs)  # type: ignore[arg-type]
        validate(specs)
        self.tables = Tables(self, "Tables")
        self.auth = Auth(self, "Auth", config=IdentityConfig.from_context(self.node.try_get_context("identity")),
                         domain_prefix=cognito_domain_prefix)
        self.events = Events(self, "Events", stage=stage)
        self.functions = Functions(self, "Functions", specs=specs, tables=self.tables,
                                   bus=self.events.bus, bus_name=self.events.bus_name, root=root,
                                   snap_start=bool(self.node.try_get_context("snap_start")),
                                   reserve_concurrency=self.node.try_get_context("reserved_concurrency")
                                   not in (False, "false"), stage=stage)
        self.functions.functions[AUTHORIZER].add_environment(TOKEN_ISSUERS_VARIABLE, self.auth.issuers_json())
        functions = dict(self.functions.invocation_targets)
        self.bus_delivery = BusDelivery(self, "Queues", specs=specs, functions=functions)
        self.events.subscribe(specs, self.bus_delivery.inboxes)
        self.workflows = Workflows(self, "Workflows", steps=functions["certification_steps"],
                                   objection_steps=functions["objection_steps"], stage=stage)
        self.protected_edge = protected_edge(stage, self.node.try_get_context("edge"))
        self.api = Api(self, "Api", authorizer=functions[AUTHORIZER], functions=functions,
                       api_name=physical_name(API_NAME, stage), protected_edge=self.protected_edge)
        self.edge = Edge(self, "Edge", rest_api=self.api.rest_api, name=physical_name(API_NAME, stage)) \
            if self.protected_edge else None
        self.schedules = Schedules(self, "Schedules", specs=specs, functions=functions, stage=stage)
        self.outbox = Outbox(self, "Outbox", specs=specs, functions=self.functions.functions)
        self.audit_archive = AuditArchive(self, "AuditArchive", specs=specs, functions=self.functions.functions,
                                          table=self.tables.audit)
        self.monitoring = Monitoring(
            self, "Monitoring",
            functions=self.functions.functions,
            stage=stage,
            alarm_email=self.node.try_get_context("alarm_email"),
            work_queues=self.bus_delivery.inboxes,
            dead_letter_queues={**self.functions.dead_letter_queues, **self.events.dead_letter_queues,
                                **self.bus_delivery.dead_letter_queues,
                                **self.schedules.dead_letter_queues, **self.audit_archive.dead_letter_queues,
                                **self.outbox.dead_letter_queues},
            rest_api=self.api.rest_api,
        )
        self._outputs()

    def _outputs(self) -> None:
        values = {
            outputs.MAIN_TABLE: self.tables.main.table_name,
            outputs.IDEMPOTENCY_TABLE: self.tables.idempotency.table_name,
            outputs.AUDIT_TABLE: self.tables.audit.table_name,
            outputs.OUTBOX_TABLE: self.outbox.table.table_name,
            outputs.AUDIT_ARCHIVE_BUCKET: self.audit_archive.bucket.bucket_name,
            outputs.EVENT_BUS: self.events.bus_name,
            outputs.REST_API_ID: self.api.rest_api.rest_api_id,
            outputs.REST_API_URL: self.api.rest_api.url,
            outputs.API_STAGE: STAGE_NAME,
            outputs.CERTIFICATION_STATE_MACHINE: self.workflows.certification.state_machine_arn,
            outputs.OBJECTION_STATE_MACHINE: self.workflows.objection.state_machine_arn,
        }
        if self.auth.user_pool is not None and self.auth.domain is not None:
            values[outputs.USER_POOL_ID] = self.auth.user_pool.user_pool_id
            values[outputs.TOKEN_URL] = self.auth.domain.base_url() + "/oauth2/token"
        values |= {outputs.function_output(name): fn.function_name
                   for name, fn in self.functions.functions.items()}
        for key, value in values.items():
            CfnOutput(self, key, value=value)
