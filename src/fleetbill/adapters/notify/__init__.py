"""Telling the operator's systems what happened: webhooks signed with Standard Webhooks (R22)."""

from .addresses import AddressRefused, check_host
from .webhook_sender import WebhookRequest, WebhookResult, WebhookSender

__all__ = ["AddressRefused", "WebhookRequest", "WebhookResult", "WebhookSender", "check_host"]
