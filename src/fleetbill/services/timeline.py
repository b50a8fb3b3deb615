"""Whose accounts a run of the due jobs is for. The server's own time runs the jobs of every
account on no test clock; a test clock's advance runs those of its accounts alone, at its time.
Two timelines never touch each other's accounts: a clock frozen in the past does not have its
months closed by the server's present."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from ..adapters.db import schema as t


@dataclass(frozen=True, slots=True)
class Timeline:
    test_clock_id: str | None = None  # None: the server's time

    def accounts(self) -> ColumnElement[bool]:
        """A condition on the accounts table: the accounts that live on this timeline."""
        column = t.accounts.c.test_clock_id
        return column.is_(None) if self.test_clock_id is None else column == self.test_clock_id

    def owns(self, account_id: ColumnElement) -> ColumnElement[bool]:
        """A condition on another table's account id column: rows of this timeline's accounts."""
        return account_id.in_(select(t.accounts.c.id).where(self.accounts()))


SERVER = Timeline()
