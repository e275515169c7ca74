"""What every delivery channel shares: its settings, the message, and the three ways a send fails.

A channel's `send` returns the provider's message id (or None when it gives none) or raises
DeliveryFailed saying which of these it was:

- `retry`: nothing was delivered and a later send may work (429, 5xx, a refused connection);
- `permanent`: this message will never go (a blocked bot, an address outside the allowed list,
  a refused recipient, a refused token); `address_unreachable` when no later message to that address
  will go either (the channel is then switched off for the user);
- `unknown`: the request may have reached the provider but no answer came (a timeout or a dropped
  connection after sending). None of the three APIs takes an idempotency key, so sending again could
  deliver it twice: it is failed, never resent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol
from uuid import UUID

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.skills.http_client import ServiceError

Outcome = Literal["retry", "permanent", "unknown"]
CHANNELS = ("whatsapp", "telegram", "email")


class DeliverySettings(BaseSettings):
    """Where each channel's API is and its credentials. A channel without its settings is not configured
    (its notifications fail saying which keys are missing); half a channel's settings stop start-up."""

    model_config = SettingsConfigDict(env_prefix="TALVIX_", extra="ignore", env_file=None, frozen=True)

    # One request's timeout (HTTP), or each SMTP step's; keep it well under delivery_lease_seconds.
    delivery_timeout_seconds: float = Field(default=20.0, gt=0, le=60)

    whatsapp_access_token: SecretStr | None = Field(default=None, validation_alias="WHATSAPP_ACCESS_TOKEN")
    whatsapp_phone_number_id: str | None = Field(default=None, validation_alias="WHATSAPP_PHONE_NUMBER_ID")
    whatsapp_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    # An approved template sent instead when a free-form message is refused outside the 24-hour
    # customer-service window (131047). It takes one body parameter: the notification's title.
    whatsapp_template: str | None = None
    whatsapp_template_language: str = "en"

    telegram_bot_token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str = "https://api.telegram.org"

    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = Field(default=None, validation_alias="SMTP_PASSWORD")
    smtp_from: str | None = None
    smtp_starttls: bool = True

    @model_validator(mode="after")
    def _whole_channels(self) -> DeliverySettings:
        problems = []
        if bool(self.whatsapp_access_token) != bool(self.whatsapp_phone_number_id):
            problems.append("WhatsApp needs both WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID")
        if self.smtp_host and not self.smtp_from:
            problems.append("email needs TALVIX_SMTP_FROM with TALVIX_SMTP_HOST")
        if bool(self.smtp_username) != bool(self.smtp_password):
            problems.append("SMTP sign-in needs both TALVIX_SMTP_USERNAME and SMTP_PASSWORD")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def missing(self, channel: str) -> str | None:
        """Why `channel` cannot send on this worker (the keys to set), or None when it can."""
        if channel == "whatsapp" and not self.whatsapp_access_token:
            return "WhatsApp is not configured on this worker (set WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID)"
        if channel == "telegram" and not self.telegram_bot_token:
            return "Telegram is not configured on this worker (set TELEGRAM_BOT_TOKEN)"
        if channel == "email" and not self.smtp_host:
            return "email is not configured on this worker (set TALVIX_SMTP_HOST and TALVIX_SMTP_FROM)"
        return None

    def secrets(self) -> list[str]:
        """Every secret value, to take out of any text that is stored or logged."""
        values = [s.get_secret_value() for s in (self.whatsapp_access_token, self.telegram_bot_token, self.smtp_password) if s]
        return [v for v in values if v]


@dataclass(frozen=True)
class Message:
    notification_id: UUID  # the row it comes from: a notification, or a follow-up (see `kind`)
    address: str  # E.164 phone, Telegram chat id, or email address
    title: str
    body: str
    reply_to: str | None = None  # email: where answers go (a follow-up's recruiter answers the user)
    kind: str = "notification"  # names the row in the email's Message-ID


class DeliveryFailed(Exception):
    """A send that did not deliver; `outcome` says what may follow (see the module docstring)."""

    def __init__(
        self,
        reason: str,
        *,
        outcome: Outcome,
        retry_after: float | None = None,
        code: int | None = None,
        address_unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.outcome = outcome
        self.retry_after = retry_after  # what the provider asked us to wait, if it said
        self.code = code  # the provider's error code, if it gave one
        # The provider said this address can receive nothing more on this channel (a blocked bot, a deleted account, a
        # number without WhatsApp): every later message would fail the same way, so the channel is switched off.
        self.address_unreachable = address_unreachable


class Channel(Protocol):
    name: str

    async def send(self, message: Message) -> str | None: ...


def compose(title: str, body: str, limit: int, *, bold_title: str = "") -> str:
    """The title on its own line, then the body, cut to the channel's `limit` characters."""
    text = f"{bold_title}{title.strip()}{bold_title}\n\n{body.strip()}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


def transport_failure(service: str, exc: ServiceError, secrets: list[str]) -> DeliveryFailed:
    """An HTTP request that got no answer: tried again when it never left (no connection could be
    made), outcome unknown when it may have reached the provider (a timeout, a dropped connection)."""
    detail = str(exc).removeprefix(f"{service}: ")
    if wrapped := re.fullmatch(r"gave up after \d+ attempts \((.*)\)", detail, re.DOTALL):
        detail = wrapped[1]  # PoliteClient's summary of its one attempt: the error itself is enough
    detail = redact(detail, secrets)
    if exc.unsent:
        return DeliveryFailed(f"could not reach {service} ({detail})", outcome="retry")
    return DeliveryFailed(f"no answer from {service} ({detail})", outcome="unknown")
