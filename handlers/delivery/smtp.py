"""Email over SMTP (aiosmtplib): connect, STARTTLS when `TALVIX_SMTP_STARTTLS` (the default), sign in
when `TALVIX_SMTP_USERNAME` is set, then one message: From `TALVIX_SMTP_FROM`, To the address, Subject
the title, the body as plain text, and a Message-ID made from the notification's id. The server's
answer to the message ("250 2.0.0 Ok: queued as …") is kept as the provider's id.

Until the message is handed over nothing can have been sent, so a failure to connect, greet, start TLS
or sign in is tried again later (a 5xx reply or a refused sign-in is permanent). Then a 4xx reply (421,
450, 451, 452) is tried again, a 5xx one (550 recipient refused, 552, 554) is permanent, and a timeout
or a dropped connection while the message is being handed over is outcome unknown: the server may have
queued it.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from handlers.delivery.channels import DeliveryFailed, DeliverySettings, Message, redact


def reply_failure(step: str, code: int, said: str, secrets: list[str]) -> DeliveryFailed:
    """An SMTP reply that refused: 4xx is for now, 5xx for good."""
    reason = redact(f"the mail server refused {step}: {code} {said}".strip(), secrets)
    return DeliveryFailed(reason, outcome="retry" if 400 <= code < 500 else "permanent", code=code)


class Email:
    name = "email"

    def __init__(self, settings: DeliverySettings) -> None:
        assert settings.smtp_host is not None and settings.smtp_from is not None
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.username = settings.smtp_username
        self.password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        self.sender = settings.smtp_from
        self.starttls = settings.smtp_starttls
        self.timeout = settings.delivery_timeout_seconds
        self.secrets = settings.secrets()

    def compose(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.address
        email["Subject"] = " ".join(message.title.split())
        email["Date"] = formatdate(usegmt=True)
        domain = self.sender.rpartition("@")[2].strip(">") or "talvix.app"
        email["Message-ID"] = f"<{message.kind}-{message.notification_id}@{domain}>"
        if message.reply_to:
            email["Reply-To"] = message.reply_to
        email.set_content(message.body)
        return email

    async def send(self, message: Message) -> str | None:
        email = self.compose(message)
        client = aiosmtplib.SMTP(hostname=self.host, port=self.port, timeout=self.timeout, start_tls=self.starttls)
        try:
            try:
                await client.connect()
                if self.username and self.password:
                    await client.login(self.username, self.password)
            except aiosmtplib.SMTPAuthenticationError as exc:
                raise DeliveryFailed(
                    redact(
                        f"the mail server refused the sign-in ({exc.code} {exc.message}), check TALVIX_SMTP_USERNAME "
                        "and SMTP_PASSWORD",
                        self.secrets,
                    ),
                    outcome="permanent",
                    code=exc.code,
                ) from None
            except aiosmtplib.SMTPResponseException as exc:
                raise reply_failure("the connection", exc.code, exc.message, self.secrets) from None
            except (aiosmtplib.SMTPException, OSError) as exc:
                # Nothing was handed over yet: safe to try again.
                detail = redact(f"{type(exc).__name__}: {exc}", self.secrets)
                raise DeliveryFailed(
                    f"could not reach the mail server {self.host}:{self.port} ({detail})", outcome="retry"
                ) from None
            try:
                _, said = await client.send_message(email)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients[0]
                raise reply_failure(f"the recipient {message.address}", refused.code, refused.message, self.secrets) from None
            except aiosmtplib.SMTPResponseException as exc:
                raise reply_failure("the message", exc.code, exc.message, self.secrets) from None
            except (aiosmtplib.SMTPException, OSError) as exc:
                detail = redact(f"{type(exc).__name__}: {exc}", self.secrets)
                raise DeliveryFailed(
                    f"no answer from the mail server while handing over the message ({detail})", outcome="unknown"
                ) from None
            return said.strip()[:200] or None
        finally:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()
