"""Logger and Metrics (Powertools). Tracing: Lambda active tracing is on for every function in the
template; the Powertools Tracer (aws-xray-sdk, ~135-330 ms of import on these machines) is loaded
only where `POWERTOOLS_TRACER=on`, so cold start stays a product figure."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics

# Requests that record no metric are normal (reads); Powertools would warn on every one of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "CustomsCredit"))


def traced(handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Wrap a Lambda handler with the Powertools Tracer where the function opts in (`POWERTOOLS_TRACER=on`)."""
    active = tracer()
    return active.capture_lambda_handler(handler) if active is not None else handler


def tracer() -> Any | None:
    if os.environ.get("POWERTOOLS_TRACER", "off") != "on":
        return None
    from aws_lambda_powertools import Tracer

    return Tracer()
