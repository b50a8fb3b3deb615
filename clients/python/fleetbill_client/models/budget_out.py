from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.effective_budget_out import EffectiveBudgetOut
    from ..models.threshold_reached_out import ThresholdReachedOut


T = TypeVar("T", bound="BudgetOut")


@_attrs_define
class BudgetOut:
    """R20: the budget in force and this month's projected bill against it: the peak so far and
    the devices Active now kept to the month's end, with the fixed fee and tax, less the credit
    points that would pay it (the usage estimate's amount_due).

        Attributes:
            account_id (str):
            amount (int | None): the account's own budget; null: none set
            plan_default (int | None): its plan's default budget; null: none
            effective (EffectiveBudgetOut | None): the budget in force; null: no budget, nothing is told
            currency (str):
            billing_month (str):
            as_of (datetime.datetime):
            projection (int):
            share (int | None): the projection as a whole percent of the budget, rounded down
            thresholds (list[int]): the percents of the budget told when reached, once a month each
            reached (list[ThresholdReachedOut]): the thresholds reached this month (each told once)
    """

    account_id: str
    amount: int | None
    plan_default: int | None
    effective: EffectiveBudgetOut | None
    currency: str
    billing_month: str
    as_of: datetime.datetime
    projection: int
    share: int | None
    thresholds: list[int]
    reached: list[ThresholdReachedOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.effective_budget_out import EffectiveBudgetOut  # noqa: PLC0415

        account_id = self.account_id

        amount: int | None
        amount = self.amount

        plan_default: int | None
        plan_default = self.plan_default

        effective: dict[str, Any] | None
        if isinstance(self.effective, EffectiveBudgetOut):
            effective = self.effective.to_dict()
        else:
            effective = self.effective

        currency = self.currency

        billing_month = self.billing_month

        as_of = self.as_of.isoformat()

        projection = self.projection

        share: int | None
        share = self.share

        thresholds = self.thresholds

        reached = []
        for reached_item_data in self.reached:
            reached_item = reached_item_data.to_dict()
            reached.append(reached_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "amount": amount,
                "plan_default": plan_default,
                "effective": effective,
                "currency": currency,
                "billing_month": billing_month,
                "as_of": as_of,
                "projection": projection,
                "share": share,
                "thresholds": thresholds,
                "reached": reached,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.effective_budget_out import EffectiveBudgetOut  # noqa: PLC0415
        from ..models.threshold_reached_out import ThresholdReachedOut  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        def _parse_amount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        amount = _parse_amount(d.pop("amount"))

        def _parse_plan_default(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        plan_default = _parse_plan_default(d.pop("plan_default"))

        def _parse_effective(data: object) -> EffectiveBudgetOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                effective_type_0 = EffectiveBudgetOut.from_dict(data)

                return effective_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EffectiveBudgetOut | None, data)

        effective = _parse_effective(d.pop("effective"))

        currency = d.pop("currency")

        billing_month = d.pop("billing_month")

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        projection = d.pop("projection")

        def _parse_share(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        share = _parse_share(d.pop("share"))

        thresholds = cast(list[int], d.pop("thresholds"))

        reached = []
        _reached = d.pop("reached")
        for reached_item_data in _reached:
            reached_item = ThresholdReachedOut.from_dict(reached_item_data)

            reached.append(reached_item)

        budget_out = cls(
            account_id=account_id,
            amount=amount,
            plan_default=plan_default,
            effective=effective,
            currency=currency,
            billing_month=billing_month,
            as_of=as_of,
            projection=projection,
            share=share,
            thresholds=thresholds,
            reached=reached,
        )

        budget_out.additional_properties = d
        return budget_out

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
