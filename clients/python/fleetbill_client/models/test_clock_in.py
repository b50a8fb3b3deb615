from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TestClockIn")


@_attrs_define
class TestClockIn:
    """
    Attributes:
        frozen_time (datetime.datetime): Where the clock starts: any instant, past or future (2000 to 2199).
        name (str | Unset):  Default: ''.
    """

    frozen_time: datetime.datetime
    name: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        frozen_time = self.frozen_time.isoformat()

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "frozen_time": frozen_time,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        frozen_time = datetime.datetime.fromisoformat(d.pop("frozen_time"))

        name = d.pop("name", UNSET)

        test_clock_in = cls(
            frozen_time=frozen_time,
            name=name,
        )

        return test_clock_in
