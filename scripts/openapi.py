"""Generate the API's OpenAPI document from the functions' resolvers (Powertools OpenAPI merge).

    python scripts/openapi.py --write   # regenerate functions/docs/openapi.json
    python scripts/openapi.py --check   # exit 1 if the committed document is stale
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DOCUMENT = REPO / "functions" / "docs" / "openapi.json"

DESCRIPTION = """\
Enterprise credit management of China Customs under GACC Order No. 282 (in force 2026-04-01):
credit tiers with the article and evidence behind every decision, public disclosure of
non-compliance records for exactly their window, and the statutory procedures.

**Conventions.** JSON in UTF-8, `snake_case`; Chinese text is sent and answered as UTF-8
(`application/json; charset=utf-8`), never `\\u`-escaped. A request body is sent with
`Content-Type: application/json` (a `charset` parameter, if any, must be `utf-8`); any other
media type, `curl -d`'s default `application/x-www-form-urlencoded` included, is 415, and a
body whose bytes are not UTF-8 is 400. A body sent without any `Content-Type` is read as JSON.
Types are strict: an integer is a JSON integer (not `true`, not `"12"`).
`uscc` is the 18-character Unified Social Credit Code (GB 32100-2015) with its check
character, upper case (a lower-case code is rejected, not normalised, so that one enterprise
never has two keys). Money is `amount_cny`, at most 2 decimals, never negative.

**Dates and instants.** A calendar date is a China Standard Time date written `YYYY-MM-DD`
(`registered_on`, `decided_on`, `due_on`); a date-time or a number is refused there. An instant
is an RFC 3339 date-time with its offset, `2026-11-20T10:00:00+08:00` or `2026-11-20T02:00:00Z`
(`as_of`); an epoch number, a date-time without offset or a date alone is refused (for the
start of a CST day send `YYYY-MM-DDT00:00:00+08:00`). In a query string the offset's `+` must
be written `%2B` (or use `Z`): left unencoded it arrives as a space. Instants are answered in
UTC (`Z`).

**Errors** are RFC 9457 problem details (`application/problem+json`) with `errors: [{loc, msg}]`
naming every offending field: 400 malformed JSON (nested too deeply included), a body that is
not UTF-8 or a missing `Idempotency-Key`, 401 no/invalid token, 403 wrong scope or another
enterprise's data, 404 unknown resource, 409 conflict, 415 a body that is not
`application/json`, 422 validation failed, 429 throttled, 500 a fault of the service, never of
the request (quote the `x-correlation-id`). A request that fails stores nothing. Every
response carries `x-correlation-id` (echoed when the request sends one).

**Idempotency.** Every POST that creates something requires `Idempotency-Key` (1-128 printable
characters), scoped to the calling client and the route. The same key with the same request
replays the first response (marked `Idempotent-Replayed: true`) for 24 hours; the same key with
another request is 409. Only successful responses are kept: after a 4xx the same key may be used
for the corrected request. Creation is also idempotent on the natural key (`uscc` for
enterprises): the same registration body again answers 201 with the stored record, another body
409 with the current record in `current`.

**Authorization.** OAuth 2.0 client credentials; scopes `credit/registry`, `credit/events`,
`credit/enterprise` (token bound to one `uscc` claim), `credit/officer`. Public routes need no
token.

**Servers.** The document names no host: its server is the API's root relative to where the
document is served, so it is right on the local runtime (any port) and on AWS (the stage's
path). `GET /v1/openapi.json` and `GET /v1/docs` (Swagger UI, or the JSON document with
`?format=json` or `Accept: application/json`) answer it with the absolute URL they were loaded
from, so "Try it out" calls that server.

**Point in time.** `as_of` answers for any past instant; an instant in the future is 422, an
instant before the enterprise came under credit management is 404.

**Events** (EventBridge bus `credit`, `source: customs.credit`: `TierChanged`,
`DisclosurePublished`, `DisclosureEnded`, `RestorationDecided`, `CertificationDecided`,
`ObjectionDecided`, `DeadlineMissed`). Each event is written in the same transaction as the change
it reports, so it exists exactly when the change does, and is delivered at least once: a
subscriber may receive an event twice (a retried delivery, a redrive). Every `detail` carries
`bus_event_id`, the event's stable id (32 hex digits, the same on every delivery of that event,
derived from its content): keep the ids you have processed and drop one seen before. `detail` is
versioned by `schema_version`.
"""

SERVER_DESCRIPTION = (
    "the API's root, relative to this document (served at <root>/v1/openapi.json): right on every host, "
    "port and stage; /v1/openapi.json and /v1/docs answer it as the absolute URL they were loaded from")


def provenance_section() -> str:
    """The legend of the `provenance` labels, from the one table the answers use."""
    from shared.domain.provenance import PROVENANCE_LABELS

    labels = "; ".join(f"`{label}` {meaning}" for label, meaning in PROVENANCE_LABELS.items())
    return ("\n**Provenance.** The article text of Order 282 was not available when the rules were written, "
            "so each measure (`GET /v1/measures`, a credit view's `measures`) says what it is taken from in "
            "`source` (words only) and how sure that is in `provenance`: a list of `{label, meaning}`, one "
            "per part of `source`, in order. The labels: " + labels + ". The rules, with the same labels, "
            "are published as docs/rules.md in the repository.\n")


def _load_resolver(function: str) -> Any:
    import importlib.util

    path = REPO / "functions" / function / "handler.py"
    spec = importlib.util.spec_from_file_location(f"openapi_{function}_handler", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.app


def build_document() -> str:
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
    from aws_lambda_powertools.event_handler.openapi.models import Server

    from shared.api.contract import FUNCTIONS
    from shared.api.problem_schema import problem_components
    from shared.api.resolver import security_schemes

    merge = OpenAPIMerge(
        title="China Customs enterprise credit API",
        version="1.0.0",
        description=DESCRIPTION + provenance_section(),
        servers=[Server(url="..", description=SERVER_DESCRIPTION)],
        security_schemes=security_schemes(),
        on_conflict="error",
    )
    # Our handlers build their resolver through `make_resolver`, which Powertools' AST discovery does
    # not recognise; the contract names the API functions, so load them explicitly, and give each
    # resolver the security scheme its routes refer to (left out at run time to save cold start).
    for function in FUNCTIONS:
        app = _load_resolver(function)
        app.configure_openapi(security_schemes=security_schemes())
        merge.add_schema(json.loads(app.get_openapi_json_schema()))
    # The problem document every error response refers to (left out of the handlers to save cold start).
    merge.add_schema({"paths": {}, "components": {"schemas": problem_components()}})
    document = json.loads(merge.get_openapi_json_schema())
    _drop_null_from_optional_parameters(document)
    _add_contract_headers(document)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": True,
    "description": "1-128 printable characters, unique per intended creation. Same key + same request replays "
                   "the first response; same key + another request is 409. Missing is 400.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128},
}
CORRELATION_ID = {
    "name": "x-correlation-id", "in": "header", "required": False,
    "description": "Echoed in the response's x-correlation-id; generated when absent.",
    "schema": {"type": "string"},
}


def _drop_null_from_optional_parameters(document: dict[str, Any]) -> None:
    """An optional query parameter is typed `X | None` in the handler, which Powertools writes as
    `anyOf: [X, {type: null}]`. A query string cannot carry a JSON null (absent is the only "none"),
    so the document says `X` and `required: false`; a fuzzer reading `null` as a value to negate would
    otherwise send objects serialised as extra parameters and expect them refused."""
    for operation in (op for ops in document.get("paths", {}).values() for op in ops.values()
                      if isinstance(op, dict)):
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            variants = [v for v in schema.get("anyOf", []) if v != {"type": "null"}]
            if parameter.get("required") or len(variants) != 1 or len(variants) == len(schema["anyOf"]):
                continue
            del schema["anyOf"]
            parameter["schema"] = {**variants[0], **schema}


def _add_contract_headers(document: dict[str, object]) -> None:
    """Headers the entrypoint handles before the resolver (so Powertools cannot see them)."""
    from shared.api.contract import ROUTES

    paths = document.get("paths", {})
    assert isinstance(paths, dict)
    for route in ROUTES:
        operation = paths.get(route.path, {}).get(route.method.lower())
        if operation is None:
            continue
        parameters = operation.setdefault("parameters", [])
        if route.idempotent:
            parameters.append(IDEMPOTENCY_KEY)
        parameters.append(CORRELATION_ID)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    generated = build_document()
    if args.write:
        DOCUMENT.write_text(generated)
        print(f"wrote {DOCUMENT.relative_to(REPO)}")
        return 0
    committed = DOCUMENT.read_text() if DOCUMENT.exists() else ""
    if committed == generated:
        return 0
    sys.stdout.writelines(difflib.unified_diff(committed.splitlines(True), generated.splitlines(True),
                                               "committed", "generated", n=2))
    print("\nfunctions/docs/openapi.json is stale: run `make openapi` and commit it", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
