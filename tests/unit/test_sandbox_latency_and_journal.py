"""The sandbox's latency (FLEETBILL_SANDBOX_LATENCY_MS, so that a benchmark of collection is
honest) and its journal (FLEETBILL_SANDBOX_JOURNAL: sandboxes in several processes answer a known
idempotency key with its first result, as Stripe does, so a crash test can count every charge)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fleetbill.adapters.gateway import ChargeOutcome, ChargeRequest, SandboxGateway
from fleetbill.bootstrap import gateway_for
from fleetbill.domain.errors import InvalidInput
from fleetbill.settings import Settings

GOOD = SandboxGateway.tokenize("4242 4242 4242 4242", 12, 2030, "123")
DECLINES = SandboxGateway.tokenize("4000 0000 0000 0341", 12, 2030, "123")


def _request(key: str, token: str = GOOD, amount: int = 110) -> ChargeRequest:
    return ChargeRequest("cus_1", token, amount, "JPY", key, {"invoice_id": key})


def test_issue11_latency_setting_makes_every_charge_wait_but_not_for_each_other(monkeypatch):
    # given: FLEETBILL_SANDBOX_LATENCY_MS=100
    monkeypatch.setenv("FLEETBILL_SANDBOX_LATENCY_MS", "100")
    sandbox = gateway_for(Settings.from_env())
    assert sandbox.latency == 0.1
    # when: 8 charges are sent at once
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(sandbox.charge, [_request(f"k{n}") for n in range(8)]))
    elapsed = time.perf_counter() - started
    # then: each waited 100 ms, side by side (a slow answer holds up no other)
    assert {r.outcome for r in results} == {ChargeOutcome.SUCCEEDED}
    assert 0.1 <= elapsed < 0.5


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FLEETBILL_SANDBOX_LATENCY_MS", "-1"),
        ("FLEETBILL_SANDBOX_LATENCY_MS", "60001"),
        ("FLEETBILL_COLLECT_CONCURRENCY", "0"),
        ("FLEETBILL_COLLECT_CONCURRENCY", "fast"),
        ("FLEETBILL_COLLECT_LEASE_SECONDS", "0"),
    ],
)
def test_issue11_collection_settings_refuse_what_they_cannot_use_and_say_which(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInput, match=name):
        Settings.from_env()


def test_issue11_r17_sandboxes_sharing_a_journal_charge_a_key_once_and_replay_its_answer(tmp_path):
    # given: two sandboxes (two processes) on one journal
    journal = str(tmp_path / "charges.jsonl")
    first, second = SandboxGateway(journal=journal), SandboxGateway(journal=journal)
    # when: the first charges, and the second is asked the same key (a rerun after a crash)
    made = first.charge(_request("charge:inv-1:a"))
    again = second.charge(_request("charge:inv-1:a"))
    declined = second.charge(_request("charge:inv-2:b", DECLINES))
    # then: the second answers the first's result; one charge made, visible to both
    assert made == again and made.outcome is ChargeOutcome.SUCCEEDED
    assert declined.outcome is ChargeOutcome.DECLINED and first.charge(_request("charge:inv-2:b", DECLINES)) == declined
    assert [c.idempotency_key for c in second.charges] == ["charge:inv-1:a"]
    assert [c.idempotency_key for c in first.charges] == ["charge:inv-1:a"]
    # and a key reused with another amount is refused, as Stripe does
    assert second.charge(_request("charge:inv-1:a", amount=220)).code == "idempotency_error"
