"""WhatsApp's status webhook, served by the public gateway (handlers/app/gateway.py): what became of a message
after the Cloud API accepted it.

    GET  /webhooks/whatsapp   Meta's verification handshake: ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…
                              → the challenge as text/plain 200 when the token is WHATSAPP_WEBHOOK_VERIFY_TOKEN; else 403
    POST /webhooks/whatsapp   X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the App Secret>
                              → 200 {"statuses": n, "outcomes": {…}} once every status update is recorded

Meta posts `{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field": "messages", "value":
{"messaging_product", "metadata", "statuses": [{"id": wamid, "status", "timestamp", "recipient_id", "errors":
[{"code", "title", "message", "error_data": {"details"}, "href"}], "conversation"?, "pricing"?}]}}]}]}`; the same
field carries inbound `messages`, which this endpoint does not handle (tests/support/messaging_apis.py cites the
sources). Every status update goes to talvix.record_whatsapp_status() (migration 033), the only thing the gateway's
role may do with notifications: delivered_at, read_at, or a late failure with the provider's words.

The signature is checked over the exact bytes received, in constant time, before anything is parsed: the body is
the only proof the post comes from Meta. The answer is 200 only once every update is stored: a database fault answers
500 and Meta posts the batch again later (recording is idempotent, so a repeat changes nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiohttp import web

from handlers import queries
from listeners import Refused, json_body, json_response, secret_matches

log = logging.getLogger("talvix.gateway.whatsapp")
PATH = "/webhooks/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Meta batches status updates into one post; this leaves room for large batches without letting an unsigned
# sender make the gateway hash an endless body.
MAX_WEBHOOK_BYTES = 3 * 1024 * 1024
STATUSES = ("sent", "delivered", "read", "failed")


@dataclass(frozen=True)
class StatusUpdate:
    message_id: str  # the wamid the send was answered with (notifications.provider_message_id)
    status: str
    at: datetime
    error_code: int | None = None
    reason: str | None = None  # for 'failed': what is stored on the row


def signature_matches(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether `header` is `sha256=` and the HMAC-SHA256 of the raw body keyed with the App Secret (constant time)."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return secret_matches(header.removeprefix("sha256=").strip().lower(), expected)


def failure_reason(errors: Any) -> tuple[int | None, str]:
    """(code, the provider's words) of a failed status's `errors`, as the row stores them."""
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    raw_code = first.get("code")
    # Meta's codes are small; anything outside a Postgres integer is not one (and would fail the post).
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) and 0 <= raw_code < 2**31 else None
    title = str(first.get("message") or first.get("title") or "no reason given")
    data = first.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    said = f"{title}: {details}" if details and details != title else title
    where = "WhatsApp reported the message failed after accepting it" + (f", code {code}" if code is not None else "")
    return code, f"{where} ({said})"


def _moment(timestamp: Any) -> datetime:
    """The status's Unix time (Meta sends it as a string of seconds); now when it is missing or unreadable."""
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)


def status_updates(payload: Any) -> list[StatusUpdate]:
    """Every status update in a webhook post, in order. Anything else (inbound `messages`, other fields, shapes this
    code does not know) is passed over, never an error: Meta adds fields, and a refused post is posted again."""
    found: list[StatusUpdate] = []
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            statuses = value.get("statuses") if isinstance(value, dict) else None
            for status in statuses if isinstance(statuses, list) else []:
                if not isinstance(status, dict) or not isinstance(status.get("id"), str):
                    continue
                if status.get("status") not in STATUSES:
                    continue  # e.g. 'deleted' or 'warning': nothing a notification row records
                code, reason = failure_reason(status.get("errors")) if status["status"] == "failed" else (None, None)
                found.append(StatusUpdate(status["id"], status["status"], _moment(status.get("timestamp")), code, reason))
    return found


async def _raw_body(request: web.Request) -> bytes:
    """The body as received, at most MAX_WEBHOOK_BYTES (the gateway's own limit is sized for session captures)."""
    if request.content_length is not None and request.content_length > MAX_WEBHOOK_BYTES:
        raise Refused(413, f"body larger than {MAX_WEBHOOK_BYTES} bytes")
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_WEBHOOK_BYTES:
            raise Refused(413, f"body larger than {MAX_WEBHOOK_BYTES} bytes")
    return bytes(body)


def add_routes(app: web.Application, pool: asyncpg.Pool, *, app_secret: str, verify_token: str) -> None:
    async def verify(request: web.Request) -> web.Response:
        given = request.query.get("hub.verify_token", "")
        challenge = request.query.get("hub.challenge", "")
        token_ok = secret_matches(given, verify_token)
        if request.query.get("hub.mode") != "subscribe" or not token_ok or not challenge:
            raise Refused(403, "verification refused: hub.mode must be subscribe and hub.verify_token must match")
        log.info("WhatsApp webhook verified by Meta")
        return web.Response(text=challenge, content_type="text/plain")

    async def receive(request: web.Request) -> web.Response:
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not header.startswith("sha256="):  # refused before a byte of the body is read
            raise Refused(401, f"missing {SIGNATURE_HEADER} (sha256=<hex>)")
        raw = await _raw_body(request)
        if not signature_matches(raw, header, app_secret):
            raise Refused(401, f"{SIGNATURE_HEADER} does not match the body (check WHATSAPP_APP_SECRET)")
        try:
            # The project's strict reader: depth, number size, NUL and lone surrogates refused with a reason.
            payload = json_body.parse(raw)
        except json_body.BadBody as bad:
            raise Refused(400, f"the body is not acceptable JSON: {bad}") from None
        outcomes: Counter[str] = Counter()
        for update in status_updates(payload):
            outcome = await queries.record_whatsapp_status(
                pool,
                message_id=update.message_id,
                status=update.status,
                status_at=update.at,
                error_code=update.error_code,
                reason=update.reason,
            )
            outcomes[outcome] += 1
            if outcome == "unknown":
                log.info("WhatsApp status %s for an unknown message %s: ignored", update.status, update.message_id)
            elif outcome == "failed":
                log.info("WhatsApp message %s failed late: %s", update.message_id, update.reason)
        return json_response({"statuses": sum(outcomes.values()), "outcomes": dict(outcomes)})

    app.router.add_get(PATH, verify)
    app.router.add_post(PATH, receive)
