"""SMTP, from a URL: `smtp://host:port` (plain, for a relay on the same host or network),
`smtp+starttls://user:password@host:587` or `smtps://user:password@host:465`."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit


class MailError(Exception):
    """The message was not accepted; it can be sent again later."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, url: str, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError(f"FLEETBILL_SMTP_URL {url!r}: use smtp://host:port, smtp+starttls://... or smtps://...")
        self.scheme, self.host = parts.scheme, parts.hostname
        self.port = parts.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        try:
            if self.scheme == "smtps":
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.scheme == "smtp+starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as e:
            raise MailError(f"{self.host}:{self.port} did not take the message: {e}") from e
