"""API documentation: `GET /v1/openapi.json` (the committed document) and `GET /v1/docs` (Swagger UI,
with Powertools' bundled assets, so it works offline; the JSON document with `?format=json` or
`Accept: application/json`).

Both answer the document with `servers` set to the absolute URL the request came through (scheme,
Host and the stage's base path), so Swagger UI's "Try it out" calls the server the page was loaded
from, on any port, host or stage. The committed document keeps a relative server (`..`, the API's
root relative to the document), which is right wherever it is served.
"""

from __future__ import annotations

import json
import re
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


def api_root() -> str | None:
    """The absolute URL of the API's root for this request, or None without a usable Host:
    `https://<id>.execute-api.<region>.amazonaws.com/<stage>` through API Gateway's own endpoint
    (the stage is the URL's first segment there), `<scheme>://<host>` anywhere else (the local
    runtime on any port, a custom domain mapped at its root)."""
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    host = headers.get("host") or ""
    if not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?", host):
        return None
    scheme = (headers.get("x-forwarded-proto") or "https").split(",")[0].strip().lower()
    if scheme not in {"http", "https"}:
        scheme = "https"
    stage = str((event.raw_event.get("requestContext") or {}).get("stage") or "")
    base = f"/{stage}" if ".execute-api." in host and re.fullmatch(r"[A-Za-z0-9_-]+", stage) else ""
    return f"{scheme}://{host}{base}"


def _document() -> str:
    text = DOCUMENT.read_text(encoding="utf-8")
    root = api_root()
    if root is None:
        return text
    document = json.loads(text)
    document["servers"] = [{"url": root, "description": "the server this document was loaded from"}]
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _wants_json() -> bool:
    event = app.current_event
    requested = (event.get_query_string_value("format") or "").lower()
    if requested in {"json", "html"}:
        return requested == "json"
    accept = next((v for k, v in (event.headers or {}).items() if k.lower() == "accept"), "") or ""
    # A browser lists text/html; a tool asking for application/json (and not HTML) gets the document.
    return "application/json" in accept and "text/html" not in accept


@router.get("/v1/openapi.json", include_in_schema=False)
def openapi_document() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=_document())


@router.get("/v1/docs", include_in_schema=False)
def swagger_ui() -> Response[str]:
    if _wants_json():
        return Response(status_code=200, content_type="application/json", body=_document(),
                        headers={"Vary": "Accept"})
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=_swagger_page(_document()),
                    headers={"Vary": "Accept"})


app = make_resolver(router)
lambda_handler = api_handler(app)
