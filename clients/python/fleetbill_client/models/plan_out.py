from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.price_version_out import PriceVersionOut


T = TypeVar("T", bound="PlanOut")


@_attrs_define
class PlanOut:
    """
    Attributes:
        id (str):
        name (str):
        currency (str):
        term (str):
        notice_days (int):
        counting_mode (str):
        features (list[str]):
        allow_bank_transfer (bool):
        price_versions (list[PriceVersionOut]):
        default_budget (int | None | Unset): R20: the monthly budget (JPY) of each account on the plan that sets none
            itself
    """

    id: str
    name: str
    currency: str
    term: str
    notice_days: int
    counting_mode: str
    features: list[str]
    allow_bank_transfer: bool
    price_versions: list[PriceVersionOut]
    default_budget: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        currency = self.currency

        term = self.term

        notice_days = self.notice_days

        counting_mode = self.counting_mode

        features = self.features

        allow_bank_transfer = self.allow_bank_transfer

        price_versions = []
        for price_versions_item_data in self.price_versions:
            price_versions_item = price_versions_item_data.to_dict()
            price_versions.append(price_versions_item)

        default_budget: int | None | Unset
        if isinstance(self.default_budget, Unset):
            default_budget = UNSET
        else:
            default_budget = self.default_budget

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "currency": currency,
                "term": term,
                "notice_days": notice_days,
                "counting_mode": counting_mode,
                "features": features,
                "allow_bank_transfer": allow_bank_transfer,
                "price_versions": price_versions,
            }
        )
        if default_budget is not UNSET:
            field_dict["default_budget"] = default_budget

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.price_version_out import PriceVersionOut  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        currency = d.pop("currency")

        term = d.pop("term")

        notice_days = d.pop("notice_days")

        counting_mode = d.pop("counting_mode")

        features = cast(list[str], d.pop("features"))

        allow_bank_transfer = d.pop("allow_bank_transfer")

        price_versions = []
        _price_versions = d.pop("price_versions")
        for price_versions_item_data in _price_versions:
            price_versions_item = PriceVersionOut.from_dict(price_versions_item_data)

            price_versions.append(price_versions_item)

        def _parse_default_budget(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        default_budget = _parse_default_budget(d.pop("default_budget", UNSET))

        plan_out = cls(
            id=id,
            name=name,
            currency=currency,
            term=term,
            notice_days=notice_days,
            counting_mode=counting_mode,
            features=features,
            allow_bank_transfer=allow_bank_transfer,
            price_versions=price_versions,
            default_budget=default_budget,
        )

        plan_out.additional_properties = d
        return plan_out

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
