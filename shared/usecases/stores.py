"""`Stores`: the ports every use case is given (`shared.usecases.ports`), bundled. Apart from the
Protocols so that a handler, which only builds the bundle (`shared.adapters.stores.dynamodb_stores`),
creates none of them at cold start (about 1 ms); the field types are annotations only. A NamedTuple,
not a frozen dataclass, for the same reason: it is about 1 ms cheaper to create."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from shared.usecases.ports import (
        AnnualReportStore,
        AuditStore,
        CertificationStore,
        CreditFileStore,
        EnterpriseStore,
        EventBus,
        FilingStore,
        ObjectionStore,
        RestorationStore,
        Workflows,
    )


class Stores(NamedTuple):
    """The ports of the use cases, built by the handler (`shared.adapters.stores.dynamodb_stores`); a
    test swaps one with `stores._replace(credit=...)`."""

    enterprises: EnterpriseStore
    credit: CreditFileStore
    filings: FilingStore
    bus: EventBus
    certifications: CertificationStore
    workflows: Workflows
    audit: AuditStore
    restorations: RestorationStore
    objections: ObjectionStore
    objection_workflow: Workflows
    annual_reports: AnnualReportStore
