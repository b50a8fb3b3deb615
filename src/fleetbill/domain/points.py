"""Credit points (R16): 1 point = 1 JPY, a way of paying, used earliest-expiring first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PointGrant:
    """A grant and what is left of it (its amount less the uses and expiries on the ledger)."""

    id: str
    remaining: int
    granted_at: datetime
    expires_at: datetime | None  # usable up to, not at, this instant

    def usable_at(self, at: datetime) -> bool:
        return self.remaining > 0 and self.granted_at <= at and (self.expires_at is None or at < self.expires_at)


@dataclass(frozen=True, slots=True)
class PointUse:
    grant_id: str
    amount: int


def _spend_order(grant: PointGrant) -> tuple:
    # NOTE: R16 earliest-expiring points first; points that never expire go last.
    return (grant.expires_at is None, grant.expires_at or grant.granted_at, grant.granted_at, grant.id)


def apply_points(grants: Iterable[PointGrant], due: int, at: datetime) -> tuple[PointUse, ...]:
    """R16: the uses that pay as much of `due` as the points usable at `at` allow, never more."""
    uses = []
    left = max(due, 0)
    for grant in sorted((g for g in grants if g.usable_at(at)), key=_spend_order):
        if left == 0:
            break
        take = min(grant.remaining, left)
        uses.append(PointUse(grant.id, take))
        left -= take
    return tuple(uses)


def usable_balance(grants: Iterable[PointGrant], at: datetime) -> int:
    """Points that could pay an invoice at `at`."""
    return sum(g.remaining for g in grants if g.usable_at(at))
