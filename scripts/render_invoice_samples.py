"""Render a sample invoice to docs/screenshots/invoice-{ja,en}.png (needs pdftoppm from poppler-utils).

.venv/bin/python scripts/render_invoice_samples.py
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from fleetbill.adapters.pdf.invoice_pdf import render_invoice_pdf

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def sample_invoice() -> dict:
    """A January invoice: ESP32 over two tiers, M5Stack, next month's fixed fee, 500 points."""
    ten = Decimal("0.1")
    return dict(
        id="sample",
        number="FB-00000042",
        account_id="sample-account",
        kind="monthly",
        billing_month="2026-01",
        currency="JPY",
        subtotal=1_900,
        tax_total=190,
        total=2_090,
        points_applied=500,
        amount_due=1_590,
        status="open",
        tax_note=None,
        recipient_name="株式会社サンプル商事",
        issuer_name="fleetbill IoT Cloud K.K.",
        issuer_registration_number="T7123456789012",
        period_start=datetime(2025, 12, 31, 15, tzinfo=UTC),
        period_end=datetime(2026, 1, 31, 15, tzinfo=UTC),
        issued_at=datetime(2026, 1, 31, 15, 5, tzinfo=UTC),
        lines=[
            dict(
                kind="usage",
                description="ESP32: peak active devices",
                device_type_id="esp32",
                quantity=5,
                amount=600,
                tax_rate=ten,
                period_start=None,
                period_end=None,
                tiers=[
                    dict(first=1, last=3, unit_price=0, amount=0),
                    dict(first=4, last=5, unit_price=300, amount=600),
                ],
            ),
            dict(
                kind="usage",
                description="M5Stack: peak active devices",
                device_type_id="m5stack",
                quantity=2,
                amount=300,
                tax_rate=ten,
                period_start=None,
                period_end=None,
                tiers=[dict(first=1, last=2, unit_price=150, amount=300)],
            ),
            dict(
                kind="fixed_fee",
                description="Pro fee, 2026-02",
                device_type_id=None,
                quantity=1,
                amount=1_000,
                tax_rate=ten,
                period_start=None,
                period_end=None,
                tiers=[],
            ),
        ],
        taxes=[dict(rate=ten, taxable_amount=1_900, tax=190)],
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("ja", "en"):
            pdf = Path(tmp) / f"invoice-{lang}.pdf"
            pdf.write_bytes(render_invoice_pdf(sample_invoice(), lang, "Asia/Tokyo"))
            stem = Path(tmp) / lang
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True
            )
            (OUT / f"invoice-{lang}.png").write_bytes(stem.with_suffix(".png").read_bytes())
            print(OUT / f"invoice-{lang}.png")


if __name__ == "__main__":
    main()
