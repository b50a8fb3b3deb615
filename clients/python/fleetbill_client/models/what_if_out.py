from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.estimate_out import EstimateOut
    from ..models.month_preview_out import MonthPreviewOut
    from ..models.plan_preview_out import PlanPreviewOut


T = TypeVar("T", bound="WhatIfOut")


@_attrs_define
class WhatIfOut:
    """
    Attributes:
        account_id (str):
        as_of (datetime.datetime): Now: the instant the preview counts from.
        this_month (MonthPreviewOut):
        next_month (MonthPreviewOut):
        plan (PlanPreviewOut):
        purchase (EstimateOut | None): An upgrade's first (prorated) period, invoiced at the change apart from the
            monthly bill.
        summary (str):
        written (bool | Unset): Always false: a preview changes nothing. Default: False.
    """

    account_id: str
    as_of: datetime.datetime
    this_month: MonthPreviewOut
    next_month: MonthPreviewOut
    plan: PlanPreviewOut
    purchase: EstimateOut | None
    summary: str
    written: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.estimate_out import EstimateOut  # noqa: PLC0415

        account_id = self.account_id

        as_of = self.as_of.isoformat()

        this_month = self.this_month.to_dict()

        next_month = self.next_month.to_dict()

        plan = self.plan.to_dict()

        purchase: dict[str, Any] | None
        if isinstance(self.purchase, EstimateOut):
            purchase = self.purchase.to_dict()
        else:
            purchase = self.purchase

        summary = self.summary

        written = self.written

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "as_of": as_of,
                "this_month": this_month,
                "next_month": next_month,
                "plan": plan,
                "purchase": purchase,
                "summary": summary,
            }
        )
        if written is not UNSET:
            field_dict["written"] = written

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.estimate_out import EstimateOut  # noqa: PLC0415
        from ..models.month_preview_out import MonthPreviewOut  # noqa: PLC0415
        from ..models.plan_preview_out import PlanPreviewOut  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        this_month = MonthPreviewOut.from_dict(d.pop("this_month"))

        next_month = MonthPreviewOut.from_dict(d.pop("next_month"))

        plan = PlanPreviewOut.from_dict(d.pop("plan"))

        def _parse_purchase(data: object) -> EstimateOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                purchase_type_0 = EstimateOut.from_dict(data)

                return purchase_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EstimateOut | None, data)

        purchase = _parse_purchase(d.pop("purchase"))

        summary = d.pop("summary")

        written = d.pop("written", UNSET)

        what_if_out = cls(
            account_id=account_id,
            as_of=as_of,
            this_month=this_month,
            next_month=next_month,
            plan=plan,
            purchase=purchase,
            summary=summary,
            written=written,
        )

        what_if_out.additional_properties = d
        return what_if_out

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
