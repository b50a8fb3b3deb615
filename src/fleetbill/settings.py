"""Settings from the environment (FLEETBILL_*), with an embedded SQLite default."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .domain.tax import TaxRounding, check_registration_number

DEFAULT_DATABASE_URL = "sqlite:///fleetbill.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    test_mode: bool = False  # enables the test clock API; never on in production
    tax_rounding: TaxRounding = TaxRounding.DOWN
    issuer_name: str = "fleetbill IoT Cloud K.K."
    issuer_registration_number: str = "T7123456789012"
    invoice_prefix: str = "FB"

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        values = dict(
            database_url=env.get("FLEETBILL_DATABASE_URL", DEFAULT_DATABASE_URL),
            test_mode=env.get("FLEETBILL_TEST_MODE", "").lower() in {"1", "true", "yes"},
            tax_rounding=TaxRounding(env.get("FLEETBILL_TAX_ROUNDING", TaxRounding.DOWN.value)),
            issuer_name=env.get("FLEETBILL_ISSUER_NAME", cls.issuer_name),
            issuer_registration_number=env.get("FLEETBILL_ISSUER_REGISTRATION_NUMBER", cls.issuer_registration_number),
            invoice_prefix=env.get("FLEETBILL_INVOICE_PREFIX", cls.invoice_prefix),
        )
        values.update(overrides)
        settings = cls(**values)
        check_registration_number(settings.issuer_registration_number)
        return settings
