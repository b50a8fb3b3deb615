from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.plan_in_counting_mode import PlanInCountingMode
from ..models.plan_in_term import PlanInTerm
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.plan_in_prices import PlanInPrices


T = TypeVar("T", bound="PlanIn")


@_attrs_define
class PlanIn:
    """
    Attributes:
        id (str):
        name (str):
        prices (PlanInPrices):
        currency (str | Unset):  Default: 'JPY'.
        term (PlanInTerm | Unset):  Default: PlanInTerm.MONTHLY.
        notice_days (int | Unset):  Default: 30.
        counting_mode (PlanInCountingMode | Unset):  Default: PlanInCountingMode.PEAK.
        features (list[str] | Unset):
        allow_bank_transfer (bool | Unset):  Default: False.
        fixed_fee (int | Unset): integer in the currency's minor unit (JPY: yen) Default: 0.
    """

    id: str
    name: str
    prices: PlanInPrices
    currency: str | Unset = "JPY"
    term: PlanInTerm | Unset = PlanInTerm.MONTHLY
    notice_days: int | Unset = 30
    counting_mode: PlanInCountingMode | Unset = PlanInCountingMode.PEAK
    features: list[str] | Unset = UNSET
    allow_bank_transfer: bool | Unset = False
    fixed_fee: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        prices = self.prices.to_dict()

        currency = self.currency

        term: str | Unset = UNSET
        if not isinstance(self.term, Unset):
            term = self.term.value

        notice_days = self.notice_days

        counting_mode: str | Unset = UNSET
        if not isinstance(self.counting_mode, Unset):
            counting_mode = self.counting_mode.value

        features: list[str] | Unset = UNSET
        if not isinstance(self.features, Unset):
            features = self.features

        allow_bank_transfer = self.allow_bank_transfer

        fixed_fee = self.fixed_fee

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "name": name,
                "prices": prices,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency
        if term is not UNSET:
            field_dict["term"] = term
        if notice_days is not UNSET:
            field_dict["notice_days"] = notice_days
        if counting_mode is not UNSET:
            field_dict["counting_mode"] = counting_mode
        if features is not UNSET:
            field_dict["features"] = features
        if allow_bank_transfer is not UNSET:
            field_dict["allow_bank_transfer"] = allow_bank_transfer
        if fixed_fee is not UNSET:
            field_dict["fixed_fee"] = fixed_fee

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_in_prices import PlanInPrices  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        prices = PlanInPrices.from_dict(d.pop("prices"))

        currency = d.pop("currency", UNSET)

        _term = d.pop("term", UNSET)
        term: PlanInTerm | Unset
        if isinstance(_term, Unset):
            term = UNSET
        else:
            term = PlanInTerm(_term)

        notice_days = d.pop("notice_days", UNSET)

        _counting_mode = d.pop("counting_mode", UNSET)
        counting_mode: PlanInCountingMode | Unset
        if isinstance(_counting_mode, Unset):
            counting_mode = UNSET
        else:
            counting_mode = PlanInCountingMode(_counting_mode)

        features = cast(list[str], d.pop("features", UNSET))

        allow_bank_transfer = d.pop("allow_bank_transfer", UNSET)

        fixed_fee = d.pop("fixed_fee", UNSET)

        plan_in = cls(
            id=id,
            name=name,
            prices=prices,
            currency=currency,
            term=term,
            notice_days=notice_days,
            counting_mode=counting_mode,
            features=features,
            allow_bank_transfer=allow_bank_transfer,
            fixed_fee=fixed_fee,
        )

        return plan_in
