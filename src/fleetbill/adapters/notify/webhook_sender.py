"""Webhooks over HTTP (R22), signed with Standard Webhooks: httpx2 with asyncio, at most
`concurrency` requests in flight, a timeout, no redirects followed, no proxy from the
environment, and every connection checked against the SSRF rule when it is opened."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpcore2
import httpx2
from standardwebhooks import Webhook

from ...domain.webhooks import EXCERPT, signature_header
from .addresses import AddressRefused, check_host_async

log = logging.getLogger("fleetbill.webhooks")
USER_AGENT = "fleetbill-webhooks/1"
POOL = 16  # connections per client (see WebhookSender.session)


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """One delivery to send."""

    key: int  # the delivery's id: its result carries it back
    url: str
    webhook_id: str  # the event's id: the same on every retry and redelivery
    body: str  # the event as JSON
    secrets: tuple[str, ...]  # each signs it; more than one during a rotation's overlap


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """What one attempt got."""

    key: int
    status_code: int | None  # None: no answer (refused, timed out, address not allowed)
    latency_ms: int
    excerpt: str | None  # the start of the answer's body
    error: str | None  # why there was no answer

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


Send = Callable[[Sequence[WebhookRequest]], Awaitable[list[WebhookResult]]]


class _CheckedBackend(httpcore2.AsyncNetworkBackend):
    """Opens a connection only to an address the SSRF rule allows, resolved now, and connects to
    that very address (no second lookup a DNS change could turn elsewhere)."""

    def __init__(self, allow_private: bool):
        self._inner = httpcore2.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = await check_host_async(host, port, self._allow_private)
        return await self._inner.connect_tcp(
            addresses[0], port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise AddressRefused("webhooks are not sent to a Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _pool_sizes(concurrency: int) -> list[int]:
    """`concurrency` connections split into pools of at most POOL, as even as can be."""
    pools = -(-concurrency // POOL)
    return [concurrency // pools + (i < concurrency % pools) for i in range(pools)]


def _transport(allow_private: bool, concurrency: int) -> httpx2.AsyncHTTPTransport:
    transport = httpx2.AsyncHTTPTransport(trust_env=False)
    # The transport's own pool, with the checked backend: httpx2 takes no backend of its own.
    transport._pool = httpcore2.AsyncConnectionPool(
        ssl_context=httpx2.create_ssl_context(trust_env=False),
        max_connections=concurrency,
        max_keepalive_connections=concurrency,
        keepalive_expiry=5.0,
        network_backend=_CheckedBackend(allow_private),
    )
    return transport


class WebhookSender:
    """Signs and sends deliveries; one `session` (a delivery pass) keeps its connections."""

    def __init__(self, *, allow_private: bool = False, concurrency: int = 16, timeout: float = 10.0, wall_clock=None):
        self.allow_private = allow_private
        self.concurrency = concurrency
        self.timeout = timeout
        # The signature's timestamp is the real time of sending, whatever the billing clock says:
        # receivers refuse a timestamp more than five minutes from their own clock (replay).
        self._wall_clock = wall_clock or (lambda: datetime.now(UTC))
        self._signers: dict[str, Webhook] = {}

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Send]:
        """Clients for one pass; yields `send`, which sends a batch and returns each result.

        The connections are split among clients of at most POOL connections each: httpcore's pool
        looks at each of its connections for every request, so one pool of 64 costs far more CPU
        per request than four of 16. A request takes a free slot (a client), so at most
        `concurrency` are in flight."""
        async with AsyncExitStack() as stack:
            slots: asyncio.Queue[httpx2.AsyncClient] = asyncio.Queue()
            for size in _pool_sizes(self.concurrency):
                client = await stack.enter_async_context(
                    httpx2.AsyncClient(
                        transport=_transport(self.allow_private, size),
                        timeout=self.timeout,
                        follow_redirects=False,  # a redirect is an answer, not a new address to trust
                        trust_env=False,
                    )
                )
                for _ in range(size):
                    slots.put_nowait(client)

            async def send(requests: Sequence[WebhookRequest]) -> list[WebhookResult]:
                return list(await asyncio.gather(*(self._send_one(slots, r) for r in requests)))

            yield send

    def headers(self, request: WebhookRequest) -> dict[str, str]:
        """Standard Webhooks' headers for `request`, signed now."""
        sent_at = self._wall_clock().astimezone(UTC)
        signatures = [self._signer(s).sign(request.webhook_id, sent_at, request.body) for s in request.secrets]
        return {
            "webhook-id": request.webhook_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature_header(signatures),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
        }

    def _signer(self, secret: str) -> Webhook:
        if secret not in self._signers:
            self._signers[secret] = Webhook(secret)
        return self._signers[secret]

    async def _send_one(self, slots: asyncio.Queue, r: WebhookRequest) -> WebhookResult:
        client = await slots.get()
        try:
            return await self._post(client, r)
        finally:
            slots.put_nowait(client)

    async def _post(self, client: httpx2.AsyncClient, r: WebhookRequest) -> WebhookResult:
        """One attempt: its status and the start of its answer, or why there was none."""
        started = time.perf_counter()
        status, excerpt, error = None, None, None
        try:
            body = r.body.encode()
            async with client.stream("POST", r.url, content=body, headers=self.headers(r)) as response:
                status = response.status_code
                excerpt = await _excerpt(response)
        except AddressRefused as refused:
            error = f"not sent: {refused}"
        except httpx2.TimeoutException:
            error = f"no answer within {self.timeout:g} s"
        except httpx2.HTTPError as e:
            error = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        except Exception as e:  # noqa: BLE001  one bad delivery must not stop the others
            log.exception("webhook %s to %s failed unexpectedly", r.webhook_id, r.url)
            error = f"{type(e).__name__}: {e}"
        latency = round((time.perf_counter() - started) * 1000)
        return WebhookResult(r.key, status, latency, excerpt, error[:300] if error else None)


async def _excerpt(response: httpx2.Response) -> str:
    """The first EXCERPT characters of the answer, reading no more of it than that needs."""
    taken = bytearray()
    async for chunk in response.aiter_bytes():
        taken += chunk
        if len(taken) >= EXCERPT * 4:  # enough bytes for EXCERPT characters in any UTF-8
            break
    return taken.decode("utf-8", errors="replace")[:EXCERPT]
