"""Demo data: the documented demo clients and the demo enterprises that `--seed demo` registers.

Secrets are fixed and published on purpose: this runs on loopback only, and a README that says
"use demo-registry / demo-registry-secret" is worth more than secrecy here. Every USCC below is
valid (GB 32100-2015 check character, verified with `stdnum.cn.uscc` in the tests).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any

from local.tokens import Client
from shared.api.contract import SCOPE_ENTERPRISE, SCOPE_EVENTS, SCOPE_OFFICER, SCOPE_REGISTRY

DEMO_ENTERPRISES: tuple[dict[str, Any], ...] = (
    {"uscc": "91110000600037341L", "name": "Beijing Demo Trading Co., Ltd.", "customs_code": "1101910001",
     "registration_status": "REGISTERED", "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2015-03-18"},
    {"uscc": "91310000MA1FL0000N", "name": "Shanghai Demo Customs Brokerage Co., Ltd.", "customs_code": "3122960002",
     "registration_status": "REGISTERED", "business_types": ["CUSTOMS_BROKER"], "registered_on": "2016-07-01"},
    {"uscc": "91440300MA5D000002", "name": "Shenzhen Demo Electronics Import & Export Co., Ltd.",
     "customs_code": "4403960003", "registration_status": "REGISTERED",
     "business_types": ["CONSIGNOR_CONSIGNEE", "CUSTOMS_BROKER"], "registered_on": "2017-11-20"},
    {"uscc": "91320500MA1MX0000R", "name": "Suzhou Demo Precision Manufacturing Co., Ltd.",
     "registration_status": "FILED", "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2019-05-06"},
)


def _system(role: str, scope: str) -> Client:
    return Client(client_id=f"demo-{role}", client_secret=f"demo-{role}-secret", scopes=(scope,),
                  name=f"Demo {role} system", demo=True)


def _enterprise(enterprise: dict[str, Any]) -> Client:
    uscc = enterprise["uscc"]
    return Client(client_id=f"demo-enterprise-{uscc}", client_secret=f"demo-enterprise-{uscc}-secret",
                  scopes=(SCOPE_ENTERPRISE,), uscc=uscc, name=enterprise["name"], demo=True)


def demo_clients() -> tuple[Client, ...]:
    """One client per system scope, and one enterprise client per demo enterprise."""
    return (
        _system("registry", SCOPE_REGISTRY),
        _system("events", SCOPE_EVENTS),
        _system("officer", SCOPE_OFFICER),
        *(_enterprise(e) for e in DEMO_ENTERPRISES),
    )


def seed(kind: str, base_url: str) -> None:
    """Register the demo enterprises through the API itself (gateway, authorizer, handler), with
    the registry demo client; idempotent, so seeding a data folder twice changes nothing."""
    if kind != "demo":
        raise ValueError(f"unknown seed {kind!r} (only 'demo')")
    log = logging.getLogger("local.seed")
    token_request = urllib.request.Request(
        f"{base_url}/_local/token", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"client_id": "demo-registry", "client_secret": "demo-registry-secret"}).encode())
    with urllib.request.urlopen(token_request, timeout=30) as response:
        token = json.loads(response.read())["access_token"]
    for enterprise in DEMO_ENTERPRISES:
        request = urllib.request.Request(
            f"{base_url}/v1/enterprises", method="POST", data=json.dumps(enterprise).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                     "Idempotency-Key": f"seed-demo-{enterprise['uscc']}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            log.warning("seeding %s answered %d: %s", enterprise["uscc"], status, exc.read()[:300])
        log.info("seeded %s (%s): %d", enterprise["uscc"], enterprise["name"], status)


CERTIFIERS_PATH = "/v1/certifiers"


def seed_certifiers(base_url: str) -> list[str]:
    """Add the demo certifiers (`DEMO_CERTIFIERS`) that are not on the roster yet, through the API with the
    officer demo client. Runs at every start: a certifier already there (409) is left as it is, so an
    officer's change to it survives restarts. Returns the ids added."""
    from shared.domain.certification.certifiers import DEMO_CERTIFIERS

    log = logging.getLogger("local.seed")
    token_request = urllib.request.Request(
        f"{base_url}/_local/token", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"client_id": "demo-officer", "client_secret": "demo-officer-secret"}).encode())
    with urllib.request.urlopen(token_request, timeout=30) as response:
        token = json.loads(response.read())["access_token"]
    roster_request = urllib.request.Request(f"{base_url}{CERTIFIERS_PATH}",
                                            headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(roster_request, timeout=30) as response:
        present = {c["certifier_id"] for c in json.loads(response.read())["items"]}
    added = []
    for certifier in (c for c in DEMO_CERTIFIERS if c.certifier_id not in present):  # a restart writes nothing
        request = urllib.request.Request(
            f"{base_url}{CERTIFIERS_PATH}", method="POST", data=json.dumps(certifier.as_json()).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                     # unique per start: a replay of an old 201 would hide a certifier deleted from the data
                     "Idempotency-Key": f"seed-certifier-{certifier.certifier_id}-{time.time_ns()}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status == 201:
                    added.append(certifier.certifier_id)
        except urllib.error.HTTPError as exc:
            if exc.code != 409:
                log.warning("seeding certifier %s answered %d: %s", certifier.certifier_id, exc.code,
                            exc.read()[:300])
    if added:
        log.info("demo certifiers added: %s", ", ".join(added))
    return added
