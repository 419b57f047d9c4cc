"""Credit views: public point-in-time view, decisions, simulations, measures, public lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from shared.adapters.clock import current_clock
from shared.adapters.stores import dynamodb_stores
from shared.api.credit_view_schema import CreditView
from shared.api.entrypoint import api_handler
from shared.api.lazy_imports import lazy_import
from shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.api.resolver import json_response, make_resolver, route
from shared.domain.time_types import Instant
from shared.domain.uscc import Uscc

if TYPE_CHECKING:
    from shared.usecases import credit_views, disclosures
else:  # loaded by the first route that uses them (shared/api/lazy_imports.py says why)
    credit_views = lazy_import("shared.usecases.credit_views")
    disclosures = lazy_import("shared.usecases.disclosures")

router = APIGatewayRouter()
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size, default {DEFAULT_LIMIT}")]
NextToken = Annotated[str | None, Query(max_length=2048, description="opaque token from the previous page")]


@route(router, "GET", "/v1/enterprises/{uscc}/credit",
       responses={200: {"description": "Credit view", "content": {"application/json": {"model": CreditView}}},
                  404: {"description": "Unknown enterprise, or not under management at `as_of`"}},
       description="`as_of` is an RFC 3339 instant with offset (default now); any past instant is answered from "
                   "the recorded decisions (the tier that was official then). `disclosures` are the records whose "
                   "disclosure window contains `as_of` (CST date; `disclosure_until` is exclusive), not withdrawn "
                   "or restored by then, and already known to the system at `as_of`.")
def get_credit(
    uscc: Annotated[Uscc, Path()],
    as_of: Annotated[Instant | None, Query(description="RFC 3339 instant with offset; in a query string "
                                                       "write the offset's `+` as `%2B`, or use `Z`")] = None,
) -> Response[CreditView]:
    now = current_clock().now()
    return json_response(200, credit_views.credit_view(dynamodb_stores(), uscc, as_of or now, now))


@route(router, "GET", "/v1/enterprises/{uscc}/decisions",
       responses={200: {"description": "`{items: [decision], next_token}`"},
                  404: {"description": "Unknown enterprise"}},
       description="Newest first. A decision is numbered from 1 per enterprise (`D-<uscc>-00001`) and carries "
                   "two instants: `grounds_since`, when what it cites arose (e.g. the day a ground arose; the "
                   "explanation says `on grounds that arose on <date>`), and `effective_at`, when the decision was "
                   "made and took effect (the credit view's `tier_since`). Evaluation is asynchronous, so "
                   "`effective_at` follows `grounds_since`, by days when a ground arises with time (D4, D5) or "
                   "is reported late.")
def get_decisions(uscc: Annotated[Uscc, Path()], limit: Limit = DEFAULT_LIMIT,
                  next_token: NextToken = None) -> Response[dict[str, Any]]:
    return json_response(200, credit_views.decisions_page(dynamodb_stores(), uscc, limit, next_token))


@route(router, "POST", "/v1/enterprises/{uscc}/simulations",
       responses={200: {"description": "The tier, grounds and records that would result; `stored: false`"},
                  404: {"description": "Unknown enterprise"}},
       description="Stores nothing, so no `Idempotency-Key` is needed. `as_of` may be in the future: the "
                   "answer is what would hold then if nothing but `extra_events` happened (e.g. unpaid arrears "
                   "crossing their threshold). Extra events are validated like `POST /v1/credit-events` items and "
                   "must concern this enterprise.")
def post_simulation(uscc: Annotated[Uscc, Path()],
                    request: Annotated[credit_views.SimulationRequest, Body()]) -> Response[dict[str, Any]]:
    return json_response(200, credit_views.simulate_enterprise(dynamodb_stores(), uscc, request,
                                                                  current_clock().now()))


@route(router, "GET", "/v1/measures", responses={200: {"description": "Measures by tier, best first"}})
def get_measures() -> Response[dict[str, Any]]:
    return json_response(200, credit_views.measures_now(current_clock().now()))


@route(router, "GET", "/v1/lists/{name}",
       responses={200: {"description": "`{items, next_token}`"}, 404: {"description": "Unknown list name"}})
def get_list(name: Annotated[str, Path(max_length=64)], limit: Limit = DEFAULT_LIMIT,
             next_token: NextToken = None) -> Response[dict[str, Any]]:
    return json_response(200, credit_views.list_page(dynamodb_stores(), name, limit, next_token))


FEED_DESCRIPTION = (
    "What was public at `as_of` (RFC 3339 instant with offset, default now, never in the future): records the "
    "system had published by that instant (`published_at <= as_of`; the feed never shows the past something it "
    "did not know then), whose window `published_from`..`published_until` contains `as_of`'s China Standard "
    "Time date (`published_until` is the LAST day shown, inclusive: a GENERAL record decided 2026-04-15 is shown "
    "through 2027-04-15 and is off on 2027-04-16), and that had not been restored or withdrawn on or before that "
    "date. The window is enforced when read, whether or not the expiry schedule has run. Without `uscc`: the "
    "national feed, ordered by `published_until`, then `uscc`, then `event_id`; with `uscc`: that enterprise's "
    "records by `event_id`. A page may hold fewer than `limit` items while `next_token` is not null (filters "
    "apply to what is read); `next_token` keeps the first page's `as_of`, so a listing is one point in time "
    "(an `as_of` that differs from it is 422). Items show `status` PUBLISHED (as at `as_of`); amounts and the "
    "enterprise's private fields are never shown. MINOR records are never on the feed.")


@route(router, "GET", "/v1/disclosures",
       responses={200: {"description": "`{items: [disclosure], next_token}`"}},
       description=FEED_DESCRIPTION)
def get_disclosures(
    uscc: Annotated[Uscc | None, Query(description="one enterprise only")] = None,
    severity: Annotated[Literal["GENERAL", "SERIOUS"] | None, Query(description="GENERAL or SERIOUS")] = None,
    as_of: Annotated[Instant | None, Query(description="RFC 3339 instant with offset; in a query string "
                                                       "write the offset's `+` as `%2B`, or use `Z`")] = None,
    limit: Limit = DEFAULT_LIMIT, next_token: NextToken = None,
) -> Response[dict[str, Any]]:
    return json_response(200, disclosures.feed(uscc, severity, as_of, limit, next_token, current_clock().now()))


@route(router, "GET", "/v1/enterprises/{uscc}/disclosures",
       responses={200: {"description": "`{items: [disclosure with published, published_at, history], next_token}`"},
                  404: {"description": "Unknown enterprise"}},
       description="Every record of the enterprise, MINOR (`NOT_PUBLISHED`) and ended ones included, by `event_id`. "
                   "`status` and `ended_on` are as of today (CST), computed from the dates: a record past its last "
                   "day is EXPIRED with `ended_on` the day after it even before the expiry schedule has run. "
                   "A disclosure ends in exactly one way (EXPIRED, RESTORED, WITHDRAWN); the first end is final. "
                   "`history` lists each state with the day it took effect (`on`) and the instant the system "
                   "recorded it (`at`); a record the system learnt of after its window ended (or already "
                   "withdrawn/restored) was never on the feed and has no `published_at`.")
def get_enterprise_disclosures(uscc: Annotated[Uscc, Path()], limit: Limit = DEFAULT_LIMIT,
                               next_token: NextToken = None) -> Response[dict[str, Any]]:
    return json_response(200, disclosures.enterprise_disclosures(uscc, limit, next_token, current_clock().now()))


app = make_resolver(router)
lambda_handler = api_handler(app)
