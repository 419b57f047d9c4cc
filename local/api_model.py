"""The REST API as the template declares it: resources, methods, authorizers and their scopes,
Lambda proxy integrations, the stage, binary media types and gateway responses.

Read from the raw template (logical ids are the links between resources) with physical names
from the deployed stack; nothing here knows the product's routes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from local.assembly import Assembly

log = logging.getLogger("local.api")

API_TYPES = ("AWS::ApiGateway::RestApi",)


@dataclass(frozen=True)
class LambdaAuthorizer:
    """A TOKEN (or REQUEST) Lambda authorizer of the template."""

    name: str
    authorizer_type: str
    function_name: str | None
    """Physical name of the authorizer function."""
    identity_header: str
    validation_regex: str | None
    ttl_s: int


@dataclass(frozen=True)
class Method:
    http_method: str
    resource_path: str
    authorization_type: str
    """NONE, COGNITO_USER_POOLS, AWS_IAM or CUSTOM."""
    scopes: tuple[str, ...]
    integration_type: str
    function_name: str | None
    """Physical name of the proxied Lambda function."""
    authorizer: LambdaAuthorizer | None = None

    @property
    def needs_token(self) -> bool:
        return self.authorization_type == "COGNITO_USER_POOLS" or self.authorizer is not None


@dataclass(frozen=True)
class GatewayResponse:
    response_type: str
    status_code: int | None
    headers: dict[str, str]
    """Header name → mapping expression (`'literal'` or `method.request.header.X`)."""
    templates: dict[str, str]


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    greedy: tuple[str, _Node] | None = None
    resource_path: str | None = None
    methods: dict[str, Method] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    method: Method | None
    resource_exists: bool
    path_parameters: dict[str, str]


@dataclass
class RestApiModel:
    name: str
    api_id: str
    stage: str
    binary_media_types: tuple[str, ...]
    methods: list[Method]
    gateway_responses: dict[str, GatewayResponse]
    scopes: frozenset[str]
    _root: _Node = field(default_factory=_Node)

    def __post_init__(self) -> None:
        for method in self.methods:
            node = self._root
            for segment in _segments(method.resource_path):
                if segment.endswith("+}"):
                    if node.greedy is None:
                        node.greedy = (segment[1:-2], _Node())
                    node = node.greedy[1]
                elif segment.startswith("{"):
                    if node.param is None:
                        node.param = (segment[1:-1], _Node())
                    node = node.param[1]
                else:
                    node = node.children.setdefault(segment, _Node())
            node.resource_path = method.resource_path
            node.methods[method.http_method] = method

    def match(self, http_method: str, path: str) -> Match:
        """API Gateway's rule: a literal segment beats a `{param}`, which beats a `{proxy+}`."""
        found = _walk(self._root, _segments(path), {})
        if found is None:
            return Match(None, False, {})
        node, params = found
        method = node.methods.get(http_method) or node.methods.get("ANY")
        return Match(method, True, params)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _walk(node: _Node, segments: list[str], params: dict[str, str]) -> tuple[_Node, dict[str, str]] | None:
    if not segments:
        if node.methods:
            return node, params
        return None
    head, rest = segments[0], segments[1:]
    child = node.children.get(head)
    if child is not None:
        found = _walk(child, rest, params)
        if found:
            return found
    if node.param is not None:
        name, param_node = node.param
        found = _walk(param_node, rest, {**params, name: head})
        if found:
            return found
    if node.greedy is not None:
        name, greedy_node = node.greedy
        if greedy_node.methods:
            return greedy_node, {**params, name: "/".join(segments)}
    return None


def _ref(value: Any) -> str | None:
    """The logical id a `Ref` or `Fn::GetAtt` points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else str(target).split(".")[0])
    return None


def _functions_in(value: Any, resources: dict[str, dict[str, Any]]) -> list[str]:
    """Logical ids of Lambda functions referenced anywhere in an integration URI expression."""
    found: list[str] = []
    if isinstance(value, dict):
        logical = _ref(value)
        if logical and resources.get(logical, {}).get("Type") in {"AWS::Lambda::Function", "AWS::Lambda::Alias"}:
            found.append(logical)
        for inner in value.values():
            found.extend(_functions_in(inner, resources))
    elif isinstance(value, list):
        for inner in value:
            found.extend(_functions_in(inner, resources))
    return found


def _function_from_uri(uri: str) -> str | None:
    marker = ":function:"
    if marker not in uri:
        return None
    return uri.split(marker, 1)[1].split("/", 1)[0].split(":", 1)[0]


def build(assembly: Assembly, physical_ids: dict[str, str]) -> RestApiModel | None:
    """The first REST API of the template (the stack defines one), or None."""
    resources = assembly.resources
    apis = assembly.resources_of("AWS::ApiGateway::RestApi")
    if not apis:
        return None
    if len(apis) > 1:
        log.warning("template defines %d REST APIs; serving %s", len(apis), next(iter(apis)))
    api_logical, api = next(iter(apis.items()))

    def path_of(resource_ref: Any) -> str:
        logical = _ref(resource_ref)
        if logical is None or logical == api_logical:
            return "/"
        props = resources[logical]["Properties"]
        parent = path_of(props["ParentId"])
        return parent.rstrip("/") + "/" + props["PathPart"]

    methods: list[Method] = []
    scopes: set[str] = set()
    for _logical, resource in assembly.resources_of("AWS::ApiGateway::Method").items():
        props = resource.get("Properties", {})
        if _ref(props.get("RestApiId")) != api_logical:
            continue
        integration = props.get("Integration") or {}
        function_name = None
        referenced = _functions_in(integration.get("Uri"), resources)
        if referenced:
            function_name = physical_ids.get(referenced[0])
        elif isinstance(integration.get("Uri"), str):
            function_name = _function_from_uri(integration["Uri"])
        authorization = str(props.get("AuthorizationType", "NONE"))
        if authorization == "COGNITO_USER_POOLS" or _is_cognito(props.get("AuthorizerId"), resources):
            authorization = "COGNITO_USER_POOLS"
        method_scopes = tuple(str(s) for s in props.get("AuthorizationScopes") or ())
        scopes.update(method_scopes)
        authorizer = _lambda_authorizer(props.get("AuthorizerId"), resources, physical_ids) \
            if authorization == "CUSTOM" else None
        methods.append(Method(
            http_method=str(props.get("HttpMethod", "ANY")).upper(),
            resource_path=path_of(props.get("ResourceId")),
            authorization_type=authorization,
            scopes=method_scopes,
            integration_type=str(integration.get("Type", "MOCK")),
            function_name=function_name,
            authorizer=authorizer,
        ))
        if authorization == "AWS_IAM" or (authorization == "CUSTOM" and authorizer is None):
            log.warning("%s %s uses %s authorization, which the local gateway does not check",
                        methods[-1].http_method, methods[-1].resource_path, authorization)

    for server in assembly.resources_of("AWS::Cognito::UserPoolResourceServer").values():
        props = server.get("Properties", {})
        for scope in props.get("Scopes") or ():
            scopes.add(f"{props.get('Identifier')}/{scope.get('ScopeName')}")

    return RestApiModel(
        name=str(api.get("Properties", {}).get("Name", api_logical)),
        api_id=physical_ids.get(api_logical, api_logical.lower()[:10]),
        stage=_stage(assembly, api_logical),
        binary_media_types=tuple(api.get("Properties", {}).get("BinaryMediaTypes") or ()),
        methods=methods,
        gateway_responses=_gateway_responses(assembly, api_logical),
        scopes=frozenset(scopes),
    )


def _lambda_authorizer(authorizer: Any, resources: dict[str, dict[str, Any]],
                      physical_ids: dict[str, str]) -> LambdaAuthorizer | None:
    logical = _ref(authorizer)
    props = resources.get(logical or "", {}).get("Properties", {})
    if props.get("Type") not in {"TOKEN", "REQUEST"}:
        return None
    referenced = _functions_in(props.get("AuthorizerUri"), resources)
    source = str(props.get("IdentitySource") or "method.request.header.Authorization")
    return LambdaAuthorizer(
        name=str(props.get("Name") or logical),
        authorizer_type=str(props["Type"]),
        function_name=physical_ids.get(referenced[0]) if referenced else None,
        identity_header=source.split(",")[0].strip().removeprefix("method.request.header."),
        validation_regex=props.get("IdentityValidationExpression"),
        ttl_s=int(props.get("AuthorizerResultTtlInSeconds", 300)),
    )


def authorizer_functions(assembly: Assembly) -> list[str]:
    """Logical ids of the functions (`AWS::Lambda::Function`, through an alias when there is one)
    the template's Lambda authorizers invoke."""
    resources = assembly.resources
    found: list[str] = []
    for resource in assembly.resources_of("AWS::ApiGateway::Authorizer").values():
        props = resource.get("Properties", {})
        if props.get("Type") not in {"TOKEN", "REQUEST"}:
            continue
        for logical in _functions_in(props.get("AuthorizerUri"), resources):
            if resources[logical]["Type"] == "AWS::Lambda::Alias":
                logical = _ref(resources[logical]["Properties"].get("FunctionName")) or logical
            found.append(logical)
    return found


def _is_cognito(authorizer: Any, resources: dict[str, dict[str, Any]]) -> bool:
    logical = _ref(authorizer)
    if logical is None:
        return False
    return resources.get(logical, {}).get("Properties", {}).get("Type") == "COGNITO_USER_POOLS"


def _stage(assembly: Assembly, api_logical: str) -> str:
    for stage in assembly.resources_of("AWS::ApiGateway::Stage").values():
        props = stage.get("Properties", {})
        if _ref(props.get("RestApiId")) == api_logical and props.get("StageName"):
            return str(props["StageName"])
    for deployment in assembly.resources_of("AWS::ApiGateway::Deployment").values():
        props = deployment.get("Properties", {})
        if _ref(props.get("RestApiId")) == api_logical and props.get("StageName"):
            return str(props["StageName"])
    return "prod"


def _gateway_responses(assembly: Assembly, api_logical: str) -> dict[str, GatewayResponse]:
    found: dict[str, GatewayResponse] = {}
    for resource in assembly.resources_of("AWS::ApiGateway::GatewayResponse").values():
        props = resource.get("Properties", {})
        if _ref(props.get("RestApiId")) != api_logical:
            continue
        headers = {key.removeprefix("gatewayresponse.header."): str(value)
                   for key, value in (props.get("ResponseParameters") or {}).items()
                   if key.startswith("gatewayresponse.header.")}
        status = props.get("StatusCode")
        found[str(props["ResponseType"])] = GatewayResponse(
            response_type=str(props["ResponseType"]),
            status_code=int(status) if status else None,
            headers=headers,
            templates={str(k): str(v) for k, v in (props.get("ResponseTemplates") or {}).items()},
        )
    return found
