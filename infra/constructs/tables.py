"""State: the main single-table, the Powertools idempotency table and the append-only audit table.

The key layout of the main table is documented (and implemented) in `shared/adapters/dynamodb.py`
and `shared/adapters/keys.py`. `dynamodb.Table`, not `TableV2`: TableV2 synthesizes
`AWS::DynamoDB::GlobalTable`, which the local runtime's emulator (moto) cannot create."""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

STRING = dynamodb.AttributeType.STRING

AUDIT_FORBIDDEN_ACTIONS = (
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
)
"""Item-changing actions nobody may call on the audit table (enforced by its resource policy)."""


class Tables(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.main = dynamodb.Table(self, "Main", **_record_table())
        # Sparse indexes: only items that carry the index keys are projected.
        # gsi1: public lists (LIST#<list> / <tier_since>#<uscc>).
        self.main.add_global_secondary_index(
            index_name="gsi1",
            partition_key=dynamodb.Attribute(name="gsi1pk", type=STRING),
            sort_key=dynamodb.Attribute(name="gsi1sk", type=STRING),
        )
        # gsi2: the due index of time-triggered work (DUE#<KIND> / <day>#<uscc>#<ref>; disclosure
        # expiry, arrears thresholds, clean-period upgrades): jobs read what is due and consume it.
        self.main.add_global_secondary_index(
            index_name="gsi2",
            partition_key=dynamodb.Attribute(name="gsi2pk", type=STRING),
            sort_key=dynamodb.Attribute(name="gsi2sk", type=STRING),
        )
        # gsi3: the public disclosure feed (FEED / <published_until>#<uscc>#<event_id>): only records
        # the system published; a feed read for day D queries `>= D`, so it never reads what left before D.
        self.main.add_global_secondary_index(
            index_name="gsi3",
            partition_key=dynamodb.Attribute(name="gsi3pk", type=STRING),
            sort_key=dynamodb.Attribute(name="gsi3sk", type=STRING),
        )

        # Powertools idempotency records; TTL only cleans up expired replay records (it is never a
        # legal clock). Losing them loses nothing but replays, so DESTROY is fine; PITR stays on
        # because it costs next to nothing at this size and keeps every table under one rule.
        self.idempotency = dynamodb.Table(
            self, "Idempotency",
            partition_key=dynamodb.Attribute(name="id", type=STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute="expiration",
            point_in_time_recovery_specification=_PITR,
            removal_policy=RemovalPolicy.DESTROY,
        )

        # The record of truth for every state change. Append-only: roles get PutItem only (see
        # Functions), and this resource policy denies the item-changing actions to every principal,
        # including administrators, so a mistaken grant cannot open it either. PutItem itself can
        # overwrite an item with the same key; writers use `attribute_not_exists(pk)` conditions
        # and unique sort keys (IAM has no condition key that could enforce that).
        # `resources=["*"]` means "this table": a resource policy cannot reference the ARN of the
        # table it is attached to (circular dependency in CloudFormation).
        self.audit = dynamodb.Table(
            self, "Audit", **_record_table(),
            # New entries are copied to the write-once archive (constructs/audit_archive.py).
            stream=dynamodb.StreamViewType.NEW_IMAGE,
            resource_policy=iam.PolicyDocument(statements=[
                iam.PolicyStatement(
                    sid="AppendOnly",
                    effect=iam.Effect.DENY,
                    principals=[iam.AnyPrincipal()],
                    actions=list(AUDIT_FORBIDDEN_ACTIONS),
                    resources=["*"],
                ),
            ]),
        )


_PITR = dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True)


def _record_table() -> dict[str, Any]:
    """What every table of legal records shares: pk/sk, on demand, PITR, never deleted with the stack."""
    return {
        "partition_key": dynamodb.Attribute(name="pk", type=STRING),
        "sort_key": dynamodb.Attribute(name="sk", type=STRING),
        "billing_mode": dynamodb.BillingMode.PAY_PER_REQUEST,
        "point_in_time_recovery_specification": _PITR,
        "deletion_protection": True,
        # Credit records are legal records: a stack deletion must never take them along.
        "removal_policy": RemovalPolicy.RETAIN,
    }
