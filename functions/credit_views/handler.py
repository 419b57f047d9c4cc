"""Public credit views: `GET /v1/enterprises/{uscc}/credit?as_of=`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from shared.adapters.clock import current_clock
from shared.adapters.enterprises import EnterpriseRepository
from shared.api.entrypoint import api_handler
from shared.api.resolver import json_response, make_resolver, route
from shared.api.schemas import CreditView
from shared.domain.enterprise import Uscc
from shared.domain.errors import ValidationFailed
from shared.usecases.enterprises import load_enterprise, public_credit_view

router = APIGatewayRouter()


@route(router, "GET", "/v1/enterprises/{uscc}/credit",
       responses={200: {"description": "Credit view", "content": {"application/json": {"model": CreditView}}},
                  404: {"description": "Unknown enterprise, or not under management at `as_of`"}},
       description="`as_of` is an RFC 3339 instant with offset (default now); any past instant is answered.")
def get_credit(
    uscc: Annotated[Uscc, Path()],
    as_of: Annotated[datetime | None, Query(description="RFC 3339 instant with offset")] = None,
) -> Response[CreditView]:
    now = current_clock().now()
    if as_of is not None and as_of.tzinfo is None:
        raise ValidationFailed("as_of needs an offset", errors=[{"loc": ["query", "as_of"], "msg": "offset required"}])
    enterprise = load_enterprise(EnterpriseRepository(), uscc)
    return json_response(200, public_credit_view(enterprise, as_of or now, now))


app = make_resolver(router)
lambda_handler = api_handler(app)
