"""The committed OpenAPI document is generated from the resolvers and must not go stale."""

from __future__ import annotations

import json

from scripts.openapi import DOCUMENT, build_document
from shared.api.contract import ROUTES


def test_committed_document_matches_the_resolvers() -> None:
    # Given the resolvers as they are now, When the document is regenerated,
    # Then it equals the committed one (run `make openapi` after changing a route or model)
    assert DOCUMENT.read_text() == build_document(), "functions/docs/openapi.json is stale: run `make openapi`"


def test_every_documented_route_of_the_contract_has_its_security() -> None:
    document = json.loads(DOCUMENT.read_text())
    for route in ROUTES:
        if route.function == "docs":
            continue
        operation = document["paths"][route.path][route.method.lower()]
        if route.public:
            assert "security" not in operation, route
        else:
            assert operation["security"] == [{"oauth2": list(route.scopes)}], route
        names = {p["name"] for p in operation.get("parameters", [])}
        assert ("Idempotency-Key" in names) == route.idempotent, route
