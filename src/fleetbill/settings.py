"""Settings from the environment (FLEETBILL_*), with an embedded SQLite default."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, replace

from .domain.errors import InvalidInput
from .domain.periods import check_timezone
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
    gateway: str = "sandbox"  # "sandbox" (embedded, no network) or "stripe"
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""  # e.g. a local fake Stripe server in tests
    # The billing page's card form: Stripe.js, with the publishable key, takes the card number (R17).
    stripe_publishable_key: str = ""
    stripe_js_url: str = "https://js.stripe.com/v3/"  # localstripe serves a fake one at /js.stripe.com/v3/
    # Empty: derived from secret_key, so each installation has its own (none is published in the code).
    sandbox_webhook_secret: str = ""
    retry_schedule: str = "0,3,7,14"  # R19: days from the first card try; 4 tries over 14 days
    bank_transfer_grace_days: int = 14  # R19: suspension this long after an unpaid transfer's due date
    # Signs billing-page links and sessions. Empty: the installation's own, generated at the first
    # start and kept in the database, so every process (web workers, restarts) shares it.
    secret_key: str = ""
    secure_cookies: bool = False  # Secure on the console's and billing page's cookies even over http (TLS proxy)
    smtp_url: str = ""  # where notifications are emailed; empty: they wait in the outbox table
    mail_from: str = "fleetbill billing <billing@fleetbill.localhost>"
    # The console shows every date and time in the operator's zone (the customer's pages: the account's).
    operator_timezone: str = "Asia/Tokyo"
    # R18: where a bank-transfer invoice is paid, printed on it as written (lines; "\n" also breaks a line).
    bank_account: str = ""
    # R24: an invoice whose total is 0 is emailed only when the operator turns this on.
    email_zero_invoices: bool = False
    # R22 webhooks: private, loopback and link-local receivers are refused (SSRF) unless allowed here.
    webhooks_allow_private: bool = False
    webhook_concurrency: int = 64  # deliveries in flight at once, per worker (64 / 50 ms = 1,280/s at most)
    webhook_interval: int = 5  # seconds between the worker's publishing and delivery passes
    webhook_secret_overlap_hours: int = 24  # after a rotation, the old secret also signs this long
    # Issue 11: card charges in flight at once, per collecting process (16 / 100 ms = 160 invoices/s at most).
    collect_concurrency: int = 16
    # A collecting process's claim on its invoices lapses after this long, so that another takes
    # over the invoices of one that died; it outlives the slowest batch (a few rounds of calls).
    collect_lease_seconds: int = 600
    sandbox_latency_ms: int = 0  # the sandbox answers each charge after this long, as a real gateway would
    # Tests and benchmarks: a file where sandboxes in every process keep their charges (see sandbox.py).
    sandbox_journal: str = ""

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
            gateway=env.get("FLEETBILL_GATEWAY", cls.gateway),
            stripe_api_key=env.get("FLEETBILL_STRIPE_API_KEY", ""),
            stripe_webhook_secret=env.get("FLEETBILL_STRIPE_WEBHOOK_SECRET", ""),
            stripe_api_base=env.get("FLEETBILL_STRIPE_API_BASE", ""),
            stripe_publishable_key=env.get("FLEETBILL_STRIPE_PUBLISHABLE_KEY", ""),
            stripe_js_url=env.get("FLEETBILL_STRIPE_JS_URL", cls.stripe_js_url),
            sandbox_webhook_secret=env.get("FLEETBILL_SANDBOX_WEBHOOK_SECRET", ""),
            retry_schedule=env.get("FLEETBILL_RETRY_SCHEDULE", cls.retry_schedule),
            bank_transfer_grace_days=int(env.get("FLEETBILL_BANK_TRANSFER_GRACE_DAYS", cls.bank_transfer_grace_days)),
            secret_key=env.get("FLEETBILL_SECRET_KEY", ""),
            secure_cookies=env.get("FLEETBILL_SECURE_COOKIES", "").lower() in {"1", "true", "yes"},
            smtp_url=env.get("FLEETBILL_SMTP_URL", ""),
            mail_from=env.get("FLEETBILL_MAIL_FROM", cls.mail_from),
            operator_timezone=env.get("FLEETBILL_OPERATOR_TIMEZONE", cls.operator_timezone),
            bank_account=env.get("FLEETBILL_BANK_ACCOUNT", "").replace("\\n", "\n").strip(),
            email_zero_invoices=env.get("FLEETBILL_EMAIL_ZERO_INVOICES", "").lower() in {"1", "true", "yes"},
            webhooks_allow_private=env.get("FLEETBILL_WEBHOOKS_ALLOW_PRIVATE", "").lower() in {"1", "true", "yes"},
            webhook_concurrency=_whole(env, "FLEETBILL_WEBHOOK_CONCURRENCY", cls.webhook_concurrency, 1, 1_000),
            webhook_interval=_whole(env, "FLEETBILL_WEBHOOK_INTERVAL", cls.webhook_interval, 1, 3_600),
            webhook_secret_overlap_hours=_whole(
                env, "FLEETBILL_WEBHOOK_SECRET_OVERLAP_HOURS", cls.webhook_secret_overlap_hours, 0, 24 * 30
            ),
            collect_concurrency=_whole(env, "FLEETBILL_COLLECT_CONCURRENCY", cls.collect_concurrency, 1, 1_000),
            collect_lease_seconds=_whole(env, "FLEETBILL_COLLECT_LEASE_SECONDS", cls.collect_lease_seconds, 1, 86_400),
            sandbox_latency_ms=_whole(env, "FLEETBILL_SANDBOX_LATENCY_MS", cls.sandbox_latency_ms, 0, 60_000),
            sandbox_journal=env.get("FLEETBILL_SANDBOX_JOURNAL", ""),
        )
        values.update(overrides)
        settings = cls(**values)
        check_registration_number(settings.issuer_registration_number)
        try:
            check_timezone(settings.operator_timezone)
        except InvalidInput as e:
            raise InvalidInput(f"FLEETBILL_OPERATOR_TIMEZONE: {e}") from None
        return settings

    def with_secret_key(self, secret_key: str) -> Settings:
        """These settings with the installation's secret key where none was set, and the sandbox's
        webhook secret derived from it where none was set either."""
        key = self.secret_key or secret_key
        sandbox = self.sandbox_webhook_secret or derived_secret(key, "sandbox-webhooks", prefix="whsec_")
        return replace(self, secret_key=key, sandbox_webhook_secret=sandbox)


def _whole(env, name: str, default: int, least: int, most: int) -> int:
    """A whole-number setting, or InvalidInput naming it and its range."""
    text = env.get(name, str(default)).strip()
    if not (text.isascii() and text.isdigit() and least <= int(text) <= most):
        raise InvalidInput(f"{name}: give a whole number from {least} to {most} (got {text[:20]!r})")
    return int(text)


def derived_secret(secret_key: str, purpose: str, prefix: str = "") -> str:
    """A secret for one purpose, derived from the secret key (HMAC-SHA256), base64 as Standard Webhooks reads it."""
    digest = hmac.new(secret_key.encode(), f"fleetbill:{purpose}".encode(), hashlib.sha256).digest()
    return prefix + base64.b64encode(digest).decode()
