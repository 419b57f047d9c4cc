"""Enterprise repository (`EnterpriseStore`): profile + credit state item, conditional on `version`;
the public lists are its sparse index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from shared.adapters import keys
from shared.adapters.dynamodb import dynamodb_client, from_item, is_condition_failure, to_item
from shared.adapters.settings import settings
from shared.domain.errors import Conflict, EnterpriseAlreadyExists

if TYPE_CHECKING:
    from shared.domain.enterprise_profile import Enterprise
    from shared.usecases.ports import Page


def enterprise_item(enterprise: Enterprise) -> dict[str, Any]:
    values = enterprise.stored()
    values.update(pk=keys.enterprise_pk(enterprise.uscc), sk=keys.PROFILE, entity="ENTERPRISE")
    list_name = enterprise.tier.public_list
    if list_name:  # sparse: only enterprises on a public list carry the list index keys
        values.update(gsi1pk=keys.list_pk(list_name), gsi1sk=keys.list_sk(values["tier_since"], enterprise.uscc))
    if enterprise.annual_report_check_on is not None:  # on the annual-report-overdue due index
        values.update(gsi2pk=keys.due_pk(keys.ANNUAL_REPORT_DUE),
                      gsi2sk=keys.due_sk(enterprise.annual_report_check_on.isoformat(), enterprise.uscc,
                                         str(enterprise.annual_report_check_year)))
    return values


def enterprise_from(values: dict[str, Any]) -> Enterprise:
    # Imported on first use: a function that never reads a profile (arrears-watch builds every store
    # but uses two) does not pay for the enterprise's module at cold start.
    from shared.domain.enterprise_profile import Enterprise

    return Enterprise.from_stored(values)


class EnterpriseRepository:
    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or settings().table_name

    def create(self, enterprise: Enterprise) -> Enterprise:
        """One conditional write. When the key exists, the same request returns the stored item,
        so a natural-key replay costs no extra read."""
        client = dynamodb_client()
        try:
            client.put_item(
                TableName=self.table_name,
                Item=to_item(enterprise_item(enterprise)),
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except client.exceptions.ConditionalCheckFailedException as exc:
            old = cast(dict[str, Any] | None, exc.response.get("Item"))
            existing = enterprise_from(from_item(old)) if old else self.get(enterprise.uscc)
            if existing is None:  # pragma: no cover - the condition failed, so the item exists
                raise
            raise EnterpriseAlreadyExists(existing) from exc
        return enterprise

    def get(self, uscc: str) -> Enterprise | None:
        response = dynamodb_client().get_item(
            TableName=self.table_name,
            Key=to_item({"pk": keys.enterprise_pk(uscc), "sk": keys.PROFILE}),
        )
        item = response.get("Item")
        return enterprise_from(from_item(item)) if item else None

    def replace(self, enterprise: Enterprise, expected_version: int) -> Enterprise:
        """Write a new state of an existing enterprise if nobody else wrote since `expected_version`."""
        try:
            dynamodb_client().put_item(
                TableName=self.table_name,
                Item=to_item(enterprise_item(enterprise)),
                ConditionExpression="#v = :expected",
                ExpressionAttributeNames={"#v": "version"},
                ExpressionAttributeValues=to_item({":expected": expected_version}),
            )
        except Exception as exc:
            if is_condition_failure(exc):
                raise Conflict(f"enterprise {enterprise.uscc} changed concurrently; retry") from exc
            raise
        return enterprise

    def public_list(self, name: str, limit: int, start: dict[str, Any] | None) -> Page:
        from shared.adapters.credit_store import query_index

        return query_index("gsi1", "gsi1pk", keys.list_pk(name), limit=limit, start=start, table=self.table_name)
