"""The real ports: what every handler passes to its use cases."""

from __future__ import annotations

from shared.adapters.annual_reports import DynamoAnnualReportStore
from shared.adapters.audit import DynamoAuditStore
from shared.adapters.bus import EventBridgeBus
from shared.adapters.certifications import DynamoCertificationStore
from shared.adapters.credit_store import DynamoCreditFileStore
from shared.adapters.enterprises import EnterpriseRepository
from shared.adapters.objections import DynamoObjectionStore
from shared.adapters.records import DynamoFilingStore
from shared.adapters.restorations import DynamoRestorationStore
from shared.adapters.schedules import DynamoScheduleStore
from shared.adapters.workflows import StepFunctionsWorkflows
from shared.usecases.ports import Stores

OBJECTION_STATE_MACHINE_ARN = "OBJECTION_STATE_MACHINE_ARN"


def dynamodb_stores() -> Stores:
    """DynamoDB stores and the EventBridge bus, on the tables and bus of the function's environment.
    Cheap (no client is created until a store is used), so handlers build it per invocation."""
    return Stores(enterprises=EnterpriseRepository(), credit=DynamoCreditFileStore(), filings=DynamoFilingStore(),
                  schedules=DynamoScheduleStore(), bus=EventBridgeBus(), audit=DynamoAuditStore(),
                  certifications=DynamoCertificationStore(), workflows=StepFunctionsWorkflows(),
                  restorations=DynamoRestorationStore(), objections=DynamoObjectionStore(),
                  objection_workflow=StepFunctionsWorkflows(environment_variable=OBJECTION_STATE_MACHINE_ARN),
                  annual_reports=DynamoAnnualReportStore())
