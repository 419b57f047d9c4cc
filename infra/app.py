"""CDK app entry point: `python infra/app.py` synthesizes `cdk.out/` (no CDK CLI needed), and
`build_app()` is what the infra tests and the local runtime call."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    # Run as a script, Python puts infra/ first on sys.path, where infra/constructs/ would shadow
    # the `constructs` library. Replace it with the repository root (for `infra.*` and `shared.*`).
    _here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]
    sys.path.insert(0, str(ROOT))

from aws_cdk import App, DefaultStackSynthesizer, Validations  # noqa: E402
from cdk_nag import AwsSolutionsChecks, ServerlessChecks  # noqa: E402

from infra.catalog import FUNCTIONS, FunctionSpec  # noqa: E402
from infra.outputs import STACK_NAME  # noqa: E402
from infra.stack import CustomsCreditStack  # noqa: E402
from infra.stage import DEFAULT_STAGE, stack_name, valid_stage  # noqa: E402

DEFAULT_DOMAIN_PREFIX = "customs-credit-{stage}"
VALIDATION_REPORT = "validation-report.json"
"""Written into the cloud assembly on every synthesis with a validation plugin (cdk-nag): its
`pluginReports` list the unacknowledged findings (empty when there are none)."""


def cdk_json_context() -> dict[str, Any]:
    """cdk.json's context. The CDK CLI passes it to the app; `python infra/app.py` reads it here."""
    cdk_json = ROOT / "cdk.json"
    context = json.loads(cdk_json.read_text()).get("context", {}) if cdk_json.exists() else {}
    return dict(context)


def build_app(outdir: str | Path = "cdk.out", *, functions: tuple[FunctionSpec, ...] = FUNCTIONS,
              context: dict[str, Any] | None = None) -> App:
    """The app with its one stack and the cdk-nag AwsSolutions checks registered.

    `outdir` is taken relative to the repository root. `functions` defaults to the catalog (tests
    pass extra rows to exercise triggers); `context` overrides cdk.json's context values:
    `stage` and `cognito_domain_prefix` (Cognito hosted-domain prefix, unique per region)."""
    merged = cdk_json_context() | (context or {})
    out = Path(outdir)
    app = App(outdir=str(out if out.is_absolute() else ROOT / out), context=merged)
    stage = valid_stage(str(app.node.try_get_context("stage") or DEFAULT_STAGE))
    domain_prefix = str(app.node.try_get_context("cognito_domain_prefix")
                        or DEFAULT_DOMAIN_PREFIX.format(stage=stage))
    CustomsCreditStack(
        app, STACK_NAME,
        stack_name=stack_name(stage),
        stage=stage,
        specs=functions,
        root=ROOT,
        cognito_domain_prefix=domain_prefix,
        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )
    # Unacknowledged findings make app.synth() raise and write validation-report.json. The
    # acknowledgements are also written into each resource's Metadata (cdk_nag.rules_to_suppress),
    # so the template itself shows what was accepted and why (the infra tests read them there).
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
                                    ServerlessChecks(app, write_suppressions_to_cloud_formation=True))
    return app


def main() -> None:
    # The CDK CLI (if used) tells the app where to write through CDK_OUTDIR.
    build_app(os.environ.get("CDK_OUTDIR", "cdk.out")).synth()


if __name__ == "__main__":
    main()
