"""R5 (issue 11 item 2): each month's high-water mark per account and device type is kept as the
changes are written, the close bills from the marks, and `--verify` holds them to the full
recompute from the changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, update
from typer.testing import CliRunner

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import views
from fleetbill.adapters.db.marks import disagreements, note_changes, rebuild_marks
from fleetbill.adapters.db.usage import peaks
from fleetbill.domain.errors import Conflict
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.entrypoints import cli
from fleetbill.services.close_month import MarksDisagree, close_due_months
from fleetbill.services.register_device import register_device
from fleetbill.services.switch_devices import switch_devices
from fleetbill.services.usage_now import usage_now
from tests import factories as f

TOKYO = "Asia/Tokyo"
MARCH = BillingMonth.parse("2026-03")


def _fleet(app, clock):
    """Acme at 100 JPY a device: 4 Active from February, in March 2 off on the 3rd, 3 new on the
    10th (5), 1 off on the 12th (4): a peak of 5 (R5)."""
    f.device_type(app)
    f.plan(app, prices={"esp32": [Tier(None, 100)]})
    clock.set(datetime(2026, 2, 10, tzinfo=UTC))
    acme = f.account(app, name="Acme")
    devices = f.devices(app, acme, 4)
    for day, change in ((3, lambda: f.switch(app, acme, devices[:2], False)), (10, lambda: f.devices(app, acme, 3))):
        clock.set(datetime(2026, 3, day, tzinfo=UTC))
        change()
    clock.set(datetime(2026, 3, 12, tzinfo=UTC))
    f.switch(app, acme, devices[2:3], False)
    return acme


def _march_invoice(app):
    with app.db.read() as conn:
        [invoice] = views.invoices(conn, t.invoices.c.billing_month == MARCH.index, limit=10)
    return invoice


def _mark(app, acme, **values):
    m = t.month_marks
    with app.db.transaction() as conn:
        conn.execute(update(m).where(m.c.month == MARCH.index, m.c.account_id == acme).values(**values))


def test_r5_the_close_bills_the_months_mark(app, clock):
    # given March's changes, folded into their mark as they were written: 4 at its start, at
    # most +1 above it (5), ending at 0 from it (4)
    acme = _fleet(app, clock)
    m = t.month_marks
    with app.db.read() as conn:
        row = conn.execute(select(m.c.level, m.c.peak_before).where(m.c.month == MARCH.index, m.c.account_id == acme))
        assert row.one() == (0, 1)
    # when March closes, from a mark that says +2 (a mark the close alone reads, as does the
    # billing page's running peak while March lasts: R20)
    _mark(app, acme, peak_before=2)
    with app.db.read() as conn:
        assert usage_now(conn, clock.now(), app.settings, acme).quantities == {"esp32": 6}
    clock.set(MARCH.end(TOKYO) + timedelta(hours=1))
    close_due_months(app.db, clock, app.settings)
    # then it bills what the mark says: 6 devices, 600 JPY + 60 tax (the changes say 5)
    invoice = _march_invoice(app)
    assert (invoice["subtotal"], invoice["total"]) == (600, 660)


def test_r5_verify_refuses_a_mark_the_changes_disagree_with_and_closes_nothing(app, clock):
    # given March's mark made wrong
    acme = _fleet(app, clock)
    _mark(app, acme, peak_before=2)
    clock.set(MARCH.end(TOKYO) + timedelta(hours=1))
    # when March closes with --verify: refused, naming the account and both counts
    with pytest.raises(MarksDisagree) as refused:
        close_due_months(app.db, clock, app.settings, verify=True)
    assert f"account {acme} esp32: marks 6 (first at " in refused.value.detail
    assert "), changes 5 (first at 2026-03-10 00:00:00 UTC)" in refused.value.detail
    with app.db.read() as conn:
        march = select(func.count()).where(t.invoices.c.billing_month == MARCH.index)
        assert conn.execute(march).scalar() == 0  # (February, closed before it in the same run, stays)
    # and once the marks are made again from the changes, it closes with the changes' 5 (550 JPY)
    with app.db.transaction() as conn:
        rebuild_marks(conn, MARCH, {TOKYO: MARCH.bounds(TOKYO)})
    close_due_months(app.db, clock, app.settings, verify=True)
    assert _march_invoice(app)["total"] == 550


@st.composite
def _plans(draw):
    """Steps of (hours after March 1st, action, how many): register, switch on or off some devices."""
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        hours = draw(st.sampled_from([0, 1, 1, 5, 24, 24 * 20, 24 * 31 - 1]))
        steps.append((hours, draw(st.sampled_from(["register", "on", "off"])), draw(st.integers(1, 3))))
    return steps


def test_r5_marks_kept_change_by_change_equal_the_changes_and_a_rebuild(app, clock):
    f.device_type(app)
    f.device_type(app, "lte", "LTE")
    f.plan(app, prices={"esp32": [Tier(None, 100)], "lte": [Tier(None, 100)]})
    start = MARCH.start(TOKYO)

    clock.set(datetime(2026, 2, 20, tzinfo=UTC))  # the accounts open then; the changes come at their own instants

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_plans(), st.sampled_from(["esp32", "lte"]))
    def check(steps, device_type):
        # given an account opened in February with 2 devices, and random March changes written at
        # instants that sometimes go back (as a transaction that took its instant before another
        # committed writes it); a switch of a device behind that device's own later status is
        # refused whole and writes nothing (R5, devices.status_at), one of other devices is not
        acme = f.account(app, name="Acme")
        devices = f.devices(app, acme, 2, device_type)
        for hours, action, n in steps:
            at = start + timedelta(hours=hours)
            try:
                with app.db.transaction() as conn:
                    if action == "register":
                        devices += [register_device(conn, at, acme, device_type, "d", "test").id for _ in range(n)]
                    else:
                        switch_devices(
                            conn, at, acme, devices[:n] if action == "off" else devices[-n:], action == "on", "test"
                        )
            except Conflict as refused:
                assert "after this request's instant" in refused.detail
        where = t.accounts.c.id == acme
        bounds = {TOKYO: MARCH.bounds(TOKYO)}
        m = t.month_marks
        kept = select(m.c.device_type_id, m.c.level, m.c.peak_before, m.c.last_at, m.c.peak_before_at)
        kept = kept.where(m.c.account_id == acme)
        with app.db.transaction() as conn:
            # then the peak from the marks, and the instant it was first reached (issue 12), are the
            # full recompute's, and so is a set-based rebuild's
            assert disagreements(conn, MARCH, bounds, where) == []
            assert peaks(conn, bounds, where, marks=MARCH.index) == peaks(conn, bounds, where)
            before = conn.execute(kept.where(m.c.month == MARCH.index)).all()
            rebuild_marks(conn, MARCH, bounds, where)
            assert conn.execute(kept.where(m.c.month == MARCH.index)).all() == before

    check()


def test_r5_fleetbill_close_verify_and_rebuild_marks_from_the_command_line(app, clock, database_url):
    # given March's mark made wrong
    acme = _fleet(app, clock)
    _mark(app, acme, peak_before=2)
    env = {"FLEETBILL_DATABASE_URL": database_url, "COLUMNS": "80"}
    # when `fleetbill close --verify` runs (at today's time: every month since February has ended)
    refused = CliRunner().invoke(cli.app, ["close", "--verify"], env=env)
    # then it stops at March with exit code 2, saying which account's counts differ and what to do
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())  # as read, whatever the terminal's width wrapped
    assert "marks 6 (first at" in said and "changes 5 (first at" in said and "fleetbill marks 2026-03" in said
    # and after `fleetbill marks 2026-03`, the close goes through March with the changes' 5
    rebuilt = CliRunner().invoke(cli.app, ["marks", "2026-03"], env=env)
    assert rebuilt.exit_code == 0 and "2026-03: 1 marks made from the status changes" in rebuilt.output
    assert CliRunner().invoke(cli.app, ["close", "--verify"], env=env).exit_code == 0
    assert _march_invoice(app)["total"] == 550
    # and a month that is not one is refused in words
    wrong = CliRunner().invoke(cli.app, ["marks", "March"], env=env)
    assert wrong.exit_code == 2 and "write it as YYYY-MM" in wrong.output


def test_r5_a_request_with_changes_before_and_after_the_mark_folds_each_once(app, clock):
    # given a device registered on March 10th (its mark: +1 at the 10th)
    f.device_type(app)
    f.plan(app, prices={"esp32": [Tier(None, 100)]})
    clock.set(datetime(2026, 2, 20, tzinfo=UTC))
    acme = f.account(app, name="Acme")
    with app.db.transaction() as conn:
        register_device(conn, datetime(2026, 3, 10, tzinfo=UTC), acme, "esp32", "d0", "test")
    # when one request writes devices Active since the 3rd and since the 15th, then folds both, as
    # an import into the account does: the 3rd is earlier than the mark, so the month is refolded,
    # and that refold already reads the 15th
    early, late = datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC)
    with app.db.transaction() as conn:
        for name, at in (("d1", early), ("d2", late)):
            device = dict(id=name + acme[:8], account_id=acme, device_type_id="esp32", name=name, active=True)
            conn.execute(insert(t.devices), device | dict(key_hash=name * 32, key_last4="abcd", registered_at=at))
            change = dict(device_id=device["id"], account_id=acme, device_type_id="esp32", active=True, delta=1)
            conn.execute(insert(t.status_changes), change | dict(effective_at=at, actor="import"))
        note_changes(conn, acme, TOKYO, [("esp32", early, 1), ("esp32", late, 1)])
    # then each is counted once: 3 devices at most (+3 above the opening, ending there), as the
    # recompute from the changes says
    m = t.month_marks
    with app.db.read() as conn:
        mark = conn.execute(select(m.c.level, m.c.peak_before).where(m.c.account_id == acme)).one()
        assert disagreements(conn, MARCH, {TOKYO: MARCH.bounds(TOKYO)}, t.accounts.c.id == acme) == []
    assert tuple(mark) == (3, 2)


def test_r5_an_impossible_closing_count_stores_no_level_and_the_next_month_sums_the_history(app, clock):
    # given March's mark ending 5 below its opening of 4: a count of -1 at its end, which only a
    # change committed into March after its close began could cause
    acme = _fleet(app, clock)
    _mark(app, acme, level=-5)
    # when March closes
    clock.set(MARCH.end(TOKYO) + timedelta(hours=1))
    assert close_due_months(app.db, clock, app.settings).invoices == 2  # February and March
    # then it stores no April opening level for the account (rather than failing every close)
    ol = t.opening_levels
    with app.db.read() as conn:
        april = conn.execute(select(func.count()).where(ol.c.account_id == acme, ol.c.at == MARCH.end(TOKYO)))
        assert april.scalar() == 0
    # and April, with no change, is billed from the history summed: 4 devices Active, 440 JPY
    april_month = MARCH.next()
    clock.set(april_month.end(TOKYO) + timedelta(hours=1))
    close_due_months(app.db, clock, app.settings)
    with app.db.read() as conn:
        [invoice] = views.invoices(conn, t.invoices.c.billing_month == april_month.index, limit=10)
    assert invoice["total"] == 440
