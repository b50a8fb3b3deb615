"""Why a month counts what it does (R5, R20; issue 12 item 1): the billing page links each usage
line here, to each device type's step chart for the month with its peak marked, the devices Active
at the peak, and those devices as CSV."""

from __future__ import annotations

import csv
import io
import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ...domain.line_words import peak_words
from ...domain.local_time import in_zone
from ...domain.periods import BillingMonth
from ...services.peak_explained import MonthExplained, explain_month
from ...services.test_clocks import account_clock
from ..api.context import get_app
from .activity_chart import chart_svg
from .i18n import language, translator
from .rendering import templates
from .session import session_account

router = APIRouter()

SHOWN = 200  # devices listed on the page per type; the CSV has them all


def _explained(request: Request, account_id: str, month: str, device_type: str | None = None) -> MonthExplained:
    app = get_app(request)
    wanted = BillingMonth.parse(month)
    with app.db.read() as conn:
        now = account_clock(conn, account_id, app.clock, changing=False).now()
        return explain_month(conn, account_id, wanted, now, device_type)


@router.get("/peaks/{month}")
def peaks_page(request: Request, month: str, account_id: str = Depends(session_account)):
    """R5: each device type's peak in `month`, the instant it was first reached, the chart and the
    devices Active then (a month not begun, or a plan counting distinct devices: a 422 page)."""
    e = _explained(request, account_id, month)
    lang = language(request)
    _ = translator(lang)
    types = [
        dict(
            device_type=x.device_type,
            name=x.name,
            peak=x.peak,
            words=peak_words(x.peak, x.peak_at, e.period_start, e.timezone, lang),
            chart=chart_svg({x.name: x.steps}, e.period_start, e.period_end, e.as_of, e.timezone, _, lang),
            devices=x.devices[:SHOWN],
            more=max(0, len(x.devices) - SHOWN),
            total=len(x.devices),
        )
        for x in e.types
    ]
    context = dict(explained=e, month=str(e.month), types=types)
    return templates.TemplateResponse(request, "peaks.html", context)


def _safe(name: str) -> str:
    """A device type's id as a file name any browser takes (it is a known type's id by now)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


@router.get("/peaks/{month}/{device_type}.csv")
def peak_devices_csv(request: Request, month: str, device_type: str, account_id: str = Depends(session_account)):
    """R5: the devices Active when the type's peak in `month` was first reached, as CSV (UTF-8 with
    a BOM, for Excel), the instant in the account's zone."""
    e = _explained(request, account_id, month, device_type)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["month", "device_type", "peak", "peak_reached_at", "device_id", "device_name", "key_last4"])
    for x in e.types:
        at = in_zone(x.peak_at, e.timezone).isoformat(timespec="seconds")
        for d in x.devices:
            w.writerow([str(e.month), x.device_type, x.peak, at, d.id, d.name, d.key_last4])
    return Response(
        out.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="peak-{e.month}-{_safe(device_type)}.csv"'},
    )
