"""Deploy the synthesized stack into the emulator through CloudFormation, with the project's
`infra.local_deploy.deploy_to_moto` (which publishes the file assets as `cdk deploy` would)."""

from __future__ import annotations

import io
import warnings
import zipfile
from typing import Any

from local.assembly import Assembly
from local.emulator import Emulator


def deploy(cloud: Assembly, emulator: Emulator) -> dict[str, Any]:
    """`{"resources": {logical id: physical id}, "types": {logical id: type}, "outputs": ...}`"""
    from infra.local_deploy import deploy_to_moto

    with warnings.catch_warnings():
        # moto warns once per resource type it skips (Cognito, alarms, ...); the banner lists them.
        warnings.simplefilter("ignore")
        return deploy_to_moto(cloud.directory, stack_name=cloud.stack_name, region=emulator.region,
                              cfn_client=emulator.client("cloudformation"),
                              s3_client=_LayerPlaceholders(emulator.client("s3"), _layer_only_keys(cloud)),
                              account=emulator.account)


def _layer_only_keys(cloud: Assembly) -> set[str]:
    """Object keys of assets that only Lambda layers use. Functions run against this virtualenv
    (the layer is an arm64 build that cannot be imported here), so the emulator gets a small
    placeholder instead of tens of MB it would keep in memory (twice: the object and the layer)."""
    def keys(kind: str, prop: str) -> set[str]:
        found = set()
        for resource in cloud.resources_of(kind).values():
            key = (resource.get("Properties", {}).get(prop) or {}).get("S3Key")
            if isinstance(key, str):
                found.add(key)
        return found

    return keys("AWS::Lambda::LayerVersion", "Content") - keys("AWS::Lambda::Function", "Code")


class _LayerPlaceholders:
    """An S3 client that uploads a placeholder zip for layer-only assets."""

    def __init__(self, client: Any, layer_keys: set[str]) -> None:
        self._client = client
        self._layer_keys = layer_keys

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_object(self, **kwargs: Any) -> Any:
        if kwargs.get("Key") in self._layer_keys:
            kwargs["Body"] = _placeholder_zip()
        return self._client.put_object(**kwargs)


def _placeholder_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("LOCAL-RUNTIME.txt", "Layer content is not used locally: functions import this "
                                              "virtualenv's packages and the repository's shared package.\n")
    return buffer.getvalue()
