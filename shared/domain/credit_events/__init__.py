"""Credit events: what agencies report about an enterprise (Arts 15, 16, 34).

| module | what |
|---|---|
| `model` | `CreditEvent` (the validated input), its enums, `EventLike` (what the engine reads) |
| `checks` | `check_against`, `check_batch`: the checks that need today's date or other events |
| `record` | `EventRecord`: the stored event, rebuilt without re-validation |

The content identity (`content_hash`) is `shared.domain.content`, shared with the filings.
"""

from shared.domain.content import canonical_content, content_hash
from shared.domain.credit_events.checks import check_against, check_batch
from shared.domain.credit_events.model import (
    ARREARS_TYPES,
    META_TYPES,
    RECORD_TYPES,
    CreditEvent,
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
    "CreditEvent",
    "CreditEventType",
    "EventLike",
    "EventRecord",
    "PenaltyKind",
    "by_id",
    "canonical_content",
    "check_against",
    "check_batch",
    "content_hash",
    "effective_penalty_kind",
    "fine_amount",
]
