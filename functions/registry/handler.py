"""Enterprise registry: `POST /v1/enterprises`, `GET /v1/enterprises/{uscc}`, and the verification of an
enterprise's audit chain (officers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.enterprise_schemas import AuditVerification, EnterpriseRecord
from shared.api.entrypoint import api_handler
from shared.api.lazy_imports import lazy_import
from shared.api.resolver import json_response, make_resolver, route
from shared.domain.uscc import Uscc

if TYPE_CHECKING:
    from shared.domain import enterprise
    from shared.usecases import audit, enterprises
else:  # loaded by the first route that uses them (shared/api/lazy_imports.py says why)
    enterprise = lazy_import("shared.domain.enterprise")
    audit = lazy_import("shared.usecases.audit")
    enterprises = lazy_import("shared.usecases.enterprises")

router = APIGatewayRouter()
_record = {"content": {"application/json": {"model": EnterpriseRecord}}}


@route(router, "POST", "/v1/enterprises", responses={201: {"description": "Registered (or replayed)", **_record}},
       description="Idempotent on `Idempotency-Key` and on the natural key `uscc`: the same body again "
                   "replays 201 with the stored record, another body is 409 with the current record. An "
                   "enterprise reported by an agency before registering (UNREGISTERED_RELATED, Art 41) "
                   "keeps its credit state when it registers.")
def register(registration: Annotated[enterprise.RegistrationData, Body()]) -> Response[EnterpriseRecord]:
    clock = current_clock()
    stores = dynamodb_stores()
    registered, created = enterprises.register_enterprise(stores, clock, registration)
    return json_response(201, enterprises.registration_record(stores, registered, created, clock.now()),
                         headers={"Location": f"/v1/enterprises/{registered.uscc}"})


@route(router, "GET", "/v1/enterprises/{uscc}", responses={200: {"description": "The record", **_record}})
def get_enterprise(uscc: Annotated[Uscc, Path()]) -> Response[EnterpriseRecord]:
    stores = dynamodb_stores()
    return json_response(200, enterprises.enterprise_record(stores, enterprises.load_enterprise(stores, uscc),
                                                     current_clock().now()))


@route(router, "GET", "/v1/enterprises/{uscc}/audit/verification",
       responses={200: {"description": "The chain's verification",
                        "content": {"application/json": {"model": AuditVerification}}}},
       description="Every audit entry of the enterprise carries the hash of its previous entry; the "
                   "chain head moves only with the entry it names. `valid` is false when an entry was "
                   "altered, removed or inserted behind the system's back; `broken_at` names the first "
                   "entry where the chain breaks and why.")
def audit_verification(uscc: Annotated[Uscc, Path()]) -> Response[AuditVerification]:
    return json_response(200, audit.verify_audit_chain(dynamodb_stores(), uscc))


app = make_resolver(router)
lambda_handler = api_handler(app)
