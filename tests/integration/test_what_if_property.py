"""R2, R5, R10, R16, R25 (issue 12 item 2): the bill before the switch equals the bill after it, on
random plans of changes. Two accounts are given the same devices, history, points and plan; both
are previewed with the same plan of changes (switches from now to the end of next month, at
instants that share one another's and the month's edges, and perhaps a plan change); then the plan
is carried out on the first through the real API at its instants (the test clock moved to each),
and both months are closed. The first account's invoices are the preview's "after", the second's
its "before", to the yen and line by line. Runs on SQLite, and on PostgreSQL with
FLEETBILL_TEST_DATABASE_URL.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetbill.domain.periods import BillingMonth
from tests.integration.test_collection import ok
from tests.integration.test_what_if import WhatIf, whatif  # noqa: F401 (the fixture)

TZ = "Asia/Tokyo"
FIRST = BillingMonth.parse("2026-02")
HOUR = timedelta(hours=1)


@st.composite
def plans_of_changes(draw):
    """Devices and their history up to now, points, a plan, and a plan of changes (instant offsets
    are resolved against the example's month in the test)."""
    types = draw(st.lists(st.sampled_from(["esp32", "m5stack"]), min_size=1, max_size=6))
    # when each device is registered: at the sign-up (day 2), "now", or some hours after the sign-up
    registered = draw(
        st.lists(
            st.one_of(st.just(0), st.just("now"), st.integers(1, 24 * 20)), min_size=len(types), max_size=len(types)
        )
    )
    plan = draw(st.sampled_from(["basic", "plus"]))
    points = draw(st.sampled_from([0, 0, 700, 5_000]))
    now_day = draw(st.integers(3, 27))  # now: that day of the month, 10:00 in Tokyo
    # history between the sign-up (day 2) and now: (device, active, hours after the sign-up or "now")
    history = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(types) - 1), st.booleans(), st.one_of(st.just("now"), st.integers(1, 24 * 20))
            ),
            max_size=6,
        )
    )
    # planned switches: (device, active, where) with where one of the shared instants or a random hour
    where = st.one_of(
        st.sampled_from(["now", "now", "now+1h", "end", "end", "next+3d", "next_end-1s"]),
        st.integers(1, 24 * 50),  # hours after now (may fall in this month or the next)
    )
    planned = draw(st.lists(st.tuples(st.integers(0, len(types) - 1), st.booleans(), where), max_size=8))
    change_plan = draw(st.sampled_from([None, None, "basic", "plus"]))
    return types, registered, plan, points, now_day, history, planned, change_plan


def _open(w: WhatIf, plan: str, points: int) -> str:
    account = w.account(plan)
    if points:
        w.grant(account, points)
    return account


def _register(w: WhatIf, account: str, device_type: str) -> str:
    return ok(w.api.post(f"/v1/accounts/{account}/devices", json={"device_type_id": device_type}), 201)["id"]


def _invoice(w: WhatIf, account: str, month: BillingMonth) -> dict:
    found = [i for i in ok(w.api.get(f"/v1/accounts/{account}/invoices")) if i["billing_month"] == str(month)]
    assert len(found) == 1, found
    return found[0]


def _bill(x: dict) -> tuple:
    """What an invoice and a preview's estimate share, money to the yen, line by line."""
    lines = tuple(
        (li["kind"], li["device_type_id"], li["quantity"], li["amount"], li["description"]) for li in x["lines"]
    )
    return x["subtotal"], x["tax_total"], x["total"], x["points_applied"], x["amount_due"], lines


def test_r5_r25_the_preview_equals_the_close_after_the_same_changes(whatif):  # noqa: F811
    months = itertools.count()

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(plans_of_changes())
    def check(drawn):
        types, registered, plan, points, now_day, history, planned, change_plan = drawn
        month = FIRST.next(3 * next(months))  # every example in months of its own, the clock moving on
        start, end = month.bounds(TZ)
        next_end = month.next().end(TZ)
        signup = start + timedelta(days=1, hours=1)
        now = start + timedelta(days=now_day - 1, hours=10)

        # given two accounts alike: devices, points, plan, and the same history up to now
        whatif.at(signup)
        a, b = _open(whatif, plan, points), _open(whatif, plan, points)
        a_ids, b_ids = [""] * len(types), [""] * len(types)

        def instant(h) -> object:
            return now if h == "now" else min(signup + h * HOUR, now)

        born = [instant(r) for r in registered]
        # each device registered, then its history (a switch no earlier than its registration)
        steps = [(born[d], 0, i, d, None) for i, d in enumerate(range(len(types)))]
        steps += [(max(instant(h), born[d]), 1, i, d, on) for i, (d, on, h) in enumerate(history)]
        for at, _, _, d, on in sorted(steps):
            whatif.at(at)
            for account, ids in ((a, a_ids), (b, b_ids)):
                if on is None:
                    ids[d] = _register(whatif, account, types[d])
                else:
                    whatif.switch(account, [ids[d]], on)
        whatif.at(now)

        # and a plan of changes from now to the end of next month
        shared = {"now": now, "now+1h": now + HOUR, "end": end, "next+3d": end + 3 * 24 * HOUR}
        shared["next_end-1s"] = next_end - timedelta(seconds=1)
        resolved = [
            (d, on, shared[x] if isinstance(x, str) else min(now + x * HOUR, next_end - HOUR)) for d, on, x in planned
        ]
        new_plan = change_plan if change_plan not in (None, plan) else None

        def preview(account: str, ids: list[str]) -> dict:
            changes = [{"device_ids": [ids[d]], "active": on, "at": at.isoformat()} for d, on, at in resolved]
            return whatif.preview(account, changes, new_plan)

        # when both are previewed
        seen_a, seen_b = preview(a, a_ids), preview(b, b_ids)
        assert {k: seen_a[k] for k in ("this_month", "next_month", "summary")} == {
            k: seen_b[k] for k in ("this_month", "next_month", "summary")
        }

        # and the plan is carried out on the first account alone, at its instants, and both months close
        if new_plan:
            ok(whatif.api.post(f"/v1/accounts/{a}/plan", json={"plan_id": new_plan}))
        for at, group in itertools.groupby(sorted(resolved, key=lambda x: x[2]), key=lambda x: x[2]):
            whatif.at(at)
            for d, on, _ in group:
                whatif.switch(a, [a_ids[d]], on)
        whatif.at(month.next(2).start(TZ) + timedelta(hours=9))
        whatif.run()

        # then the first account's invoices are the preview's "after", the second's its "before"
        for which, m in (("this_month", month), ("next_month", month.next())):
            assert _bill(_invoice(whatif, a, m)) == _bill(seen_a[which]["after"]), (which, drawn)
            assert _bill(_invoice(whatif, b, m)) == _bill(seen_a[which]["before"]), (which, drawn)

    check()
