from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.estimate_out import EstimateOut
    from ..models.usage_out_active_now import UsageOutActiveNow
    from ..models.usage_out_billable_devices import UsageOutBillableDevices


T = TypeVar("T", bound="UsageOut")


@_attrs_define
class UsageOut:
    """
    Attributes:
        account_id (str):
        month (str):
        period_start (datetime.datetime):
        period_end (datetime.datetime):
        as_of (datetime.datetime):
        counting_mode (str):
        billable_devices (UsageOutBillableDevices):
        active_now (UsageOutActiveNow):
        estimate (EstimateOut):
    """

    account_id: str
    month: str
    period_start: datetime.datetime
    period_end: datetime.datetime
    as_of: datetime.datetime
    counting_mode: str
    billable_devices: UsageOutBillableDevices
    active_now: UsageOutActiveNow
    estimate: EstimateOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        month = self.month

        period_start = self.period_start.isoformat()

        period_end = self.period_end.isoformat()

        as_of = self.as_of.isoformat()

        counting_mode = self.counting_mode

        billable_devices = self.billable_devices.to_dict()

        active_now = self.active_now.to_dict()

        estimate = self.estimate.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "month": month,
                "period_start": period_start,
                "period_end": period_end,
                "as_of": as_of,
                "counting_mode": counting_mode,
                "billable_devices": billable_devices,
                "active_now": active_now,
                "estimate": estimate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.estimate_out import EstimateOut  # noqa: PLC0415
        from ..models.usage_out_active_now import UsageOutActiveNow  # noqa: PLC0415
        from ..models.usage_out_billable_devices import UsageOutBillableDevices  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        month = d.pop("month")

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        counting_mode = d.pop("counting_mode")

        billable_devices = UsageOutBillableDevices.from_dict(d.pop("billable_devices"))

        active_now = UsageOutActiveNow.from_dict(d.pop("active_now"))

        estimate = EstimateOut.from_dict(d.pop("estimate"))

        usage_out = cls(
            account_id=account_id,
            month=month,
            period_start=period_start,
            period_end=period_end,
            as_of=as_of,
            counting_mode=counting_mode,
            billable_devices=billable_devices,
            active_now=active_now,
            estimate=estimate,
        )

        usage_out.additional_properties = d
        return usage_out

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
