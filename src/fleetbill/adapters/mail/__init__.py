"""Sending email: a Mailer port and its SMTP adapter (the standard library's smtplib)."""

from .smtp import Mailer, MailError, SmtpMailer

__all__ = ["MailError", "Mailer", "SmtpMailer"]
