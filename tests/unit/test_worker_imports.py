"""The functions that serve no API route (bus consumers, workflow steps, schedules, the authorizer, the
relays) load no pydantic at cold start: about 80 ms of every such cold start in the deployed form. The
API functions need it (the resolver validates with it). A guard on the import graph, not a timing."""

from __future__ import annotations

import json
import subprocess
import sys

from infra.catalog import FUNCTIONS
from shared.api.contract import ROUTES
from tests.support.lambdas import FUNCTIONS as FUNCTIONS_DIR
from tests.support.template import REPO

API_FUNCTIONS = frozenset(r.function for r in ROUTES) | {"docs"}
WORKERS = sorted(spec.name for spec in FUNCTIONS if spec.name not in API_FUNCTIONS)

# One interpreter loads every module given in turn and names each one after which pydantic is loaded
# (once loaded it stays, so the first name is the one that brought it).
_PROBE = """
import importlib.util, json, sys
modules = json.loads(sys.argv[1])
brought = []
for name, path in modules.items():
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if "pydantic" in sys.modules:
        brought.append(name)
print(json.dumps(brought))
"""


def test_the_worker_list_is_the_catalog_without_the_api_functions() -> None:
    assert {"evaluation", "restoration_review", "case_deadlines", "authorizer", "outbox_relay"} <= set(WORKERS)
    assert not {"registry", "credit_views", "restorations", "docs"} & set(WORKERS)


def _loading_pydantic(modules: dict[str, str]) -> list[str]:
    result = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(modules)], capture_output=True, text=True,
                            check=True, cwd=REPO)
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_no_worker_handler_imports_pydantic() -> None:
    assert _loading_pydantic({f"functions_{name}_handler": str(FUNCTIONS_DIR / name / "handler.py")
                              for name in WORKERS}) == []


def test_the_probe_sees_a_module_that_imports_pydantic() -> None:
    # The API's validated USCC field type is a pydantic type: the probe is not blind.
    assert _loading_pydantic({"uscc_field": str(REPO / "shared" / "domain" / "uscc.py")}) == ["uscc_field"]
