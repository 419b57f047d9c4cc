"""The one table of problems: every domain error has a problem, the domain carries no HTTP."""

from __future__ import annotations

import inspect

from shared.api.problems import DOMAIN_PROBLEMS, PROBLEM_BASE, problem_body, problem_kind, problem_of
from shared.domain import errors
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import DomainError, EnterpriseAlreadyExists, NoRulePackInForce


def _domain_errors() -> list[type[DomainError]]:
    return [cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, DomainError)]


def test_domain_errors_carry_no_http() -> None:
    for cls in _domain_errors():
        assert not {"status", "title", "type_slug"} & set(vars(cls)), cls


def test_every_domain_error_is_answered_with_a_problem_of_the_table() -> None:
    assert {cls for cls in _domain_errors() if cls not in DOMAIN_PROBLEMS} == {EnterpriseAlreadyExists}
    existing = Enterprise.from_stored({"uscc": "91110000600037341L", "name": "x", "registration_status": "REGISTERED",
                          "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01",
                          "tier_since": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z",
                          "updated_at": "2026-01-01T00:00:00Z"})
    assert problem_of(EnterpriseAlreadyExists(existing)).status == 409  # a Conflict
    assert tuple(problem_of(NoRulePackInForce("before every pack"))) == (422, "no-rule-pack-in-force",
                                                                        "No rule pack in force")


def test_a_status_and_its_domain_error_name_the_same_problem() -> None:
    for kind in DOMAIN_PROBLEMS.values():
        if kind.slug != "no-rule-pack-in-force":
            assert problem_kind(kind.status) == tuple(kind)
    assert PROBLEM_BASE.endswith("/problems/")


def test_extra_members_never_overwrite_the_problem_members() -> None:
    # Given a domain conflict whose extra names the case's own status
    body = problem_body(409, "DECIDE is not allowed while the case is UNDER_AUDIT",
                        extra={"status": "UNDER_AUDIT", "action": "DECIDE"})
    # Then the HTTP status stays the problem's, and the case's status is kept beside it
    assert body["status"] == 409
    assert body["current_status"] == "UNDER_AUDIT"
    assert body["action"] == "DECIDE"
