"""The real ports: what every handler passes to its use cases.

Each adapter is imported and built on first use (`_Deferred`): a function touches two or three of
the twelve stores, and importing them all (with the domain modules they need: certification rules,
bus event models, ...) was most of the cold start of the handlers that use the fewest. The cost of
an adapter a request does use moves into that request, once per execution environment."""

from __future__ import annotations

import importlib
from typing import Any, cast

from shared.usecases.stores import Stores

OBJECTION_STATE_MACHINE_ARN = "OBJECTION_STATE_MACHINE_ARN"


class _Deferred:
    """Stands for `module.factory(**kwargs)` and becomes it on first attribute access."""

    __slots__ = ("_factory", "_kwargs", "_module", "_target")

    def __init__(self, module: str, factory: str, **kwargs: Any) -> None:
        self._module = module
        self._factory = factory
        self._kwargs = kwargs
        self._target: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._target is None:
            built = getattr(importlib.import_module(self._module), self._factory)(**self._kwargs)
            object.__setattr__(self, "_target", built)
        return getattr(self._target, name)

    def __repr__(self) -> str:
        return f"<deferred {self._module}.{self._factory}>"


def _deferred(module: str, factory: str, **kwargs: Any) -> Any:
    return cast(Any, _Deferred(f"shared.adapters.{module}", factory, **kwargs))


def dynamodb_stores() -> Stores:
    """DynamoDB stores and the EventBridge bus, on the tables and bus of the function's environment.
    Cheap (nothing is imported or created until a store is used), so handlers build it per invocation."""
    return Stores(enterprises=_deferred("enterprises", "EnterpriseRepository"),
                  credit=_deferred("credit_store", "DynamoCreditFileStore"),
                  filings=_deferred("records", "DynamoFilingStore"),
                  bus=_deferred("bus", "EventBridgeBus"),
                  audit=_deferred("audit", "DynamoAuditStore"),
                  certifications=_deferred("certifications", "DynamoCertificationStore"),
                  workflows=_deferred("workflows", "StepFunctionsWorkflows"),
                  restorations=_deferred("restorations", "DynamoRestorationStore"),
                  objections=_deferred("objections", "DynamoObjectionStore"),
                  objection_workflow=_deferred("workflows", "StepFunctionsWorkflows",
                                               environment_variable=OBJECTION_STATE_MACHINE_ARN),
                  annual_reports=_deferred("annual_reports", "DynamoAnnualReportStore"))
