from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.test_clock_out_status import TestClockOutStatus

T = TypeVar("T", bound="TestClockOut")


@_attrs_define
class TestClockOut:
    """
    Attributes:
        id (str):
        name (str):
        frozen_time (datetime.datetime):
        status (TestClockOutStatus):
        accounts (int): How many accounts live on it.
        created_at (datetime.datetime): When it was made, at the server's time.
    """

    id: str
    name: str
    frozen_time: datetime.datetime
    status: TestClockOutStatus
    accounts: int
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        frozen_time = self.frozen_time.isoformat()

        status = self.status.value

        accounts = self.accounts

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "frozen_time": frozen_time,
                "status": status,
                "accounts": accounts,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        frozen_time = datetime.datetime.fromisoformat(d.pop("frozen_time"))

        status = TestClockOutStatus(d.pop("status"))

        accounts = d.pop("accounts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        test_clock_out = cls(
            id=id,
            name=name,
            frozen_time=frozen_time,
            status=status,
            accounts=accounts,
            created_at=created_at,
        )

        test_clock_out.additional_properties = d
        return test_clock_out

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
