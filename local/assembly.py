"""The synthesized cloud assembly on disk (`cdk.out/`): the stack's template and its file assets.

Everything the runtime serves is derived from these two files; nothing about routes, functions,
rules or schedules is written down anywhere in `local/`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ASSET_BUCKET = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"


class AssemblyError(Exception):
    pass


@dataclass(frozen=True)
class FileAsset:
    asset_hash: str
    source: Path
    packaging: str
    """`zip` (a folder to zip) or `file` (uploaded as is)."""
    bucket: str
    object_key: str


@dataclass(frozen=True)
class Assembly:
    directory: Path
    stack_name: str
    template: dict[str, Any]
    assets: tuple[FileAsset, ...]

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.template.get("Resources") or {})

    def resources_of(self, kind: str) -> dict[str, dict[str, Any]]:
        return {lid: r for lid, r in self.resources.items() if r.get("Type") == kind}

    def asset_by_key(self, object_key: str) -> FileAsset | None:
        for asset in self.assets:
            if asset.object_key == object_key:
                return asset
        return None


def load(directory: Path, stack_name: str | None = None) -> Assembly:
    """Read `manifest.json` to find the stack (the only one, or `stack_name`)."""
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        raise AssemblyError(f"{manifest_path} is missing: run `make synth` first")
    manifest = json.loads(manifest_path.read_text())
    artifacts = manifest.get("artifacts") or {}
    stacks = {name: a for name, a in artifacts.items() if a.get("type") == "aws:cloudformation:stack"}
    if stack_name is None:
        if len(stacks) != 1:
            raise AssemblyError(f"{directory} holds stacks {sorted(stacks)}: name one with --stack")
        stack_name = next(iter(stacks))
    if stack_name not in stacks:
        raise AssemblyError(f"stack {stack_name!r} is not in {directory} (found {sorted(stacks)})")
    artifact = stacks[stack_name]
    template_file = artifact.get("properties", {}).get("templateFile", f"{stack_name}.template.json")
    template = json.loads((directory / template_file).read_text())
    assets: list[FileAsset] = []
    for dependency in artifact.get("dependencies", []):
        dep = artifacts.get(dependency) or {}
        if dep.get("type") == "cdk:asset-manifest":
            assets.extend(_file_assets(directory, directory / dep["properties"]["file"]))
    return Assembly(directory=directory, stack_name=stack_name, template=template, assets=tuple(assets))


def _file_assets(directory: Path, path: Path) -> list[FileAsset]:
    document = json.loads(path.read_text())
    found: list[FileAsset] = []
    for asset_hash, entry in (document.get("files") or {}).items():
        source = entry.get("source") or {}
        if "path" not in source:
            continue  # assets built by a command (none today) are not reproducible here
        for destination in (entry.get("destinations") or {}).values():
            found.append(FileAsset(
                asset_hash=asset_hash,
                source=directory / source["path"],
                packaging=source.get("packaging", "file"),
                bucket=destination["bucketName"],
                object_key=destination["objectKey"],
            ))
    return found
