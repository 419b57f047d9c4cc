"""Storage of credit files: events, decisions, classifications (main table + audit table); implements
`CreditFileStore` (`DynamoCreditFileStore`).

Write path of `POST /v1/credit-events`: one BatchGetItem for the batch's event-id guards, referenced
events and enterprise profiles; then one TransactWriteItems per 50 new events (guard + event item
each, both conditional), so a batch is stored whole or, on a race, not at all.
Evaluation: one Query loads everything kept under the enterprise; a tier change is one
TransactWriteItems (profile on its `version`, decision, audit entry, record classifications)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from shared.adapters import keys
from shared.adapters.audit import transact_with_audit
from shared.adapters.disclosure_store import write_items
from shared.adapters.dynamodb import dynamodb_client, from_item, is_condition_failure, query_all, to_item
from shared.adapters.enterprises import enterprise_item
from shared.adapters.outbox import outbox_writes
from shared.adapters.settings import settings
from shared.domain.content import canonical_content, content_hash
from shared.domain.errors import Conflict
from shared.usecases.arrears_watch import DUE_KIND as ARREARS_DUE_KIND
from shared.usecases.credit_file import EnterpriseItems, EvaluationCommit, NewEvent, StoredEventId
from shared.usecases.ports import Page

if TYPE_CHECKING:
    from shared.domain.enterprise_profile import Enterprise
    from shared.domain.outbox import BusEvent

_BATCH_GET_MAX = 100
_TRANSACT_MAX = 100
_AUDITED_MAX = _TRANSACT_MAX - 2  # room for the audit entry and the chain head


def batch_get(table: str, key_pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """BatchGetItem over any number of (pk, sk) keys, retrying unprocessed keys."""
    unique = list(dict.fromkeys(key_pairs))
    found: list[dict[str, Any]] = []
    client = dynamodb_client()
    for start in range(0, len(unique), _BATCH_GET_MAX):
        request: dict[str, Any] = {table: {"Keys": [to_item({"pk": pk, "sk": sk}) for pk, sk in
                                                    unique[start:start + _BATCH_GET_MAX]]}}
        while request:
            response = client.batch_get_item(RequestItems=request)
            found.extend(from_item(item) for item in response.get("Responses", {}).get(table, []))
            request = response.get("UnprocessedKeys") or {}
    return found


def _first_transaction(writes: list[dict[str, Any]], conditioned: int, events: list[BusEvent], capacity: int
                       ) -> tuple[list[dict[str, Any]], list[BusEvent], tuple[list[BusEvent], list[dict[str, Any]]]]:
    """What fits the first transaction: the writes that carry the caller's conditions, then the events, then
    other writes; and what follows it. A batch of a hundred records announces more events than one
    transaction holds: those that follow are written BEFORE the writes they announce (disclosure items,
    classifications), so a failure between the transactions loses nothing — the retried evaluation re-plans
    the unwritten items and announces them again under the same `bus_event_id`."""
    head, rest = writes[:conditioned], writes[conditioned:]
    first_events = events[:capacity - len(head)]
    room = capacity - len(head) - len(first_events)
    return [*head, *rest[:room]], first_events, (events[len(first_events):], rest[room:])


def transact(items: Sequence[dict[str, Any]]) -> int:
    """TransactWriteItems in chunks of 100; returns the number of calls. A failed condition is a Conflict."""
    calls = 0
    client = dynamodb_client()
    for start in range(0, len(items), _TRANSACT_MAX):
        try:
            client.transact_write_items(TransactItems=list(items[start:start + _TRANSACT_MAX]))  # type: ignore[arg-type]
        except Exception as exc:
            if is_condition_failure(exc):
                raise Conflict("the stored state changed while this request was processed; retry") from exc
            raise
        calls += 1
    return calls


def put_new(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": to_item(values), "ConditionExpression": "attribute_not_exists(pk)"}}


def put_versioned(table: str, values: Mapping[str, Any], expected_version: int) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": to_item(values), "ConditionExpression": "#v = :expected",
                    "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": to_item({":expected": expected_version})}}


def set_attributes(table: str, pk: str, sk: str, values: Mapping[str, Any],
                   remove: Iterable[str] = ()) -> dict[str, Any]:
    """Update of existing item attributes (never creates an item)."""
    names = {f"#a{i}": name for i, name in enumerate(values)}
    placeholders = {f":v{i}": value for i, value in enumerate(values.values())}
    removed = {f"#r{i}": name for i, name in enumerate(remove)}
    expression = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(values)))
    if removed:
        expression += " REMOVE " + ", ".join(removed)
    update: dict[str, Any] = {"TableName": table, "Key": to_item({"pk": pk, "sk": sk}),
                              "UpdateExpression": expression, "ConditionExpression": "attribute_exists(pk)",
                              "ExpressionAttributeNames": {**names, **removed}}
    if placeholders:
        update["ExpressionAttributeValues"] = to_item(placeholders)
    return {"Update": update}


_KINDS = {"EVT#": "events", "VOL#": "volumes", "DEC#": "decisions", "AR#": "annual_reports", "PERSON#": "persons",
          "RST#": "restorations", "DISC#": "disclosures", "DUE#": "due",
          "CERT#": "certifications", "OBJ#": "objections"}


def load_enterprise_items(uscc: str, table: str | None = None) -> EnterpriseItems:
    """One Query (paginated) over the enterprise's partition."""
    items = EnterpriseItems()
    for item in query_all(TableName=table or settings().table_name, KeyConditionExpression="pk = :pk",
                          ExpressionAttributeValues=to_item({":pk": keys.enterprise_pk(uscc)})):
        sk = item["sk"]
        if sk == keys.PROFILE:
            items.profile = item
            continue
        for prefix, bucket in _KINDS.items():
            if sk.startswith(prefix):
                getattr(items, bucket).append(item)
                break
    return items


def query_index(index: str, pk_name: str, pk_value: str, *, limit: int | None = None,
                start: dict[str, Any] | None = None, forward: bool = True, table: str | None = None) -> Page:
    """One page of a sparse index; returns (items, last evaluated key)."""
    return _page({"IndexName": index, "KeyConditionExpression": "#k = :v", "ExpressionAttributeNames": {"#k": pk_name},
                  "ExpressionAttributeValues": to_item({":v": pk_value})}, limit, start, forward, table)


def query_partition(pk: str, sk_prefix: str, *, limit: int | None = None, start: dict[str, Any] | None = None,
                    forward: bool = True, table: str | None = None) -> Page:
    """One page of the items of a partition whose sort key starts with `sk_prefix`."""
    return _page({"KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                  "ExpressionAttributeValues": to_item({":pk": pk, ":prefix": sk_prefix})}, limit, start, forward,
                 table)


def _page(query: dict[str, Any], limit: int | None, start: dict[str, Any] | None, forward: bool,
          table: str | None) -> Page:
    kwargs: dict[str, Any] = {"TableName": table or settings().table_name, "ScanIndexForward": forward, **query}
    if limit:
        kwargs["Limit"] = limit
    if start:
        kwargs["ExclusiveStartKey"] = start
    response = dynamodb_client().query(**kwargs)
    return [from_item(i) for i in response.get("Items", [])], response.get("LastEvaluatedKey")


def get_item(pk: str, sk: str, table: str | None = None) -> dict[str, Any] | None:
    response = dynamodb_client().get_item(TableName=table or settings().table_name, Key=to_item({"pk": pk, "sk": sk}))
    item = response.get("Item")
    return from_item(item) if item else None


def event_item(event: Any, received_at: str, arrears_threshold: date | None) -> dict[str, Any]:
    values = {
        "pk": keys.enterprise_pk(event.uscc), "sk": keys.event_sk(event.event_id), "entity": "EVENT",
        **canonical_content(event), "content_hash": content_hash(event), "received_at": received_at,
    }
    if arrears_threshold is not None:  # on the ARREARS due index: only arrears that can still become a ground
        values["gsi2pk"] = keys.due_pk(ARREARS_DUE_KIND)
        values["gsi2sk"] = keys.due_sk(arrears_threshold.isoformat(), event.uscc, event.event_id)
    return values


def guard_item(event: Any) -> dict[str, Any]:
    return {"pk": keys.event_guard_pk(event.event_id), "sk": keys.EVENT_GUARD_SK, "entity": "EVENT_ID",
            "event_id": event.event_id, "uscc": event.uscc, "content_hash": content_hash(event),
            "event": canonical_content(event)}


class DynamoCreditFileStore:
    """`CreditFileStore` on the main table (and the audit table for decisions)."""

    def __init__(self, table_name: str | None = None, audit_table_name: str | None = None) -> None:
        self.table_name = table_name or settings().table_name
        self.audit_table_name = audit_table_name or settings().audit_table_name
        self.outbox_table_name = settings().outbox_table_name

    def load(self, uscc: str) -> EnterpriseItems:
        return load_enterprise_items(uscc, self.table_name)

    def taken_event_ids(self, event_ids: Iterable[str], usccs: Iterable[str]) -> tuple[dict[str, StoredEventId],
                                                                                         set[str]]:
        found = batch_get(self.table_name, [(keys.event_guard_pk(i), keys.EVENT_GUARD_SK) for i in sorted(event_ids)]
                          + [(keys.enterprise_pk(u), keys.PROFILE) for u in sorted(usccs)])
        taken = {item["event_id"]: StoredEventId(item["event_id"], item["uscc"], item["content_hash"], item["event"])
                 for item in found if item["sk"] == keys.EVENT_GUARD_SK}
        return taken, {item["uscc"] for item in found if item["sk"] == keys.PROFILE}

    def add_events(self, events: Sequence[NewEvent], received_at: str,
                   new_enterprises: Sequence[Enterprise] = (), outbox: Sequence[BusEvent] = ()) -> None:
        """Guard + event per event; an enterprise placed under management by the batch (Art 41) is
        created with its first event in the same transaction, so a failed write leaves no empty
        enterprise. Groups are never split across transactions. The events announced go with the
        last group: they exist only once the whole batch does."""
        creating = {e.uscc: e for e in new_enterprises}
        groups: list[list[dict[str, Any]]] = []
        for new in events:
            group = [put_new(self.table_name, guard_item(new.event)),
                     put_new(self.table_name, event_item(new.event, received_at, new.arrears_threshold))]
            enterprise = creating.pop(new.event.uscc, None)
            if enterprise is not None:
                group.insert(0, put_new(self.table_name, enterprise_item(enterprise)))
            groups.append(group)
        if outbox:
            groups.append(outbox_writes(outbox, self.outbox_table_name))
        chunk: list[dict[str, Any]] = []
        for group in groups:
            if len(chunk) + len(group) > _TRANSACT_MAX:
                transact(chunk)
                chunk = []
            chunk += group
        transact(chunk)

    def commit_evaluation(self, commit: EvaluationCommit) -> None:
        table, pk = self.table_name, keys.enterprise_pk(commit.uscc)
        writes: list[dict[str, Any]] = []
        # The profile write carries the version condition; it goes first so a lost race fails fast.
        if commit.profile is not None:
            writes.append(put_versioned(table, enterprise_item(commit.profile), commit.expected_version))
        entry = None
        if commit.decision is not None:
            decision = commit.decision
            writes.append(put_new(table, {"pk": pk, "sk": keys.decision_sk(decision["effective_at"],
                                                                           decision["decision_id"]),
                                          "entity": "DECISION", **decision}))
            if commit.audit is not None:
                entry = {"pk": pk, "sk": f"{decision['effective_at']}#{decision['decision_id']}", **commit.audit}
        writes += [set_attributes(table, pk, keys.event_sk(event_id), {"classification": classification})
                   for event_id, classification in commit.classifications]
        writes += write_items(table, commit.disclosures)
        writes += [{"Put": {"TableName": table, "Item": to_item(item)}} for item in commit.due_items]
        conditioned = 1 + (commit.decision is not None) if commit.profile is not None else 0
        capacity = _TRANSACT_MAX if entry is None else _AUDITED_MAX
        first_writes, first_events, later = _first_transaction(writes, conditioned, list(commit.outbox), capacity)
        if entry is None:
            transact([*first_writes, *outbox_writes(first_events, self.outbox_table_name)])
        else:
            # The state change, its chained audit entry and its events in one transaction.
            transact_with_audit(first_writes, entry, commit.uscc, table=table, audit_table=self.audit_table_name,
                                outbox=first_events)
        transact([*outbox_writes(later[0], self.outbox_table_name), *later[1]])

    def decisions(self, uscc: str, limit: int, start: dict[str, Any] | None) -> Page:
        return query_partition(keys.enterprise_pk(uscc), "DEC#", limit=limit, start=start, forward=False,
                               table=self.table_name)
