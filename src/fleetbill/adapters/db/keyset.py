"""Keyset (seek) paging for the list pages (issue 11 item 5): a page starts after, or before, the
order key of a row the reader saw, found by the order's index however deep the page is; OFFSET
would read and throw away every row before it. The key ends with a unique column (the id), so
every row has one place in the order and a row added while paging neither repeats nor hides one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, Connection, Select, bindparam, tuple_


@dataclass(frozen=True)
class Seek:
    """Where a page starts: just after the row whose order key is `key`, or just before it."""

    key: tuple
    backward: bool = False


@dataclass(frozen=True)
class Page:
    """A page's rows in the list's order, and the seeks to the pages beside it (None: none)."""

    rows: list
    previous: Seek | None
    next: Seek | None


def seek_page(
    conn: Connection, query: Select, order: Sequence[Column], size: int, seek: Seek | None, descending: bool = False
) -> Page:
    """`size` rows of `query` in the order of the columns `order` (all ascending or all
    descending; the last one unique), from `seek` on; the rows carry their key as `_k0`, `_k1`..."""
    backward = seek is not None and seek.backward
    down = descending != backward  # the direction this query walks the index in
    query = query.add_columns(*(c.label(f"_k{i}") for i, c in enumerate(order)))
    if seek is not None:
        query = query.where(beyond(order, seek.key, down))
    query = query.order_by(*(c.desc() if down else c.asc() for c in order)).limit(size + 1)
    rows = conn.execute(query).all()
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    first, last = _key(rows[0], len(order)), _key(rows[-1], len(order))
    # Forward: a page after a seek has rows before it; backward: the seek's own row follows.
    earlier = more if backward else seek is not None
    later = seek is not None if backward else more
    return Page(rows, Seek(first, backward=True) if earlier else None, Seek(last) if later else None)


def beyond(order: Sequence[Column], key: tuple, descending: bool = False) -> ColumnElement[bool]:
    """The rows after `key` in the order of the columns `order`: one row-value comparison,
    (a, b) > (x, y), which PostgreSQL and SQLite answer by seeking the order's index."""
    values = tuple_(*(bindparam(None, v, type_=c.type) for c, v in zip(order, key, strict=True)))
    return tuple_(*order) < values if descending else tuple_(*order) > values


def _key(row, n: int) -> tuple:
    return tuple(row._mapping[f"_k{i}"] for i in range(n))
