"""Names of the stack's CloudFormation outputs: how the local runtime (and operators) find the
physical resources. Plain constants, no CDK import, so readers do not start a jsii runtime."""

from __future__ import annotations

from typing import Final

STACK_NAME: Final = "CustomsCreditStack"

MAIN_TABLE: Final = "MainTableName"
IDEMPOTENCY_TABLE: Final = "IdempotencyTableName"
AUDIT_TABLE: Final = "AuditTableName"
OUTBOX_TABLE: Final = "OutboxTableName"
AUDIT_ARCHIVE_BUCKET: Final = "AuditArchiveBucketName"
EVENT_BUS: Final = "EventBusName"
REST_API_ID: Final = "RestApiId"
REST_API_URL: Final = "RestApiUrl"
API_STAGE: Final = "ApiStageName"
USER_POOL_ID: Final = "UserPoolId"
TOKEN_URL: Final = "TokenUrl"
CERTIFICATION_STATE_MACHINE: Final = "CertificationStateMachineArn"
OBJECTION_STATE_MACHINE: Final = "ObjectionStateMachineArn"

FUNCTION_PREFIX: Final = "FunctionName"
"""`FunctionName<CamelCaseCatalogName>` holds the physical name of each catalog function."""


def camel(name: str) -> str:
    """`credit_views` / `arrears-watch` → `CreditViews` / `ArrearsWatch` (construct ids, outputs)."""
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def function_output(name: str) -> str:
    """Output key holding the physical name of catalog function `name`."""
    return FUNCTION_PREFIX + camel(name)
