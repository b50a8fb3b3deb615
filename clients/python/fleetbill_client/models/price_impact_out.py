from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.account_change_out import AccountChangeOut
    from ..models.device_type_change_out import DeviceTypeChangeOut
    from ..models.notice_check_out import NoticeCheckOut


T = TypeVar("T", bound="PriceImpactOut")


@_attrs_define
class PriceImpactOut:
    """Every amount is JPY before tax (R8): tax is added per invoice, whatever the prices.

    Attributes:
        plan_id (str):
        effective_month (str):
        currency (str):
        window_months (int): Each account's last closed months compared (3; fewer if it has fewer).
        accounts_on_plan (int):
        accounts_compared (int): Accounts on the plan with at least one closed month.
        accounts_without_closed_month (int):
        accounts_with_fewer_months (int): Compared over fewer than window_months closed months.
        more (int): Accounts that would have paid more.
        less (int): Accounts that would have paid less.
        same (int): Accounts that would have paid the same.
        before (int): Usage billed over every account's window.
        after (int): The same quantities re-rated with the proposed prices.
        difference (int):
        fixed_fee_before (int): The fixed fee a period of the version the new one follows.
        fixed_fee_after (int): The proposed fixed fee a period (not in the amounts above).
        device_types (list[DeviceTypeChangeOut]):
        largest_increases (list[AccountChangeOut]): Largest first; only accounts that pay more.
        notice (NoticeCheckOut):
    """

    plan_id: str
    effective_month: str
    currency: str
    window_months: int
    accounts_on_plan: int
    accounts_compared: int
    accounts_without_closed_month: int
    accounts_with_fewer_months: int
    more: int
    less: int
    same: int
    before: int
    after: int
    difference: int
    fixed_fee_before: int
    fixed_fee_after: int
    device_types: list[DeviceTypeChangeOut]
    largest_increases: list[AccountChangeOut]
    notice: NoticeCheckOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plan_id = self.plan_id

        effective_month = self.effective_month

        currency = self.currency

        window_months = self.window_months

        accounts_on_plan = self.accounts_on_plan

        accounts_compared = self.accounts_compared

        accounts_without_closed_month = self.accounts_without_closed_month

        accounts_with_fewer_months = self.accounts_with_fewer_months

        more = self.more

        less = self.less

        same = self.same

        before = self.before

        after = self.after

        difference = self.difference

        fixed_fee_before = self.fixed_fee_before

        fixed_fee_after = self.fixed_fee_after

        device_types = []
        for device_types_item_data in self.device_types:
            device_types_item = device_types_item_data.to_dict()
            device_types.append(device_types_item)

        largest_increases = []
        for largest_increases_item_data in self.largest_increases:
            largest_increases_item = largest_increases_item_data.to_dict()
            largest_increases.append(largest_increases_item)

        notice = self.notice.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "plan_id": plan_id,
                "effective_month": effective_month,
                "currency": currency,
                "window_months": window_months,
                "accounts_on_plan": accounts_on_plan,
                "accounts_compared": accounts_compared,
                "accounts_without_closed_month": accounts_without_closed_month,
                "accounts_with_fewer_months": accounts_with_fewer_months,
                "more": more,
                "less": less,
                "same": same,
                "before": before,
                "after": after,
                "difference": difference,
                "fixed_fee_before": fixed_fee_before,
                "fixed_fee_after": fixed_fee_after,
                "device_types": device_types,
                "largest_increases": largest_increases,
                "notice": notice,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account_change_out import AccountChangeOut  # noqa: PLC0415
        from ..models.device_type_change_out import DeviceTypeChangeOut  # noqa: PLC0415
        from ..models.notice_check_out import NoticeCheckOut  # noqa: PLC0415

        d = dict(src_dict)
        plan_id = d.pop("plan_id")

        effective_month = d.pop("effective_month")

        currency = d.pop("currency")

        window_months = d.pop("window_months")

        accounts_on_plan = d.pop("accounts_on_plan")

        accounts_compared = d.pop("accounts_compared")

        accounts_without_closed_month = d.pop("accounts_without_closed_month")

        accounts_with_fewer_months = d.pop("accounts_with_fewer_months")

        more = d.pop("more")

        less = d.pop("less")

        same = d.pop("same")

        before = d.pop("before")

        after = d.pop("after")

        difference = d.pop("difference")

        fixed_fee_before = d.pop("fixed_fee_before")

        fixed_fee_after = d.pop("fixed_fee_after")

        device_types = []
        _device_types = d.pop("device_types")
        for device_types_item_data in _device_types:
            device_types_item = DeviceTypeChangeOut.from_dict(device_types_item_data)

            device_types.append(device_types_item)

        largest_increases = []
        _largest_increases = d.pop("largest_increases")
        for largest_increases_item_data in _largest_increases:
            largest_increases_item = AccountChangeOut.from_dict(largest_increases_item_data)

            largest_increases.append(largest_increases_item)

        notice = NoticeCheckOut.from_dict(d.pop("notice"))

        price_impact_out = cls(
            plan_id=plan_id,
            effective_month=effective_month,
            currency=currency,
            window_months=window_months,
            accounts_on_plan=accounts_on_plan,
            accounts_compared=accounts_compared,
            accounts_without_closed_month=accounts_without_closed_month,
            accounts_with_fewer_months=accounts_with_fewer_months,
            more=more,
            less=less,
            same=same,
            before=before,
            after=after,
            difference=difference,
            fixed_fee_before=fixed_fee_before,
            fixed_fee_after=fixed_fee_after,
            device_types=device_types,
            largest_increases=largest_increases,
            notice=notice,
        )

        price_impact_out.additional_properties = d
        return price_impact_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
