"""cdk-nag AwsSolutions: the synthesis itself is the check (an unacknowledged finding makes
`app.synth()` raise); these tests pin that it ran, and that acknowledgements stay narrow."""

from __future__ import annotations

import pytest

from tests.infra.conftest import Synthesized
from tests.infra.support import acknowledged


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_cdk_nag_left_no_unacknowledged_finding(which: str, request: pytest.FixtureRequest) -> None:
    # Given a synthesis that did not raise
    synthesized: Synthesized = request.getfixturevalue(which)
    # When reading CDK's validation report (written on every synthesis with a validation plugin)
    report = synthesized.validation_report()
    # Then it exists and lists no violation
    assert report is not None
    violations = [v for plugin in report["pluginReports"] for v in plugin.get("violations", [])]
    assert violations == []


def test_cdk_nag_really_ran(synthesized: Synthesized) -> None:
    # Given the template / When collecting acknowledgements written by cdk-nag into metadata
    acks = {rule for r in synthesized.raw["Resources"].values() for rule in acknowledged(r)}
    # Then the AwsSolutions pack evaluated this stack (its acknowledged findings are recorded)
    assert any(rule.startswith("AwsSolutions-") for rule in acks)


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_acknowledgements_are_narrow(which: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(which)
    for logical_id, resource in synthesized.raw["Resources"].items():
        rules = acknowledged(resource)
        # Then wildcard findings are acknowledged one by one, never the whole rule
        assert not rules & {"AwsSolutions-IAM5", "AwsSolutions-IAM4"}, logical_id
        # And an acknowledgement sits on the resource it is about, not on a parent's children
        assert len(rules) <= 4, (logical_id, rules)
        if resource["Type"] in ("AWS::DynamoDB::Table", "AWS::SQS::QueuePolicy", "AWS::Lambda::Permission",
                                "AWS::ApiGateway::Resource", "AWS::ApiGateway::GatewayResponse"):
            assert not rules, (logical_id, rules)
