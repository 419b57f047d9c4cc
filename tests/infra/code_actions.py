"""The AWS actions a function's code calls, derived from its source (no execution, no template).

From `functions/<name>/handler.py`, the code reachable under `shared/` and the function's folder is
followed call by call (static, over-approximating): plain names and `module.attr` through imports
(`name = lazy_import("module")` is one),
`self.method` within a class and its bases, `<anything>.<port>.<method>` and `<port>.<method>` through
the adapter class `shared.adapters.stores.dynamodb_stores` builds for that `Stores` port, and other
`obj.method` by name among classes that are not port adapters. In the reachable code, every boto3
client call (`put_item`, `query`, `put_events`, `send_task_success`, ...) and every transaction item
(`{"Put": ...}`, `{"Update": ...}`, `{"Delete": ...}`, `{"ConditionCheck": ...}`, which need the
item's own action) is mapped to its IAM action, on the resource it names: a DynamoDB table by the
`TableName` expression (`audit` in it: the audit table, else the main table), a state machine by the
`Workflows` port the call came through. A module-level helper that sends its own `**request` parameter
(`dynamodb.query_all(**request)`) calls on the table each of its call sites names. Idempotent routes
add what Powertools' DynamoDB persistence layer calls (read from its source) on the idempotency table.

What a service calls with the function's role rather than the code (Lambda's SQS poller, Lambda's
async DLQ delivery) is derived from the template by the test, not here."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

DYNAMODB_CALLS = {
    "get_item": "GetItem", "put_item": "PutItem", "update_item": "UpdateItem", "delete_item": "DeleteItem",
    "query": "Query", "scan": "Scan", "batch_get_item": "BatchGetItem", "batch_write_item": "BatchWriteItem",
    "transact_get_items": "GetItem", "describe_table": "DescribeTable",
}
TRANSACTION_ITEMS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}
OTHER_CALLS = {
    "put_events": ("events", "PutEvents", "bus"),
    "start_execution": ("states", "StartExecution", None),
    "stop_execution": ("states", "StopExecution", None),
    "send_task_success": ("states", "SendTaskSuccess", None),
    "send_task_failure": ("states", "SendTaskFailure", None),
    "send_task_heartbeat": ("states", "SendTaskHeartbeat", None),
    "describe_execution": ("states", "DescribeExecution", None),
    "put_object": ("s3", "PutObject", "archive"),
    "get_object": ("s3", "GetObject", "archive"),
    "send_message": ("sqs", "SendMessage", "queue"),
}
WORKFLOW_PORTS = {"workflows": "certification", "objection_workflow": "objection"}
"""`Stores` ports that are state machines, and the machine each one drives."""
SKIPPED_MODULES = {"shared.api.idempotency"}
"""Reached through the contract instead (idempotent routes), see `derive`."""

Action = tuple[str, str]
"""(resource kind, IAM action): ("main", "dynamodb:PutItem"), ("certification", "states:StartExecution")."""


@dataclass
class Module:
    name: str
    tree: ast.Module
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """Local name → (module, attribute or None for the module itself)."""
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def _lazy_import(node: ast.AST) -> tuple[str, str] | None:
    """(local name, module) of `name = lazy_import("module")`: an import, loaded on first use."""
    if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "lazy_import" and len(node.value.args) == 1
            and isinstance(node.value.args[0], ast.Constant) and isinstance(node.value.args[0].value, str)):
        return node.targets[0].id, node.value.args[0].value
    return None


@cache
def _modules() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in [*REPO.glob("shared/**/*.py"), *REPO.glob("functions/*/*.py")]:
        name = _module_name(path)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        module = Module(name, ast.parse(path.read_text()))
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef):
                module.functions[node.name] = node
            elif isinstance(node, ast.ClassDef):
                module.classes[node.name] = node
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    module.imports[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
            elif lazy := _lazy_import(node):  # `name = lazy_import("module")` (shared/api/lazy_imports.py)
                module.imports[lazy[0]] = (lazy[1], None)
        modules[name] = module
    return modules


def _port_classes() -> dict[str, tuple[str, str]]:
    """`Stores` port → (module, class) of its adapter, read from `dynamodb_stores()`: `Class(...)`
    through an import, or `_deferred("<adapter module>", "Class", ...)` (imported on first use)."""
    stores = _modules()["shared.adapters.stores"]
    ports: dict[str, tuple[str, str]] = {}
    for node in ast.walk(stores.functions["dynamodb_stores"]):
        if isinstance(node, ast.keyword) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
            arguments = node.value.args
            if node.value.func.id == "_deferred" and len(arguments) >= 2 and all(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) for a in arguments[:2]):
                module_arg, class_arg = (a.value for a in arguments[:2] if isinstance(a, ast.Constant))
                ports[str(node.arg)] = (f"shared.adapters.{module_arg}", str(class_arg))
                continue
            module, attribute = stores.imports[node.value.func.id]
            ports[str(node.arg)] = (module, attribute or node.value.func.id)
    return ports


Def = tuple[str, str | None, str]
"""(module, class or None, function name)."""


@dataclass
class _Walk:
    actions: set[Action] = field(default_factory=set)
    seen: set[tuple[Def, str | None]] = field(default_factory=set)
    pending: list[tuple[Def, str | None]] = field(default_factory=list)

    def reach(self, definition: Def, port: str | None) -> None:
        if definition[0] in SKIPPED_MODULES:
            return
        if (definition, port) not in self.seen:
            self.seen.add((definition, port))
            self.pending.append((definition, port))


def _class_methods(module: str, cls: str) -> Iterator[tuple[str, ast.ClassDef]]:
    """The class and its bases defined in the indexed code, nearest first."""
    modules = _modules()
    node = modules[module].classes.get(cls)
    if node is None:
        return
    yield module, node
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in modules[module].imports:
            base_module, base_name = modules[module].imports[base.id]
            if base_module in modules and base_name:
                yield from _class_methods(base_module, base_name)
        elif isinstance(base, ast.Name) and base.id in modules[module].classes:
            yield from _class_methods(module, base.id)


def _method(module: str, cls: str, name: str) -> Def | None:
    for owner_module, owner in _class_methods(module, cls):
        if any(isinstance(n, ast.FunctionDef) and n.name == name for n in owner.body):
            return owner_module, owner.name, name
    return None


@cache
def _methods_by_name() -> dict[str, list[Def]]:
    """Methods of the classes that are not port adapters, by name (the fallback resolution)."""
    adapters = set(_port_classes().values())
    found: dict[str, list[Def]] = {}
    for module in _modules().values():
        for cls in module.classes.values():
            if (module.name, cls.name) in adapters:
                continue
            for node in cls.body:
                if isinstance(node, ast.FunctionDef):
                    found.setdefault(node.name, []).append((module.name, cls.name, node.name))
    return found


def _resolve_symbol(module: str, name: str) -> list[Def]:
    """A module-level name: a function, or a class (its constructor), here or imported."""
    modules = _modules()
    here = modules.get(module)
    if here is None:
        return []
    if name in here.functions:
        return [(module, None, name)]
    if name in here.classes:
        return [d for init in ("__init__", "__post_init__", "__call__") if (d := _method(module, name, init))]
    if name in here.imports:
        target, attribute = here.imports[name]
        if attribute is None:
            return []
        if target in modules:
            return _resolve_symbol(target, attribute)
        if f"{target}.{attribute}" in modules:
            return []  # a module imported with `from package import module`
    return []


def _imported_module(module: str, name: str) -> str | None:
    target = _modules()[module].imports.get(name)
    if target is None:
        return None
    full = target[0] if target[1] is None else f"{target[0]}.{target[1]}"
    return full if full in _modules() else None


def _table_kind(text: str) -> str:
    return "audit" if "audit" in text else "outbox" if "outbox" in text else "main"


def _names_dict(function: ast.AST, name: str) -> ast.Dict | None:
    for node in ast.walk(function):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)):
            return node.value
        if (isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Dict)
                and isinstance(node.target, ast.Name) and node.target.id == name):
            return node.value
    return None


def _table_name_text(function: ast.AST, value: ast.AST | None) -> str:
    """The source of the `TableName` in a request dict (or in the dict a name was assigned)."""
    if isinstance(value, ast.Name):
        value = _names_dict(function, value.id)
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "TableName":
                return ast.unparse(item)
    return ""


def _call_table(function: ast.AST, call: ast.Call) -> str | None:
    """The table kind a call names, or None where the request is the function's own `**request`
    parameter (a helper like `dynamodb.query_all`: its callers name the table)."""
    for keyword in call.keywords:
        if keyword.arg == "TableName":
            return _table_kind(ast.unparse(keyword.value))
        if keyword.arg is None and isinstance(keyword.value, ast.Name):
            if isinstance(function, ast.FunctionDef) and function.args.kwarg is not None \
                    and function.args.kwarg.arg == keyword.value.id:
                return None
            return _table_kind(_table_name_text(function, keyword.value))
    return "main"


@cache
def _tables_from_callers(definition: Def) -> frozenset[str]:
    """The DynamoDB actions `definition` calls on the table its caller's request names."""
    module, cls, name = definition
    if cls is not None or name not in _modules()[module].functions:
        return frozenset()
    function = _modules()[module].functions[name]
    return frozenset(f"dynamodb:{DYNAMODB_CALLS[n.func.attr]}" for n in ast.walk(function)
                     if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr in DYNAMODB_CALLS and _call_table(function, n) is None)


def _reach_called(walk: _Walk, body: ast.AST, node: ast.expr, definition: Def, port: str | None) -> None:
    """Reach `definition`; where `node` calls it and it queries the table its caller names, the
    action on the table this call names."""
    walk.reach(definition, port)
    if actions := _tables_from_callers(definition):
        call = getattr(node, "_call", None)
        kind = None if call is None else _call_table(body, call)
        if kind is None:
            raise ValueError(f"{definition}: cannot tell the table from {ast.unparse(call or node)}: "
                             "name TableName at the call")
        walk.actions |= {(kind, action) for action in actions}


@cache
def _ports_by_protocol() -> dict[str, tuple[str, ...]]:
    """Port protocol name (`RestorationStore`) → the `Stores` ports of that type."""
    stores = _modules()["shared.usecases.stores"].classes["Stores"]
    found: dict[str, tuple[str, ...]] = {}
    for node in stores.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found[ast.unparse(node.annotation)] = (*found.get(ast.unparse(node.annotation), ()), node.target.id)
    return found


def _annotated_ports(function: ast.AST) -> dict[str, tuple[str, ...]]:
    """Parameters of `function` annotated with a port protocol."""
    if not isinstance(function, ast.FunctionDef):
        return {}
    protocols = _ports_by_protocol()
    annotated = {a.arg: ast.unparse(a.annotation).strip("'\"") for a in function.args.args + function.args.kwonlyargs
                 if a.annotation is not None}
    return {name: protocols[annotation] for name, annotation in annotated.items() if annotation in protocols}


@cache
def _attribute_ports(module: str, cls: str) -> dict[str, tuple[str, ...]]:
    """`self.<attr>` assigned in `__init__` from a parameter annotated with a port protocol."""
    init = next((n for n in _modules()[module].classes[cls].body
                 if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return {}
    params = _annotated_ports(init)
    found: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(init):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in params:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and ast.unparse(target.value) == "self":
                    found[target.attr] = params[node.value.id]
    return found


def _ports_of(node: ast.AST, module: str, cls: str | None, body: ast.AST) -> tuple[str, ...]:
    """`x.<port>`, a variable named after a port (`bus = dynamodb_stores().bus`), a parameter annotated
    with a port protocol, or `self.<attr>` set from one in `__init__`."""
    ports = _port_classes()
    if isinstance(node, ast.Attribute) and node.attr in ports:
        return (node.attr,)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" and cls:
        return _attribute_ports(module, cls).get(node.attr, ())
    if isinstance(node, ast.Name) and node.id in ports:
        return (node.id,)
    if isinstance(node, ast.Name):
        return _annotated_ports(body).get(node.id, ())
    return ()


def _visit(walk: _Walk, definition: Def, port: str | None) -> None:
    module, cls, name = definition
    here = _modules()[module]
    if cls is None:
        body: ast.AST = here.functions[name] if name != "<module>" else here.tree
    else:
        body = next(n for n in here.classes[cls].body if isinstance(n, ast.FunctionDef) and n.name == name)
    for node in ast.walk(body):
        if name == "<module>" and isinstance(node, ast.FunctionDef | ast.ClassDef) and node in here.tree.body:
            continue  # module level: definitions are reached when used (decorators are below)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            for target in _resolve_symbol(module, node.id):
                _reach_called(walk, body, node, target, None)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            _attribute(walk, module, cls, port, body, node)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in TRANSACTION_ITEMS and len(node.keys) == 1:
                    kind = _table_kind(_table_name_text(body, value))
                    walk.actions.add((kind, f"dynamodb:{TRANSACTION_ITEMS[key.value]}"))
    if name == "<module>":
        for node in here.tree.body:
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    for inner in ast.walk(decorator):
                        if isinstance(inner, ast.Name):
                            for target in _resolve_symbol(module, inner.id):
                                walk.reach(target, None)


def _attribute(walk: _Walk, module: str, cls: str | None, port: str | None, body: ast.AST,
               node: ast.Attribute) -> None:
    base, attr = node.value, node.attr
    if isinstance(base, ast.Name) and (target := _imported_module(module, base.id)):
        for definition in _resolve_symbol(target, attr):
            _reach_called(walk, body, node, definition, None)
        return
    if (isinstance(base, ast.Name) and base.id in ("self", "cls") and cls is not None
            and (definition := _method(module, cls, attr))):
        walk.reach(definition, port)
        return
    reached = False
    for base_port in _ports_of(base, module, cls, body):
        adapter_module, adapter = _port_classes()[base_port]
        if definition := _method(adapter_module, adapter, attr):
            walk.reach(definition, base_port)
            reached = True
    if reached:
        return
    parent_call = getattr(node, "_call", None)
    if attr in DYNAMODB_CALLS and parent_call is not None:
        kind = _call_table(body, parent_call)
        if kind is None and cls is not None:
            raise ValueError(f"{module}.{cls}.{attr}: only module-level helpers take the request from their callers")
        if attr != "transact_write_items" and kind is not None:
            walk.actions.add((kind, f"dynamodb:{DYNAMODB_CALLS[attr]}"))
        return
    if attr in OTHER_CALLS and parent_call is not None:
        service, action, kind = OTHER_CALLS[attr]
        if service == "states":
            kind = WORKFLOW_PORTS.get(port or "", "unknown state machine")
        walk.actions.add((str(kind), f"{service}:{action}"))
        return
    for definition in _methods_by_name().get(attr, []):
        walk.reach(definition, port)


def _mark_calls(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            node.func._call = node  # type: ignore[attr-defined]


@cache
def _marked() -> bool:
    for module in _modules().values():
        _mark_calls(module.tree)
    return True


def powertools_idempotency_actions() -> set[str]:
    """What Powertools' DynamoDB persistence layer calls on its table, read from its source."""
    from aws_lambda_powertools.utilities.idempotency.persistence import dynamodb

    tree = ast.parse(inspect.getsource(dynamodb))
    return {f"dynamodb:{DYNAMODB_CALLS[n.func.attr]}" for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in DYNAMODB_CALLS}


def derive(function: str, code_path: str | None = None) -> set[Action]:
    """The (resource kind, action) pairs the function's code calls."""
    _marked()
    module = ".".join(Path(code_path or f"functions/{function}").parts) + ".handler"
    walk = _Walk()
    walk.reach((module, None, "<module>"), None)
    for name in _modules()[module].functions:
        walk.reach((module, None, name), None)
    while walk.pending:
        definition, port = walk.pending.pop()
        _visit(walk, definition, port)
    from shared.api.contract import routes_of

    if any(route.idempotent for route in routes_of(function)):
        walk.actions |= {("idempotency", action) for action in powertools_idempotency_actions()}
    return walk.actions
