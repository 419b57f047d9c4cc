"""One example request body of `POST /v1/credit-events` per event `type`, each with exactly the
fields that type needs: the OpenAPI document shows them (Swagger UI's example menu) and
`events/ingestion/credit_events/<type>.json` posts the same bodies through the handler in a test.

What varies by type (the model's rules, `shared/domain/credit_events/model.py`):
- `due_on` (the payment's due date) is required for TAX_OVERDUE and FINE_OVERDUE and refused
  for every other type;
- `amount_cny` is required for FINE_OVERDUE and whenever `penalty_kind` is FINE or CONFISCATION;
- `refers_to` (the `event_id` of an earlier event of the same enterprise) is required for
  ARREARS_SETTLED (a TAX_OVERDUE or FINE_OVERDUE) and PENALTY_REVOKED, refused otherwise.

The examples form one story about one enterprise: the settlement refers to the TAX_OVERDUE
example and the revocation to the SMUGGLING_PENALTY example, so post those first."""

from __future__ import annotations

from typing import Any, Final

from shared.domain.credit_events.kinds import CreditEventType as T

EXAMPLE_USCC: Final = "91110000600037341L"

_COMMON: Final = {"uscc": EXAMPLE_USCC, "business_line": "OWN_ACCOUNT"}


def _event(event_id: str, etype: T, decided_on: str, document_no: str, authority: str,
           **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "type": str(etype), **_COMMON, "decided_on": decided_on, **fields,
            "document_no": document_no, "authority": authority}


_ANTI_SMUGGLING = "Beijing Customs Anti-Smuggling Bureau"
_CUSTOMS = "Beijing Customs"
_COURT = "Beijing Fourth Intermediate People's Court"

CREDIT_EVENT_EXAMPLES: Final[dict[T, tuple[str, dict[str, Any]]]] = {
    T.SMUGGLING_CRIME: (
        "Smuggling crime, criminal liability pursued (D1). A judgment: no penalty_kind, no amount; "
        "decided_on is the date the judgment took effect.",
        _event("CRIME-2026-000011", T.SMUGGLING_CRIME, "2026-09-18", "(2026)京04刑初11号", _COURT)),
    T.SMUGGLING_PENALTY: (
        "Smuggling act punished by customs (D2). A fine needs amount_cny.",
        _event("PEN-2026-000123", T.SMUGGLING_PENALTY, "2026-10-15", "京关缉决字〔2026〕123号", _ANTI_SMUGGLING,
               penalty_kind="FINE", amount_cny="250000.00",
               description="Under-declared value of machinery parts")),
    T.SUPERVISION_VIOLATION_PENALTY: (
        "Violation of customs supervision rules (counts toward D3's 12-month thresholds). "
        "voluntary_disclosure: true exempts it from D3 (default false).",
        _event("PEN-2026-000130", T.SUPERVISION_VIOLATION_PENALTY, "2026-10-20", "京关违决字〔2026〕130号", _CUSTOMS,
               penalty_kind="FINE", amount_cny="5000.00", voluntary_disclosure=False)),
    T.TAX_OVERDUE: (
        "Tax unpaid after its due date (D4: more than 3 months). due_on is the payment's due date.",
        _event("TAX-2026-000045", T.TAX_OVERDUE, "2026-06-01", "京关税催字〔2026〕45号", _CUSTOMS,
               due_on="2026-05-31")),
    T.FINE_OVERDUE: (
        "Fine or confiscation unpaid after its due date (D5: more than 6 months, above CNY 10,000). "
        "Needs due_on and amount_cny (the unpaid amount).",
        _event("FINE-2026-000046", T.FINE_OVERDUE, "2026-05-01", "京关罚催字〔2026〕46号", _CUSTOMS,
               due_on="2026-04-30", amount_cny="20000.00")),
    T.OBSTRUCTION_PENALTY: (
        "Resisting or obstructing customs officers, penalised (D6).",
        _event("PEN-2026-000140", T.OBSTRUCTION_PENALTY, "2026-10-22", "京关违决字〔2026〕140号", _CUSTOMS,
               penalty_kind="FINE", amount_cny="30000.00")),
    T.BRIBERY: (
        "Bribing customs officers, fined or criminally liable (D7).",
        _event("CRIME-2026-000012", T.BRIBERY, "2026-09-25", "(2026)京04刑初12号", _COURT)),
    T.EXPORT_CONTROL_VIOLATION_PENALTY: (
        "Intentional violation of export-control law, penalised by customs (D8). "
        "intentional defaults to true; send false for a negligent violation (no D8).",
        _event("PEN-2026-000150", T.EXPORT_CONTROL_VIOLATION_PENALTY, "2026-10-28", "京关缉决字〔2026〕150号",
               _ANTI_SMUGGLING, penalty_kind="CONFISCATION", amount_cny="800000.00", intentional=True)),
    T.FOOD_SAFETY_CRIME: (
        "Criminal liability for a food-safety smuggling offence (S1).",
        _event("CRIME-2026-000013", T.FOOD_SAFETY_CRIME, "2026-09-30", "(2026)京04刑初13号", _COURT)),
    T.COSMETICS_CRIME: (
        "Criminal liability for a cosmetics smuggling offence (S1).",
        _event("CRIME-2026-000014", T.COSMETICS_CRIME, "2026-10-09", "(2026)京04刑初14号", _COURT)),
    T.SOLID_WASTE_SMUGGLING_CRIME: (
        "Criminal liability for smuggling solid waste (S1).",
        _event("CRIME-2026-000015", T.SOLID_WASTE_SMUGGLING_CRIME, "2026-10-12", "(2026)京04刑初15号", _COURT)),
    T.SOLID_WASTE_IMPORT_PENALTY: (
        "Customs fine for illegally importing solid waste (S2 above CNY 2,500,000).",
        _event("PEN-2026-000160", T.SOLID_WASTE_IMPORT_PENALTY, "2026-11-02", "京关缉决字〔2026〕160号",
               _ANTI_SMUGGLING, penalty_kind="FINE", amount_cny="3000000.00")),
    T.ARREARS_SETTLED: (
        "Settlement of an overdue tax or fine: refers_to names the TAX_OVERDUE or FINE_OVERDUE event "
        "(here the TAX_OVERDUE example: post it first); decided_on is the date paid.",
        _event("SET-2026-000047", T.ARREARS_SETTLED, "2026-07-15", "京关税缴字〔2026〕47号", _CUSTOMS,
               refers_to="TAX-2026-000045")),
    T.PENALTY_REVOKED: (
        "Revocation of an earlier event (e.g. annulled on review): refers_to names it (here the "
        "SMUGGLING_PENALTY example: post it first); it stops counting for every rule.",
        _event("REV-2026-000124", T.PENALTY_REVOKED, "2026-11-10", "京关复决字〔2026〕124号", _CUSTOMS,
               refers_to="PEN-2026-000123")),
}
"""type → (what the example shows, the event). Every type has one (a unit test checks)."""


def example_body(etype: T) -> dict[str, Any]:
    """The request body of the example for `etype`: a batch of that one event."""
    return {"events": [CREDIT_EVENT_EXAMPLES[etype][1]]}


def openapi_examples() -> dict[str, Any]:
    """`Body(openapi_examples=...)`: one named example per type, in the enum's order."""
    from aws_lambda_powertools.event_handler.openapi.models import Example

    return {str(etype): Example(summary=str(etype), description=description, value=example_body(etype))
            for etype, (description, _) in CREDIT_EVENT_EXAMPLES.items()}
