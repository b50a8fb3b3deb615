from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.estimate_out import EstimateOut
    from ..models.month_preview_out_billable_devices_after import MonthPreviewOutBillableDevicesAfter
    from ..models.month_preview_out_billable_devices_before import MonthPreviewOutBillableDevicesBefore


T = TypeVar("T", bound="MonthPreviewOut")


@_attrs_define
class MonthPreviewOut:
    """
    Attributes:
        month (str):
        before (EstimateOut):
        after (EstimateOut):
        difference (int): after.total - before.total, tax included (negative: saves).
        billable_devices_before (MonthPreviewOutBillableDevicesBefore):
        billable_devices_after (MonthPreviewOutBillableDevicesAfter):
    """

    month: str
    before: EstimateOut
    after: EstimateOut
    difference: int
    billable_devices_before: MonthPreviewOutBillableDevicesBefore
    billable_devices_after: MonthPreviewOutBillableDevicesAfter
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        month = self.month

        before = self.before.to_dict()

        after = self.after.to_dict()

        difference = self.difference

        billable_devices_before = self.billable_devices_before.to_dict()

        billable_devices_after = self.billable_devices_after.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "month": month,
                "before": before,
                "after": after,
                "difference": difference,
                "billable_devices_before": billable_devices_before,
                "billable_devices_after": billable_devices_after,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.estimate_out import EstimateOut  # noqa: PLC0415
        from ..models.month_preview_out_billable_devices_after import MonthPreviewOutBillableDevicesAfter  # noqa: PLC0415
        from ..models.month_preview_out_billable_devices_before import MonthPreviewOutBillableDevicesBefore  # noqa: PLC0415

        d = dict(src_dict)
        month = d.pop("month")

        before = EstimateOut.from_dict(d.pop("before"))

        after = EstimateOut.from_dict(d.pop("after"))

        difference = d.pop("difference")

        billable_devices_before = MonthPreviewOutBillableDevicesBefore.from_dict(d.pop("billable_devices_before"))

        billable_devices_after = MonthPreviewOutBillableDevicesAfter.from_dict(d.pop("billable_devices_after"))

        month_preview_out = cls(
            month=month,
            before=before,
            after=after,
            difference=difference,
            billable_devices_before=billable_devices_before,
            billable_devices_after=billable_devices_after,
        )

        month_preview_out.additional_properties = d
        return month_preview_out

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
