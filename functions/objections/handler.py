"""Objections (Art 39): filing, reads and the officer's decision. The review runs on the `objection`
state machine; the officer's decision resumes it, and it applies the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.auth import Principal
from shared.api.entrypoint import api_handler
from shared.api.lazy_imports import lazy_import
from shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_token, encode_token
from shared.api.resolver import json_response, make_resolver, route
from shared.domain.uscc import Uscc

if TYPE_CHECKING:
    from shared.domain import objection, objection_requests
    from shared.usecases.objections import cases
else:  # loaded by the first route that uses them (shared/api/lazy_imports.py says why)
    objection = lazy_import("shared.domain.objection")
    objection_requests = lazy_import("shared.domain.objection_requests")
    cases = lazy_import("shared.usecases.objections.cases")

router = APIGatewayRouter()
ObjectionId = Annotated[str, Path(min_length=1, max_length=64, description="`objection_id` from the 201")]
_OBJECTION = {404: {"description": "No such objection"}}


def _principal() -> Principal:
    principal: Principal = app.context["principal"]
    return principal


@route(router, "POST", "/v1/objections",
       responses={201: {"description": "`{objection_id, execution_arn, review_by}`"},
                  409: {"description": "The subject already has an open objection (`open_objection_id`), or the "
                                       "Idempotency-Key was used with another body"},
                  422: {"description": "`subject_id` is not a subject of this enterprise one may object to (a "
                                       "record; a published disclosure; a tier decision; a refused (REJECTED) "
                                       "restoration or upgrade application: an approval is what was applied for); "
                                       "an unregistered `uscc`"}},
       description="Own enterprise only. The review runs on the `objection` state machine (execution "
                   "`objection-<uscc>-<number>`); `review_by` is the 20th calendar day after the day of filing "
                   "(CST), the last day in time. From the next day the `case-deadlines` schedule marks an objection "
                   "still under review `overdue` and emits `DeadlineMissed` once; it stays UNDER_REVIEW and may "
                   "still be decided, and the mark stays on it.")
def file(filing: Annotated[objection_requests.ObjectionFiling, Body()]) -> Response[dict[str, Any]]:
    principal = _principal()
    principal.ensure_may_act_for(filing.uscc)
    created = cases.file(dynamodb_stores(), current_clock(), filing.uscc, objection.SubjectType(filing.subject_type),
                         filing.subject_id, filing.grounds, filing.evidence, principal.client_id)
    return json_response(201, created, headers={"Location": f"/v1/objections/{created['objection_id']}"})


@route(router, "GET", "/v1/objections",
       responses={200: {"description": "`{items: [objection], next_token}`, newest first"},
                  404: {"description": "Unknown enterprise"}})
def list_objections(uscc: Annotated[Uscc, Query()],
                    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"default {DEFAULT_LIMIT}")]
                    = DEFAULT_LIMIT,
                    next_token: Annotated[str | None, Query(max_length=2048)] = None) -> Response[dict[str, Any]]:
    _principal().ensure_may_act_for(uscc)
    items, last = cases.page(dynamodb_stores(), uscc, limit, decode_token(next_token), current_clock().now())
    return json_response(200, {"items": items, "next_token": encode_token(last)})


@route(router, "GET", "/v1/objections/{objection_id}",
       responses={200: {"description": "`{objection_id, uscc, subject_type, subject_id, status, filed_at, "
                                       "review_by, overdue, decision, execution_arn, redecision, history, ...}`"},
                  **_OBJECTION})
def read_objection(objection_id: ObjectionId) -> Response[dict[str, Any]]:
    _principal().ensure_may_act_for(objection.uscc_of(objection_id))
    return json_response(200, cases.get(dynamodb_stores(), objection_id, current_clock().now()))


@route(router, "POST", "/v1/objections/{objection_id}/decision",
       responses={200: {"description": "The objection UPHELD or DISMISSED; the workflow applies the outcome"},
                  **_OBJECTION,
                  409: {"description": "The objection was decided already, or its workflow is not waiting for the "
                                       "review yet (retry shortly), or (UPHELD, a RESTORATION) another open "
                                       "application covers the same records (`open_applications`); nothing is "
                                       "stored"},
                  422: {"description": "A `correction` that does not fit the subject type, or one with DISMISSED"}},
       description="UPHELD corrects by a new decision citing Art 39 with the objection as evidence, from the "
                   "instant the workflow applies it (reads `as_of` earlier, the same day included, answer what was "
                   "public then): an EVENT stops counting and its disclosure ends WITHDRAWN; a DISCLOSURE ends "
                   "WITHDRAWN, or takes `correction.disclosure_months` (counted from its start) when that period "
                   "still runs after the decision day (a shorter one ends it WITHDRAWN); a DECISION is made again "
                   "on the corrected facts; a refused RESTORATION is reviewed again as a new application "
                   "(`redecision` on the objection, `redecision_of` on the application; conditions as at the "
                   "original receipt, its own clock from the re-decision day); then the tier is re-evaluated. "
                   "Nothing stored before is edited. DISMISSED changes nothing but the objection. "
                   "`ObjectionDecided` goes on the bus either way.")
def decide(objection_id: ObjectionId,
           decision: Annotated[objection_requests.ObjectionDecision, Body()]) -> Response[dict[str, Any]]:
    return json_response(200, cases.decide(dynamodb_stores(), current_clock(), objection_id,
                                           objection.ObjectionStatus(decision.outcome), decision.reasons,
                                           decision.correction, _principal().client_id))


app = make_resolver(router)
lambda_handler = api_handler(app)
