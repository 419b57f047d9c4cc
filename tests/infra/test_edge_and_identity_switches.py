"""The configuration switches, both positions: the edge (WAF + per-partner usage plans, off for the
development stage the session synthesizes, on for a production stage) and the identity (Cognito on
by default; off in a production form that trusts other OIDC issuers only). The production form also
goes through cfn-lint (the development form does in `make template-lint`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra import outputs
from infra.app import build_app
from infra.constructs.edge import PARTNER_PLANS, needs_api_key
from infra.outputs import STACK_NAME
from infra.stage import protected_edge
from shared.api.contract import ROUTES
from tests.infra.conftest import NO_ASSET_STAGING, Synthesized
from tests.infra.support import logical_id_of_output

REPO = Path(__file__).resolve().parents[2]
ENTERPRISE_IDP = {"name": "enterprises", "issuer": "https://idp.enterprises.example", "audience": "customs-credit",
                  "uscc_claim": "uscc", "scopes": ["credit/enterprise"], "default_scopes": ["credit/enterprise"]}
PARTNER_IDP = {"name": "partners", "issuer": "https://idp.partners.example", "audience": "customs-credit",
               "token_use": "access"}


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from aws_cdk import assertions

    outdir = tmp_path_factory.mktemp("cdk.out.prod")
    context = NO_ASSET_STAGING | {"stage": "prod", "identity": {"cognito": False,
                                                                "issuers": [PARTNER_IDP, ENTERPRISE_IDP]}}
    build_app(outdir, context=context).synth()  # raises on any unacknowledged cdk-nag finding
    raw = json.loads((outdir / f"{STACK_NAME}.template.json").read_text())
    return Synthesized(outdir=outdir, template=assertions.Template.from_json(raw), raw=raw)


def test_the_switch_defaults_by_stage_and_context_overrides() -> None:
    assert (protected_edge("prod"), protected_edge("dev"), protected_edge("dev", "true"),
            protected_edge("prod", False)) == (True, False, True, False)
    with pytest.raises(ValueError, match="true or false"):
        protected_edge("dev", "yes")


def test_development_stage_has_no_waf_and_no_usage_plans(synthesized: Synthesized) -> None:
    # Given the development stage (the session's synthesis) / When listing edge resources
    # Then there is none, and no method asks for an API key
    for resource_type in ("AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation", "AWS::ApiGateway::UsagePlan",
                          "AWS::ApiGateway::ApiKey"):
        assert synthesized.resources(resource_type) == {}, resource_type
    assert not any(m["Properties"].get("ApiKeyRequired") for m in synthesized.resources("AWS::ApiGateway::Method")
                   .values())


def test_production_stage_has_the_waf_on_its_stage(production: Synthesized) -> None:
    # Given the production form / When reading the web ACL and its association
    (acl_id, acl), = production.resources("AWS::WAFv2::WebACL").items()
    (association,) = production.resources("AWS::WAFv2::WebACLAssociation").values()
    (stage_id,) = production.resources("AWS::ApiGateway::Stage")
    rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}
    # Then it guards the API stage with both managed groups and a per-IP rate on the public routes
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert stage_id in json.dumps(association["Properties"]["ResourceArn"])
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= set(rules)
    rate = rules["PublicRoutesRatePerIp"]["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    (patterns,) = production.resources("AWS::WAFv2::RegexPatternSet").values()
    assert len(patterns["Properties"]["RegularExpressionList"]) == len({r.path for r in ROUTES if r.public})


def test_production_stage_has_a_usage_plan_and_key_per_partner(production: Synthesized) -> None:
    # Given the production form / When reading usage plans and the methods' key requirement
    plans = {p["Properties"]["UsagePlanName"]: p["Properties"]
             for p in production.resources("AWS::ApiGateway::UsagePlan").values()}
    keyed = {m["Properties"]["HttpMethod"] for m in production.resources("AWS::ApiGateway::Method").values()
             if m["Properties"].get("ApiKeyRequired")}
    # Then each partner system has its throttled, quota-bound plan with its own key
    assert set(plans) == {f"customs-credit-prod-{p}" for p in PARTNER_PLANS}
    for partner, plan in PARTNER_PLANS.items():
        props = plans[f"customs-credit-prod-{partner}"]
        assert props["Throttle"] == {"RateLimit": plan.rate_limit, "BurstLimit": plan.burst_limit}
        assert props["Quota"] == {"Limit": plan.quota_per_day, "Period": "DAY"}
    assert len(production.resources("AWS::ApiGateway::ApiKey")) == len(PARTNER_PLANS)
    assert len(production.resources("AWS::ApiGateway::UsagePlanKey")) == len(PARTNER_PLANS)
    # And exactly the partner-only routes require a key
    required = [m for m in production.resources("AWS::ApiGateway::Method").values()
                if m["Properties"].get("ApiKeyRequired")]
    assert len(required) == sum(1 for r in ROUTES if needs_api_key(r))
    assert keyed <= {"GET", "POST", "PUT", "DELETE"}


def test_without_cognito_the_authorizer_trusts_the_configured_issuers_only(production: Synthesized) -> None:
    # Given the production form with cognito false / When reading the pool and the authorizer's issuers
    function_id = logical_id_of_output(production.raw, outputs.function_output("authorizer"))
    variables = production.raw["Resources"][function_id]["Properties"]["Environment"]["Variables"]
    issuers = json.loads(variables["TOKEN_ISSUERS"])
    # Then no Cognito resource exists, and the configured issuers are the authorizer's, as given
    assert not [r for r in production.raw["Resources"].values() if r["Type"].startswith("AWS::Cognito::")]
    assert outputs.USER_POOL_ID not in production.raw["Outputs"]
    assert [i["issuer"] for i in issuers] == [PARTNER_IDP["issuer"], ENTERPRISE_IDP["issuer"]]
    assert issuers[1]["uscc_claim"] == "uscc"
    assert issuers[1]["default_scopes"] == ["credit/enterprise"]


def test_production_template_is_cfn_lint_clean(production: Synthesized) -> None:
    # Given the production template / When cfn-lint reads it (with the repository's .cfnlintrc.yaml)
    template = production.outdir / f"{STACK_NAME}.template.json"
    result = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), "--format", "json", str(template)],
                            cwd=REPO, capture_output=True, text=True, check=False)
    findings = json.loads(result.stdout or "[]")
    # Then it reports nothing (errors or unacknowledged warnings)
    assert findings == [], [f"{f['Rule']['Id']} {f['Message']}" for f in findings][:10]
