"""SMTP, from a URL: `smtp://host:port` (plain, for a relay on the same host or network),
`smtp+starttls://user:password@host:587` or `smtps://user:password@host:465`.

`send_many` sends a batch on one connection and says, message by message, what became of it:
accepted, refused for good (a 5xx answer about that message, an address the server cannot take),
or not sent for now (the server is down, slow or answered 4xx). After a "for now" it stops: the
server is unwell, and the rest of the batch waits for the next run.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit


class MailError(Exception):
    """The message was not accepted. `permanent`: the server refused this message for good (it
    will never take it; do not try again); otherwise it can be sent again later."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def send_many(self, messages: Sequence[EmailMessage]) -> list[MailError | None]:
        """One outcome per message tried, in order: None when accepted. Stops after the first
        error that is not permanent, so the list may be shorter than `messages`."""
        ...


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
        [outcome] = self.send_many([message])
        if outcome is not None:
            raise outcome

    def send_many(self, messages: Sequence[EmailMessage]) -> list[MailError | None]:
        if not messages:
            return []
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as e:
            return [MailError(f"{self.host}:{self.port} did not take the message: {e}")]
        outcomes: list[MailError | None] = []
        try:
            for message in messages:
                outcome = self._send_one(client, message)
                outcomes.append(outcome)
                if outcome is not None and not outcome.permanent:
                    break
        finally:
            _hang_up(client)
        return outcomes

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if self.username:
                client.login(self.username, self.password or "")
        except BaseException:
            client.close()
            raise
        return client

    def _send_one(self, client: smtplib.SMTP, message: EmailMessage) -> MailError | None:
        where = f"{self.host}:{self.port}"
        try:
            # smtplib asks for SMTPUTF8 by itself when an address is not ASCII and the server
            # offers it; when it does not, it raises SMTPNotSupportedError before MAIL FROM.
            client.send_message(message)
        except smtplib.SMTPRecipientsRefused as e:
            code, text = next(iter(e.recipients.values()))
            return _answer(where, "refused the recipient", code, text)
        except smtplib.SMTPSenderRefused as e:
            # Our From address, the same for every message: a setting to fix, not this
            # message's fault, so it is tried again once the setting (or the server) is fixed.
            return MailError(f"{where} refused the sender {e.sender}: {e.smtp_code} {_text(e.smtp_error)}")
        except smtplib.SMTPNotSupportedError as e:
            return MailError(f"{where} cannot take this address: {e}", permanent=True)
        except smtplib.SMTPResponseException as e:  # SMTPDataError and the like
            return _answer(where, "refused the message", e.smtp_code, e.smtp_error)
        except (OSError, smtplib.SMTPException) as e:
            return MailError(f"{where} did not take the message: {e}")
        except (ValueError, UnicodeError, LookupError) as e:
            return MailError(f"the message could not be written for {where}: {e}", permanent=True)
        return None


def _answer(where: str, what: str, code: int, text: bytes | str) -> MailError:
    """5xx is the server's final word on this message; anything else (4xx) may pass later."""
    return MailError(f"{where} {what}: {code} {_text(text)}", permanent=500 <= code <= 599)


def _text(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def _hang_up(client: smtplib.SMTP) -> None:
    """QUIT once the batch is done; what the server says to it changes nothing it accepted."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        client.close()
