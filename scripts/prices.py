"""List prices `make bench` turns counts into money with. Data only: one row per (region, unit).

Each price names its source page and the date it was recorded. Prices change: check the source
before quoting a figure. `None` means no price is recorded here (the service or tier may not exist
in that region, or the price page could not be consulted when this table was written) — the bench
prints "n/a" rather than guess. A price with `verified=False` was not read from its page: totals using
it are printed marked UNVERIFIED.

The functions run on arm64 (Graviton), on-demand DynamoDB, REST API (not HTTP API), standard
Step Functions workflows, EventBridge custom events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Price:
    amount: float | None
    currency: str
    per: float
    """The quantity the amount buys (1e6 requests, 1 GB-second, ...)."""
    source: str
    recorded: str
    verified: bool = True
    """False: the figure was not read from its source page (see `recorded`); the bench marks totals
    that use it as unverified."""


AWS_US: Final = "https://aws.amazon.com/{}/pricing/"
AWS_CN: Final = "https://www.amazonaws.cn/en/{}/pricing/"
RECORDED: Final = "2025-06 (list prices as published then; first tier)"
CN_UNVERIFIED: Final = ("2026-12-03, NOT read from the page: amazonaws.cn is unreachable from the machine this "
                        "table was written on (only package registries are); figure recalled from earlier "
                        "readings of the Beijing (Sinnet) price page, to be checked against it before quoting")

UNITS: Final = ("lambda_requests", "lambda_arm_gb_s", "apigw_rest_requests", "ddb_write_units", "ddb_read_units",
                "eventbridge_events", "sfn_transitions")

PRICES: Final[dict[str, dict[str, Price]]] = {
    "us-east-1": {
        "lambda_requests": Price(0.20, "USD", 1e6, AWS_US.format("lambda"), RECORDED),
        "lambda_arm_gb_s": Price(0.0000133334, "USD", 1, AWS_US.format("lambda"), RECORDED),
        "apigw_rest_requests": Price(3.50, "USD", 1e6, AWS_US.format("api-gateway"), RECORDED),
        # On-demand prices after the November 2024 reduction.
        "ddb_write_units": Price(0.625, "USD", 1e6, AWS_US.format("dynamodb") + "on-demand/", RECORDED),
        "ddb_read_units": Price(0.125, "USD", 1e6, AWS_US.format("dynamodb") + "on-demand/", RECORDED),
        "eventbridge_events": Price(1.00, "USD", 1e6, AWS_US.format("eventbridge"), RECORDED),
        "sfn_transitions": Price(0.025, "USD", 1e3, AWS_US.format("step-functions"), RECORDED),
    },
    # Beijing (operated by Sinnet), CNY, first tier. UNVERIFIED (see CN_UNVERIFIED): every figure below
    # is a recollection of the amazonaws.cn pages, not a reading. Confidence: Lambda requests and
    # duration good (x86 ¥0.000113477/GB-s; arm64 taken as 80% of it, AWS's usual Graviton ratio);
    # API Gateway REST, DynamoDB on-demand (which may predate the November 2024 reduction),
    # EventBridge and Step Functions low.
    "cn-north-1": {
        "lambda_requests": Price(1.36, "CNY", 1e6, AWS_CN.format("lambda"), CN_UNVERIFIED, verified=False),
        "lambda_arm_gb_s": Price(0.0000907816, "CNY", 1, AWS_CN.format("lambda"), CN_UNVERIFIED, verified=False),
        "apigw_rest_requests": Price(28.97, "CNY", 1e6, AWS_CN.format("api-gateway"), CN_UNVERIFIED,
                                     verified=False),
        "ddb_write_units": Price(9.68, "CNY", 1e6, AWS_CN.format("dynamodb"), CN_UNVERIFIED, verified=False),
        "ddb_read_units": Price(1.94, "CNY", 1e6, AWS_CN.format("dynamodb"), CN_UNVERIFIED, verified=False),
        "eventbridge_events": Price(6.90, "CNY", 1e6, AWS_CN.format("eventbridge"), CN_UNVERIFIED, verified=False),
        "sfn_transitions": Price(0.204, "CNY", 1e3, AWS_CN.format("step-functions"), CN_UNVERIFIED,
                                 verified=False),
    },
}

SNAPSTART_US_EAST_1: Final = {
    "cache_gb_s": Price(0.0000015046, "USD", 1, AWS_US.format("lambda"), RECORDED),
    "restore_gb": Price(0.0001397998, "USD", 1, AWS_US.format("lambda"), RECORDED),
}
"""SnapStart for Python is charged (Java's is not): a cache charge per GB-second for as long as a
published version with SnapStart exists (3 hours minimum), and a restore charge per GB each time
an execution environment is restored from the snapshot. See infra/README.md."""
