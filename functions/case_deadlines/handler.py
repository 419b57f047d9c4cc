"""`case-deadlines` schedule (EventBridge Scheduler, daily 00:40 Asia/Shanghai)."""

from __future__ import annotations

from typing import Any

from shared.adapters.clock import current_clock
from shared.adapters.due_index import DynamoDueIndex
from shared.adapters.stores import dynamodb_stores
from shared.api.observability import logger, traced
from shared.usecases.case_deadlines import CaseDeadlinePort, run_case_deadlines
from shared.usecases.certification.deadlines import CertificationDeadlines
from shared.usecases.objection_deadlines import ObjectionDeadlines
from shared.usecases.restoration_deadlines import RestorationDeadlines
from shared.usecases.stores import Stores


def case_deadline_ports(stores: Stores) -> dict[str, CaseDeadlinePort]:
    """One port per case type with deadlines (certification and objection cases add theirs here)."""
    ports: list[CaseDeadlinePort] = [RestorationDeadlines(stores.restorations)]
    ports.append(CertificationDeadlines(stores.certifications))
    ports.append(ObjectionDeadlines(stores.objections))
    return {p.case_type: p for p in ports}


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    stores = dynamodb_stores()
    outcome = run_case_deadlines(current_clock(), DynamoDueIndex(), case_deadline_ports(stores),
                                 remaining_ms=getattr(context, "get_remaining_time_in_millis", None)).to_dict()
    logger.info("case-deadlines ran", extra=outcome)
    return outcome
