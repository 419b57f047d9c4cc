"""Certification and re-certification (Arts 8, 17-23): applications, reads, officers' steps, the
enterprise's withdrawal, the standard's items and the certifiers' roster. The procedure itself runs
on the `certification` state machine; the officers' steps resume it."""

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
from shared.domain.tiers import Tier
from shared.domain.uscc import Uscc

if TYPE_CHECKING:
    from shared.domain.certification import case
    from shared.domain.certification import requests as bodies
    from shared.domain.certification import standards as standard_items
    from shared.usecases.certification import cases, common, roster
else:  # loaded by the first route that uses them (shared/api/lazy_imports.py says why)
    case = lazy_import("shared.domain.certification.case")
    bodies = lazy_import("shared.domain.certification.requests")
    standard_items = lazy_import("shared.domain.certification.standards")
    cases = lazy_import("shared.usecases.certification.cases")
    common = lazy_import("shared.usecases.certification.common")
    roster = lazy_import("shared.usecases.certification.roster")

router = APIGatewayRouter()
CaseId = Annotated[str, Path(min_length=1, max_length=128, description="`case_id` from the 201")]
CertifierId = Annotated[str, Path(min_length=1, max_length=64)]
_CASE = {404: {"description": "No such case"}}
_STATE = {409: {"description": "The case's status does not allow this step (named in `status`), or the workflow "
                               "is not waiting for it yet (`waiting_for`); nothing is stored"}}
_CLOCK = ("`decide_by` is 90 calendar days after the day of receipt (CST), +30 after the one extension, plus "
          "every day suspended (a suspension from day a resumed on day b adds b - a days).")


def _principal() -> Principal:
    principal: Principal = app.context["principal"]
    return principal


@route(router, "POST", "/v1/certifications",
       responses={201: {"description": "`{case_id, execution_arn, status: RECEIVED, received_at, decide_by}`"},
                  409: {"description": "Refused: `refusals:[{code, detail, until}]` names every reason "
                                       "(NOT_REGISTERED, DISCREDITED, ALREADY_AT_TARGET, OPEN_CASE, "
                                       "BARRED_<reason>); or the Idempotency-Key was used with another body"},
                  422: {"description": "The self-assessment names an unknown item, an item twice, or leaves one "
                                       "out (each in `errors`); an unregistered `uscc`"}},
       description="Own enterprise only. The case runs on the `certification` state machine (execution "
                   "`cert-<uscc>-<case number>`): certifiers are assigned (AWAITING_CERTIFIERS while fewer than "
                   "two are eligible), then the audit and the decision wait for officers. " + _CLOCK)
def apply(application: Annotated[bodies.CertificationApplication, Body()]) -> Response[dict[str, Any]]:
    principal = _principal()
    principal.ensure_may_act_for(application.uscc)
    created = cases.apply(dynamodb_stores(), current_clock(), application.uscc, Tier(application.target_tier),
                          application.self_assessment.entries(), principal.client_id)
    return json_response(201, created, headers={"Location": f"/v1/certifications/{created['case_id']}"})


@route(router, "GET", "/v1/certifications",
       responses={200: {"description": "`{items: [case], next_token}`, newest first"},
                  404: {"description": "Unknown enterprise"}})
def list_cases(uscc: Annotated[Uscc, Query()],
               limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"default {DEFAULT_LIMIT}")] = DEFAULT_LIMIT,
               next_token: Annotated[str | None, Query(max_length=2048)] = None) -> Response[dict[str, Any]]:
    _principal().ensure_may_act_for(uscc)
    items, last = cases.cases_page(dynamodb_stores(), uscc, limit, decode_token(next_token), current_clock().now())
    return json_response(200, {"items": items, "next_token": encode_token(last)})


@route(router, "GET", "/v1/certifications/{case_id}",
       responses={200: {"description": "The case: status, `clock` (received_at, suspensions, extension, "
                                       "decide_by), certifiers, self_assessment, audit, score, decision, "
                                       "execution_arn, overdue, waiting_for, failure, history"}, **_CASE},
       description=_CLOCK)
def read_case(case_id: CaseId) -> Response[dict[str, Any]]:
    _principal().ensure_may_act_for(common.uscc_of(case_id))
    return json_response(200, cases.get_case(dynamodb_stores(), case_id, current_clock().now()))


@route(router, "POST", "/v1/certifications/{case_id}/suspensions",
       responses={200: {"description": "The case with its suspended clock"}, **_CASE,
                  409: {"description": "The case is closed, or its clock is already suspended"}})
def suspend(case_id: CaseId, suspension: Annotated[bodies.SuspensionRequest, Body()]) -> Response[dict[str, Any]]:
    return json_response(200, cases.suspend(dynamodb_stores(), current_clock(), case_id, suspension.reason,
                                            _principal().client_id))


@route(router, "POST", "/v1/certifications/{case_id}/resumptions",
       responses={200: {"description": "The case with its running clock and moved `decide_by`"}, **_CASE,
                  409: {"description": "The case is closed, or its clock is not suspended"}})
def resume(case_id: CaseId, _body: Annotated[bodies.NoFields | None, Body()] = None) -> Response[dict[str, Any]]:
    return json_response(200, cases.resume(dynamodb_stores(), current_clock(), case_id, _principal().client_id))


@route(router, "POST", "/v1/certifications/{case_id}/extension",
       responses={200: {"description": "The case with `clock.extension` and the moved `decide_by`"}, **_CASE,
                  409: {"description": "Already extended, the deadline has passed, or the case is closed"}})
def extend(case_id: CaseId, _body: Annotated[bodies.NoFields | None, Body()] = None) -> Response[dict[str, Any]]:
    return json_response(200, cases.extend(dynamodb_stores(), current_clock(), case_id, _principal().client_id))


@route(router, "POST", "/v1/certifications/{case_id}/audit",
       responses={200: {"description": "The case AWAITING_DECISION with its `score`"}, **_CASE, **_STATE,
                  422: {"description": "An unknown `standard_id`, a `result` outside MET/BASICALLY_MET/NOT_MET, an "
                                       "item named twice or left out: each in `errors`; nothing is stored"}},
       description="Only while the case is UNDER_AUDIT and its workflow waits for the audit (desk review on the "
                   "SIMPLIFIED route). Score: 100, minus 1 per BASICALLY_MET and 2 per NOT_MET; a pass needs no "
                   "NOT_MET and 95 (ADVANCED_CERTIFIED) or 90 (CERTIFIED).")
def audit(case_id: CaseId, assessment: Annotated[bodies.Assessment, Body()]) -> Response[dict[str, Any]]:
    return json_response(200, cases.record_audit(dynamodb_stores(), current_clock(), case_id, assessment.entries(),
                                                 _principal().client_id))


@route(router, "POST", "/v1/certifications/{case_id}/decision",
       responses={200: {"description": "The case APPROVED or REJECTED; the workflow applies the outcome"}, **_CASE,
                  409: {"description": "Not AWAITING_DECISION (e.g. before the audit), the clock is suspended, or "
                                       "an approval of a score that does not pass"}},
       description="An approval sets the tier by a decision citing Art 8 (through the evaluation); a rejection "
                   "starts the 12-month bar, and a failed re-certification downgrades to REGULAR. "
                   "`CertificationDecided` goes on the bus.")
def decide(case_id: CaseId, decision: Annotated[bodies.DecisionRequest, Body()]) -> Response[dict[str, Any]]:
    return json_response(200, cases.decide(dynamodb_stores(), current_clock(), case_id, case.Outcome(decision.outcome),
                                           decision.reasons, _principal().client_id))


@route(router, "POST", "/v1/certifications/{case_id}/withdrawal",
       responses={200: {"description": "The case WITHDRAWN, its execution stopped"}, **_CASE,
                  409: {"description": "The case is already closed"}},
       description="Own enterprise only. Starts the 12-month bar; a withdrawn re-certification downgrades to "
                   "REGULAR like a failed one.")
def withdraw(case_id: CaseId, _body: Annotated[bodies.NoFields | None, Body()] = None) -> Response[dict[str, Any]]:
    principal = _principal()
    principal.ensure_may_act_for(common.uscc_of(case_id))
    return json_response(200, cases.withdraw(dynamodb_stores(), current_clock(), case_id, principal.client_id))


@route(router, "GET", "/v1/certification-standards",
       responses={200: {"description": "`{target_tier, categories, items:[{standard_id, category, text, "
                                       "applies_to}]}`"}})
def standards(target_tier: Annotated[Tier | None, Query(description="CERTIFIED or ADVANCED_CERTIFIED; "
                                                                    "omitted: every item")] = None
              ) -> Response[dict[str, Any]]:
    if target_tier is not None and not target_tier.is_aeo:
        from shared.domain.errors import ValidationFailed

        raise ValidationFailed(f"no certification standard for {target_tier.value}",
                               errors=[{"loc": ["query", "target_tier"], "msg": "CERTIFIED or ADVANCED_CERTIFIED"}])
    return json_response(200, standard_items.standards_listing(target_tier))


@route(router, "POST", "/v1/certifiers",
       responses={201: {"description": "The certifier; `resumed_cases` lists the cases resumed by the change"},
                  409: {"description": "A certifier with this id exists (PUT replaces it)"}})
def add_certifier(certifier: Annotated[bodies.NewCertifier, Body()]) -> Response[dict[str, Any]]:
    created = roster.add_certifier(dynamodb_stores(), current_clock(), certifier.certifier(certifier.certifier_id),
                                   _principal().client_id)
    return json_response(201, created, headers={"Location": f"/v1/certifiers/{certifier.certifier_id}"})


@route(router, "GET", "/v1/certifiers", responses={200: {"description": "`{items: [certifier], next_token: null}`"}})
def list_certifiers() -> Response[dict[str, Any]]:
    return json_response(200, {"items": roster.roster(dynamodb_stores()), "next_token": None})


@route(router, "PUT", "/v1/certifiers/{certifier_id}",
       responses={200: {"description": "The certifier; `resumed_cases` lists the cases resumed by the change"},
                  404: {"description": "No such certifier"}})
def replace_certifier(certifier_id: CertifierId, fields: Annotated[bodies.CertifierFields, Body()]
                      ) -> Response[dict[str, Any]]:
    return json_response(200, roster.replace_certifier(dynamodb_stores(), current_clock(),
                                                       fields.certifier(certifier_id), _principal().client_id))


app = make_resolver(router)
lambda_handler = api_handler(app)
