"""Credit events: what agencies report about an enterprise (Arts 15, 16, 34).

| module | what |
|---|---|
| `kinds` | the event types and penalty kinds, `EventLike` (what the engine reads), the penalty readings |
| `model` | `CreditEvent`, the validated input (pydantic) |
| `checks` | `check_against`, `check_batch`: the checks that need today's date or other events |
| `record` | `EventRecord`: the stored event, rebuilt without re-validation |

The package exports what needs no pydantic; the rules engine, the evaluation and the schedules read
stored events and never load the validating model, which is a cold-start cost of about 60 ms (import
`CreditEvent` from `model` and the checks from `checks`). The content identity (`content_hash`) is
`shared.domain.content`, shared with the filings.
"""

from shared.domain.content import canonical_content, content_hash
from shared.domain.credit_events.kinds import (
    ARREARS_TYPES,
    META_TYPES,
    RECORD_TYPES,
    CreditEventType,
    EventLike,
    PenaltyKind,
    effective_penalty_kind,
    fine_amount,
)
from shared.domain.credit_events.record import EventRecord, by_id
from shared.domain.registration import BusinessLine

__all__ = [
    "ARREARS_TYPES",
    "META_TYPES",
    "RECORD_TYPES",
    "BusinessLine",
    "CreditEventType",
    "EventLike",
    "EventRecord",
    "PenaltyKind",
    "by_id",
    "canonical_content",
    "content_hash",
    "effective_penalty_kind",
    "fine_amount",
]
