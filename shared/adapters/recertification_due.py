"""DynamoDB side of the RECERTIFICATION due index (`shared.usecases.certification.recertification`): the
due items under the enterprises on gsi2, consumed or moved to their next check day by conditional writes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.adapters.due_index import DynamoDueIndex
from shared.adapters.dynamodb import dynamodb_client, is_condition_failure, to_item
from shared.usecases.certification.recertification_plan import due_sk


class DynamoRecertificationIndex(DynamoDueIndex):
    def reschedule(self, entry: Mapping[str, Any], check_on: date) -> bool:
        try:
            dynamodb_client().update_item(
                TableName=self.table_name, Key=to_item({"pk": entry["pk"], "sk": entry["sk"]}),
                UpdateExpression="SET gsi2sk = :next, check_on = :day", ConditionExpression="gsi2sk = :due",
                ExpressionAttributeValues=to_item({":next": due_sk(check_on, str(entry["uscc"])),
                                                   ":day": check_on.isoformat(), ":due": entry["gsi2sk"]}))
        except Exception as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True
