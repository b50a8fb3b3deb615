"""Operator API keys as the platform holds them (R22's "the operator's platform"): what a scope
allows, how a secret looks, and when its last use is worth writing down. Pure: no I/O."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

# A secret says what it is, so that secret scanners (GitHub's, gitleaks) can find a leaked one:
# fb_live_ for a production installation, fb_test_ for one in test mode. Keys made before had
# "fb_" alone and keep working: a key is looked up by its hash, whatever its form.
LIVE_PREFIX = "fb_live_"
TEST_PREFIX = "fb_test_"
ID_PREFIX = "key_"
# last_used_at is kept to the minute: written when the key is used a minute or more after the
# time it holds, so the API's hot path reads the key (as it must, to see a revocation at once)
# but writes it at most once a minute, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)
# What a read-only key may call: reading, never changing.
READ_METHODS = frozenset({"GET", "HEAD"})


class Scope(StrEnum):
    FULL = "full"
    READ_ONLY = "read_only"

    @property
    def label(self) -> str:
        """As the CLI writes it: read-only, full."""
        return self.value.replace("_", "-")


def parse_scope(text: str) -> Scope:
    """`full`, `read_only` or `read-only` (the CLI's spelling); anything else is a ValueError."""
    try:
        return Scope(text.strip().lower().replace("-", "_"))
    except ValueError:
        raise ValueError(f"a key's scope is 'full' or 'read_only' (read-only), not {text!r}") from None


def permits(scope: Scope, method: str, reads: bool = False) -> bool:
    """A full key may call anything; a read-only key only reads (GET, HEAD, or an operation that
    `reads` though it is a POST: a preview that writes nothing)."""
    return scope is Scope.FULL or reads or method.upper() in READ_METHODS


def secret_prefix(test_mode: bool) -> str:
    return TEST_PREFIX if test_mode else LIVE_PREFIX


def last_use_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a use at `now` is worth a write: never used, or a minute or more after the last write."""
    return last_used_at is None or now - last_used_at >= LAST_USED_EVERY
