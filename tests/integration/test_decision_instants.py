"""A decision's two instants, named for what they are in every view, and its number from 1.

`grounds_since` is when what the decision cites arose; `effective_at` (the views' `tier_since`) is when
the decision was made. A penalty decided on 2026-10-15 and evaluated on 2026-11-20 has both, apart."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import NOW
from tests.integration.test_credit_events_api import credit, decisions, penalty, post_events
from tests.integration.test_registry_api import USCC, read, register
from tests.support.apigw import json_body

NOW_ISO = "2026-11-20T02:00:00.000Z"
OCT_15_CST = "2026-10-14T16:00:00.000Z"  # 2026-10-15 00:00 China Standard Time


def test_a_late_evaluated_ground_shows_when_it_arose_and_when_the_decision_took_effect(
        invoke: Any, deliver: Any) -> None:
    assert NOW.isoformat().startswith("2026-11-20")
    # Given a registered enterprise, and a penalty decided on 2026-10-15 reported on 2026-11-20
    register(invoke)
    assert post_events(invoke, penalty(decided_on="2026-10-15"))["statusCode"] == 202
    deliver()
    # Then its first decision is number 1, dated twice, each instant under its own name
    (decision,) = decisions(invoke)
    assert decision["decision_id"] == f"D-{USCC}-00001"
    assert (decision["grounds_since"], decision["effective_at"]) == (OCT_15_CST, NOW_ISO)
    # ... and the explanation says which day the ground arose, never a bare "since"
    assert "DISCREDITED on grounds that arose on 2026-10-15" in decision["explanation"]
    assert " since " not in decision["explanation"]
    # And the credit view and the enterprise record date the tier from the decision, the grounds from 10-15
    view = credit(invoke)
    assert (view["tier_since"], view["grounds_since"]) == (NOW_ISO, OCT_15_CST)
    record = read(invoke, claims={"client_id": "officer", "scope": "credit/officer"})
    assert record["statusCode"] == 200, record["body"]
    assert json_body(record)["credit"]["tier_since"] == NOW_ISO


def test_decisions_are_numbered_from_one_in_order_whatever_else_moves_the_profile(
        invoke: Any, deliver: Any) -> None:
    # Given a penalty on an enterprise not yet registered (created UNREGISTERED_RELATED), and its
    # registration before the evaluation runs: two profile writes that are not decisions
    assert post_events(invoke, penalty())["statusCode"] == 202
    assert register(invoke)["statusCode"] in (200, 201)
    assert json_body(read(invoke, claims={"client_id": "officer", "scope": "credit/officer"}))["version"] == 2
    # When the penalty downgrades it and its revocation restores it
    deliver()
    revocation = penalty("REV-1", type="PENALTY_REVOKED", refers_to="PEN-1", decided_on="2026-11-01",
                         penalty_kind=None, amount_cny=None)
    assert post_events(invoke, revocation, key="batch-2")["statusCode"] == 202
    deliver()
    # Then the two decisions are numbers 1 and 2 (newest first), with no gap
    assert [d["decision_id"] for d in decisions(invoke)] == [f"D-{USCC}-00002", f"D-{USCC}-00001"]


def test_a_view_before_any_decision_has_no_grounds_since(invoke: Any) -> None:
    register(invoke)
    view = credit(invoke)
    # REGULAR since the enterprise came under management: 00:00 CST of its `registered_on`
    # (2019-05-20), whenever the system learnt of it
    assert (view["tier"], view["tier_since"], view["grounds_since"]) == ("REGULAR", "2019-05-19T16:00:00.000Z", None)
