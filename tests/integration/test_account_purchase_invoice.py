"""R10, R11: the account object says which invoice buys its plan's first period, the same in the
answer to POST /v1/accounts, in GET /v1/accounts/{id} and in GET /v1/accounts, paid or not."""

from __future__ import annotations

from tests.integration.test_collection import DECLINES, ok
from tests.integration.test_plan_changes import UPGRADE_DAY, plans  # noqa: F401 (the fixture)


def test_r10_create_get_and_list_agree_on_the_unpaid_purchase_invoice(plans):  # noqa: F811
    # given: an account opened on pro (3,000 a month), whose purchase invoice is not paid yet
    created = ok(
        plans.api.post(
            "/v1/accounts",
            json={"name": "Acme", "country": "JP", "plan_id": "pro", "billing_email": "billing@example.com"},
        ),
        201,
    )
    purchase = created["purchase_invoice_id"]
    assert purchase and plans.by_id(purchase)["status"] == "open"
    assert plans.by_id(purchase)["kind"] == "purchase"
    # and an account on starter (no fee), which has none
    free = plans.account("starter")

    # when: the account is read back, alone and in the list
    got = ok(plans.api.get(f"/v1/accounts/{created['id']}"))
    listed = {a["id"]: a for a in ok(plans.api.get("/v1/accounts"))}

    # then: all three say the same, field for field
    assert got == created == listed[created["id"]]
    assert listed[free]["purchase_invoice_id"] is None


def test_r10_an_upgrades_purchase_invoice_is_the_plan_changes_not_the_accounts(plans):  # noqa: F811
    # given: an account on starter that upgrades to pro with a card that declines
    acme = plans.account("starter")
    plans.add_card(acme, DECLINES)
    plans.at(UPGRADE_DAY)
    change = plans.change(acme, "pro")
    assert change["purchase_invoice_id"]

    # then: the account itself was never bought with a purchase invoice; the upgrade's is on the change
    assert ok(plans.api.get(f"/v1/accounts/{acme}"))["purchase_invoice_id"] is None
    assert [a["purchase_invoice_id"] for a in ok(plans.api.get("/v1/accounts"))] == [None]
