"""Stage-derived names: every stage is its own stack (`CustomsCredit-<stage>`), and every physical
name the template sets explicitly carries the stage, so two stages fit one account and region.

Names CloudFormation generates (tables, functions, log groups, queues, the topic) are already
unique per stack. No CDK import: the Makefile's rule and the tests read these too."""

from __future__ import annotations

import re
from typing import Final

DEFAULT_STAGE: Final = "dev"
STAGE_PATTERN: Final = re.compile(r"[a-z][a-z0-9-]{0,15}")
"""Short and lower-case: the stage ends up in a Cognito domain prefix (lower-case, globally unique)
and in names with tight limits (an event bus archive: 48 characters)."""


def valid_stage(stage: str) -> str:
    if not STAGE_PATTERN.fullmatch(stage):
        raise ValueError(f"stage {stage!r} must match {STAGE_PATTERN.pattern}")
    return stage


def stack_name(stage: str) -> str:
    """The CloudFormation stack name (the cloud assembly's artifact id stays `STACK_NAME`)."""
    return f"CustomsCredit-{valid_stage(stage)}"


def physical_name(base: str, stage: str) -> str:
    """`credit` in stage `dev` → `credit-dev`."""
    return f"{base}-{valid_stage(stage)}"


def workflow_name(workflow: str, stage: str) -> str:
    """`certification` in stage `dev` → `customs-credit-certification-dev`: state machine names are unique
    per account and region, so two stages must not share one."""
    return physical_name(f"customs-credit-{workflow}", stage)


PRODUCTION_STAGES: Final = frozenset({"prod", "production", "live"})
"""Stages that serve the nation: their edge is protected (WAF, per-partner usage plans) by default."""


def protected_edge(stage: str, override: object = None) -> bool:
    """WAF and usage plans: on for production stages, off for development ones, unless cdk.json's
    context `edge` says otherwise (`true`/`false`; `--context edge=true` arrives as a string)."""
    if override is None or override == "":
        return stage in PRODUCTION_STAGES
    if isinstance(override, str):
        if override.lower() not in {"true", "false"}:
            raise ValueError(f"context edge must be true or false, not {override!r}")
        return override.lower() == "true"
    return bool(override)
