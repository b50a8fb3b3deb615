"""Importing an existing fleet over the API (issue 9): the same file `fleetbill import` reads."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from ...domain.errors import InvalidInput
from ...domain.fleet_import import MAX_ERRORS_SHOWN, ImportRefused, read_rows
from ...services.import_fleet import import_fleet
from .context import Operator, get_app, idempotent, operator
from .problems import problem

router = APIRouter(prefix="/v1", tags=["imports"])

_FORMATS = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}
_EXAMPLE_CSV = (
    "account_ref,account_name,country,subdivision,timezone,plan,billing_email,tax_status,first_month,"
    "device_type,device_name,device_key,status,since\n"
    "crm-0001,Acme,JP,,Asia/Tokyo,basic,billing@acme.example,taxable,2026-01,esp32,gate-1,"
    "dk_existing_key_0001,active,2025-11-03T09:00:00+09:00\n"
)
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": _EXAMPLE_CSV},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


class ImportOut(BaseModel):
    accounts_created: int
    accounts_unchanged: int
    devices_created: int
    devices_unchanged: int
    summary: str


@router.post("/imports", response_model=ImportOut, status_code=201, operation_id="import_fleet", openapi_extra=_BODY)
async def import_fleet_file(request: Request, who: Operator = Depends(operator)):
    """Import accounts and their devices with their existing keys (README: Importing a fleet).

    The body is the file: CSV (`Content-Type: text/csv`) or JSON Lines (`application/x-ndjson`),
    at most 1 MiB (about 5,000 devices; larger fleets: `fleetbill import`). All or nothing: a file
    with any bad row is refused whole with a 422 whose `errors` lists the first 50 rows and reasons
    and `error_count` counts them all. 201 when something was imported; 200 when everything in the
    file was already here, unchanged (importing a file again changes nothing)."""
    fmt = _FORMATS.get(request.headers.get("content-type", "").split(";")[0].strip().lower())
    if fmt is None:
        raise InvalidInput(f"send the file as text/csv or application/x-ndjson; the formats are {', '.join(_FORMATS)}")
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None
    app = get_app(request)

    def work(conn):
        report = import_fleet(conn, app.clock.now(), read_rows(text, fmt), who.actor)
        status = 201 if report.accounts_created or report.devices_created else 200
        return status, vars(report) | {"summary": report.summary()}

    try:
        return await idempotent(request, who, work)
    except ImportRefused as refused:
        errors = [{"row": row, "reason": why} for row, why in refused.errors[:MAX_ERRORS_SHOWN]]
        return problem(422, refused.title, refused.detail, request, errors=errors, error_count=len(refused.errors))
