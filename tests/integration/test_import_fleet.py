"""Importing an existing fleet (issue 9 item 8): accounts and their devices with their existing
keys, their status since an instant, and the first month fleetbill bills (R1, R4, R5, R15)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_events as e
from fleetbill.adapters.db import views
from fleetbill.adapters.db.schema_imports import imported_accounts
from fleetbill.domain.fleet_import import COLUMNS, ImportRefused, read_rows
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.services.close_month import close_due_months
from fleetbill.services.devices import key_hash
from fleetbill.services.import_fleet import import_fleet
from tests import factories as f
from tests.integration.test_cli_first_run import fleetbill


def _row(ref, name, dtype="", dname="", key="", status="", since="", **account) -> dict:
    base = dict(country="JP", subdivision="", timezone="Asia/Tokyo", plan="basic", tax_status="taxable")
    base |= dict(billing_email=f"{ref}@example.jp", first_month="2026-01") | account
    device = dict(device_type=dtype, device_name=dname, device_key=key, status=status, since=since)
    return dict(account_ref=ref, account_name=name, **base, **device)


NY = dict(country="US", timezone="America/New_York", tax_status="exempt")
FLEET = [
    # Acme: three Active since before January, one Inactive since December: bills 3 x 100
    _row("crm-1", "Acme", "esp32", "gate-1", "dk_acme_key_000001", "active", "2025-11-03T09:00:00+09:00"),
    _row("crm-1", "Acme", "esp32", "gate-2", "dk_acme_key_000002", "active", "2025-11-03T09:00:00+09:00"),
    _row("crm-1", "Acme", "esp32", "gate-3", "dk_acme_key_000003", "active", "2025-12-31T23:59:59+09:00"),
    _row("crm-1", "Acme", "esp32", "gate-4", "dk_acme_key_000004", "inactive", "2025-12-20T10:00:00+09:00"),
    # Beta: an ESP32 since June, two LTE gateways Active since 2 January: 100 + 2 x 250
    _row("crm-2", "Beta", "esp32", "", "dk_beta_key_000001", "active", "2025-06-01T00:00:00Z"),
    _row("crm-2", "Beta", "lte", "lte-1", "dk_beta_key_000002", "active", "2026-01-02T10:00:00+09:00"),
    _row("crm-2", "Beta", "lte", "lte-2", "dk_beta_key_000003", "ACTIVE", "2026-01-02T10:00:00+09:00"),
    # Gamma, New York, exempt: one Active since October; no tax
    _row("crm-3", "Gamma", "esp32", "ny-1", "dk_gamma_key_00001", "active", "2025-10-01T00:00:00-04:00", **NY),
    _row("crm-4", "Delta (no devices yet)"),
]


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps({k: v for k, v in r.items() if v != ""}) + "\n" for r in rows)


@pytest.fixture
def catalog(app):
    f.device_type(app)
    f.device_type(app, "lte", "LTE gateway")
    return f.plan(app, prices={"esp32": [Tier(None, 100)], "lte": [Tier(None, 250)]})


def _import(app, text: str, fmt: str = "csv"):
    with app.db.transaction() as conn:
        return import_fleet(conn, app.clock.now(), read_rows(text, fmt), "test")


def _counts(app) -> dict[str, int]:
    tables = [t.accounts, t.devices, t.status_changes, t.invoices, e.events, imported_accounts]
    with app.db.read() as conn:
        return {x.name: conn.execute(select(func.count()).select_from(x)).scalar() for x in tables}


def _monthly_invoices(app) -> dict[str, dict]:
    with app.db.read() as conn:
        names = {r[0]: r[1] for r in conn.execute(select(t.accounts.c.id, t.accounts.c.name))}
        found = views.invoices(conn, t.invoices.c.kind == "monthly", limit=100)
    return {names[i["account_id"]]: i for i in found}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_r5_r15_imported_fleet_bills_its_first_month_from_the_opening_state(app, clock, catalog, fmt):
    """R5: a device Active since before first_month is Active at its start; an Inactive one bills
    nothing; R15: the first month is closed, never one before it; all exactly in yen."""
    report = _import(app, _csv(FLEET) if fmt == "csv" else _jsonl(FLEET), fmt)
    assert (report.accounts_created, report.devices_created) == (4, 8)
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))  # January has ended in Tokyo and New York
    closed = close_due_months(app.db, clock, app.settings)
    assert closed.months == ["2026-01"]
    invoices = _monthly_invoices(app)
    assert {n: (i["billing_month"], i["subtotal"], i["tax_total"], i["total"]) for n, i in invoices.items()} == {
        "Acme": ("2026-01", 300, 30, 330),
        "Beta": ("2026-01", 600, 60, 660),
        "Gamma": ("2026-01", 100, 0, 100),
        "Delta (no devices yet)": ("2026-01", 0, 0, 0),
    }
    assert {(x["device_type_id"], x["quantity"], x["amount"]) for x in invoices["Beta"]["lines"]} == {
        ("esp32", 1, 100),
        ("lte", 2, 500),
    }


def test_r1_keys_stored_hashed_never_reminted_and_events_recorded(app, catalog):
    """R1: the existing key is stored as register_device stores one (its hash, its last 4); R22:
    one account.created per account and one device.registered per device."""
    _import(app, _csv(FLEET))
    with app.db.read() as conn:
        gate = conn.execute(select(t.devices).where(t.devices.c.name == "gate-4")).one()
        types = [(r[0], r[1]) for r in conn.execute(select(e.events.c.type, func.count()).group_by(e.events.c.type))]
        history = conn.execute(select(t.status_changes).where(t.status_changes.c.device_id == gate.id)).all()
    assert (gate.key_hash, gate.key_last4, gate.active) == (key_hash("dk_acme_key_000004"), "0004", False)
    assert [(h.active, h.effective_at) for h in history] == [(False, datetime(2025, 12, 20, 1, 0, tzinfo=UTC))]
    assert dict(types) == {"account.created": 4, "device.registered": 8}


def test_r4_reimporting_the_same_file_changes_nothing(app, catalog):
    """R4: a second run of the same file writes nothing and says so."""
    _import(app, _csv(FLEET))
    before = _counts(app)
    again = _import(app, _jsonl(FLEET), "jsonl")
    assert _counts(app) == before
    assert (again.accounts_created, again.devices_created, again.accounts_unchanged, again.devices_unchanged) == (
        0,
        0,
        4,
        8,
    )
    assert again.summary().startswith("nothing to import")


def test_r4_a_second_import_that_differs_is_refused_with_the_row_and_the_difference(app, catalog):
    _import(app, _csv(FLEET))
    before = _counts(app)
    changed = [dict(r) for r in FLEET]
    changed[3]["status"] = "active"  # gate-4 was imported Inactive
    changed[7]["billing_email"] = "new@example.jp"  # Gamma's email
    with pytest.raises(ImportRefused) as refused:
        _import(app, _csv(changed))
    errors = dict(refused.value.errors)
    assert "status 'inactive', not 'active'" in errors[5]
    assert "billing_email 'crm-3@example.jp', not 'new@example.jp'" in errors[9]
    assert _counts(app) == before


def test_r1_r4_a_file_with_bad_rows_is_refused_whole_with_row_numbers(app, clock, catalog):
    """R1: a key already registered, or twice in the file, is refused; every bad row is listed
    with its number (the header is row 1) and nothing of the file is written."""
    taken = f.account(app, name="Existing")
    with app.db.transaction() as conn:
        from fleetbill.services.register_device import register_device

        existing_key = register_device(conn, clock.now(), taken, "esp32", "old", "test").device_key
    before = _counts(app)
    bad = [
        FLEET[0],  # row 2: fine
        _row("x-1", "X", "esp32", "a", "dk_bad_key_0000001", "active", "2025-11-01T00:00:00Z", plan="platinum"),
        _row("x-2", "Y", "esp32", "b", "dk_bad_key_0000002", "active", "2025-11-01T00:00:00Z", timezone="Tokyo"),
        _row("x-3", "Z", "esp32", "c", "dk_bad_key_0000003", "active", "2025-11-01T00:00:00Z"),
        _row("x-3", "Z", "esp32", "d", "dk_bad_key_0000003", "active", "2025-11-01T00:00:00Z"),  # row 6: twice
        _row("x-3", "Z", "esp32", "e", existing_key, "active", "2025-11-01T00:00:00Z"),  # row 7: registered
        _row("x-3", "Z", "esp32", "f", "dk_bad_key_0000004", "paused", "2025-11-01T00:00:00Z"),
        _row("x-3", "Z", "esp32", "g", "dk_bad_key_0000005", "active", "2026-03-01T00:00:00Z"),  # future
        _row("x-4", "W", "esp32", "h", "dk_bad_key_0000006", "active", "2026-01-02T00:00:00Z", first_month="2025-12"),
        _row("x-3", "Z", "zigbee", "i", "dk_bad_key_0000007", "active", "2025-11-01T00:00:00Z"),
    ]
    with pytest.raises(ImportRefused) as refused:
        _import(app, _csv(bad))
    errors = refused.value.errors
    by_row = {}
    for row, why in errors:
        by_row.setdefault(row, []).append(why)
    assert sorted(by_row) == [3, 4, 6, 7, 8, 9, 10, 11]
    assert "no plan 'platinum'" in by_row[3][0]
    assert "not a canonical IANA time zone" in by_row[4][0]
    assert "also on row 5" in by_row[6][0]
    assert "already registered to another device" in by_row[7][0]
    assert "status must be active or inactive" in by_row[8][0]
    assert "in the future" in by_row[9][0]
    assert any("after the end of first_month 2025-12" in w for w in by_row[10])
    assert any("has already ended" in w for w in by_row[10])
    assert "no price for device type 'zigbee'" in by_row[11][0]
    assert _counts(app) == before


def test_r1_api_imports_a_file_and_again_changes_nothing(api, app, catalog):
    """POST /v1/imports: 201 with what it imported, then 200 with nothing to import."""
    first = api.post("/v1/imports", content=_csv(FLEET), headers={"Content-Type": "text/csv"})
    assert first.status_code == 201, first.text
    assert first.json()["devices_created"] == 8
    again = api.post("/v1/imports", content=_jsonl(FLEET), headers={"Content-Type": "application/x-ndjson"})
    assert again.status_code == 200 and again.json()["devices_unchanged"] == 8
    assert again.json()["summary"].startswith("nothing to import")


def test_r1_api_refuses_a_bad_file_with_a_422_listing_rows(api, app, catalog):
    before = _counts(app)
    bad = [FLEET[0], FLEET[0] | {"status": "on"}, FLEET[1] | {"since": "yesterday"}]
    refused = api.post("/v1/imports", content=_csv(bad), headers={"Content-Type": "text/csv"})
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["error_count"] == 2 and [x["row"] for x in body["errors"]] == [3, 4]
    assert "nothing was imported" in body["detail"]
    unknown = api.post("/v1/imports", content="{}", headers={"Content-Type": "application/json"})
    assert unknown.status_code == 422 and "text/csv" in unknown.json()["detail"]
    assert _counts(app) == before


def test_cli_imports_with_a_progress_bar_and_refuses_bad_files_with_exit_2(app, catalog, database_url, tmp_path):
    """`fleetbill import FILE`: a progress bar and a summary; a bad file's rows on stderr, exit 2."""
    month = BillingMonth.containing(datetime.now(UTC), "Asia/Tokyo")  # the child runs on the real clock
    rows = [r | {"first_month": str(month)} for r in FLEET if r["timezone"] == "Asia/Tokyo"]
    good = tmp_path / "fleet.jsonl"
    good.write_text(_jsonl(rows))
    done = fleetbill("import", str(good), database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert "imported devices" in done.stdout and "imported 3 accounts and 7 devices" in done.stdout
    bad = tmp_path / "fleet.txt"
    bad.write_text(_csv([rows[0] | {"device_key": "short"}]))
    refused = fleetbill("import", "--format", "csv", str(bad), database_url=database_url)
    assert refused.returncode == 2
    assert "row 2: device_key must be 8 to 200 printable characters" in refused.stderr
    again = fleetbill("import", str(good), database_url=database_url)
    assert again.returncode == 0 and "nothing to import" in again.stdout


def test_r11_r15_no_month_before_first_month_is_closed_and_the_fee_renews_with_it(app, clock):
    """R15: an account imported in January to be billed from February has no January invoice;
    R11: the fixed fee of first_month was the old system's (no purchase invoice), and the next
    period's fee is billed in advance on the first month's invoice, as every renewal is."""
    f.device_type(app)
    f.plan(app, "fee", prices={"esp32": [Tier(None, 100)]}, fixed_fee=1_000)
    rows = [r | {"plan": "fee", "first_month": "2026-02"} for r in FLEET[:4]]
    _import(app, _csv(rows))
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))
    assert close_due_months(app.db, clock, app.settings).invoices == 0
    clock.set(datetime(2026, 3, 1, 6, 0, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)
    with app.db.read() as conn:
        found = views.invoices(conn, t.invoices.c.account_id.is_not(None), limit=10)
    assert [(i["kind"], i["billing_month"], i["subtotal"], i["total"]) for i in found] == [
        ("monthly", "2026-02", 1_300, 1_430)
    ]
    fee = [x for x in found[0]["lines"] if x["kind"] != "usage"]
    assert [(x["amount"], x["period_start"]) for x in fee] == [(1_000, datetime(2026, 2, 28, 15, 0, tzinfo=UTC))]
