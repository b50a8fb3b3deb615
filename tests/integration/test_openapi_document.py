"""The OpenAPI document as the server behaves (issue 9 item 5): errors are problems, every
operator POST takes an Idempotency-Key, operation ids are the routes' names."""

from __future__ import annotations

from fleetbill.domain.api_keys import Scope
from fleetbill.entrypoints.api.context import READS_MARK
from fleetbill.entrypoints.api.openapi import GATEWAY_CALLERS
from fleetbill.entrypoints.api.problems import PROBLEM
from fleetbill.services.api_keys import create_api_key


def _operations(api) -> list[tuple[str, str, dict]]:
    doc = api.get("/openapi.json").json()
    return [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def test_every_error_is_a_problem_and_a_read_only_key_s_403_is_documented_on_every_write(api):
    doc = api.get("/openapi.json").json()
    assert {"HTTPValidationError", "ValidationError"}.isdisjoint(doc["components"]["schemas"])
    assert set(doc["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail", "instance"}
    for path, method, op in _operations(api):
        errors = {int(s): r for s, r in op["responses"].items() if int(s) >= 400}
        assert 422 in errors, (method, path)  # every path and query parameter is checked storable
        for status, response in errors.items():
            assert response["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}, (
                method,
                path,
                status,
            )
        if op.get("security"):
            assert 401 in errors, (method, path)
            # a POST that only reads (the bill's preview, R25) is open to a read-only key
            assert (403 in errors) == (method != "get" and not op.get(READS_MARK)), (method, path)
        if method != "get":
            assert {409, 413} <= set(errors), (method, path)


def test_every_operator_post_that_writes_declares_its_idempotency_key_of_1_to_64_characters(api):
    posts = [(path, op) for path, method, op in _operations(api) if method == "post" and op.get("security")]
    assert len(posts) > 20
    # a POST that writes nothing has nothing to repeat: no key (the bill's preview, R25)
    reads = [path for path, op in posts if op.get(READS_MARK)]
    assert reads == ["/v1/accounts/{account_id}/what-if"]
    posts = [(path, op) for path, op in posts if path not in reads]
    for path, op in posts:
        [key] = [p for p in op["parameters"] if p["name"] == "Idempotency-Key"]
        assert (key["in"], key["required"], key["schema"]["minLength"], key["schema"]["maxLength"]) == (
            "header",
            False,
            1,
            64,
        ), path


def test_operation_ids_are_the_routes_names_and_each_gateway_caller_exists(api):
    ids = {(method, path): op["operationId"] for path, method, op in _operations(api)}
    assert ids[("get", "/v1/invoices")] == "list_invoices"
    assert ids[("get", "/v1/invoices/{invoice_id}")] == "get_invoice"
    assert ids[("post", "/v1/accounts")] == "create_account"
    assert ids[("get", "/v1/events")] == "list_events"
    assert len(set(ids.values())) == len(ids)
    assert GATEWAY_CALLERS <= set(ids.values())  # a renamed route would silently lose its 502


def test_a_body_that_is_not_utf8_is_a_400_problem_that_says_what_to_send(api):
    """Found by Schemathesis: FastAPI's bare 400 'There was an error parsing the body', undocumented."""
    response = api.post("/v1/device-types", content=b"\xfe\x6b\x05\xff", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert (body["title"], body["status"]) == ("Bad request", 400)
    assert "UTF-8" in body["detail"] and "nothing was changed" in body["detail"]
    assert api.get("/v1/device-types").json() == []


def test_a_read_only_key_gets_the_documented_403_problem_on_a_post(api, app):
    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), "reader", scope=Scope.READ_ONLY)
    response = api.post(
        "/v1/device-types", json={"id": "esp32", "name": "ESP32"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 403 and response.headers["content-type"] == PROBLEM
    assert "read-only" in response.json()["detail"]
