"""D7 (Art 15): bribing customs officers, fined or criminally liable. No application route."""

from __future__ import annotations

import pytest

from shared.domain.rules import Route, Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import day, evaluate_on, event, record, rule_ids, tier_on


def test_bribery_grounds_d7() -> None:
    # Given a bribery conviction effective 2026-06-01
    bribery = event("BRIBERY", "2026-06-01")
    # When evaluated / Then D7 from that day
    assert tier_on("2026-05-31", bribery) is Tier.REGULAR
    result = evaluate_on("2026-06-01", bribery)
    assert rule_ids(result) == ["D7"]
    assert record(result, bribery.event_id).severity is Severity.GENERAL


def test_d7_has_no_application_route() -> None:
    # Given D7 / When the notice is read / Then only automatic restoration, after 24 months (on 2028-06-02)
    notice = evaluate_on("2026-07-01", event("BRIBERY", "2026-06-01")).restoration_notice
    assert [g.route for g in notice.grounds] == [Route.NO_APPLICATION_ROUTE]
    assert notice.application_route is False
    assert notice.automatic_on == day("2028-06-02")


@pytest.mark.pins("CHOICE-UPGRADE-WAITING-PERIODS")
def test_no_application_route_blocks_the_whole_upgrade_with_another_ground() -> None:
    # Given D7 and D6 together
    events = (event("BRIBERY", "2026-06-01"), event("OBSTRUCTION_PENALTY", "2026-06-01", penalty_kind="OTHER"))
    # When the notice is read / Then no earliest application date (D7 has no route)
    notice = evaluate_on("2026-07-01", *events).restoration_notice
    assert notice.earliest_application_on is None
    assert notice.application_route is False
