"""The protected edge (on for production stages, off by default for development ones; cdk.json
context `edge` overrides either way, see `infra/stage.py`):

- a WAF web ACL on the API stage: AWS managed rule groups Common (OWASP-style request checks) and
  KnownBadInputs (exploit patterns such as Log4j), and a rate-based rule per client IP on the
  public routes (the routes anyone may call without a token);
- per-partner usage plans: one API key per partner system (registry, agencies, officers' tools),
  each with its own throttle and daily quota, required on the routes only partner systems call.
  Routes an enterprise may call take no key (a million enterprises cannot each hold one): they stay
  under the stage's throttle and the WAF.

The local runtime does not emulate WAF or API keys (it serves one caller on loopback)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.outputs import camel
from shared.api.contract import ROUTES, SCOPE_ENTERPRISE, SCOPE_EVENTS, SCOPE_OFFICER, SCOPE_REGISTRY, Route

PUBLIC_RATE_LIMIT_PER_IP: Final = 1000
"""Requests per client IP per 5-minute window on the public routes (≈3.3/s sustained): generous for
a person or a newspaper's scraper, a wall for one host draining the credit views."""


@dataclass(frozen=True)
class PartnerPlan:
    scope: str
    rate_limit: int
    """Steady requests per second."""
    burst_limit: int
    quota_per_day: int


PARTNER_PLANS: Final[dict[str, PartnerPlan]] = {
    "registry": PartnerPlan(SCOPE_REGISTRY, rate_limit=50, burst_limit=100, quota_per_day=2_000_000),
    "events": PartnerPlan(SCOPE_EVENTS, rate_limit=50, burst_limit=100, quota_per_day=2_000_000),
    "officer": PartnerPlan(SCOPE_OFFICER, rate_limit=20, burst_limit=40, quota_per_day=500_000),
}
"""One usage plan per partner system (the Cognito system clients' roles). Ingestion takes up to 100
events per request, so 2 M requests a day is far above the national volume; the quota is a circuit
breaker for a runaway client, the throttle is what shapes load."""


def needs_api_key(route: Route) -> bool:
    """Partner-system routes: protected, and not callable by an enterprise."""
    return not route.public and SCOPE_ENTERPRISE not in route.scopes


def public_path_pattern(route: Route) -> str:
    """Regex for the route's request path as WAF sees it (after any stage prefix)."""
    return "/".join("[^/]+" if part.startswith("{") else re.escape(part) for part in route.path.split("/")) + "$"


class Edge(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, rest_api: apigw.RestApi, name: str) -> None:
        super().__init__(scope, construct_id)
        self.web_acl = self._web_acl(name)
        self.association = wafv2.CfnWebACLAssociation(
            self, "StageAssociation", resource_arn=rest_api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn)
        self.api_keys: dict[str, apigw.IApiKey] = {}
        self.usage_plans: dict[str, apigw.UsagePlan] = {}
        for partner, plan in PARTNER_PLANS.items():
            usage_plan = rest_api.add_usage_plan(
                f"{camel(partner)}Plan", name=f"{name}-{partner}",
                description=f"Partner system {partner} ({plan.scope})",
                throttle=apigw.ThrottleSettings(rate_limit=plan.rate_limit, burst_limit=plan.burst_limit),
                quota=apigw.QuotaSettings(limit=plan.quota_per_day, period=apigw.Period.DAY),
            )
            usage_plan.add_api_stage(stage=rest_api.deployment_stage)
            key = rest_api.add_api_key(f"{camel(partner)}Key", api_key_name=f"{name}-{partner}",
                                       description=f"API key of partner system {partner}")
            usage_plan.add_api_key(key)
            self.api_keys[partner] = key
            self.usage_plans[partner] = usage_plan

    def _web_acl(self, name: str) -> wafv2.CfnWebACL:
        public = [r for r in ROUTES if r.public]
        patterns = wafv2.CfnRegexPatternSet(
            self, "PublicRoutes", scope="REGIONAL", name=f"{name}-public-routes",
            description="Request paths of the public routes, those called without a token",
            regular_expression_list=sorted({public_path_pattern(r) for r in public}))
        rules = [
            _managed_rule("AWSManagedRulesCommonRuleSet", 0),
            _managed_rule("AWSManagedRulesKnownBadInputsRuleSet", 1),
            wafv2.CfnWebACL.RuleProperty(
                name="PublicRoutesRatePerIp", priority=2,
                action=wafv2.CfnWebACL.RuleActionProperty(block=wafv2.CfnWebACL.BlockActionProperty(
                    custom_response=wafv2.CfnWebACL.CustomResponseProperty(response_code=429))),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP", limit=PUBLIC_RATE_LIMIT_PER_IP, evaluation_window_sec=300,
                        scope_down_statement=wafv2.CfnWebACL.StatementProperty(
                            regex_pattern_set_reference_statement=wafv2.CfnWebACL
                            .RegexPatternSetReferenceStatementProperty(
                                arn=patterns.attr_arn,
                                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                                text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(
                                    priority=0, type="NONE")])))),
                visibility_config=_visibility("PublicRoutesRatePerIp"),
            ),
        ]
        return wafv2.CfnWebACL(
            self, "WebAcl", scope="REGIONAL", name=f"{name}-api",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules, visibility_config=_visibility(f"{name}-api"))


def _managed_rule(group: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=group, priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name=group)),
        visibility_config=_visibility(group),
    )


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=re.sub(r"[^A-Za-z0-9_-]", "-", metric),
        sampled_requests_enabled=True)
