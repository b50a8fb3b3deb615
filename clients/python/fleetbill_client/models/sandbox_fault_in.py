from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.sandbox_fault_in_fault import SandboxFaultInFault
from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxFaultIn")


@_attrs_define
class SandboxFaultIn:
    """
    Attributes:
        fault (SandboxFaultInFault): What the sandbox gateway does to the next charge: `answer_lost` makes the charge
            and loses the answer (a timeout after charging), `timeout` times out before charging, `decline` declines it with
            `code`, `latency` answers after `latency_ms` (every charge until cleared).
        code (str | Unset): The decline code, for `decline`. Default: 'card_declined'.
        latency_ms (int | Unset): For `latency`; 0 clears it. Default: 0.
    """

    fault: SandboxFaultInFault
    code: str | Unset = "card_declined"
    latency_ms: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        fault = self.fault.value

        code = self.code

        latency_ms = self.latency_ms

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fault": fault,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fault = SandboxFaultInFault(d.pop("fault"))

        code = d.pop("code", UNSET)

        latency_ms = d.pop("latency_ms", UNSET)

        sandbox_fault_in = cls(
            fault=fault,
            code=code,
            latency_ms=latency_ms,
        )

        return sandbox_fault_in
