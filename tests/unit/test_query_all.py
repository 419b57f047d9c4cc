"""`dynamodb.query_all`: every page of a Query, the caller's request kept as written."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters import dynamodb
from shared.adapters.dynamodb import query_all


class PagedClient:
    """Answers Query from fixed pages, continuing from the key the request names."""

    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self.pages = pages
        self.requests: list[dict[str, Any]] = []

    def query(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        page = int(request.get("ExclusiveStartKey", {"page": {"N": "0"}})["page"]["N"])
        response: dict[str, Any] = {"Items": self.pages[page]}
        if page + 1 < len(self.pages):
            response["LastEvaluatedKey"] = {"page": {"N": str(page + 1)}}
        return response


def _item(n: int) -> dict[str, Any]:
    return {"pk": {"S": "ENT#1"}, "sk": {"S": f"EVT#{n}"}, "n": {"N": str(n)}}


def test_every_page_is_read_in_order_as_plain_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a Query whose answer spans three pages, the middle one empty
    client = PagedClient([[_item(1), _item(2)], [], [_item(3)]])
    monkeypatch.setitem(dynamodb._clients, "dynamodb", client)
    request = {"TableName": "main", "KeyConditionExpression": "pk = :pk"}
    # When reading it all
    found = list(query_all(**request))
    # Then every item of every page comes back once, in order, deserialised
    assert found == [{"pk": "ENT#1", "sk": f"EVT#{n}", "n": n} for n in (1, 2, 3)]
    # And each page asked the same request, continuing from the key the previous page ended at
    assert [r.get("ExclusiveStartKey") for r in client.requests] == [
        None, {"page": {"N": "1"}}, {"page": {"N": "2"}}]
    assert all(r["TableName"] == "main" and r["KeyConditionExpression"] == "pk = :pk" for r in client.requests)
    assert "ExclusiveStartKey" not in request
