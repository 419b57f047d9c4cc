"""The credit event model (`POST /v1/credit-events`): validation at the edge, context checks, content hash."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from shared.domain.credit_events import EventRecord, content_hash
from shared.domain.credit_events.checks import check_against, check_batch
from shared.domain.credit_events.model import CreditEvent
from shared.domain.rules import evaluate
from tests.unit.rules.builders import OTHER_USCC, USCC, at, event, facts, fine_overdue, revoked, settled, tax_overdue

BASE: dict[str, Any] = {
    "event_id": "cus-2026-0001", "uscc": USCC, "type": "SUPERVISION_VIOLATION_PENALTY",
    "business_line": "OWN_ACCOUNT", "decided_on": "2026-04-10", "penalty_kind": "FINE",
    "amount_cny": "1000000.01", "document_no": "沪关缉违字〔2026〕1号", "authority": "Shanghai Customs",
}


def _errors(**changes: Any) -> list[tuple[tuple[Any, ...], str]]:
    body = {**BASE, **changes}
    body = {k: v for k, v in body.items() if v is not ...}
    with pytest.raises(ValidationError) as raised:
        CreditEvent.model_validate(body)
    return [(e["loc"], e["msg"]) for e in raised.value.errors()]


# -- valid -----------------------------------------------------------------------------------------


def test_a_complete_event_is_valid_with_defaults() -> None:
    # Given the API body of a penalty / When validated / Then defaults are filled, amount normalised
    e = CreditEvent.model_validate(BASE)
    assert (e.intentional, e.voluntary_disclosure, e.refers_to, e.amount_cny) == (
        True, False, None, Decimal("1000000.01"))


@pytest.mark.parametrize(("given", "stored"), [(1000, "1000.00"), (1000.5, "1000.50"), ("12.3", "12.30"),
                                                ("1e3", "1000.00"), (0, "0.00")])
def test_amount_accepts_numbers_and_decimal_strings(given: Any, stored: str) -> None:
    # Given an amount as a JSON number or a string / Then it is stored with 2 decimals
    assert str(CreditEvent.model_validate({**BASE, "amount_cny": given}).amount_cny) == stored


def test_amount_from_json_number_keeps_cents() -> None:
    # Given raw JSON with 1000000.01 as a number / When parsed / Then exactly 1000000.01
    e = CreditEvent.model_validate_json(json.dumps({**BASE, "amount_cny": 1000000.01}))
    assert e.amount_cny == Decimal("1000000.01")


def test_arrears_settlement_and_revocation_are_valid_with_refers_to() -> None:
    # Given a tax arrears event, its settlement and a revocation / Then all three validate
    tax = tax_overdue("2026-02-01", "2026-01-31")
    assert settled(tax, "2026-03-01").refers_to == tax.event_id
    assert revoked(tax, "2026-03-01").type == "PENALTY_REVOKED"


# -- invalid ---------------------------------------------------------------------------------------


def test_unknown_type_is_refused() -> None:
    assert _errors(type="SPEEDING")[0][0] == ("type",)


@pytest.mark.parametrize("amount", ["-0.01", -1, "1.001", 0.125, "NaN", "inf", "-inf", True, "abc", "1" * 20])
def test_bad_amounts_are_refused(amount: Any) -> None:
    # Given a negative, 3-decimal, non-finite, boolean, non-numeric or oversized amount / Then refused on amount_cny
    assert _errors(amount_cny=amount)[0][0] == ("amount_cny",)


@pytest.mark.parametrize("field", ["decided_on", "due_on"])
def test_dates_before_2000_are_refused(field: str) -> None:
    # Given a date of 1999-12-31 / Then refused on that field
    body = {"type": "TAX_OVERDUE", "penalty_kind": ..., "due_on": "2026-01-31", field: "1999-12-31"}
    assert ((field,), "Value error, must not be before 2000-01-01") in _errors(**body)


def test_2000_01_01_is_accepted() -> None:
    assert CreditEvent.model_validate({**BASE, "decided_on": "2000-01-01"}).decided_on == date(2000, 1, 1)


@pytest.mark.parametrize("value", ["2026-4-10", "10/04/2026", 1775779200, "2026-04-10T00:00:00+08:00", "2026-02-30"])
def test_dates_must_be_iso_calendar_dates(value: Any) -> None:
    assert _errors(decided_on=value)[0][0] == ("decided_on",)


@pytest.mark.parametrize("etype", ["ARREARS_SETTLED", "PENALTY_REVOKED"])
def test_refers_to_is_required_for_settlements_and_revocations(etype: str) -> None:
    assert _errors(type=etype, penalty_kind=..., amount_cny=...) == [
        (("refers_to",), f"Value error, refers_to is required for {etype}")]


def test_refers_to_is_forbidden_for_other_types() -> None:
    assert _errors(refers_to="cus-2026-0000")[0][0] == ("refers_to",)


def test_an_event_cannot_refer_to_itself() -> None:
    assert _errors(type="PENALTY_REVOKED", penalty_kind=..., amount_cny=..., refers_to=BASE["event_id"])[0][0] == (
        "refers_to",)


@pytest.mark.parametrize("etype", ["TAX_OVERDUE", "FINE_OVERDUE"])
def test_due_on_is_required_for_arrears(etype: str) -> None:
    assert (("due_on",), f"Value error, due_on is required for {etype}") in _errors(type=etype, penalty_kind=...)


def test_due_on_is_forbidden_for_other_types() -> None:
    assert _errors(due_on="2026-01-31")[0][0] == ("due_on",)


def test_fine_overdue_needs_an_amount_and_a_fine_needs_an_amount() -> None:
    assert (("amount_cny",), "Value error, amount_cny is required for FINE_OVERDUE") in _errors(
        type="FINE_OVERDUE", penalty_kind=..., amount_cny=..., due_on="2026-01-31")
    assert _errors(amount_cny=...)[0][0] == ("amount_cny",)


def test_a_warning_carries_no_amount() -> None:
    assert _errors(penalty_kind="WARNING", amount_cny="10.00")[0][0] == ("amount_cny",)
    assert CreditEvent.model_validate({**BASE, "penalty_kind": "WARNING", "amount_cny": None}).amount_cny is None


@pytest.mark.parametrize(("field", "value"), [("intentional", "true"), ("voluntary_disclosure", 1),
                                              ("business_line", "SHIPPING"), ("penalty_kind", "JAIL"),
                                              ("uscc", "91110000600037341X"), ("event_id", ""),
                                              ("event_id", "has space"), ("event_id", "x" * 129),
                                              ("document_no", " "), ("extra_field", 1)])
def test_other_bad_fields_are_refused(field: str, value: Any) -> None:
    assert _errors(**{field: value})[0][0] == (field,)


def test_every_bad_field_is_listed() -> None:
    # Given several bad fields at once / Then each has its own error
    locs = {loc for loc, _ in _errors(amount_cny="-1", decided_on="1999-01-01", type="NOPE")}
    assert locs == {("amount_cny",), ("decided_on",), ("type",)}


# -- checks that need "now" or storage ----------------------------------------------------------------


def test_future_decided_on_is_refused_against_today() -> None:
    # Given an event decided 2026-04-10 / When checked on 2026-04-09 and 2026-04-10 (CST dates)
    e = CreditEvent.model_validate(BASE)
    # Then only the earlier day finds it in the future
    assert [err["loc"] for err in check_against(e, date(2026, 4, 9), None)] == [["decided_on"]]
    assert check_against(e, date(2026, 4, 10), None) == []


def test_refers_to_must_name_a_known_event_of_the_right_kind_and_enterprise() -> None:
    tax = tax_overdue("2026-02-01", "2026-01-31")
    penalty = event("SMUGGLING_PENALTY", "2026-02-01", penalty_kind="OTHER")
    today = date(2026, 6, 1)
    # Unknown
    assert check_against(settled(tax, "2026-03-01"), today, None)[0]["loc"] == ["refers_to"]
    # Wrong kind: a settlement of a penalty
    assert "TAX_OVERDUE or FINE_OVERDUE" in check_against(
        event("ARREARS_SETTLED", "2026-03-01", refers_to=penalty.event_id), today, penalty)[0]["msg"]
    # Another enterprise's event
    foreign = tax_overdue("2026-02-01", "2026-01-31", uscc=OTHER_USCC)
    assert "another enterprise" in check_against(
        event("ARREARS_SETTLED", "2026-03-01", refers_to=foreign.event_id), today, foreign)[0]["msg"]
    # A revocation of a revocation, and a revocation before the event it revokes
    revocation = revoked(penalty, "2026-03-01")
    assert check_against(event("PENALTY_REVOKED", "2026-03-02", refers_to=revocation.event_id), today, revocation)
    assert check_against(revoked(penalty, "2026-01-15"), today, penalty)[0]["loc"] == ["decided_on"]
    # Fine cases
    assert check_against(settled(tax, "2026-03-01"), today, tax) == []
    assert check_against(revocation, today, penalty) == []


def test_check_batch_lists_errors_by_index_and_resolves_references_in_the_batch() -> None:
    # Given a batch: a tax, its settlement (same batch), a future penalty, a dangling revocation
    tax = tax_overdue("2026-02-01", "2026-01-31")
    batch = [tax, settled(tax, "2026-03-01"), event("SMUGGLING_PENALTY", "2026-07-01", penalty_kind="OTHER"),
             event("PENALTY_REVOKED", "2026-03-01", refers_to="missing")]
    # When checked on 2026-06-01 / Then errors at items 2 and 3 only
    errors = check_batch(batch, date(2026, 6, 1), {})
    assert [e["loc"] for e in errors] == [["events", 2, "decided_on"], ["events", 3, "refers_to"]]


def test_check_batch_catches_a_reused_id_with_other_content() -> None:
    a = event("SMUGGLING_PENALTY", "2026-02-01", event_id="dup", penalty_kind="OTHER")
    b = event("SMUGGLING_PENALTY", "2026-02-02", event_id="dup", penalty_kind="OTHER")
    assert [e["loc"] for e in check_batch([a, b], date(2026, 6, 1), {})] == [["events", 1, "event_id"]]
    assert check_batch([a, a], date(2026, 6, 1), {}) == []


# -- content hash ------------------------------------------------------------------------------------------


def test_content_hash_is_the_same_for_the_same_content_however_spelled() -> None:
    # Given the same event with the amount as a number / a string and defaults omitted / explicit
    a = CreditEvent.model_validate({**BASE, "amount_cny": 1000})
    b = CreditEvent.model_validate({**BASE, "amount_cny": "1000.00", "intentional": True, "description": None})
    # Then the hashes are equal
    assert content_hash(a) == content_hash(b)


@pytest.mark.parametrize(("field", "value"), [("amount_cny", "1000.01"), ("decided_on", "2026-04-11"),
                                              ("intentional", False), ("description", "x"),
                                              ("authority", "Ningbo Customs")])
def test_content_hash_changes_with_any_field(field: str, value: Any) -> None:
    a = CreditEvent.model_validate({**BASE, "amount_cny": "1000.00"})
    b = CreditEvent.model_validate({**BASE, "amount_cny": "1000.00", field: value})
    assert content_hash(a) != content_hash(b)


# -- lightweight records for the engine --------------------------------------------------------------------


def test_event_records_from_storage_evaluate_like_validated_events() -> None:
    # Given the same facts as CreditEvents and as EventRecords built from plain stored data
    events = (fine_overdue("2026-01-20", "2026-01-15", "50000.00"), event("SMUGGLING_PENALTY", "2026-05-01",
                                                                            penalty_kind="FINE", amount_cny="10"))
    plain = [e.model_dump(mode="json") for e in events]
    records = tuple(EventRecord.from_plain(p) for p in plain)
    # When evaluated / Then identical results
    assert evaluate(facts(*events), at("2026-08-01")).to_dict() == evaluate(
        facts(*records), at("2026-08-01")).to_dict()  # type: ignore[arg-type]
    assert EventRecord.of(events[0]) == records[0]
