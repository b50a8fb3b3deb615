"""The OpenAPI document as the server behaves: every error a problem, every POST's Idempotency-Key,
operation ids an integrator's client keeps. Applied to every /v1 route, whoever mounts it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from .context import MAX_IDEMPOTENCY_KEY, READS_MARK
from .problems import MAX_DETAIL, MAX_ERRORS_LISTED, PROBLEM

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem: `detail` says what to do.",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`: `status` and `title` say the kind."},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "maxLength": MAX_DETAIL},
        "instance": {"type": "string", "description": "The request's path."},
        "errors": {
            "type": "array",
            "maxItems": MAX_ERRORS_LISTED,
            "description": "422: each field (dotted path) and what is wrong with it; or, for a file, each row.",
            "items": {
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                    {
                        "type": "object",
                        "required": ["row", "reason"],
                        "properties": {"row": {"type": "integer"}, "reason": {"type": "string"}},
                    },
                ]
            },
        },
        "errors_not_listed": {"type": "integer", "minimum": 1, "description": "How many more errors there were."},
    },
}
WHY = {
    400: "The body cannot be read (not UTF-8), or a gateway event's signature does not verify.",
    401: "No API key, or one unknown or revoked.",
    403: "A read-only API key: it may only GET.",
    404: "Something the request names does not exist.",
    405: "Not something this resource allows.",
    409: "A conflict: the state changed, or a request with this Idempotency-Key is still running.",
    413: "The request body is over 1 MiB.",
    422: "Invalid input; `errors` lists each field and why.",
    502: "The payment gateway did not complete the request; nothing was saved.",
    503: "Unavailable for now; `detail` says why.",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A retry with the same key returns the first response and changes nothing (a UUID fits).",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY},
}
WRITES = {"post", "put", "patch", "delete"}
# The operations that call the payment gateway while the request waits: its failure is a 502
# (problems.gateway_error). Named by operation id; test_openapi_document checks each exists.
GATEWAY_CALLERS = frozenset(
    {"add_card", "remove_card", "change_plan", "collect", "run_jobs", "advance_clock", "sandbox_account_updater"}
)


def operation_id(route: APIRoute) -> str:
    """The route's function name (create_account, get_invoice): stable whatever its path."""
    return route.name


def error_statuses(path: str, method: str, operation: dict) -> set[int]:
    """The error statuses an operation can send, from what every /v1 request goes through."""
    statuses = {422}  # NOTE: every path and query parameter is checked storable (context.storable_params)
    if operation.get("security"):
        statuses.add(401)
        if method != "get" and not operation.get(READS_MARK):
            statuses.add(403)  # a read-only key writes nothing (context.operator)
    else:
        statuses.add(400)  # the gateway's events: a signature that does not verify
    if "{" in path or "requestBody" in operation:
        statuses.add(404)  # what the path or the body names
    if "requestBody" in operation:
        statuses.add(400)  # a body that is not UTF-8 cannot even be parsed
    if operation.get("operationId") in GATEWAY_CALLERS:
        statuses.add(502)
    if method in WRITES:
        statuses.add(409)  # a concurrent change, or an Idempotency-Key in progress
        statuses.add(413)  # problems.BodyLimit reads every body, declared or not
    return statuses


def _as_problems(path: str, method: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    declared = {int(s) for s in responses if s.isdigit() and int(s) >= 400}
    for status in sorted(declared | error_statuses(path, method, operation)):
        described = responses.get(str(status), {}).get("description")
        responses[str(status)] = {
            "description": described if described and described != "Successful Response" else WHY.get(status, "Error"),
            "content": {PROBLEM: {"schema": PROBLEM_REF}},
        }


def _declare_idempotency_key(operation: dict) -> None:
    params = operation.setdefault("parameters", [])
    if not any(p.get("name", "").lower() == "idempotency-key" for p in params):
        params.append(IDEMPOTENCY_KEY)


def truthful_openapi(api: FastAPI) -> dict:
    """FastAPI's document, then: problems for errors, the key on every operator POST."""
    if api.openapi_schema:
        return api.openapi_schema
    doc = get_openapi(
        title=api.title, version=api.version, description=api.description, routes=api.routes, servers=api.servers
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            if not path.startswith("/v1/"):
                continue
            _as_problems(path, method, operation)
            if method == "post" and operation.get("security") and not operation.get(READS_MARK):
                _declare_idempotency_key(operation)  # a POST that reads (a preview) writes nothing to repeat
    _check_unique_ids(doc)
    api.openapi_schema = doc
    return doc


def _check_unique_ids(doc: dict) -> None:
    """Two routes with one function name would give a generated client one method for both."""
    ids = Counter(op.get("operationId") for ops in doc.get("paths", {}).values() for op in ops.values())
    if twice := sorted(i for i, n in ids.items() if n > 1):
        raise RuntimeError(f"operation ids used twice: {twice}; rename the routes' functions")


def install(api: FastAPI) -> None:
    api.openapi = lambda: truthful_openapi(api)  # type: ignore[method-assign]
