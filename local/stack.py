"""The deployed stack as the runtime sees it: the template's resources with their physical ids, and
template values resolved against the deployment (Ref, Fn::GetAtt, Fn::Join, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from local import moto_patches
from local.assembly import Assembly


@dataclass(frozen=True)
class AsyncPolicy:
    """How Lambda treats a failed asynchronous invocation of a function (AWS defaults unless the
    template says otherwise)."""

    max_retries: int = 2
    max_event_age_s: int = 6 * 3600
    on_failure_arn: str | None = None


class DeployedStack:
    def __init__(self, assembly: Assembly, account: str, region: str, physical_ids: dict[str, str]) -> None:
        self.assembly = assembly
        self.account = account
        self.region = region
        self.physical_ids = physical_ids
        self._logical_by_function: dict[str, str] = {
            physical: logical for logical, physical in physical_ids.items()
            if assembly.resources.get(logical, {}).get("Type") == "AWS::Lambda::Function"
        }

    @property
    def name(self) -> str:
        return self.assembly.stack_name

    def resolve(self, value: Any) -> Any:
        return moto_patches.resolve_in_stack(self.account, self.region, self.name, value)

    def physical_id(self, logical_id: str) -> str | None:
        return self.physical_ids.get(logical_id)

    def function_logical_id(self, function_name: str) -> str | None:
        return self._logical_by_function.get(function_name)

    def async_policy(self, function_name: str) -> AsyncPolicy:
        """From the function's DeadLetterConfig and its AWS::Lambda::EventInvokeConfig."""
        logical = self.function_logical_id(function_name)
        if logical is None:
            return AsyncPolicy()
        props = self.assembly.resources[logical].get("Properties", {})
        on_failure = None
        if props.get("DeadLetterConfig", {}).get("TargetArn"):
            on_failure = self.resolve(props["DeadLetterConfig"]["TargetArn"])
        retries, max_age = AsyncPolicy.max_retries, AsyncPolicy.max_event_age_s
        for resource in self.assembly.resources_of("AWS::Lambda::EventInvokeConfig").values():
            config = resource.get("Properties", {})
            if config.get("FunctionName") != {"Ref": logical} and config.get("FunctionName") != function_name:
                continue
            retries = int(config.get("MaximumRetryAttempts", retries))
            max_age = int(config.get("MaximumEventAgeInSeconds", max_age))
            destination = config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            if destination:
                on_failure = self.resolve(destination)
        return AsyncPolicy(max_retries=retries, max_event_age_s=max_age, on_failure_arn=on_failure)

