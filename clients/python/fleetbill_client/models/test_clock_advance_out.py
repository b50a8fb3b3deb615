from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.test_clock_out import TestClockOut


T = TypeVar("T", bound="TestClockAdvanceOut")


@_attrs_define
class TestClockAdvanceOut:
    """
    Attributes:
        test_clock (TestClockOut):
        stops (int): The instants at which its accounts' due jobs ran on the way.
        invoices (int):
        billed (int): The invoices' totals, tax included, in minor units.
        paid (int):
        declined (int):
        suspended (int):
    """

    test_clock: TestClockOut
    stops: int
    invoices: int
    billed: int
    paid: int
    declined: int
    suspended: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        test_clock = self.test_clock.to_dict()

        stops = self.stops

        invoices = self.invoices

        billed = self.billed

        paid = self.paid

        declined = self.declined

        suspended = self.suspended

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "test_clock": test_clock,
                "stops": stops,
                "invoices": invoices,
                "billed": billed,
                "paid": paid,
                "declined": declined,
                "suspended": suspended,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.test_clock_out import TestClockOut  # noqa: PLC0415

        d = dict(src_dict)
        test_clock = TestClockOut.from_dict(d.pop("test_clock"))

        stops = d.pop("stops")

        invoices = d.pop("invoices")

        billed = d.pop("billed")

        paid = d.pop("paid")

        declined = d.pop("declined")

        suspended = d.pop("suspended")

        test_clock_advance_out = cls(
            test_clock=test_clock,
            stops=stops,
            invoices=invoices,
            billed=billed,
            paid=paid,
            declined=declined,
            suspended=suspended,
        )

        test_clock_advance_out.additional_properties = d
        return test_clock_advance_out

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
