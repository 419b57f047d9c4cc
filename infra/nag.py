"""cdk-nag 3 acknowledgements through CDK's own `Validations` API (cdk-nag 3 removed
`NagSuppressions`). Every call names one finding on one resource and says why it is accepted."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct


def acknowledge(construct: IConstruct, finding: str, reason: str) -> None:
    """Accept one cdk-nag finding on `construct`'s CloudFormation resource.

    An acknowledgement applies to the construct and everything below it, so it is placed on the
    L2's default child (the one `AWS::*` resource the finding is about), not on the L2 or a parent.
    `finding` is the rule id, or `RuleId[FindingId]` for rules that report one finding per wildcard
    (e.g. `AwsSolutions-IAM5[Resource::*]`): cdk-nag 3 matches those exactly, which is its form of
    v2's `applies_to`."""
    if len(reason) < 40:
        raise ValueError(f"acknowledging {finding} needs a real reason, not {reason!r}")
    target = construct.node.default_child or construct
    Validations.of(target).acknowledge(Acknowledgment(id=finding, reason=reason))


def default_policy(role: iam.Role) -> IConstruct:
    """The role's `DefaultPolicy` (where grants land, and where IAM5 findings are reported)."""
    policy = role.node.try_find_child("DefaultPolicy")
    if policy is None:
        raise LookupError(f"{role.node.path} has no grants yet: acknowledge after granting")
    return policy
