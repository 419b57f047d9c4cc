"""The `/_local` routes (local/README.md): token, clients, clock, health; bad input is always
an RFC 9457 problem, never a 500."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from local.persistence import TableSnapshots
from local.runtime import Runtime
from tests.e2e.client import Api

PROBLEM = "application/problem+json"


def test_health_is_200_once_running(api: Api) -> None:
    # Given a started runtime
    # When asking for its health
    reply = api.get("/_local/health")
    # Then it is 200
    assert reply.status == 200
    assert reply.json["status"] == "ok"


def test_token_for_a_demo_client_is_a_cognito_like_access_token(api: Api, runtime: Runtime) -> None:
    # Given the documented registry demo client
    # When asking for a token with JSON
    reply = api.post("/_local/token", {"client_id": "demo-registry", "client_secret": "demo-registry-secret"})
    # Then a signed access token comes back, with Cognito's claims
    assert reply.status == 200
    assert reply.json["token_type"] == "Bearer"
    assert reply.json["expires_in"] == 3600
    jwks = api.get("/_local/.well-known/jwks.json").json
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(reply.json["access_token"], key, algorithms=["RS256"], options={"verify_exp": False},
                        issuer=runtime.services.tokens.issuer if runtime.services.tokens else None)
    assert claims["token_use"] == "access"
    assert claims["scope"] == "credit/registry"
    assert claims["client_id"] == "demo-registry"
    assert {"iss", "exp", "iat", "jti"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 3600


def test_token_with_oauth_form_and_basic_auth(api: Api) -> None:
    # Given the officer demo client
    # When asking the OAuth2 way (form body, HTTP Basic credentials)
    reply = api.form_token("demo-officer", "demo-officer-secret")
    # Then a token is issued
    assert reply.status == 200
    assert reply.json["access_token"].count(".") == 2


def test_json_token_request_labelled_as_a_form_is_read_as_json(api: Api) -> None:
    # Given a JSON body sent the way `curl -d` sends it (Content-Type: application/x-www-form-urlencoded)
    raw = b'{"client_id": "demo-registry", "client_secret": "demo-registry-secret"}'
    reply = api.request("POST", "/_local/token", raw=raw,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    # Then it is read as the JSON it is
    assert reply.status == 200, reply.text
    assert reply.json["token_type"] == "Bearer"


@pytest.mark.parametrize(("body", "status"), [
    ({"client_id": "demo-registry", "client_secret": "wrong"}, 401),
    ({"client_id": "nobody", "client_secret": "x"}, 401),
    ({"client_id": "demo-registry"}, 422),
    ({"client_id": 5, "client_secret": []}, 422),
    ({"client_id": "demo-registry", "client_secret": "demo-registry-secret", "scope": "credit/officer"}, 400),
])
def test_bad_token_requests_are_problems(api: Api, body: dict[str, Any], status: int) -> None:
    # Given a wrong secret, an unknown client, a missing field, wrong types or a scope not granted
    # When asking for a token
    reply = api.post("/_local/token", body)
    # Then the answer is the matching problem
    assert reply.status == status
    assert reply.header("Content-Type") == PROBLEM
    assert reply.json["status"] == status


def test_malformed_json_is_400_everywhere(api: Api) -> None:
    # Given a body that is not JSON
    # When posting it to every JSON route
    replies = [api.request("POST", path, raw=b"{not json", headers={"Content-Type": "application/json"})
               for path in ("/_local/token", "/_local/clients", "/_local/clock")]
    # Then each is a 400 problem
    assert [r.status for r in replies] == [400, 400, 400]
    assert all(r.header("Content-Type") == PROBLEM for r in replies)


def test_clients_list_and_create_enterprise_client(api: Api) -> None:
    # Given the demo clients
    listed = api.get("/_local/clients").json["items"]
    assert {"demo-registry", "demo-events", "demo-officer"} <= {c["client_id"] for c in listed}
    assert any(c["uscc"] == "91110000600037341L" for c in listed)
    # When creating an enterprise client for a new enterprise
    created = api.post("/_local/clients", {"scopes": ["credit/enterprise"], "uscc": "91320500MA1MX0000R"})
    # Then it can get a token that carries its uscc
    assert created.status == 201
    token = api.token(created.json["client_id"], created.json["client_secret"])
    assert jwt.decode(token, options={"verify_signature": False})["uscc"] == "91320500MA1MX0000R"
    assert created.json["client_id"] in {c["client_id"] for c in api.get("/_local/clients").json["items"]}


@pytest.mark.parametrize("body", [
    {"scopes": ["credit/enterprise"]},
    {"scopes": ["credit/enterprise"], "uscc": "91110000600037341X"},
    {"scopes": ["credit/registry"], "uscc": "91110000600037341L"},
    {"scopes": []},
    {"scopes": ["credit/nonsense"]},
    {"scopes": "credit/registry"},
    {"scopes": ["credit/registry"], "surprise": 1},
])
def test_invalid_client_requests_are_422(api: Api, body: dict[str, Any]) -> None:
    # Given an enterprise client without a (valid) uscc, a uscc on a non-enterprise client, no or
    # unknown scopes, or an unknown field
    # When creating the client
    reply = api.post("/_local/clients", body)
    # Then it is refused with the offending fields listed
    assert reply.status == 422
    assert reply.json["errors"]


def test_clock_travel_and_return(api: Api) -> None:
    # Given the real clock
    assert api.get("/_local/clock").json["real_time"] is True
    # When travelling to a Shanghai instant
    travelled = api.post("/_local/clock", {"now": "2027-07-01T00:05:00+08:00"}).json
    # Then now is that instant, and flows on from there
    assert travelled["real_time"] is False
    assert travelled["now"].startswith("2027-06-30T16:05")
    # When returning to real time
    back = api.post("/_local/clock", {"now": None}).json
    # Then the offset is gone
    assert back["real_time"] is True
    assert back["offset_seconds"] == 0


@pytest.mark.parametrize("body", [{}, {"now": "tomorrow"}, {"now": "2027-01-01T00:00:00"}, {"now": 5}])
def test_bad_clock_requests_are_422(api: Api, body: dict[str, Any]) -> None:
    # Given no instant, a non-date, an instant without offset, or a number
    # When setting the clock
    reply = api.post("/_local/clock", body)
    # Then it is refused and the clock is untouched
    assert reply.status == 422
    assert reply.json["errors"][0]["loc"] == ["body", "now"]
    assert api.get("/_local/clock").json["real_time"] is True


def test_unknown_local_route_and_method(api: Api) -> None:
    # Given a local path that does not exist and a method a route does not take
    # When calling them
    missing = api.get("/_local/nothing")
    wrong = api.request("PUT", "/_local/clock")
    # Then they are 404 and 405 problems
    assert (missing.status, wrong.status) == (404, 405)
    assert wrong.header("Allow") == "GET, POST"


def test_tables_snapshot_round_trip(runtime: Runtime, tmp_path: Any) -> None:
    # Given an item in the fixture table
    dynamodb = runtime.emulator.client("dynamodb")
    table = runtime.stack.physical_id("Table") if runtime.stack else ""
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "SNAPSHOT#1"}, "n": {"N": "1.50"}, "b": {"B": b"\x00\x01"}})
    snapshots = TableSnapshots(tmp_path / "dynamodb.json", lambda: dynamodb, {"Table": table})
    # When saving, deleting it, and loading the snapshot
    assert snapshots.save() >= 1
    dynamodb.delete_item(TableName=table, Key={"pk": {"S": "SNAPSHOT#1"}})
    snapshots.load()
    # Then the item is back, types intact
    item = dynamodb.get_item(TableName=table, Key={"pk": {"S": "SNAPSHOT#1"}})["Item"]
    assert item["n"] == {"N": "1.50"}
    assert item["b"] == {"B": b"\x00\x01"}


ROOT_LINKS = {"/v1/docs", "/_local/executions", "/_local/clients", "/_local/clock", "/_local/health"}


def test_root_is_a_page_of_links_not_an_auth_error(api: Api) -> None:
    # Given a person opening the runtime's address in a browser, and a tool asking for JSON
    # When getting /
    page = api.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    tool = api.get("/", headers={"Accept": "application/json"})
    forced = api.get("/?format=json")
    # Then the person gets an HTML page linking the docs, the console, the clients, the clock and health
    assert page.status == 200
    assert page.header("Content-Type") == "text/html; charset=utf-8"
    assert "Missing Authentication Token" not in page.text
    for href in ROOT_LINKS:
        assert f'href="{href}"' in page.text
    # And the tool gets the same links as JSON
    for reply in (tool, forced):
        assert reply.status == 200
        assert reply.header("Content-Type") == "application/json"
        assert set(reply.json["links"].values()) >= ROOT_LINKS
