"""The public route table (the HTTP contract, published as `functions/docs/openapi.json`): one
source for the CDK API (methods, authorizer scopes, integrations) and for the handlers' own
authorization check. Nothing else lists routes."""

from __future__ import annotations

from typing import NamedTuple

SCOPE_REGISTRY = "credit/registry"
SCOPE_EVENTS = "credit/events"
SCOPE_ENTERPRISE = "credit/enterprise"
SCOPE_OFFICER = "credit/officer"
ALL_SCOPES: dict[str, str] = {
    SCOPE_REGISTRY: "Customs registration system: register enterprises, post declaration volumes and personnel",
    SCOPE_EVENTS: "Agencies (customs penalty, tax, courts): post credit events",
    SCOPE_ENTERPRISE: "An enterprise's own system, bound to its uscc: reports, applications, own record",
    SCOPE_OFFICER: "Customs officers' tools: read everything, decide cases",
}


class Route(NamedTuple):
    """One route of the contract. A NamedTuple, not a frozen dataclass: every API function builds this
    class at cold start, and a frozen dataclass costs about 1 ms more to create."""

    method: str
    path: str
    function: str
    scopes: tuple[str, ...] = ()
    """Any one of these scopes admits the caller. Empty means public (no authorizer)."""
    own: str | None = None
    """Path parameter that an enterprise token must match with its `uscc` claim."""
    idempotent: bool = False
    """POST that creates something: `Idempotency-Key` required, replayed by Powertools idempotency."""
    summary: str = ""
    tags: tuple[str, ...] = ()

    @property
    def public(self) -> bool:
        return not self.scopes


ROUTES: tuple[Route, ...] = (
    Route("POST", "/v1/enterprises", "registry", (SCOPE_REGISTRY,), idempotent=True,
          summary="Register an enterprise (starts REGULAR)", tags=("Enterprises",)),
    Route("GET", "/v1/enterprises/{uscc}", "registry", (SCOPE_ENTERPRISE, SCOPE_OFFICER), own="uscc",
          summary="Full record of an enterprise", tags=("Enterprises",)),
    Route("GET", "/v1/enterprises/{uscc}/audit/verification", "registry", (SCOPE_OFFICER,),
          summary="Verify the enterprise's tamper-evident audit chain; says where it breaks", tags=("Enterprises",)),
    Route("GET", "/v1/enterprises/{uscc}/credit", "credit_views",
          summary="Public credit view, optionally at a past instant", tags=("Credit",)),
    Route("POST", "/v1/credit-events", "ingestion", (SCOPE_EVENTS,), idempotent=True,
          summary="Report 1-100 credit events (penalties, arrears, judgments, settlements, revocations)",
          tags=("Ingestion",)),
    Route("POST", "/v1/enterprises/{uscc}/declaration-volumes", "ingestion", (SCOPE_REGISTRY,), idempotent=True,
          summary="Record a year's declaration volume of one business line (Art 15 denominator)",
          tags=("Ingestion",)),
    Route("POST", "/v1/enterprises/{uscc}/persons", "ingestion", (SCOPE_REGISTRY,), idempotent=True,
          summary="Record enterprise-related personnel, declarants included (Art 46)", tags=("Ingestion",)),
    Route("POST", "/v1/enterprises/{uscc}/annual-reports", "ingestion", (SCOPE_ENTERPRISE,), own="uscc",
          idempotent=True, summary="File the annual credit information report (Art 11)", tags=("Ingestion",)),
    Route("GET", "/v1/enterprises/{uscc}/decisions", "credit_views", (SCOPE_ENTERPRISE, SCOPE_OFFICER), own="uscc",
          summary="Every tier decision, newest first, with grounds and restoration notice", tags=("Credit",)),
    Route("POST", "/v1/enterprises/{uscc}/simulations", "credit_views", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          own="uscc", summary="What-if: the tier and grounds with extra events (stores nothing)", tags=("Credit",)),
    Route("GET", "/v1/measures", "credit_views", summary="Art 32 measures catalogue by tier", tags=("Credit",)),
    Route("GET", "/v1/lists/{name}", "credit_views",
          summary="Public lists: advanced-certified, certified, discredited, seriously-discredited (Art 16)",
          tags=("Credit",)),
    Route("GET", "/v1/disclosures", "credit_views",
          summary="Public disclosure feed: what was public at `as_of` (national, or one uscc)", tags=("Disclosure",)),
    Route("GET", "/v1/enterprises/{uscc}/disclosures", "credit_views", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          own="uscc", summary="Every record of the enterprise (MINOR and ended too) with status and history",
          tags=("Disclosure",)),
    Route("POST", "/v1/restorations", "restorations", (SCOPE_ENTERPRISE,), idempotent=True,
          summary="Apply to restore records (DISCLOSURE, Arts 36-40) or for an upgrade (TIER, Arts 29-30)",
          tags=("Restoration",)),
    Route("GET", "/v1/restorations", "restorations", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          summary="An enterprise's restoration and upgrade applications, newest first", tags=("Restoration",)),
    Route("GET", "/v1/restorations/{restoration_id}", "restorations", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          summary="One application: status, reasons, statutory clock, history", tags=("Restoration",)),
    Route("POST", "/v1/restorations/{restoration_id}/decision", "restorations", (SCOPE_OFFICER,),
          summary="Officer decision on an application that needs a person (NEEDS_OFFICER)", tags=("Restoration",)),
    Route("POST", "/v1/restorations/{restoration_id}/extension", "restorations", (SCOPE_OFFICER,),
          summary="Extend the decision deadline once, by 1-10 working days, with a reason", tags=("Restoration",)),
    Route("POST", "/v1/certifications", "certifications", (SCOPE_ENTERPRISE,), idempotent=True,
          summary="Apply for certification (CERTIFIED or ADVANCED_CERTIFIED, Arts 17-21)", tags=("Certification",)),
    Route("GET", "/v1/certifications", "certifications", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          summary="An enterprise's certification cases, newest first", tags=("Certification",)),
    Route("GET", "/v1/certifications/{case_id}", "certifications", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          summary="One case: status, clock, certifiers, audit, score, decision, execution", tags=("Certification",)),
    Route("POST", "/v1/certifications/{case_id}/suspensions", "certifications", (SCOPE_OFFICER,),
          summary="Suspend the decision clock for an audit, verification or investigation (Art 20)",
          tags=("Certification",)),
    Route("POST", "/v1/certifications/{case_id}/resumptions", "certifications", (SCOPE_OFFICER,),
          summary="Resume the suspended clock: the days suspended move the deadline", tags=("Certification",)),
    Route("POST", "/v1/certifications/{case_id}/extension", "certifications", (SCOPE_OFFICER,),
          summary="Extend the decision period once (+30 days, Art 20)", tags=("Certification",)),
    Route("POST", "/v1/certifications/{case_id}/audit", "certifications", (SCOPE_OFFICER,),
          summary="Record the audit (desk review on the simplified route): every item's result",
          tags=("Certification",)),
    Route("POST", "/v1/certifications/{case_id}/decision", "certifications", (SCOPE_OFFICER,),
          summary="Decide the case (APPROVED needs a passing score)", tags=("Certification",)),
    Route("POST", "/v1/certifications/{case_id}/withdrawal", "certifications", (SCOPE_ENTERPRISE,),
          summary="Withdraw an open case (starts the 12-month bar)", tags=("Certification",)),
    Route("GET", "/v1/certification-standards", "certifications",
          summary="The certification standard's items, by target tier", tags=("Certification",)),
    Route("POST", "/v1/certifiers", "certifications", (SCOPE_OFFICER,), idempotent=True,
          summary="Add a certifier to the roster (Art 19)", tags=("Certification",)),
    Route("GET", "/v1/certifiers", "certifications", (SCOPE_OFFICER,),
          summary="The certifiers' roster", tags=("Certification",)),
    Route("PUT", "/v1/certifiers/{certifier_id}", "certifications", (SCOPE_OFFICER,),
          summary="Replace a certifier's record (qualification, relations)", tags=("Certification",)),
    Route("POST", "/v1/objections", "objections", (SCOPE_ENTERPRISE,), idempotent=True,
          summary="Object to an own record, disclosure, decision or restoration result (Art 39)", tags=("Objections",)),
    Route("GET", "/v1/objections", "objections", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          summary="An enterprise's objections, newest first", tags=("Objections",)),
    Route("GET", "/v1/objections/{objection_id}", "objections", (SCOPE_ENTERPRISE, SCOPE_OFFICER),
          summary="One objection: status, review_by, overdue, decision, execution", tags=("Objections",)),
    Route("POST", "/v1/objections/{objection_id}/decision", "objections", (SCOPE_OFFICER,),
          summary="Uphold (correct by a new decision) or dismiss an objection under review", tags=("Objections",)),
    Route("GET", "/v1/openapi.json", "docs", summary="This API's OpenAPI document", tags=("Docs",)),
    Route("GET", "/v1/docs", "docs", summary="Swagger UI", tags=("Docs",)),
)


def find_route(method: str, resource: str) -> Route | None:
    for route in ROUTES:
        if route.method == method and route.path == resource:
            return route
    return None


def routes_of(function: str) -> list[Route]:
    return [r for r in ROUTES if r.function == function]


FUNCTIONS: tuple[str, ...] = tuple(dict.fromkeys(r.function for r in ROUTES))
