"""The price change's impact (R9): what a proposed price version would have billed."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ...domain.price_impact import WINDOW_MONTHS, PriceImpact


class NoticeCheckOut(BaseModel):
    announce_by: datetime = Field(description="The last instant the version can be announced (the plan's notice).")
    ok: bool = Field(description="True if it could be announced now.")
    problem: str | None = Field(description="Why it could not be announced now (too late, month closed, taken).")


class AccountChangeOut(BaseModel):
    account_id: str
    name: str
    before: int = Field(description="Usage billed over its window, JPY before tax.")
    after: int = Field(description="The same quantities re-rated with the proposed prices, JPY before tax.")
    difference: int


class DeviceTypeChangeOut(BaseModel):
    device_type: str
    name: str
    accounts: int = Field(description="Accounts billed for this type in their window.")
    devices: int = Field(description="The quantities billed, summed (device-months).")
    before: int
    after: int
    difference: int


class PriceImpactOut(BaseModel):
    """Every amount is JPY before tax (R8): tax is added per invoice, whatever the prices."""

    plan_id: str
    effective_month: str
    currency: str
    window_months: int = Field(description="Each account's last closed months compared (3; fewer if it has fewer).")
    accounts_on_plan: int
    accounts_compared: int = Field(description="Accounts on the plan with at least one closed month.")
    accounts_without_closed_month: int
    accounts_with_fewer_months: int = Field(description="Compared over fewer than window_months closed months.")
    more: int = Field(description="Accounts that would have paid more.")
    less: int = Field(description="Accounts that would have paid less.")
    same: int = Field(description="Accounts that would have paid the same.")
    before: int = Field(description="Usage billed over every account's window.")
    after: int = Field(description="The same quantities re-rated with the proposed prices.")
    difference: int
    fixed_fee_before: int = Field(description="The fixed fee a period of the version the new one follows.")
    fixed_fee_after: int = Field(description="The proposed fixed fee a period (not in the amounts above).")
    device_types: list[DeviceTypeChangeOut]
    largest_increases: list[AccountChangeOut] = Field(description="Largest first; only accounts that pay more.")
    notice: NoticeCheckOut

    @classmethod
    def of(cls, impact: PriceImpact) -> PriceImpactOut:
        return cls(
            plan_id=impact.plan_id,
            effective_month=impact.effective_month,
            currency=impact.currency,
            window_months=WINDOW_MONTHS,
            accounts_on_plan=impact.accounts_on_plan,
            accounts_compared=impact.accounts_compared,
            accounts_without_closed_month=impact.accounts_without_closed_month,
            accounts_with_fewer_months=impact.accounts_with_fewer_months,
            more=impact.more,
            less=impact.less,
            same=impact.same,
            before=impact.before,
            after=impact.after,
            difference=impact.difference,
            fixed_fee_before=impact.fixed_fee_before,
            fixed_fee_after=impact.fixed_fee_after,
            device_types=[
                DeviceTypeChangeOut(
                    device_type=d.device_type,
                    name=d.name,
                    accounts=d.accounts,
                    devices=d.devices,
                    before=d.before,
                    after=d.after,
                    difference=d.difference,
                )
                for d in impact.device_types
            ],
            largest_increases=[
                AccountChangeOut(
                    account_id=c.account_id, name=c.name, before=c.before, after=c.after, difference=c.difference
                )
                for c in impact.largest_increases
            ],
            notice=NoticeCheckOut(
                announce_by=impact.notice.announce_by, ok=impact.notice.ok, problem=impact.notice.problem
            ),
        )
