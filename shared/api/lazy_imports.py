"""`lazy_import`: the one way a handler defers loading the use-case and domain modules of its routes.

Why: an API function serves several routes, and a warm execution environment usually serves only a
few of them; importing every route's use cases (and the rules, models and tables they pull in) at
cold start made the functions import two to three times slower than Powertools' own resolver. A
lazily imported module is loaded by the first attribute read on it, i.e. when a route that uses it
first runs in the environment; that first request pays the import (once), the others nothing.

Usage, typed so mypy checks every call against the real module:

    if TYPE_CHECKING:
        from shared.usecases import restorations
    else:
        restorations = lazy_import("shared.usecases.restorations")

A request-body model in a route signature may be read through such a module too
(`Annotated[restoration_requests.RestorationApplication, Body()]`): Powertools evaluates the
annotation against the handler module's globals when the route's validation is first needed.
tests/infra/code_actions.py follows `name = lazy_import("module")` as an import of `module`."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """The module `name`, loaded on first attribute access (already imported: that module)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)  # imports the parent packages (their __init__ are empty)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does: `package.child` is an attribute of the package
        setattr(sys.modules[parent], child, module)
    return module
