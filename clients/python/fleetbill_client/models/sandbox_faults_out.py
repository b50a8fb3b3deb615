from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sandbox_faults_out_next_charge_type_0 import SandboxFaultsOutNextChargeType0

T = TypeVar("T", bound="SandboxFaultsOut")


@_attrs_define
class SandboxFaultsOut:
    """
    Attributes:
        next_charge (None | SandboxFaultsOutNextChargeType0):
        code (None | str):
        latency_ms (int):
    """

    next_charge: None | SandboxFaultsOutNextChargeType0
    code: None | str
    latency_ms: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        next_charge: None | str
        if isinstance(self.next_charge, SandboxFaultsOutNextChargeType0):
            next_charge = self.next_charge.value
        else:
            next_charge = self.next_charge

        code: None | str
        code = self.code

        latency_ms = self.latency_ms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "next_charge": next_charge,
                "code": code,
                "latency_ms": latency_ms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_next_charge(data: object) -> None | SandboxFaultsOutNextChargeType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_charge_type_0 = SandboxFaultsOutNextChargeType0(data)

                return next_charge_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SandboxFaultsOutNextChargeType0, data)

        next_charge = _parse_next_charge(d.pop("next_charge"))

        def _parse_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        code = _parse_code(d.pop("code"))

        latency_ms = d.pop("latency_ms")

        sandbox_faults_out = cls(
            next_charge=next_charge,
            code=code,
            latency_ms=latency_ms,
        )

        sandbox_faults_out.additional_properties = d
        return sandbox_faults_out

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
