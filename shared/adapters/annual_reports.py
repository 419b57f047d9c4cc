"""DynamoDB side of `AnnualReportStore` (`shared.usecases.annual_report_overdue`): the ANNUAL_REPORT due
index (the enterprise profiles themselves, see `enterprises.enterprise_item`) and the filed reports."""

from __future__ import annotations

from datetime import date, datetime

from shared.adapters import keys
from shared.adapters.credit_store import get_item
from shared.adapters.due_index import DynamoDueIndex
from shared.domain.clock import china_date


class DynamoAnnualReportStore(DynamoDueIndex):
    def filed_on(self, uscc: str, year: int) -> date | None:
        report = get_item(keys.enterprise_pk(uscc), keys.filing_sk("AR#", str(year)), self.table_name)
        return None if report is None else china_date(datetime.fromisoformat(report["filed_at"]))
