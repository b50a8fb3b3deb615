"""Which addresses a webhook may connect to (SSRF): the host is resolved with getaddrinfo when an
endpoint is saved and again at every connection a delivery opens, since DNS can change between
the two; a name resolving to any loopback, private, link-local, multicast or reserved address is
refused (domain.webhooks.forbidden_address), unless the installation allows private addresses."""

from __future__ import annotations

import asyncio
import socket

from ...domain.webhooks import forbidden_address


class AddressRefused(Exception):
    """fleetbill will not connect there; the message says why and what to do."""


ALLOW_HINT = "set FLEETBILL_WEBHOOKS_ALLOW_PRIVATE=true only if the receiver is on your own network"


def _unique(infos) -> list[str]:
    return list(dict.fromkeys(info[4][0] for info in infos))


def allowed(host: str, addresses: list[str], allow_private: bool) -> list[str]:
    """`addresses` (those `host` resolved to), or AddressRefused if one of them is forbidden: a
    name that resolves to a public and a private address is refused whole."""
    if not addresses:
        raise AddressRefused(f"{host} resolves to no address")
    if not allow_private:
        for address in addresses:
            if why := forbidden_address(address):
                named = "" if address == host else f"{host} resolves to {address}, and "
                raise AddressRefused(f"{named}{why}: webhooks are not sent there ({ALLOW_HINT})")
    return addresses


def check_host(host: str, port: int, allow_private: bool) -> list[str]:
    """Resolve `host` now and return its addresses, or AddressRefused (also when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise AddressRefused(f"{host} does not resolve ({e}); check the host name") from None
    return allowed(host, _unique(infos), allow_private)


async def check_host_async(host: str, port: int, allow_private: bool) -> list[str]:
    """check_host without blocking the event loop."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise AddressRefused(f"{host} does not resolve ({e})") from None
    return allowed(host, _unique(infos), allow_private)
