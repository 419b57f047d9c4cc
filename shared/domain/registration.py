"""The enumerations of registration (Art 41 status, business types, business lines): plain enums in a
module without pydantic, so the rules engine and the response shapes can name them without loading
the enterprise models."""

from __future__ import annotations

from enum import StrEnum


class RegistrationStatus(StrEnum):
    REGISTERED = "REGISTERED"
    FILED = "FILED"
    # Art 41: not registered or filed but directly involved in customs business; managed "by reference".
    UNREGISTERED_RELATED = "UNREGISTERED_RELATED"


class BusinessType(StrEnum):
    CONSIGNOR_CONSIGNEE = "CONSIGNOR_CONSIGNEE"  # own-account importer/exporter (收发货人)
    CUSTOMS_BROKER = "CUSTOMS_BROKER"  # customs declaration enterprise (报关企业)


class BusinessLine(StrEnum):
    OWN_ACCOUNT = "OWN_ACCOUNT"  # the enterprise's own imports/exports (收发货人)
    BROKERAGE = "BROKERAGE"  # declaring for others as a customs broker (报关企业)
