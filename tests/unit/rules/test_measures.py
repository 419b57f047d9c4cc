"""Art 32 measures per tier, as data."""

from __future__ import annotations

import pytest

from shared.domain.measures import Measure, measures_catalogue, measures_for
from shared.domain.provenance import PROVENANCE_LABELS
from shared.domain.rules import ORDER_282
from shared.domain.tiers import Tier


def test_catalogue_lists_every_tier_best_first_with_sources() -> None:
    body = measures_catalogue(ORDER_282)
    assert body["rule_pack"] == "ORDER_282"
    assert body["article"] == "Art 32"
    assert [t["tier"] for t in body["tiers"]] == [t.value for t in sorted(Tier, key=lambda t: -t.rank)]
    for tier in body["tiers"]:
        assert tier["measures"], tier["tier"]
        assert all(m["measure_id"] and m["description"] and m["source"] for m in tier["measures"])


def test_ace_inspection_below_20_percent_and_discredited_at_least_80() -> None:
    ace = {m.measure_id: m.description for m in measures_for(Tier.ADVANCED_CERTIFIED, ORDER_282)}
    assert "20%" in ace["ACE-01"]
    assert "guarantee waiver" in ace["ACE-05"]
    assert "coordinator" in ace["ACE-08"]
    assert "80%" in measures_for(Tier.DISCREDITED, ORDER_282)[0].description


def test_sd_gets_the_discredited_measures_plus_joint_punishment() -> None:
    sd = [m.measure_id for m in measures_for(Tier.SERIOUSLY_DISCREDITED, ORDER_282)]
    assert sd == [*(m.measure_id for m in measures_for(Tier.DISCREDITED, ORDER_282)), "SD-01"]
    assert "Joint punishment" in measures_for(Tier.SERIOUSLY_DISCREDITED, ORDER_282)[-1].description


def test_every_measure_answers_its_provenance_as_labels_with_their_meaning_and_no_bare_markers() -> None:
    body = measures_catalogue(ORDER_282)
    assert "[" not in body["source"]
    assert [p["label"] for p in body["provenance"]] == ["A", "D"]
    for tier in body["tiers"]:
        for measure in tier["measures"]:
            assert "[" not in measure["source"], measure
            assert measure["provenance"], measure
            for item in measure["provenance"]:
                assert item == {"label": item["label"], "meaning": PROVENANCE_LABELS[item["label"]]}
    dis_01 = measures_for(Tier.DISCREDITED, ORDER_282)[0].to_dict()
    assert dis_01["provenance"] == [
        {"label": "H✓", "meaning": "historical: earlier orders, confirmed against a published source"},
        {"label": "B~", "meaning": "Order 251 (the previous order), recalled, not confirmed against the text"}]


def test_a_measure_without_a_known_label_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown: \['B\?'\]"):
        Measure("X-01", "x", "somewhere", ("B?",))
    with pytest.raises(ValueError, match="X-02"):
        Measure("X-02", "x", "somewhere", ())
