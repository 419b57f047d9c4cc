"""Report ingestion: credit events (agencies), declaration volumes and personnel (registry), annual
reports (enterprise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.entrypoint import api_handler
from shared.api.lazy_imports import lazy_import
from shared.api.resolver import json_response, make_resolver, route
from shared.domain.uscc import Uscc

if TYPE_CHECKING:
    from shared.api import credit_event_examples
    from shared.domain import filings as bodies
    from shared.usecases import credit_events, filings
else:  # loaded by the first route that uses them (shared/api/lazy_imports.py says why)
    credit_event_examples = lazy_import("shared.api.credit_event_examples")
    bodies = lazy_import("shared.domain.filings")
    credit_events = lazy_import("shared.usecases.credit_events")
    filings = lazy_import("shared.usecases.filings")

router = APIGatewayRouter()
_CREATED = "Created (or replayed: same natural key and body)"
_UNKNOWN = {422: {"description": "Validation failed, or the enterprise is not registered (loc path.uscc)"}}


@route(router, "POST", "/v1/credit-events",
       responses={202: {"description": "Accepted: `created` or `duplicate` per event, in request order"},
                  409: {"description": "An event_id already stored with other content; nothing stored"},
                  422: {"description": "Every bad item listed by index (loc body.events.<i>.<field>); "
                                       "nothing stored"}},
       description="All-or-nothing: the whole batch is validated (fields, future `decided_on`, `refers_to` "
                   "known, of the right kind and of the same enterprise — in the batch or stored) before "
                   "anything is stored. Each event is then stored once by `event_id`; the same event again is "
                   "`duplicate`. An enterprise not yet registered is created as UNREGISTERED_RELATED "
                   "(Art 41). The tier is re-evaluated asynchronously (see `/decisions`). Which fields each "
                   "`type` needs is shown by the request body's examples, one per type: `due_on` for "
                   "TAX_OVERDUE and FINE_OVERDUE, `amount_cny` for FINE_OVERDUE and for FINE or CONFISCATION "
                   "penalties, `refers_to` for ARREARS_SETTLED and PENALTY_REVOKED.")
def post_credit_events(
        batch: Annotated[credit_events.CreditEventBatch,
                         Body(openapi_examples=credit_event_examples.openapi_examples())]) -> Response[dict[str, Any]]:
    results = credit_events.ingest_credit_events(dynamodb_stores(), current_clock(), batch)
    return json_response(202, {"results": results})


@route(router, "POST", "/v1/enterprises/{uscc}/declaration-volumes",
       responses={201: {"description": _CREATED}, **_UNKNOWN},
       description="Once per `uscc` + `year` + `business_line`; another `documents` figure for the same key is "
                   "409 with the stored one (corrections are an officer matter, not a re-post). The volume is the "
                   "denominator of the Art 15 (D3) ratio, so the enterprise's tier is re-evaluated asynchronously.")
def post_declaration_volume(uscc: Annotated[Uscc, Path()],
                            volume: Annotated[bodies.DeclarationVolume, Body()]) -> Response[dict[str, Any]]:
    return json_response(201, filings.record_declaration_volume(dynamodb_stores(), current_clock(), uscc, volume))


@route(router, "POST", "/v1/enterprises/{uscc}/persons", responses={201: {"description": _CREATED}, **_UNKNOWN},
       description="Once per `uscc` + `person_id`.")
def post_person(uscc: Annotated[Uscc, Path()], person: Annotated[bodies.Person, Body()]) -> Response[dict[str, Any]]:
    return json_response(201, filings.record_person(dynamodb_stores(), current_clock(), uscc, person))


@route(router, "POST", "/v1/enterprises/{uscc}/annual-reports",
       responses={201: {"description": _CREATED + "; `late: true` when filed after 30 June"}, **_UNKNOWN},
       description="Art 11: the report for year Y is filed from 1 January to 30 June of Y+1; the first is for "
                   "the registration year. Before its window opens, or for a year before registration, 422. A "
                   "late filing is accepted, kept, and answered with `late: true`. Once per `uscc` + `year`.")
def post_annual_report(uscc: Annotated[Uscc, Path()],
                       report: Annotated[bodies.AnnualReport, Body()]) -> Response[dict[str, Any]]:
    return json_response(201, filings.file_annual_report(dynamodb_stores(), current_clock(), uscc, report))


app = make_resolver(router)
lambda_handler = api_handler(app)
