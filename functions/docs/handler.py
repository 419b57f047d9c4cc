"""API documentation: `GET /v1/openapi.json` (the committed document) and `GET /v1/docs` (Swagger UI,
with Powertools' bundled assets, so it works offline)."""

from __future__ import annotations

from pathlib import Path

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from shared.api.entrypoint import api_handler
from shared.api.resolver import make_resolver

DOCUMENT = Path(__file__).with_name("openapi.json")
router = APIGatewayRouter()


def _swagger_page(spec: str) -> str:
    from aws_lambda_powertools.event_handler import openapi
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.oauth2 import OAuth2Config

    assets = Path(openapi.__file__).parent / "swagger_ui"
    return generate_swagger_html(
        spec.replace("</", "<\\/"),
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        "",
        OAuth2Config(app_name="China Customs enterprise credit API"),
        False,
    )


@router.get("/v1/openapi.json", include_in_schema=False)
def openapi_document() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=DOCUMENT.read_text(encoding="utf-8"))


@router.get("/v1/docs", include_in_schema=False)
def swagger_ui() -> Response[str]:
    return Response(status_code=200, content_type="text/html; charset=utf-8",
                    body=_swagger_page(DOCUMENT.read_text(encoding="utf-8")))


app = make_resolver(router)
lambda_handler = api_handler(app)
