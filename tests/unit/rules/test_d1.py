"""D1 (Art 15): smuggling crime with criminal liability pursued, dated by the judgment's effective date."""

from __future__ import annotations

from shared.domain.rules import Route, Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import day, evaluate_on, event, record, revoked, rule_ids, tier_on


def test_judgment_makes_the_enterprise_discredited_from_its_effective_date() -> None:
    # Given a smuggling-crime judgment effective on 2026-05-10
    crime = event("SMUGGLING_CRIME", "2026-05-10")
    # When evaluated the day before and on that day
    # Then it does not exist yet the day before, and grounds D1 from that day
    assert tier_on("2026-05-09", crime) is Tier.REGULAR
    result = evaluate_on("2026-05-10", crime)
    assert result.tier is Tier.DISCREDITED
    assert rule_ids(result) == ["D1"]
    ground = result.grounds[0]
    assert (ground.article, ground.evidence, ground.arose_on) == ("Art 15", (crime.event_id,), day("2026-05-10"))
    assert result.tier_since is not None
    assert result.tier_since.isoformat() == "2026-05-10T00:00:00+08:00"


def test_d1_has_no_application_route_only_automatic_restoration_after_24_months() -> None:
    # Given a D1 ground that arose on 2026-05-10
    crime = event("SMUGGLING_CRIME", "2026-05-10")
    # When the restoration notice is read
    notice = evaluate_on("2026-06-01", crime).restoration_notice
    # Then there is no upgrade on application, and automatic restoration after 24 months (their last day
    # is 2028-05-10: REGULAR from the day after)
    assert notice.application_route is False
    assert notice.earliest_application_on is None
    assert [g.route for g in notice.grounds] == [Route.NO_APPLICATION_ROUTE]
    assert notice.automatic_on == day("2028-05-11")
    assert "no application route" in notice.text
    assert tier_on("2028-05-10", crime) is Tier.DISCREDITED
    assert tier_on("2028-05-11", crime) is Tier.REGULAR


def test_d1_record_is_serious_and_published_12_to_36_months() -> None:
    # Given a D1 judgment
    crime = event("SMUGGLING_CRIME", "2026-05-10")
    # When classified
    classification = record(evaluate_on("2026-06-01", crime), crime.event_id)
    # Then it is SERIOUS: restorable after 12 months (from 2027-05-11), disclosed for 36 (through 2029-05-10)
    assert classification.severity is Severity.SERIOUS
    assert classification.published is True
    assert classification.restorable_from == day("2027-05-11")
    assert classification.disclosure_until == day("2029-05-11")  # shown through 2029-05-10
    assert classification.rule_ids == ("D1",)


def test_a_revoked_judgment_never_counted() -> None:
    # Given a judgment later revoked (overturned) on 2026-07-01
    crime = event("SMUGGLING_CRIME", "2026-05-10")
    revocation = revoked(crime, "2026-07-01")
    # When evaluated before and after the revocation
    # Then the enterprise is DISCREDITED until then and REGULAR afterwards, as a correction citing it
    assert tier_on("2026-06-30", crime, revocation) is Tier.DISCREDITED
    after = evaluate_on("2026-07-01", crime, revocation)
    assert after.tier is Tier.REGULAR
    assert after.transitions == ()
    assert [(c.revocation_event_id, c.revoked_event_id, c.rule_ids) for c in after.corrections] == [
        (revocation.event_id, crime.event_id, ("D1",))]
    assert after.corrections[0].tier_without_correction is Tier.DISCREDITED
