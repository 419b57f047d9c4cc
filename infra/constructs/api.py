"""The public REST API, built from `shared.api.contract.ROUTES` and nothing else: one resource path
and method per route, a Lambda proxy integration to the route's function, the one token authorizer
(`functions/authorizer`: OIDC access tokens from the configured issuers, a cached policy opening the
routes the token's scopes admit) on protected methods, and no authorizer on public ones. Errors that
API Gateway answers itself (no token, throttling, unknown route) are RFC 9457 problems too."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.edge import needs_api_key
from infra.constructs.functions import LOG_RETENTION
from infra.nag import acknowledge
from shared.api.contract import ROUTES
from shared.api.problems import PROBLEM_BASE, PROBLEM_JSON, problem_kind

API_NAME = "customs-credit"
STAGE_NAME = "api"
"""Routes already start with `/v1` (the version is part of the path), so the stage name is not a
version; it is not an environment name either (environments are separate stacks/accounts)."""
THROTTLING_RATE_LIMIT = 100
THROTTLING_BURST_LIMIT = 200
AUTHORIZER_CACHE_TTL = Duration.minutes(5)
"""API Gateway caches the authorizer's policy per token this long: one verification per token and
5 minutes, not per request. A revoked token can live this long past its revocation."""
BEARER_PATTERN = r"^[Bb]earer [-0-9A-Za-z_.~+/]+=*$"
"""A header not of this form is refused (401) without invoking the authorizer."""

# API Gateway's own errors (the request never reached a function) → the problem a handler would
# have answered. MISSING_AUTHENTICATION_TOKEN is what REST APIs answer for an unknown resource or
# method when the method has no IAM auth: to a caller that is "no such route". `None` keeps the
# status API Gateway chose (the DEFAULT_* catch-alls); the body then has no `status` member, which
# RFC 9457 allows, rather than one that could contradict the real status line.
GATEWAY_PROBLEMS: dict[apigw.ResponseType, tuple[int | None, str, str]] = {
    apigw.ResponseType.BAD_REQUEST_BODY: problem_kind(400),
    apigw.ResponseType.BAD_REQUEST_PARAMETERS: problem_kind(400),
    apigw.ResponseType.UNAUTHORIZED: problem_kind(401),
    apigw.ResponseType.EXPIRED_TOKEN: problem_kind(401),
    apigw.ResponseType.ACCESS_DENIED: problem_kind(403),
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN: problem_kind(404),
    apigw.ResponseType.RESOURCE_NOT_FOUND: problem_kind(404),
    apigw.ResponseType.REQUEST_TOO_LARGE: problem_kind(413),
    apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE: problem_kind(415),
    apigw.ResponseType.THROTTLED: problem_kind(429),
    apigw.ResponseType.QUOTA_EXCEEDED: problem_kind(429),
    apigw.ResponseType.INTEGRATION_FAILURE: problem_kind(502),
    apigw.ResponseType.INTEGRATION_TIMEOUT: problem_kind(504),
    apigw.ResponseType.DEFAULT_4_XX: (None, "request-failed", "Request failed"),
    apigw.ResponseType.DEFAULT_5_XX: (None, "internal-error", "Internal error"),
}

ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "caller": "$context.identity.caller",
    "user": "$context.identity.user",
    "clientId": "$context.authorizer.client_id",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "errorType": "$context.error.responseType",
}
"""One JSON line per request: who (client_id claim, ip), what (method, resource), outcome, timing.

API Gateway puts access-log variables in as they are, unescaped, so only values it generates itself
go in (ids, times, numbers, the gateway-response type, the route from this template): the raw
`$context.path` is the client's, and a `"` or a control character in it would inject keys into or
break the line. The route is `resourcePath`; the path itself is in the function's log line with the
same request id. (The error message is left out for the same reason: API Gateway quotes some
client input in it; its type says what happened.)"""


def problem_template(status: int | None, slug: str, title: str) -> str:
    """RFC 9457 body as a gateway-response mapping template (same shape as `shared/api/problems.py`;
    `detail` is API Gateway's own message, already JSON-quoted by `messageString`).

    Gateway-response templates get plain substitution, no VTL (so no `$util.escapeJavaScript`):
    only values the client cannot shape go in. `$context.path` is the client's path, unescaped (a
    `"` in it injects keys) and with the stage (`/api/v1/...`); `instance` is the matched route
    (`$context.resourcePath`, e.g. `/v1/enterprises/{uscc}`, from this template, so JSON-safe and in
    the handlers' `/v1/...` form; empty when no route matched)."""
    body: dict[str, object] = {"type": PROBLEM_BASE + slug, "title": title}
    if status is not None:
        body["status"] = status
    body |= {"detail": "__DETAIL__", "instance": "$context.resourcePath", "errors": []}
    return json.dumps(body).replace('"__DETAIL__"', "$context.error.messageString")


class Api(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, authorizer: lambda_.IFunction,
                 functions: Mapping[str, lambda_.IFunction], api_name: str = API_NAME,
                 protected_edge: bool = False) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=LOG_RETENTION,
                                         removal_policy=RemovalPolicy.RETAIN)
        self.rest_api = apigw.RestApi(
            self, "RestApi",
            rest_api_name=api_name,
            description="China Customs enterprise credit management (GACC Order 282), API v1",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logs (ERROR level) need the account-level CloudWatch role of API Gateway.
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # bodies carry enterprise data; access logs suffice
                metrics_enabled=True,
                throttling_rate_limit=THROTTLING_RATE_LIMIT,
                throttling_burst_limit=THROTTLING_BURST_LIMIT,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
            ),
        )
        self.authorizer = apigw.TokenAuthorizer(
            self, "Authorizer", handler=authorizer, authorizer_name="oidc-access-tokens",
            identity_source=apigw.IdentitySource.header("Authorization"),
            validation_regex=BEARER_PATTERN, results_cache_ttl=AUTHORIZER_CACHE_TTL)
        self.methods: dict[tuple[str, str], apigw.Method] = {}
        for route in ROUTES:
            resource = self.rest_api.root.resource_for_path(route.path)
            integration = apigw.LambdaIntegration(functions[route.function], proxy=True, allow_test_invoke=False)
            if route.public:
                method = resource.add_method(route.method, integration,
                                             authorization_type=apigw.AuthorizationType.NONE)
                for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
                    acknowledge(method, rule,
                                f"{route.method} {route.path} is public by contract (the route table: public "
                                "credit views, disclosures, lists and docs); the stage is throttled.")
            else:
                # Scopes are the authorizer's policy (authorization scopes apply to Cognito authorizers only).
                method = resource.add_method(route.method, integration,
                                             authorization_type=apigw.AuthorizationType.CUSTOM,
                                             authorizer=self.authorizer,
                                             api_key_required=protected_edge and needs_api_key(route))
                acknowledge(method, "AwsSolutions-COG4",
                            f"{route.method} {route.path} is authorized by the API's token authorizer, which "
                            "verifies OIDC access tokens from the configured issuers (Cognito among them when "
                            "enabled) and allows only the routes the token's scopes admit.")
            self.methods[(route.method, route.path)] = method

        for response_type, (status, slug, title) in GATEWAY_PROBLEMS.items():
            self.rest_api.add_gateway_response(
                f"Problem{response_type.response_type}",
                type=response_type,
                status_code=str(status) if status is not None else None,
                response_headers={
                    "Content-Type": f"'{PROBLEM_JSON}'",
                    "x-correlation-id": "method.request.header.x-correlation-id",
                },
                templates={"application/json": problem_template(status, slug, title)},
            )

        # RestApi's own `Endpoint` output has a hashed name; the stack publishes `RestApiUrl` instead.
        self.rest_api.node.try_remove_child("Endpoint")
        cloud_watch_role = self.rest_api.node.find_child("CloudWatchRole")
        acknowledge(cloud_watch_role,
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                    "AmazonAPIGatewayPushToCloudWatchLogs]",
                    "API Gateway's account-level logging role: the AWS managed policy is the documented, "
                    "service-maintained minimum for execution logs (CloudWatch Logs writes only).")
        acknowledge(self.rest_api, "AwsSolutions-APIG2",
                    "Request validation is done by the handlers (pydantic), which answer RFC 9457 "
                    "problems listing every offending field; an API Gateway validator would answer a "
                    "different, less precise error shape.")
        if not protected_edge:
            acknowledge(self.rest_api.deployment_stage, "AwsSolutions-APIG3",
                        "A development stage (context edge=false): no WAF web ACL, so no per-request WAF "
                        "charge for test traffic; production stages associate one (infra/constructs/edge.py).")
