"""Device types, plans, price changes (R7, R9) and the tax table (R12)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import views
from ...domain.catalog import Plan
from ...domain.contract import ContractTerm
from ...domain.metering import CountingMode
from ...domain.periods import BillingMonth
from ...domain.price_impact import MAX_TOP, TOP_INCREASES
from ...domain.rating import Tier
from ...domain.tax import TaxRate
from ...services import catalog
from ...services.announce_price_change import announce_price_change
from ...services.price_impact import price_impact
from ...services.tax_table import add_tax_rate
from .context import Operator, get_app, idempotent, operator
from .schemas import (
    DeviceTypeIn,
    DeviceTypeOut,
    PlanIn,
    PlanOut,
    PriceVersionCreated,
    PriceVersionIn,
    TaxRateIn,
    TaxRateOut,
)
from .schemas_price_impact import PriceImpactOut

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)])


def _tiers(prices) -> dict[str, list[Tier]]:
    return {dt: [Tier(x.up_to, x.unit_price) for x in tiers] for dt, tiers in prices.items()}


@router.post("/device-types", status_code=201, response_model=DeviceTypeOut, tags=["catalog"])
async def create_device_type(body: DeviceTypeIn, request: Request, who: Operator = Depends(operator)):
    now = get_app(request).clock.now()
    return await idempotent(request, who, lambda c: (201, catalog.create_device_type(c, now, body.id, body.name)))


@router.get("/device-types", response_model=list[DeviceTypeOut], tags=["catalog"])
def list_device_types(request: Request):
    with get_app(request).db.read() as conn:
        return [DeviceTypeOut(id=i, name=n) for i, n in repo.device_type_names(conn).items()]


@router.post("/plans", status_code=201, response_model=PlanOut, tags=["catalog"])
async def create_plan(body: PlanIn, request: Request, who: Operator = Depends(operator)):
    """A plan with its first prices (graduated tiers per device type, R7)."""
    now = get_app(request).clock.now()
    plan = Plan(
        body.id,
        body.name,
        body.currency,
        ContractTerm(body.term),
        body.notice_days,
        CountingMode(body.counting_mode),
        tuple(body.features),
        body.allow_bank_transfer,
    )

    def work(conn):
        catalog.create_plan(conn, now, plan, body.fixed_fee, _tiers(body.prices))
        return 201, views.plan(conn, plan.id)

    return await idempotent(request, who, work)


@router.get("/plans", response_model=list[PlanOut], tags=["catalog"])
def list_plans(request: Request):
    with get_app(request).db.read() as conn:
        return [views.plan(conn, i) for i in conn.execute(select(t.plans.c.id).order_by(t.plans.c.id)).scalars()]


@router.get("/plans/{plan_id}", response_model=PlanOut, tags=["catalog"])
def get_plan(plan_id: str, request: Request):
    with get_app(request).db.read() as conn:
        return views.plan(conn, plan_id)


@router.post("/plans/{plan_id}/price-versions", status_code=201, response_model=PriceVersionCreated, tags=["catalog"])
async def announce_prices(plan_id: str, body: PriceVersionIn, request: Request, who: Operator = Depends(operator)):
    """R9: new prices from the start of a month, announced at least the plan's notice period before;
    every account on the plan is notified. Refused if too late or if the month is already closed."""
    now = get_app(request).clock.now()
    month = BillingMonth.parse(body.effective_month)
    return await idempotent(
        request,
        who,
        lambda c: (201, announce_price_change(c, now, plan_id, month, body.fixed_fee, _tiers(body.prices), who.actor)),
    )


@router.post("/plans/{plan_id}/price-versions/impact", response_model=PriceImpactOut, tags=["catalog"])
async def preview_price_impact(
    plan_id: str,
    body: PriceVersionIn,
    request: Request,
    who: Operator = Depends(operator),
    top: int = Query(TOP_INCREASES, ge=1, le=MAX_TOP, description="How many of the largest increases to list."),
):
    """R9: what these prices would have billed over each account's last three closed months, before
    they are announced (the same body as the announcement), and whether they could be announced
    now. Nothing is written. Amounts are JPY before tax; usage only, the fixed fee shown beside."""
    app = get_app(request)
    month = BillingMonth.parse(body.effective_month)

    def work(_):
        with app.db.read() as conn:
            impact = price_impact(conn, app.clock.now(), plan_id, month, body.fixed_fee, _tiers(body.prices), top)
        return 200, PriceImpactOut.of(impact)

    return await idempotent(request, who, work, own_transactions=True)


@router.post("/tax-rates", status_code=201, response_model=TaxRateOut, tags=["tax"])
async def create_tax_rate(body: TaxRateIn, request: Request, who: Operator = Depends(operator)):
    """A dated rate for a country or subdivision; accounts get it at their next renewal (R13)."""
    rate = TaxRate(body.country, body.subdivision, Decimal(body.rate), body.valid_from)

    def work(conn):
        add_tax_rate(conn, rate, who.actor, get_app(request).clock.now())
        return 201, TaxRateOut(
            country=rate.country, subdivision=rate.subdivision, rate=rate.rate, valid_from=rate.valid_from
        )

    return await idempotent(request, who, work)


@router.get("/tax-rates", response_model=list[TaxRateOut], tags=["tax"])
def list_tax_rates(request: Request):
    with get_app(request).db.read() as conn:
        return [
            TaxRateOut(country=r.country, subdivision=r.subdivision, rate=r.rate, valid_from=r.valid_from)
            for r in repo.load_tax_rates(conn)
        ]
