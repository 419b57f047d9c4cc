"""The `events/certifications/` samples (one per certification route) name a route of the contract with a
scope it admits, and their bodies are valid requests; the `events/schedules/` samples are what the
template's schedules pass their functions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from shared.api.contract import ROUTES, find_route
from shared.domain.certification.requests import (
    Assessment,
    CertificationApplication,
    CertifierFields,
    DecisionRequest,
    NewCertifier,
    NoFields,
    SuspensionRequest,
)
from shared.domain.certification.scoring import validate_audit
from shared.domain.tiers import Tier

EVENTS = Path(__file__).resolve().parents[3] / "events"
BODIES: dict[str, type[BaseModel]] = {
    "post_certification": CertificationApplication, "post_suspension": SuspensionRequest,
    "post_resumption": NoFields, "post_extension": NoFields, "post_audit": Assessment,
    "post_decision": DecisionRequest, "post_withdrawal": NoFields, "post_certifier": NewCertifier,
    "put_certifier": CertifierFields,
}


def test_every_certification_route_has_a_sample() -> None:
    sampled = {(e["httpMethod"], e["resource"]) for e in
               (json.loads(p.read_text()) for p in (EVENTS / "certifications").glob("*.json"))}
    assert sampled == {(r.method, r.path) for r in ROUTES if r.function == "certifications"}


@pytest.mark.parametrize("path", sorted((EVENTS / "certifications").glob("*.json")), ids=lambda p: p.stem)
def test_a_sample_is_a_valid_request_of_its_route(path: Path) -> None:
    event = json.loads(path.read_text())
    route = find_route(event["httpMethod"], event["resource"])
    assert route is not None
    assert route.function == "certifications"
    claims = (event["requestContext"].get("authorizer") or {}).get("claims") or {}
    assert not route.scopes or set(claims["scope"].split()) & set(route.scopes)
    if path.stem in BODIES:
        body = BODIES[path.stem].model_validate_json(event["body"])
        if isinstance(body, Assessment):
            validate_audit(body.entries(), Tier.CERTIFIED)  # names every item once


@pytest.mark.parametrize("name", ["recertification-due", "case-deadlines"])
def test_schedule_samples_are_the_template_inputs(name: str) -> None:
    from infra.constructs.schedules import schedule_input

    assert json.loads((EVENTS / "schedules" / f"{name}.json").read_text()) == schedule_input(name)
