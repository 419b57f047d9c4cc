"""`shared.domain.rules` loads its names on first use; its TYPE_CHECKING imports are the one list of
where each lives. That list and `__all__` must agree, and every name must resolve to its module's object."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import shared.domain.rules as rules


def _type_checking_imports() -> dict[str, str]:
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), "only `from ... import ...` under TYPE_CHECKING"
                assert stmt.module is not None
                found |= {alias.asname or alias.name: stmt.module for alias in stmt.names}
    return found


def test_all_and_the_type_checking_imports_name_the_same_things() -> None:
    assert sorted(rules.__all__) == sorted(_type_checking_imports())


def test_every_public_name_resolves_to_the_object_of_its_module() -> None:
    for name, module in _type_checking_imports().items():
        assert getattr(rules, name) is getattr(importlib.import_module(module), name), name


def test_an_unknown_name_is_an_attribute_error() -> None:
    assert not hasattr(rules, "no_such_rule")


def test_the_pack_alone_does_not_import_the_engine() -> None:
    # pack_for (credit views, measures) must not pay for the evaluation modules
    probe = ("import sys; from shared.domain.rules import pack_for; "
             "print('shared.domain.rules.evaluate' in sys.modules, 'shared.domain.rules.timeline' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.split() == ["False", "False"]
