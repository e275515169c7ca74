"""What the providers say after a send, end to end: WhatsApp's signed status webhook posted to the real public gateway
(its own login, a member of talvix_gateway only) about messages a real worker sent through the Cloud API stand-in
(tests/support/messaging_apis.py), and Telegram's "blocked" answer switching the user's channel off."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer

import handlers  # noqa: F401  (registers every agent)
from handlers import queries
from handlers.app.gateway import GatewaySettings
from handlers.app.gateway import build_app as build_gateway
from listeners.registry import REGISTRY
from tests.support.messaging_apis import MessagingAPIs
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

WA_TOKEN = "EAAGfeedback-test-token-7a2c"
WA_PHONE_ID = "109876543210987"
TG_TOKEN = "7012345678:AAH-feedback_test-token-3e1f"
APP_SECRET = "meta-app-secret-" + uuid.uuid4().hex
VERIFY_TOKEN = "talvix-verify-" + uuid.uuid4().hex
DELIVERY = REGISTRY["notification_delivery"]
HOOK = "/webhooks/whatsapp"


@pytest.fixture
async def apis(monkeypatch: pytest.MonkeyPatch, db: asyncpg.Connection) -> AsyncIterator[MessagingAPIs]:
    """The WhatsApp and Telegram stand-ins, with the worker's delivery settings pointing at them."""
    stand_in = MessagingAPIs(whatsapp_token=WA_TOKEN, whatsapp_phone_number_id=WA_PHONE_ID, telegram_token=TG_TOKEN)
    runner = await stand_in.start()
    for name, value in {
        "WHATSAPP_ACCESS_TOKEN": WA_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_ID,
        "TALVIX_WHATSAPP_BASE_URL": stand_in.origin,
        "TELEGRAM_BOT_TOKEN": TG_TOKEN,
        "TALVIX_TELEGRAM_BASE_URL": stand_in.origin,
        "TALVIX_DELIVERY_TIMEOUT_SECONDS": "5",
    }.items():
        monkeypatch.setenv(name, value)
    yield stand_in
    stand_in.recover()
    await runner.cleanup()


@pytest.fixture
async def gateway(database_url: str, db: asyncpg.Connection) -> AsyncIterator[tuple[TestClient, str]]:
    """The gateway with its webhook on, connected as a login that is only a member of talvix_gateway."""
    login = f"talvix_gw_{uuid.uuid4().hex[:8]}"
    await db.execute(f"CREATE ROLE {login} LOGIN IN ROLE talvix_gateway")
    gateway_url = database_url.replace("postgresql://postgres@", f"postgresql://{login}@")
    settings = GatewaySettings(
        GATEWAY_DATABASE_URL=gateway_url,
        SUPABASE_JWT_SECRET="jwt-" + uuid.uuid4().hex,
        AES_SESSION_KEY=bytes(32).hex(),
        WHATSAPP_APP_SECRET=APP_SECRET,
        WHATSAPP_WEBHOOK_VERIFY_TOKEN=VERIFY_TOKEN,
    )
    pool = await asyncpg.create_pool(gateway_url, min_size=1, max_size=2)
    try:
        async with TestClient(TestServer(build_gateway(settings, pool))) as client:
            yield client, gateway_url
    finally:
        await pool.close()
        await db.execute(f"DROP OWNED BY {login}; DROP ROLE {login}")


async def person(db: asyncpg.Connection, **addresses: str) -> uuid.UUID:
    """A user with one active, verified user_notification_channels row per channel named."""
    uid = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, $2)", uid, f"{uid.hex[:8]}@account.test")
    for channel, address in addresses.items():
        await db.execute(
            "INSERT INTO user_notification_channels (user_id, channel, address, verified_at) VALUES ($1, $2, $3, now())",
            uid,
            channel,
            address,
        )
    return uid


async def notify(db: asyncpg.Connection, user: uuid.UUID, channel: str, title: str) -> uuid.UUID:
    notification_id: uuid.UUID = await db.fetchval(
        "INSERT INTO notifications (user_id, channel, event_type, title, body, expires_at) "
        "VALUES ($1, $2, 'test', $3, 'Details in Talvix.', now() + interval '2 days') RETURNING id",
        user,
        channel,
        title,
    )
    return notification_id


async def settled(db: asyncpg.Connection, *ids: uuid.UUID) -> dict[uuid.UUID, asyncpg.Record]:
    """Wait until every notification is sent or failed; their rows."""
    await wait_for(
        lambda: db.fetchval("SELECT bool_and(status IN ('sent', 'failed')) FROM notifications WHERE id = ANY($1)", list(ids)),
        timeout=20,
        message=f"{len(ids)} notifications settled",
    )
    return {r["id"]: r for r in await db.fetch("SELECT * FROM notifications WHERE id = ANY($1)", list(ids))}


async def sent_on_whatsapp(db: asyncpg.Connection, database_url: str, *titles: str, phone: str) -> list[asyncpg.Record]:
    """Notifications to one user's WhatsApp, sent by a real delivery run: their rows (with the wamid)."""
    user = await person(db, whatsapp=phone)
    ids = [await notify(db, user, "whatsapp", title) for title in titles]
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, *ids)
    assert {r["status"] for r in rows.values()} == {"sent"}
    return [rows[i] for i in ids]


async def post_signed(client: TestClient, payload: Any, secret: str = APP_SECRET) -> tuple[int, Any]:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": MessagingAPIs.sign_webhook(body, secret)}
    response = await client.post(HOOK, data=body, headers=headers)
    return response.status, await response.json()


async def row(db: asyncpg.Connection, notification_id: uuid.UUID) -> asyncpg.Record:
    found = await db.fetchrow("SELECT * FROM notifications WHERE id = $1", notification_id)
    assert found is not None
    return found


# ------------------------------------------------------------------------------ the handshake


async def test_meta_verification_handshake(gateway: tuple[TestClient, str]) -> None:
    client, _ = gateway
    ok = await client.get(HOOK, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (ok.status, ok.content_type, await ok.text()) == (200, "text/plain", "1158201444")
    for params in [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
    ]:
        refused = await client.get(HOOK, params=params)
        assert refused.status == 403, params
        assert "verification refused" in (await refused.json())["error"]


async def test_the_webhook_is_off_without_its_settings_and_half_of_them_stops_start_up(database_url: str) -> None:
    common = dict(GATEWAY_DATABASE_URL=database_url, SUPABASE_JWT_SECRET="jwt", AES_SESSION_KEY=bytes(32).hex())
    assert not GatewaySettings(**common).whatsapp_webhook  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing WHATSAPP_WEBHOOK_VERIFY_TOKEN"):
        GatewaySettings(**common, WHATSAPP_APP_SECRET="only-half")  # type: ignore[arg-type]
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with TestClient(TestServer(build_gateway(GatewaySettings(**common), pool))) as client:  # type: ignore[arg-type]
            assert (await client.get(HOOK, params={"hub.mode": "subscribe"})).status == 404
    finally:
        await pool.close()


# ------------------------------------------------------------------------- signatures


async def test_a_bad_or_missing_signature_is_refused_and_nothing_recorded(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, gateway: tuple[TestClient, str]
) -> None:
    client, _ = gateway
    apis.undeliverable("+919811111111")
    [told] = await sent_on_whatsapp(db, database_url, "New matches", phone="+919811111111")
    payload = apis.status_webhook(told["provider_message_id"])
    body = json.dumps(payload).encode()
    for headers, message in [
        ({}, "missing X-Hub-Signature-256"),
        ({"X-Hub-Signature-256": MessagingAPIs.sign_webhook(body, "another-app-secret")}, "does not match"),
        # A bare hex digest (no "sha256=") is refused before the body is read.
        ({"X-Hub-Signature-256": MessagingAPIs.sign_webhook(body, APP_SECRET).removeprefix("sha256=")}, "missing"),
        ({"X-Hub-Signature-256": MessagingAPIs.sign_webhook(body + b" ", APP_SECRET)}, "does not match"),
    ]:
        response = await client.post(HOOK, data=body, headers={"Content-Type": "application/json", **headers})
        assert response.status == 401
        assert message in (await response.json())["error"]
    after = await row(db, told["id"])
    assert (after["status"], after["delivery_error"], after["delivered_at"]) == ("sent", None, None)
    # Signed, but not JSON: refused after the signature, still nothing recorded.
    junk = b"not json"
    response = await client.post(HOOK, data=junk, headers={"X-Hub-Signature-256": MessagingAPIs.sign_webhook(junk, APP_SECRET)})
    assert response.status == 400 and (await response.json())["error"].startswith("the body is not acceptable JSON")


# -------------------------------------------------------------------------- late failures


async def test_a_late_failure_fails_the_row_with_the_providers_words_and_is_never_resent(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, gateway: tuple[TestClient, str]
) -> None:
    client, _ = gateway
    apis.outside_window("+919822222222", sync=False)  # accepted (200 + wamid), then failed by webhook
    [told] = await sent_on_whatsapp(db, database_url, "Auto-apply paused", phone="+919822222222")
    status, answer = await post_signed(client, apis.status_webhook(told["provider_message_id"]))
    assert (status, answer) == (200, {"statuses": 1, "outcomes": {"failed": 1}})
    failed = await row(db, told["id"])
    assert failed["status"] == "failed"
    assert failed["delivery_error"] == (
        "WhatsApp reported the message failed after accepting it, code 131047 (Re-engagement message: Message failed to "
        "send because more than 24 hours have passed since the customer last replied to this number.)"
    )
    # 131047 is about the window, not the number: the channel stays on.
    assert await db.fetchval("SELECT is_active FROM user_notification_channels WHERE user_id = $1", failed["user_id"])
    # Meta posts again (it retries what it thinks was lost): nothing changes.
    assert await post_signed(client, apis.status_webhook(told["provider_message_id"])) == (
        200,
        {"statuses": 1, "outcomes": {"unchanged": 1}},
    )
    # A later delivery run (woken by a new notification) never sends the failed row again.
    other = await notify(db, failed["user_id"], "whatsapp", "Something else")
    async with running_worker(database_url, [DELIVERY]):
        await settled(db, other)
    assert [s.text.splitlines()[0] for s in apis.sent("whatsapp")] == ["*Auto-apply paused*", "*Something else*"]
    assert (await row(db, told["id"]))["status"] == "failed"


async def test_a_failure_posted_before_the_worker_stored_the_wamid_is_applied_when_it_does(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, gateway: tuple[TestClient, str]
) -> None:
    client, _ = gateway
    apis.outside_window("+919877777777", sync=False)
    [told] = await sent_on_whatsapp(db, database_url, "Your plan ended", phone="+919877777777")
    wamid = told["provider_message_id"]
    # Back to the moment between Meta's answer and the worker storing it: the webhook outruns the worker.
    claimed_at = await db.fetchval(
        "UPDATE notifications SET status = 'sending', provider_message_id = NULL, sent_at = NULL, claimed_at = now() "
        "WHERE id = $1 RETURNING claimed_at",
        told["id"],
    )
    assert await post_signed(client, apis.status_webhook(wamid)) == (200, {"statuses": 1, "outcomes": {"unknown": 1}})
    assert (await row(db, told["id"]))["status"] == "sending"
    # The worker stores the wamid (as notification_delivery does) and the kept failure is applied.
    await queries.notification_sent(db, notification_id=told["id"], claimed_at=claimed_at, provider_message_id=wamid)
    assert await queries.apply_early_whatsapp_statuses(db, message_id=wamid) == 1
    failed = await row(db, told["id"])
    assert failed["status"] == "failed" and "code 131047" in failed["delivery_error"]
    assert await db.fetchval("SELECT count(*) FROM talvix.whatsapp_early_statuses") == 0
    assert await queries.apply_early_whatsapp_statuses(db, message_id=wamid) == 0


async def test_hostile_but_signed_bodies_get_a_clear_answer_not_a_server_error(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, gateway: tuple[TestClient, str]
) -> None:
    client, _ = gateway
    apis.outside_window("+919866666666", sync=False)
    [told] = await sent_on_whatsapp(db, database_url, "hello", phone="+919866666666")
    huge_code = apis.status_webhook(told["provider_message_id"])
    huge_code["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"][0]["code"] = 2**40
    assert await post_signed(client, huge_code) == (200, {"statuses": 1, "outcomes": {"failed": 1}})
    assert "code" not in (await row(db, told["id"]))["delivery_error"].split("(")[0]  # not a code Meta uses: not stored as one
    nested: Any = "deep"
    for _ in range(100):
        nested = [nested]
    status, answer = await post_signed(client, {"entry": nested})
    assert status == 400 and "nested" in answer["error"]
    status, answer = await post_signed(client, {"entry": [{"changes": [{"value": {"statuses": [{"id": "wamid.\u0000"}]}}]}]})
    assert status == 400 and "NUL" in answer["error"]
    unsigned = await client.post(HOOK, data=b"{}", headers={"X-Hub-Signature-256": "md5=abc"})
    assert unsigned.status == 401


async def test_an_undeliverable_number_switches_the_whatsapp_channel_off(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, gateway: tuple[TestClient, str]
) -> None:
    client, _ = gateway
    apis.undeliverable("+919833333333")  # 131026, reported by webhook
    [told] = await sent_on_whatsapp(db, database_url, "New matches", phone="+919833333333")
    assert await post_signed(client, apis.status_webhook(told["provider_message_id"])) == (
        200,
        {"statuses": 1, "outcomes": {"failed": 1}},
    )
    reason = "WhatsApp reported the message failed after accepting it, code 131026 (Message undeliverable: Message Undeliverable.)"
    assert (await row(db, told["id"]))["delivery_error"] == reason
    channel = await db.fetchrow("SELECT * FROM user_notification_channels WHERE user_id = $1", told["user_id"])
    assert (channel["is_active"], channel["deactivated_reason"]) == (False, reason)
    assert channel["deactivated_at"] is not None
    # The next notification for that user is not sent to WhatsApp, and says why.
    later = await notify(db, told["user_id"], "whatsapp", "Later")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, later)
    assert rows[later]["status"] == "failed"
    assert rows[later]["delivery_error"].startswith("the user's whatsapp channel was switched off on ")
    assert rows[later]["delivery_error"].endswith(reason)
    assert len(apis.requests_for("whatsapp")) == 1
    # Switching it back on (the user, or an operator in SQL) clears the server's reason.
    await db.execute("UPDATE user_notification_channels SET is_active = true WHERE user_id = $1", told["user_id"])
    channel = await db.fetchrow("SELECT * FROM user_notification_channels WHERE user_id = $1", told["user_id"])
    assert (channel["is_active"], channel["deactivated_reason"], channel["deactivated_at"]) == (True, None, None)


# ------------------------------------------------------------------------- out of order


async def test_statuses_never_move_a_row_backwards(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, gateway: tuple[TestClient, str]
) -> None:
    client, _ = gateway
    read_first, failed_first, delivered_then_failed = await sent_on_whatsapp(
        db, database_url, "one", "two", "three", phone="+919844444444"
    )
    t0 = datetime.now(UTC).replace(microsecond=0)

    async def post(message: asyncpg.Record, status: str, at: datetime, **extra: Any) -> dict[str, int]:
        code, answer = await post_signed(client, apis.status_webhook(message["provider_message_id"], status, at=at, **extra))
        assert code == 200
        outcomes: dict[str, int] = answer["outcomes"]
        return outcomes

    # 'read' arrives before 'delivered': read implies delivered; the late 'delivered' changes nothing.
    assert await post(read_first, "read", t0 + timedelta(seconds=5)) == {"read": 1}
    assert await post(read_first, "delivered", t0 + timedelta(seconds=2)) == {"unchanged": 1}
    assert await post(read_first, "sent", t0) == {"unchanged": 1}
    after = await row(db, read_first["id"])
    read_at = t0 + timedelta(seconds=5)
    assert (after["status"], after["delivered_at"], after["read_at"]) == ("sent", read_at, read_at)

    # 'failed' first: a 'read' or 'delivered' after it is ignored.
    assert await post(failed_first, "failed", t0, error_code=131049) == {"failed": 1}
    assert await post(failed_first, "read", t0 + timedelta(seconds=1)) == {"unchanged": 1}
    assert await post(failed_first, "delivered", t0 + timedelta(seconds=1)) == {"unchanged": 1}
    after = await row(db, failed_first["id"])
    assert (after["status"], after["delivered_at"], after["read_at"]) == ("failed", None, None)
    assert after["delivery_error"].startswith("WhatsApp reported the message failed after accepting it, code 131049 (")
    # 131049 (ecosystem limit) is not about the number: the channel stays on.
    assert await db.fetchval("SELECT is_active FROM user_notification_channels WHERE user_id = $1", after["user_id"])

    # Delivered, then a 'failed' (another of the user's devices): the user has the message, the row stays sent.
    assert await post(delivered_then_failed, "delivered", t0) == {"delivered": 1}
    assert await post(delivered_then_failed, "failed", t0 + timedelta(seconds=1), error_code=131026) == {"unchanged": 1}
    after = await row(db, delivered_then_failed["id"])
    assert (after["status"], after["delivered_at"], after["delivery_error"]) == ("sent", t0, None)


async def test_unknown_messages_inbound_messages_and_unknown_fields_are_answered_200(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, gateway: tuple[TestClient, str]
) -> None:
    client, _ = gateway
    [told] = await sent_on_whatsapp(db, database_url, "hello", phone="+919855555555")
    before = await db.fetch("SELECT * FROM notifications ORDER BY id")
    unknown = apis.status_webhook(told["provider_message_id"], "delivered")
    unknown["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = "wamid.NOT-OURS"
    assert await post_signed(client, unknown) == (200, {"statuses": 1, "outcomes": {"unknown": 1}})
    assert await post_signed(client, apis.inbound_message_webhook("+919855555555", "STOP")) == (
        200,
        {"statuses": 0, "outcomes": {}},
    )
    odd = apis.status_webhook(told["provider_message_id"], "delivered")
    odd["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = "deleted"
    odd["entry"].append({"id": "x", "changes": [{"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]})
    odd["entry"].append("not an object")
    odd["surprise"] = {"new": "field"}
    assert await post_signed(client, odd) == (200, {"statuses": 0, "outcomes": {}})
    assert await post_signed(client, {"object": "whatsapp_business_account"}) == (200, {"statuses": 0, "outcomes": {}})
    assert await db.fetch("SELECT * FROM notifications ORDER BY id") == before


async def test_the_gateway_role_can_record_a_status_and_nothing_else(gateway: tuple[TestClient, str]) -> None:
    _, gateway_url = gateway
    conn = await asyncpg.connect(gateway_url)
    try:
        assert await conn.fetchval("SELECT talvix.record_whatsapp_status('wamid.X', 'delivered', now(), NULL, NULL)") == "unknown"
        for statement in [
            "SELECT * FROM notifications",
            "SELECT provider_message_id FROM notifications",
            "UPDATE notifications SET status = 'failed'",
            "SELECT * FROM user_notification_channels",
            "UPDATE user_notification_channels SET is_active = false",
            "SELECT talvix.switch_channel_off(gen_random_uuid(), 'telegram', 'x', now())",
            "SELECT * FROM talvix.notification_channels(gen_random_uuid())",
        ]:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch(statement)
    finally:
        await conn.close()


# --------------------------------------------------------------------------------- Telegram


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("block", "HTTP 403 (Forbidden: bot was blocked by the user)"),
        ("deactivated", "HTTP 403 (Forbidden: user is deactivated)"),
        ("unknown", "HTTP 400 (Bad Request: chat not found)"),
    ],
)
async def test_a_blocked_telegram_bot_switches_the_channel_off_and_later_notifications_skip_it(
    db: asyncpg.Connection, database_url: str, apis: MessagingAPIs, rule: str, said: str
) -> None:
    getattr(apis, rule)(424242)
    user = await person(db, telegram="424242", whatsapp="+919866666666")
    first = await notify(db, user, "telegram", "New matches")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, first)
    reason = f"Telegram answered {said}"
    assert (rows[first]["status"], rows[first]["delivery_error"]) == ("failed", reason)
    channel = await db.fetchrow("SELECT * FROM user_notification_channels WHERE user_id = $1 AND channel = 'telegram'", user)
    assert (channel["is_active"], channel["deactivated_reason"]) == (False, reason)
    # What the guard's pause and the session sweep insert: no telegram row any more.
    assert sorted(await db.fetchval("SELECT array_agg(c) FROM talvix.notification_channels($1) c", user)) == [
        "dashboard",
        "whatsapp",
    ]
    # A row another agent inserts for telegram anyway is skipped without a request, saying why.
    later = await notify(db, user, "telegram", "Later")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, later)
    assert rows[later]["delivery_error"].startswith("the user's telegram channel was switched off on ")
    assert rows[later]["delivery_error"].endswith(reason)
    assert len(apis.requests_for("telegram")) == 1


async def test_other_telegram_refusals_leave_the_channel_on(db: asyncpg.Connection, database_url: str, apis: MessagingAPIs) -> None:
    apis.not_started(515151)  # the user can fix this one by opening the bot
    user = await person(db, telegram="515151")
    told = await notify(db, user, "telegram", "New matches")
    async with running_worker(database_url, [DELIVERY]):
        rows = await settled(db, told)
    assert rows[told]["delivery_error"] == "Telegram answered HTTP 403 (Forbidden: bot can't initiate conversation with a user)"
    assert await db.fetchval("SELECT is_active FROM user_notification_channels WHERE user_id = $1", user)
