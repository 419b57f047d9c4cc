"""Restoration and upgrade applications (Arts 29-30, 36-40): receipt, reads, officer decision and
extension. The review itself runs in the `restoration_review` function, triggered by the bus."""

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
    from shared.domain import restoration_requests as bodies
    from shared.usecases import restorations
else:  # loaded by the first route that uses them (shared/api/lazy_imports.py says why)
    bodies = lazy_import("shared.domain.restoration_requests")
    restorations = lazy_import("shared.usecases.restorations")

router = APIGatewayRouter()
RestorationId = Annotated[str, Path(min_length=1, max_length=128, description="`restoration_id` from the 201")]
_OWN_OR_OFFICER = {403: {"description": "An enterprise token of another enterprise"},
                   404: {"description": "No such application"}}
_CLOCK = ("`decide_by` is the 3rd and `respond_by` the 10th working day after the day of receipt (CST "
          "calendar dates; the day of receipt does not count; PRC holidays and adjusted working weekends "
          "count as the State Council publishes them, via chinese-calendar; for a year not yet published, "
          "Monday-Friday and `clock.provisional: true`, recomputed when read once the year is known).")


def _principal() -> Principal:
    principal: Principal = app.context["principal"]
    return principal


@route(router, "POST", "/v1/restorations",
       responses={201: {"description": "Received: `{restoration_id, status: RECEIVED, received_at, decide_by, "
                                       "respond_by}`; the review decides asynchronously (poll the GET)"},
                  409: {"description": "An open application already covers one of these records (DISCLOSURE) or "
                                       "the tier (TIER), named in `open_applications`; or the Idempotency-Key "
                                       "was used with another body"},
                  422: {"description": "Validation failed: `event_ids` missing for DISCLOSURE or given for TIER, "
                                       "an unknown document type, event ids unknown or of another enterprise "
                                       "(named in `errors`), an unregistered `uscc`. Nothing is stored."}},
       description="Own enterprise only (`uscc` must be the token's). `kind: DISCLOSURE` asks to restore the "
                   "records `event_ids` (their disclosure ends as RESTORED when approved); `kind: TIER` asks "
                   "for an upgrade to REGULAR (Arts 29-30; `event_ids` not used). Documents: FULFILMENT_PROOF "
                   "and COMMITMENT_LETTER (a COURT_RESTRUCTURING_ORDER replaces the proof and is read by an "
                   "officer; OTHER documents in place of a required one go to an officer). One open "
                   "application per record and one open TIER application per enterprise. " + _CLOCK +
                   " The review answers APPROVED, REJECTED with `reasons:[{rule_id, article, detail}]` (rule ids "
                   "of the rule pack's `restoration.checks`), or NEEDS_OFFICER.")
def post_restoration(application: Annotated[bodies.RestorationApplication, Body()]) -> Response[dict[str, Any]]:
    principal = _principal()
    principal.ensure_may_act_for(application.uscc)
    created = restorations.receive_application(dynamodb_stores(), current_clock(), application, principal.client_id)
    return json_response(201, created, headers={"Location": f"/v1/restorations/{created['restoration_id']}"})


@route(router, "GET", "/v1/restorations",
       responses={200: {"description": "`{items: [application], next_token}`, newest first"},
                  403: {"description": "An enterprise token of another enterprise"},
                  404: {"description": "Unknown enterprise"}})
def list_restorations(uscc: Annotated[Uscc, Query()],
                      limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"default {DEFAULT_LIMIT}")]
                      = DEFAULT_LIMIT,
                      next_token: Annotated[str | None, Query(max_length=2048)] = None) -> Response[dict[str, Any]]:
    _principal().ensure_may_act_for(uscc)
    items, last = restorations.restorations_page(dynamodb_stores(), current_clock(), uscc, limit,
                                                 decode_token(next_token))
    return json_response(200, {"items": items, "next_token": encode_token(last)})


@route(router, "GET", "/v1/restorations/{restoration_id}",
       responses={200: {"description": "The application, its `clock` (received_at, decide_by, respond_by, "
                                       "`extended: {reason, working_days}`), status, reasons, decided_at, "
                                       "`overdue` (still undecided the day after `decide_by`: the "
                                       "`case-deadlines` schedule marks it and emits `DeadlineMissed` once) and "
                                       "`history` of every status"}, **_OWN_OR_OFFICER},
       description=_CLOCK)
def read_restoration(restoration_id: RestorationId) -> Response[dict[str, Any]]:
    _principal().ensure_may_act_for(restorations.uscc_of(restoration_id))
    return json_response(200, restorations.get_restoration(dynamodb_stores(), current_clock(), restoration_id))


@route(router, "POST", "/v1/restorations/{restoration_id}/decision",
       responses={200: {"description": "Decided: the application"},
                  404: {"description": "No such application"},
                  409: {"description": "The application is not NEEDS_OFFICER; or an approval that a refusing "
                                       "condition (minimum period, unpaid arrears, new ground...) forbids now, "
                                       "with its `reasons`. Nothing is stored."}},
       description="Only while NEEDS_OFFICER. A REJECTED decision lists at least one reason (`rule_id` defaults "
                   "to OFFICER_DECISION, `article` to Arts 36-40). An approval re-checks every refusing condition "
                   "on the facts of today; the documents are the officer's to weigh. The approval then has the "
                   "same effects as the review's: RESTORED disclosures or an upgrade decision, `RestorationDecided`.")
def post_decision(restoration_id: RestorationId,
                  decision: Annotated[bodies.OfficerDecision, Body()]) -> Response[dict[str, Any]]:
    return json_response(200, restorations.decide_as_officer(dynamodb_stores(), current_clock(), restoration_id,
                                                             decision, _principal().client_id))


@route(router, "POST", "/v1/restorations/{restoration_id}/extension",
       responses={200: {"description": "Extended: the application with its moved clock"},
                  404: {"description": "No such application"},
                  409: {"description": "Already decided, already extended, or after `decide_by`"}},
       description="Once per application, while it is open, on or before its `decide_by` day (CST). "
                   "`decide_by` becomes the (3 + working_days)th and `respond_by` the (10 + working_days)th "
                   "working day after the day of receipt: the applicant's answer moves with the decision. "
                   "The reason is recorded in `clock.extended` and in `history`.")
def post_extension(restoration_id: RestorationId,
                   extension: Annotated[bodies.Extension, Body()]) -> Response[dict[str, Any]]:
    return json_response(200, restorations.extend(dynamodb_stores(), current_clock(), restoration_id, extension,
                                                  _principal().client_id))


app = make_resolver(router)
lambda_handler = api_handler(app)
