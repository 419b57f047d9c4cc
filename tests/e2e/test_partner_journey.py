"""A partner system's journey through the real stack on the local runtime: token, registration,
reads, the gateway's and handlers' refusals, time travel, schedules."""

from __future__ import annotations

import json
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.client import Api, Reply
from tests.e2e.conftest import Running, new_uscc, register, registration, report, wait_for_decisions

pytestmark = pytest.mark.e2e
PROBLEM = "application/problem+json"


def assert_problem(reply: Reply, status: int) -> None:
    assert reply.status == status, reply.text
    assert reply.header("Content-Type") == PROBLEM, reply.headers
    assert reply.json["status"] == status
    assert reply.header("x-correlation-id")


def test_started_healthy_and_printed_where_everything_is(runtime: Running) -> None:
    # Given the runtime started with --seed demo
    # When reading what it printed
    output = runtime.output()
    # Then it names the API, the operator page, the emulator endpoint with a CLI example and the demo clients
    assert runtime.api.base in output
    assert f"{runtime.api.base}/_local/executions" in output
    assert f"aws --endpoint-url {runtime.emulator}" in output
    assert "demo-registry-secret" in output
    assert runtime.healthy_after_s < 30


def test_register_then_read_as_officer_and_as_the_enterprise(api: Api) -> None:
    # Given a registry system and a new enterprise
    uscc = new_uscc()
    key = str(uuid.uuid4())
    # When it registers the enterprise
    created = register(api, uscc, key)
    # Then the enterprise exists, REGULAR, and a retry with the same key replays it
    assert created.status == 201, created.text
    assert created.json["credit"]["tier"] == "REGULAR"
    replay = register(api, uscc, key)
    assert replay.status == 201
    assert replay.header("Idempotent-Replayed") == "true"
    # And an officer reads the full record
    officer = api.get(f"/v1/enterprises/{uscc}", token=api.token("demo-officer"))
    assert officer.status == 200
    assert officer.json["uscc"] == uscc
    # And the enterprise reads its own record with a client created for it a minute later
    client = api.post("/_local/clients", {"scopes": ["credit/enterprise"], "uscc": uscc}).json
    own = api.get(f"/v1/enterprises/{uscc}", token=api.token(client["client_id"], client["client_secret"]))
    assert own.status == 200
    # And the public credit view needs no token
    assert api.get(f"/v1/enterprises/{uscc}/credit").json["tier"] == "REGULAR"


def test_seeded_demo_enterprise_is_readable_by_its_client(api: Api) -> None:
    # Given the seeded demo enterprise and its documented client
    token = api.token("demo-enterprise-91110000600037341L")
    # When it reads its own record
    reply = api.get("/v1/enterprises/91110000600037341L", token=token)
    # Then it is there
    assert reply.status == 200
    assert reply.json["name"] == "Beijing Demo Trading Co., Ltd."


def test_gateway_refuses_missing_forged_and_wrongly_scoped_tokens(api: Api) -> None:
    # Given tokens: none, a forged one, and one for agencies (credit/events)
    claims = jwt.decode(api.token("demo-registry"), options={"verify_signature": False})
    forged = jwt.encode(claims, rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256")
    events_token = api.token("demo-events")
    body = registration(new_uscc())
    # When registering an enterprise with each
    missing = api.post("/v1/enterprises", body, headers={"Idempotency-Key": "k1", "x-correlation-id": "c-401"})
    forged_reply = api.post("/v1/enterprises", body, token=forged, headers={"Idempotency-Key": "k2"})
    wrong_scope = api.post("/v1/enterprises", body, token=events_token, headers={"Idempotency-Key": "k3"})
    # Then the gateway answers 401, 401 and 403 problems, echoing the correlation id
    assert_problem(missing, 401)
    assert missing.header("x-correlation-id") == "c-401"
    assert_problem(forged_reply, 401)
    assert_problem(wrong_scope, 403)


def test_handler_refuses_another_enterprises_record(api: Api) -> None:
    # Given a demo enterprise's token
    token = api.token("demo-enterprise-91110000600037341L")
    # When it asks for another enterprise
    reply = api.get("/v1/enterprises/91310000MA1FL0000N", token=token)
    # Then the handler refuses: 403, not your enterprise
    assert_problem(reply, 403)


def test_invalid_input_is_422_and_bad_requests_400(api: Api) -> None:
    # Given a registry token
    token = api.token("demo-registry")
    # When posting an invalid registration, malformed JSON, or no Idempotency-Key
    invalid = api.post("/v1/enterprises", {"uscc": "91110000600037341X", "name": ""}, token=token,
                       headers={"Idempotency-Key": str(uuid.uuid4())})
    malformed = api.request("POST", "/v1/enterprises", raw=b'{"uscc": ', token=token,
                            headers={"Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"})
    no_key = api.post("/v1/enterprises", registration(new_uscc()), token=token)
    # Then each is a problem; the 422 lists every offending field
    assert_problem(invalid, 422)
    locations = {tuple(e["loc"]) for e in invalid.json["errors"]}
    assert any("uscc" in loc for loc in locations)
    assert any("name" in loc for loc in locations)
    assert_problem(malformed, 400)
    assert_problem(no_key, 400)


def test_unknown_route_is_a_problem(api: Api) -> None:
    # Given a path the API does not have
    # When calling it
    reply = api.get("/v1/no-such-thing", headers={"x-correlation-id": "c-404"})
    # Then the gateway answers the template's problem for MISSING_AUTHENTICATION_TOKEN
    assert_problem(reply, 404)
    assert reply.header("x-correlation-id") == "c-404"


def test_clock_travel_expires_tokens_and_moves_now(api: Api) -> None:
    # Given a token issued now
    token = api.token("demo-officer")
    try:
        # When the clock travels two years ahead
        travelled = api.post("/_local/clock", {"now": "2029-01-01T09:00:00+08:00"})
        assert travelled.status == 200
        # Then the old token is expired for the gateway
        expired = api.get("/v1/enterprises/91110000600037341L", token=token)
        assert_problem(expired, 401)
        assert "expired" in expired.json["detail"]
        # And a new token works, and handlers see the travelled "now"
        fresh = api.get("/v1/enterprises/91110000600037341L", token=api.token("demo-officer"))
        assert fresh.status == 200
        view = api.get("/v1/enterprises/91110000600037341L/credit").json
        assert view["as_of"].startswith("2029-01-01T01:00")
    finally:
        # When returning to real time
        back = api.post("/_local/clock", {"now": None}).json
    # Then the clock is real again
    assert back["real_time"] is True


def test_schedules_listed_and_run_by_name(api: Api) -> None:
    # Given the schedules deployed from the template (possibly none yet)
    listed = api.get("/_local/schedules")
    assert listed.status == 200
    names = [s["name"] for s in listed.json["items"]]
    # When running each by name, and an unknown one
    for name in names:
        ran = api.post(f"/_local/schedules/{name}/run")
        # Then each ran
        assert ran.status == 200, ran.text
        assert ran.json["schedule"] == name
    unknown = api.post("/_local/schedules/no-such-schedule/run")
    # And the unknown one is a 404 problem
    assert_problem(unknown, 404)


def test_bad_local_input_never_500(api: Api) -> None:
    # Given garbage for each local route that takes a body
    garbage = [("/_local/token", b"\xff\xfe"), ("/_local/clients", b"[1,2]"), ("/_local/clock", b'"now"')]
    # When posting it
    replies = [api.request("POST", path, raw=body, headers={"Content-Type": "application/json"})
               for path, body in garbage]
    # Then every answer is a 4xx problem
    for reply in replies:
        assert 400 <= reply.status < 500, reply.text
        assert reply.header("Content-Type") == PROBLEM
    assert json.loads(replies[0].raw)["status"] == 400


def test_reported_event_reaches_evaluation_through_the_bus(api: Api) -> None:
    # Given a registered enterprise and an agency's token
    uscc = new_uscc()
    assert register(api, uscc).status == 201
    event = {"event_id": f"E2E-{uuid.uuid4().hex[:10]}", "uscc": uscc, "type": "SMUGGLING_CRIME",
             "business_line": "OWN_ACCOUNT", "decided_on": "2026-01-15", "document_no": "E2E-DOC-1",
             "authority": "Beijing Customs"}
    # When the agency reports a credit event
    reported = report(api, event)
    assert reported.status == 202, reported.text
    # Then the template's EventBridge rule delivers the ingestion function's event to the evaluation
    # function (asynchronously), which records a decision citing the event
    decisions = wait_for_decisions(api, uscc, 1)
    assert decisions, "no decision recorded after the credit event"
    assert event["event_id"] in json.dumps(decisions[0]["grounds"])


def test_docs_point_try_it_out_at_the_server_they_were_loaded_from(api: Api) -> None:
    # Given the runtime on a port other than the committed document's (a free port here)
    # When loading Swagger UI and the document through it
    page = api.get("/v1/docs", headers={"Accept": "text/html,*/*;q=0.8"})
    document = api.get("/v1/openapi.json").json
    # Then the document names this runtime as its server, and the page embeds that document
    assert page.status == 200
    assert page.header("Content-Type") == "text/html; charset=utf-8"
    assert document["servers"][0]["url"] == api.base
    assert json.dumps(api.base)[1:-1].replace("/", "\\/") in page.text or api.base in page.text


def test_docs_answer_json_when_asked(api: Api) -> None:
    # Given a tool asking /v1/docs for JSON by query or by Accept
    by_query = api.get("/v1/docs?format=json", headers={"Accept": "text/html"})
    by_accept = api.get("/v1/docs", headers={"Accept": "application/json"})
    # Then both answer the OpenAPI document, not the HTML page
    for reply in (by_query, by_accept):
        assert reply.status == 200, reply.text[:200]
        assert reply.header("Content-Type") == "application/json"
        assert reply.json["openapi"].startswith("3.")
        assert reply.json["servers"][0]["url"] == api.base
