"""notification_delivery against the WhatsApp Cloud API and Telegram Bot API stand-ins
(tests/support/messaging_apis.py) and a real SMTP server (aiosmtpd, tests/support/smtp_server.py), with
real workers on a real database: what each API is sent, retries, permanent failures, addresses, rate
windows, two workers at once, a worker killed mid-send, and secrets."""

from __future__ import annotations

import json
import socket
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from handlers import queries
from handlers.apply import anti_ban_guard as guard
from listeners.registry import REGISTRY
from tests.support.messaging_apis import MessagingAPIs
from tests.support.smtp_server import SMTPServer
from tests.support.waiting import wait_for
from tests.support.workers import WorkerProcess, running_worker

WA_TOKEN = "EAAGdelivery-test-token-4f1c9a"
WA_PHONE_ID = "109876543210987"
TG_TOKEN = "7012345678:AAH-delivery_test-token-9b2e7d"
SMTP_USER, SMTP_PASSWORD = "talvix-relay", "smtp-pass-6d3f0b2a"
SECRETS = (WA_TOKEN, TG_TOKEN, SMTP_PASSWORD)
DELIVERY = REGISTRY["notification_delivery"]


@pytest.fixture
async def apis() -> AsyncIterator[MessagingAPIs]:
    stand_in = MessagingAPIs(whatsapp_token=WA_TOKEN, whatsapp_phone_number_id=WA_PHONE_ID, telegram_token=TG_TOKEN)
    runner = await stand_in.start()
    yield stand_in
    stand_in.recover()
    await runner.cleanup()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer(SMTP_USER, SMTP_PASSWORD)
    server.start()
    yield server
    server.stop()


def delivery_env(apis: MessagingAPIs, smtp: SMTPServer) -> dict[str, str]:
    return {
        "WHATSAPP_ACCESS_TOKEN": WA_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_ID,
        "TALVIX_WHATSAPP_BASE_URL": apis.origin,
        "TELEGRAM_BOT_TOKEN": TG_TOKEN,
        "TALVIX_TELEGRAM_BASE_URL": apis.origin,
        "TALVIX_SMTP_HOST": "127.0.0.1",
        "TALVIX_SMTP_PORT": str(smtp.port),
        "TALVIX_SMTP_USERNAME": SMTP_USER,
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "TALVIX_SMTP_FROM": "Talvix <alerts@talvix.test>",
        "TALVIX_SMTP_STARTTLS": "false",
        "TALVIX_DELIVERY_TIMEOUT_SECONDS": "5",
    }


@pytest.fixture
async def channels(
    apis: MessagingAPIs, smtp: SMTPServer, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> tuple[MessagingAPIs, SMTPServer]:
    """Both stand-ins, the worker's settings pointing at them, and retries a second apart instead of 30 s."""
    for name, value in delivery_env(apis, smtp).items():
        monkeypatch.setenv(name, value)
    await set_limits(db, delivery_retry_base_seconds=1, delivery_retry_max_seconds=2)
    return apis, smtp


async def set_limits(db: asyncpg.Connection, **values: int) -> None:
    for name, value in values.items():
        assert await db.execute("UPDATE talvix.limits SET value = $2 WHERE name = $1", name, value) == "UPDATE 1", name


async def person(db: asyncpg.Connection, *, verified: bool = True, active: bool = True, **addresses: str) -> uuid.UUID:
    """A user, with one user_notification_channels row per channel named (whatsapp=…, telegram=…, email=…)."""
    uid = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, $2)", uid, f"{uid.hex[:8]}@account.test")
    for channel, address in addresses.items():
        await db.execute(
            "INSERT INTO user_notification_channels (user_id, channel, address, is_active, verified_at) "
            "VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)",
            uid,
            channel,
            address,
            active,
            verified,
        )
    return uid


async def notify(
    db: asyncpg.Connection, user: uuid.UUID, channel: str, title: str, body: str = "Details in Talvix.", expires: str = "2 days"
) -> uuid.UUID:
    notification_id: uuid.UUID = await db.fetchval(
        "INSERT INTO notifications (user_id, channel, event_type, title, body, expires_at) "
        "VALUES ($1, $2, 'test', $3, $4, now() + $5::text::interval) RETURNING id",
        user,
        channel,
        title,
        body,
        expires,
    )
    return notification_id


async def row(db: asyncpg.Connection, notification_id: uuid.UUID) -> asyncpg.Record:
    found = await db.fetchrow("SELECT * FROM notifications WHERE id = $1", notification_id)
    assert found is not None
    return found


async def settled(db: asyncpg.Connection, *ids: uuid.UUID, timeout: float = 20) -> dict[uuid.UUID, asyncpg.Record]:
    """Wait until every notification is sent or failed; their rows."""

    async def check() -> bool:
        return bool(
            await db.fetchval("SELECT bool_and(status IN ('sent', 'failed')) FROM notifications WHERE id = ANY($1)", list(ids))
        )

    try:
        await wait_for(check, timeout=timeout, message=f"{len(ids)} notifications settled")
    except AssertionError as timed_out:
        states = await db.fetch("SELECT status, attempts, delivery_error FROM notifications WHERE id = ANY($1)", list(ids))
        raise AssertionError(f"{timed_out}: {[tuple(r) for r in states]}") from None
    return {r["id"]: r for r in await db.fetch("SELECT * FROM notifications WHERE id = ANY($1)", list(ids))}


# ------------------------------------------------------------------------------ each channel


async def test_each_channel_gets_the_documented_request(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, smtp = channels
    asha = await person(db, whatsapp="+919876543210", telegram="424242", email="asha@mail.test")
    ravi = await person(db)  # no channel rows: email goes to the account's address
    wa = await notify(db, asha, "whatsapp", "Auto-apply paused", "Reconnect LinkedIn in Talvix.")
    tg = await notify(db, asha, "telegram", "Your linkedin session expires in 3 days", "Reconnect before Friday.")
    mail = await notify(db, asha, "email", "Interview  tips\nfor Druva", "Line one.\nLine two.")
    account_mail = await notify(db, ravi, "email", "Welcome to Talvix")
    dashboard = await notify(db, asha, "dashboard", "Shown in the app only")

    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, wa, tg, mail, account_mail)
        # With nothing left to send, delivery goes quiet: no run queued, no loop of empty runs.
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 0 FROM talvix.events WHERE agent = 'notification_delivery' AND status IN ('pending', 'running')"
            ),
            timeout=10,
            message="delivery went quiet",
        )
    assert await db.fetchval("SELECT count(*) FROM agent_logs WHERE agent_name = 'notification_delivery'") <= 3
    assert {r["status"] for r in rows.values()} == {"sent"}, {r["id"]: r["delivery_error"] for r in rows.values()}
    assert all(r["attempts"] == 1 and r["sent_at"] is not None and r["delivery_error"] is None for r in rows.values())

    [wa_request] = apis.requests_for("whatsapp")
    assert (wa_request.method, wa_request.path) == ("POST", f"/v21.0/{WA_PHONE_ID}/messages")
    assert wa_request.headers["Authorization"] == "Bearer ***"
    assert wa_request.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "919876543210",
        "type": "text",
        "text": {"body": "*Auto-apply paused*\n\nReconnect LinkedIn in Talvix.", "preview_url": False},
    }
    [wa_sent] = apis.sent("whatsapp")
    assert (wa_sent.recipient, rows[wa]["provider_message_id"]) == ("919876543210", wa_sent.message_id)

    [tg_request] = apis.requests_for("telegram")
    assert (tg_request.method, tg_request.path) == ("POST", "/bot***/sendMessage")
    assert tg_request.body == {
        "chat_id": 424242,
        "text": "Your linkedin session expires in 3 days\n\nReconnect before Friday.",
        "link_preview_options": {"is_disabled": True},
    }
    [tg_sent] = apis.sent("telegram")
    assert rows[tg]["provider_message_id"] == str(tg_sent.message_id)

    by_recipient = {m.rcpt_tos[0]: m for m in smtp.mails}
    assert sorted(by_recipient) == sorted(["asha@mail.test", f"{ravi.hex[:8]}@account.test"])
    sent = by_recipient["asha@mail.test"]
    assert (sent.mail_from, sent.login) == ("alerts@talvix.test", SMTP_USER)
    assert sent.message["Subject"] == "Interview tips for Druva"
    assert sent.message["From"] == "Talvix <alerts@talvix.test>" and sent.message["To"] == "asha@mail.test"
    assert sent.message["Message-ID"] == f"<notification-{mail}@talvix.test>"
    assert sent.message.get_content().replace("\r\n", "\n").strip() == "Line one.\nLine two."  # CRLF on the wire
    assert rows[mail]["provider_message_id"] == f"2.0.0 Ok: queued as {sent.queue_id}"

    # The dashboard row woke nothing and was sent nowhere.
    assert (await row(db, dashboard))["status"] == "pending"
    assert len(apis.requests) == 2 and len(smtp.mails) == 2


async def test_whatsapp_outside_the_window_falls_back_to_the_configured_template(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    apis, _ = channels
    monkeypatch.setenv("TALVIX_WHATSAPP_TEMPLATE", "talvix_update")
    apis.add_template("talvix_update", language="en", body="Talvix: {{1}}. Open the app for details.")
    apis.outside_window("+919812345678")
    ravi = await person(db, whatsapp="+919812345678")
    told = await notify(db, ravi, "whatsapp", "Auto-apply\npaused", "Long explanation that the template cannot carry.")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, told)
    assert rows[told]["status"] == "sent"
    free_form, template = apis.requests_for("whatsapp")
    assert free_form.body["type"] == "text" and template.body["type"] == "template"
    assert template.body["template"] == {
        "name": "talvix_update",
        "language": {"code": "en"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Auto-apply paused"}]}],
    }
    [sent] = apis.sent("whatsapp")  # the refused free-form text was never delivered: one message in all
    assert (sent.kind, sent.text) == ("template", "Talvix: Auto-apply paused. Open the app for details.")
    assert rows[told]["provider_message_id"] == sent.message_id


# ------------------------------------------------------------------------------- retries


async def test_429_and_5xx_are_retried_with_backoff_then_delivered_exactly_once(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, smtp = channels
    asha = await person(db, whatsapp="+919876543210", telegram="424242", email="asha@mail.test")
    apis.throttle("telegram", times=1, retry_after=1)  # 429 Too Many Requests: retry after 1
    apis.fail("whatsapp", status=500, times=1)  # Graph's transient code 2
    smtp.greylist("asha@mail.test", times=1)  # 450 4.2.0 Greylisted
    tg = await notify(db, asha, "telegram", "New matches")
    wa = await notify(db, asha, "whatsapp", "New matches")
    mail = await notify(db, asha, "email", "New matches")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, tg, wa, mail)
    assert {r["status"] for r in rows.values()} == {"sent"}
    assert [rows[i]["attempts"] for i in (tg, wa, mail)] == [2, 2, 2]
    assert all(r["delivery_error"] is None for r in rows.values())
    assert (len(apis.requests_for("telegram")), len(apis.sent("telegram"))) == (2, 1)
    assert (len(apis.requests_for("whatsapp")), len(apis.sent("whatsapp"))) == (2, 1)
    assert (smtp.rcpt_attempts, len(smtp.mails)) == (["asha@mail.test"] * 2, 1)
    # Each first send was recorded as failing for now, with a retry queued.
    logs = await db.fetch("SELECT metadata FROM agent_logs WHERE agent_name = 'notification_delivery' ORDER BY id")
    assert sum(r["metadata"].get("retrying", 0) for r in logs) == 3


async def test_after_the_last_attempt_the_row_fails_with_the_last_error(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, _ = channels
    await set_limits(db, delivery_max_attempts=2)
    apis.fail("telegram", status=503)
    asha = await person(db, telegram="424242")
    tg = await notify(db, asha, "telegram", "New matches")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, tg)
    assert (rows[tg]["status"], rows[tg]["attempts"]) == ("failed", 2)
    assert rows[tg]["delivery_error"] == "gave up after 2 attempts: Telegram answered HTTP 503 (Service Unavailable)"
    assert (len(apis.requests_for("telegram")), len(apis.sent("telegram"))) == (2, 0)


async def test_an_unreachable_api_is_retried_but_a_missing_answer_is_never_resent(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    apis, _ = channels
    await set_limits(db, delivery_max_attempts=2)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("TALVIX_WHATSAPP_BASE_URL", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("TALVIX_DELIVERY_TIMEOUT_SECONDS", "0.5")
    apis.delay("telegram", 3)  # the request arrives; the answer never does in time
    asha = await person(db, whatsapp="+919876543210", telegram="424242")
    wa = await notify(db, asha, "whatsapp", "Unreachable")
    tg = await notify(db, asha, "telegram", "Slow")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, wa, tg)
    assert (rows[wa]["status"], rows[wa]["attempts"]) == ("failed", 2)
    assert rows[wa]["delivery_error"].startswith("gave up after 2 attempts: could not reach whatsapp (ClientConnectorError")
    assert (rows[tg]["status"], rows[tg]["attempts"]) == ("failed", 1)
    assert rows[tg]["delivery_error"].startswith(
        "outcome unknown, not sent again so it is never delivered twice: no answer from telegram"
    )
    assert len(apis.requests_for("telegram")) == 1


# ----------------------------------------------------------------------- permanent failures


async def test_permanent_errors_fail_at_once_with_the_providers_reason(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, smtp = channels
    apis.block(555)
    apis.outside_window("+919811111111")
    apis.not_allowed("+919822222222")
    smtp.refuse("gone@mail.test")
    blocked = await notify(db, await person(db, telegram="555"), "telegram", "x")
    outside = await notify(db, await person(db, whatsapp="+919811111111"), "whatsapp", "x")
    not_allowed = await notify(db, await person(db, whatsapp="+919822222222"), "whatsapp", "x")
    refused = await notify(db, await person(db, email="gone@mail.test"), "email", "x")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, blocked, outside, not_allowed, refused)
    assert {r["status"] for r in rows.values()} == {"failed"}
    assert {r["attempts"] for r in rows.values()} == {1}
    assert rows[blocked]["delivery_error"] == "Telegram answered HTTP 403 (Forbidden: bot was blocked by the user)"
    assert rows[outside]["delivery_error"] == (
        "WhatsApp answered HTTP 400, code 131047: outside WhatsApp's 24-hour customer-service window a free-form "
        "message is refused, and no template is configured (TALVIX_WHATSAPP_TEMPLATE) ((#131047) Re-engagement message: "
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.)"
    )
    assert rows[not_allowed]["delivery_error"] == (
        "WhatsApp answered HTTP 400, code 131030 ((#131030) Recipient phone number not in allowed list: Recipient phone "
        "number not in allowed list: Add recipient phone number to recipient list and try again.)"
    )
    assert rows[refused]["delivery_error"] == (
        "the mail server refused the recipient gone@mail.test: 550 5.1.1 <gone@mail.test>: Recipient address rejected: "
        "User unknown in virtual mailbox table"
    )
    assert (len(apis.requests_for("telegram")), len(apis.requests_for("whatsapp")), smtp.rcpt_attempts) == (
        1,
        2,
        ["gone@mail.test"],
    )
    assert apis.sent("telegram") == apis.sent("whatsapp") == [] and smtp.mails == []


async def test_no_usable_address_fails_without_a_request(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, smtp = channels
    nobody = await person(db)
    switched_off = await person(db, active=False, telegram="777", email="off@mail.test")
    unverified = await person(db, verified=False, whatsapp="+919833333333")
    cases = {
        await notify(db, nobody, "telegram", "x"): "the user has no telegram address (user_notification_channels)",
        await notify(db, nobody, "whatsapp", "x"): "the user has no whatsapp address (user_notification_channels)",
        await notify(db, switched_off, "telegram", "x"): "the user switched their telegram notifications off",
        # An email row switched off is an opt-out: the account's address is not used either.
        await notify(db, switched_off, "email", "x"): "the user switched their email notifications off",
        await notify(db, unverified, "whatsapp", "x"): "the user's whatsapp address is not verified yet",
    }
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, *cases)
    assert {i: (r["status"], r["delivery_error"]) for i, r in rows.items()} == {i: ("failed", why) for i, why in cases.items()}
    assert apis.requests == [] and smtp.rcpt_attempts == []


async def test_expired_and_unconfigured_channels_are_not_sent(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    apis, _ = channels
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    asha = await person(db, whatsapp="+919876543210", telegram="424242")
    expired = await notify(db, asha, "whatsapp", "Too late", expires="-1 minute")
    unconfigured = await notify(db, asha, "telegram", "No bot")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, expired, unconfigured)
    assert rows[expired]["status"] == "failed" and rows[expired]["delivery_error"].startswith("expired at ")
    assert rows[expired]["attempts"] == 0
    assert rows[unconfigured]["delivery_error"] == "Telegram is not configured on this worker (set TELEGRAM_BOT_TOKEN)"
    assert apis.requests == []


# ------------------------------------------------------------------------------ at most once


async def test_two_workers_at_once_never_send_a_row_twice(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, _ = channels
    apis.delay("telegram", 0.2)  # each send takes a while, so both workers are draining at once
    users = [await person(db, telegram=str(1000 + i)) for i in range(6)]
    first = await db.fetchval(
        "WITH n AS (INSERT INTO notifications (user_id, channel, event_type, title, body, expires_at) "
        "SELECT u, 'telegram', 'test', 'first ' || g, 'b', now() + interval '1 day' "
        "FROM unnest($1::uuid[]) u, generate_series(1, 5) g RETURNING 1) SELECT count(*) FROM n",
        users,
    )
    one = dict(prefetch_factor=0.0, worker_id="delivery-one")
    two = dict(prefetch_factor=0.0, worker_id="delivery-two")
    async with running_worker(database_url, [DELIVERY], **one), running_worker(database_url, [DELIVERY], **two):
        await wait_for(lambda: db.fetchval("SELECT count(*) > 0 FROM notifications WHERE status = 'sent'"), message="first sends")
        for i in range(30):  # more rows while the first run drains: new events, which the other worker claims
            await notify(db, users[i % 6], "telegram", f"second {i}")
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = $1 FROM notifications WHERE status = 'sent'", first + 30),
            timeout=60,
            message="all sent",
        )
    sent = apis.sent("telegram")
    assert len(sent) == first + 30 == len(apis.requests_for("telegram"))
    assert max(Counter((s.recipient, s.text) for s in sent).values()) == 1
    senders = Counter(r["claimed_by"] for r in await db.fetch("SELECT claimed_by FROM notifications"))
    assert set(senders) == {"delivery-one", "delivery-two"}, senders  # both really sent


async def test_a_worker_killed_mid_send_does_not_lead_to_a_second_send(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer], tmp_path: Path
) -> None:
    apis, smtp = channels
    await set_limits(db, delivery_lease_seconds=1)
    apis.delay("telegram", 60)  # the request arrives, the answer never does
    asha = await person(db, telegram="424242")
    told = await notify(db, asha, "telegram", "Sent once at most")
    env = {**delivery_env(apis, smtp), "TALVIX_HANDLER_MODULES": "handlers", "TALVIX_AGENTS": "notification_delivery"}
    victim = WorkerProcess(database_url, tmp_path / "victim.log", "victim", extra_env=env)
    try:
        await wait_for(lambda: db.fetchval("SELECT status = 'sending' FROM notifications WHERE id = $1", told), timeout=30)
        await wait_for(lambda: _async(len(apis.requests_for("telegram")) == 1), message="request in flight")
    finally:
        victim.kill()
    apis.recover()
    async with running_worker(database_url, [DELIVERY]):  # its event comes back when the dead worker's lease runs out
        rows = await settled(db, told)
    assert rows[told]["status"] == "failed"
    assert rows[told]["delivery_error"].startswith("outcome unknown: the send that started at ")
    assert len(apis.requests_for("telegram")) == 1  # never asked again
    for secret in SECRETS:
        assert secret not in victim.log_text()


async def _async(value: Any) -> Any:
    return value


# ----------------------------------------------------------------------------- rate limits


async def test_each_channel_keeps_to_its_rate_across_windows(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, _ = channels
    await set_limits(db, delivery_window_seconds=3600, delivery_telegram_per_window=3)
    asha = await person(db, telegram="424242", whatsapp="+919876543210")
    ids = [await notify(db, asha, "telegram", f"match {i}") for i in range(5)]
    other = await notify(db, asha, "whatsapp", "WhatsApp has its own rate")
    window_ends = await db.fetchval(
        "SELECT date_bin(interval '1 hour', now(), timestamptz '2000-01-01 00:00:00+00') + interval '1 hour'"
    )
    async with running_worker(database_url, [DELIVERY]):
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) FILTER (WHERE status = 'sent') = 3 "
                "AND count(*) FILTER (WHERE status = 'pending' AND next_attempt_at IS NOT NULL) = 2 "
                "FROM notifications WHERE channel = 'telegram'"
            ),
            message="three sent, two waiting",
        )
        await settled(db, other)
        assert len(apis.requests_for("telegram")) == 3  # this window's three, counted at the API
        waiting = await db.fetch("SELECT * FROM notifications WHERE channel = 'telegram' AND status = 'pending'")
        assert {(r["attempts"], r["next_attempt_at"]) for r in waiting} == {(0, window_ends)}  # no attempt spent
        # The run queued the next one for when the window ends.
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) > 0 FROM talvix.events WHERE agent = 'notification_delivery' AND status = 'pending' "
                "AND run_after BETWEEN $1::timestamptz - interval '5 seconds' AND $1::timestamptz + interval '5 seconds'",
                window_ends,
            ),
            message="a run queued for the next window",
        )
        # The next window: the window's record and the waiting rows as they will be an hour from now.
        await db.execute("UPDATE talvix.delivery_windows SET window_start = window_start - interval '1 hour'")
        await db.execute("UPDATE notifications SET next_attempt_at = now() WHERE status = 'pending'")
        ids.append(await notify(db, asha, "telegram", "match 5"))
        await settled(db, *ids)
    assert len(apis.requests_for("telegram")) == 6  # three in each window
    assert await db.fetchval("SELECT max(sent) FROM talvix.delivery_windows WHERE channel = 'telegram'") == 3
    assert len(apis.sent("whatsapp")) == 1


# --------------------------------------------------------------------------------- secrets


async def test_secrets_never_reach_a_row_or_the_run_logs(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    apis, _ = channels
    apis.revoke_token("telegram")  # 401 Unauthorized
    apis.expire_token()  # WhatsApp 190, session expired
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD + "-wrong")  # 535 on sign-in
    asha = await person(db, whatsapp="+919876543210", telegram="424242", email="asha@mail.test")
    ids = [await notify(db, asha, channel, "x") for channel in ("telegram", "whatsapp", "email")]
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, *ids)
    errors = [rows[i]["delivery_error"] for i in ids]
    assert errors[0].startswith("Telegram answered HTTP 401: the bot token was refused, check TELEGRAM_BOT_TOKEN")
    assert errors[1].startswith("WhatsApp answered HTTP 401, code 190: the access token was refused")
    assert errors[2].startswith("the mail server refused the sign-in (535")
    # A base URL that cannot be parsed puts the whole URL, token and all, into the error: taken out.
    monkeypatch.setenv("TALVIX_TELEGRAM_BASE_URL", "http://127.0.0.1:notaport")
    bad_url = await notify(db, asha, "telegram", "y")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, bad_url)
    assert "[redacted]" in rows[bad_url]["delivery_error"]
    stored = "\n".join(
        [
            *(json.dumps(dict(r), default=str) for r in await db.fetch("SELECT * FROM notifications")),
            *(json.dumps(dict(r), default=str) for r in await db.fetch("SELECT * FROM agent_logs")),
            *(json.dumps(dict(r), default=str) for r in await db.fetch("SELECT * FROM talvix.events")),
        ]
    )
    for secret in (*SECRETS, SMTP_PASSWORD + "-wrong"):
        assert secret not in stored


# ------------------------------------------------------------------- what goes out through it


async def test_a_guard_pause_and_a_session_warning_reach_the_users_channels(
    db: asyncpg.Connection, database_url: str, channels: tuple[MessagingAPIs, SMTPServer]
) -> None:
    apis, smtp = channels
    paused = await person(db, whatsapp="+919876543210", telegram="424242")
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ('fp-delivery', 'Engineer', 'Acme', 'https://j.example', 'linkedin') RETURNING id"
    )
    application = await db.fetchval(
        "INSERT INTO job_applications (user_id, job_id, platform, auto_status) VALUES ($1, $2, 'linkedin', 'ready') RETURNING id",
        paused,
        job,
    )
    warned = await person(db, email="ravi@mail.test")
    await db.execute(
        "INSERT INTO user_connections (user_id, platform, session_encrypted, session_iv, estimated_expires_at) "
        "VALUES ($1, 'linkedin', 'x', 'y', now() + interval '2 days 1 hour')",
        warned,
    )
    block = guard.Decision("block", "risk 95 reached the block threshold: 2 captchas in 24 h (+20)", 95)
    async with running_worker(database_url, [DELIVERY]):
        await guard.record(db, application, block)
        await guard.record(db, application, block)  # already paused: nobody is told twice
        sweep = await queries.session_expiry_sweep(db)
        assert (sweep["warned"], sweep["told"], sweep["to_deliver"]) == (1, 1, 1)
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 3 FROM notifications WHERE status = 'sent'"), message="three delivered"
        )
    told = await db.fetch("SELECT user_id, channel, event_type, status FROM notifications ORDER BY user_id, channel")
    assert sorted((r["user_id"], r["channel"], r["event_type"], r["status"]) for r in told) == sorted(
        [
            (paused, "dashboard", "auto_apply_paused", "pending"),  # the app shows it
            (paused, "telegram", "auto_apply_paused", "sent"),
            (paused, "whatsapp", "auto_apply_paused", "sent"),
            (warned, "dashboard", "session_expiring", "pending"),
            (warned, "email", "session_expiring", "sent"),
        ]
    )
    [tg] = apis.sent("telegram")
    assert tg.text.startswith("Talvix paused your auto-apply\n\nAuto-apply is paused to protect your account: risk 95")
    [wa] = apis.sent("whatsapp")
    assert wa.text.startswith("*Talvix paused your auto-apply*")
    [mail] = smtp.mails
    assert (mail.rcpt_tos, mail.message["Subject"]) == (["ravi@mail.test"], "Your linkedin session expires in 3 days")


# -------------------------------------------------------------------------- the schema itself


async def test_users_manage_their_own_channels_but_never_verify_them(db: asyncpg.Connection) -> None:
    alice, bob = await person(db), await person(db, telegram="1234")

    async def as_user(user: uuid.UUID, sql: str, *args: object) -> str:
        async with db.transaction():
            await db.execute("SET LOCAL ROLE authenticated")
            await db.execute(
                "SELECT set_config('request.jwt.claims', $1, true)", json.dumps({"sub": str(user), "role": "authenticated"})
            )
            return str(await db.execute(sql, *args))

    await as_user(
        alice, "INSERT INTO user_notification_channels (user_id, channel, address) VALUES ($1, 'whatsapp', '+919876543210')", alice
    )
    assert await as_user(alice, "UPDATE user_notification_channels SET is_active = false") == "UPDATE 1"  # only her own
    assert await as_user(alice, "SELECT 1 FROM user_notification_channels") == "SELECT 1"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_user(alice, "UPDATE user_notification_channels SET verified_at = now()")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_user(
            alice,
            "INSERT INTO user_notification_channels (user_id, channel, address, verified_at) "
            "VALUES ($1, 'email', 'a@b.test', now())",
            alice,
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # row security: not for someone else
        await as_user(
            alice, "INSERT INTO user_notification_channels (user_id, channel, address) VALUES ($1, 'email', 'a@b.test')", bob
        )
    assert await as_user(alice, "DELETE FROM user_notification_channels") == "DELETE 1"
    assert await db.fetchval("SELECT count(*) FROM user_notification_channels WHERE user_id = $1", bob) == 1
    for channel, address in [("whatsapp", "98765 43210"), ("telegram", "@someone"), ("email", "not an address")]:
        with pytest.raises(asyncpg.CheckViolationError):
            await db.execute(
                "INSERT INTO user_notification_channels (user_id, channel, address) VALUES ($1, $2, $3)", alice, channel, address
            )
