"""The OpenAPI document tells the truth (issue 9 item 5): Schemathesis generates requests from it,
valid and invalid, sends them to the app in test mode with an operator key, and fails on any 5xx,
any status the document does not list for the operation, and any response not matching its schema.

Bounded for CI: a few derandomized examples per operation (the same requests on every run).
"""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fleetbill.entrypoints.api import create_api
from tests.integration.test_collection import JAN_CLOSE, VISA, ok

EXAMPLES = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Not fuzzed, and why:
NOT_FUZZED = {
    # The test clock's advance and due jobs run the whole month's jobs for a random span of time:
    # a scenario, tested as one (test_api, test_worker), not a request to vary.
    "advance_clock",
    "run_jobs",
    # The payment gateway's events are accepted only with a valid signature; random bodies only
    # ever prove the 400 that test_webhooks and test_collection already prove.
    "receive_webhook",
}


def _fleet(billing) -> dict[str, str]:
    """Something real behind the ids: an account on bank transfer with a device, a card and
    January's invoice partly paid, so that half the requests reach past a 404."""
    acme = billing.account(plan_id="invoiced")
    [device] = billing.devices(acme, 1)
    card = billing.add_card(acme, VISA)
    ok(billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    ok(billing.api.post(f"/v1/invoices/{invoice['id']}/transfers", json={"amount": 10, "reference": "MIZUHO 1"}), 201)
    return dict(account_id=acme, device_id=device, card_id=card["id"], invoice_id=invoice["id"], plan_id="invoiced")


def _strategies(operation, known: dict[str, str]):
    """Valid and invalid requests, with random ids and, where the path names only known things, real ones."""
    names = set(re.findall(r"{(\w+)}", operation.path))
    for mode in GenerationMode:
        yield operation.as_strategy(mode)
        if names and names <= known.keys():
            yield operation.as_strategy(mode, path_parameters={n: known[n] for n in names})


def _fuzz(operation, authorization: str, known: dict[str, str]) -> None:
    @given(case=st.one_of(*_strategies(operation, known)))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported as is
    )
    def answers_as_documented(case):
        case.call_and_validate(headers={"Authorization": authorization}, checks=CHECKS)

    answers_as_documented()


def _told(e: BaseException) -> str:
    """The failure and, for a group (Hypothesis's 'unreliable results' among them), each of its
    sub-exceptions: a flaky failure is then reported with what failed the first time."""
    subs = getattr(e, "exceptions", ())
    return "\n".join([f"{type(e).__name__}: {e}", *(f"  - {_told(sub)}" for sub in subs)])


def test_every_operation_answers_as_its_openapi_says(app, api, billing):
    """Issue 9 item 5: no 5xx, no undocumented status, no response off its schema, on every
    operation but NOT_FUZZED; every operation is tried and every failure reported together."""
    known = _fleet(billing)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_api(app))
    failures, tried = [], set()
    for found in schema.get_all_operations():
        operation = found.ok()
        if operation.definition.raw.get("operationId") in NOT_FUZZED:
            continue
        tried.add(operation.label)
        try:
            _fuzz(operation, api.headers["Authorization"], known)
        except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001  (every operation's failures, in one report)
            failures.append(f"{operation.label}: {_told(e)}")
    assert len(tried) > 40
    assert not failures, "\n\n".join(failures)
