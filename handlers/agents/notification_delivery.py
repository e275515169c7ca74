"""notification_delivery: send public.notifications rows to WhatsApp, Telegram and email.

Woken by a watch on notifications INSERT (channel not 'dashboard'; a whole statement is one event),
and by itself: each run ends by queueing a run for the earliest `next_attempt_at` still pending (a
retry, or a channel's next rate window), or for the earliest lease of a send in flight. The rows are
the durable record; events only wake the agent. Dashboard rows are never sent: the app shows them.

A run first settles what nobody will finish (a send past its lease: failed, outcome unknown; a pending
row past `expires_at`: failed unsent), then drains every due row with `delivery_parallel_sends` loops:

1. claim one row (`FOR UPDATE SKIP LOCKED`, status 'sending', `claimed_at`), committed before any
   request, so no two workers (or loops) ever send the same row;
2. find the user's address: the active, verified `user_notification_channels` row of that channel, or
   for email with no such row the account's `users.email`; none gives failed with the reason (for a
   channel the server switched off, its `deactivated_reason`);
3. take a slot of the channel's rate (`delivery_<channel>_per_window` per `delivery_window_seconds`,
   across every worker); a spent window puts the row back with its attempt returned, until the window
   ends;
4. send; then 'sent' with the provider's id, 'failed' with the precise reason, or 'pending' again with
   `next_attempt_at` after a backoff (429, 5xx, no connection; the provider's retry_after when it gives
   one) until `delivery_max_attempts`. A failure saying the address can receive nothing more (a blocked
   Telegram bot, a deleted account or chat, WhatsApp 131026) also switches that channel off for the user.

At most once, on purpose: a user told twice that auto-apply paused is worse than the rare message lost
to a worker killed mid-send, and none of the APIs takes an idempotency key that would make a resend
safe. So a send whose outcome cannot be known (no answer after the request left, a worker gone while
'sending') is failed with "outcome unknown", never sent again. Secrets never reach a row or a log: the
reasons are built from the providers' error fields with every configured secret taken out.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import aiohttp
import asyncpg

from handlers import queries
from handlers.delivery.channels import Channel, DeliveryFailed, DeliverySettings, Message, redact
from handlers.delivery.smtp import Email
from handlers.delivery.telegram import Telegram
from handlers.delivery.whatsapp import WhatsApp
from handlers.skills.http_client import PoliteClient
from listeners import Context, Skip, agent, load, retry_delay

AGENT = "notification_delivery"


def address_of(row: asyncpg.Record) -> tuple[str | None, str]:
    """Where the claimed notification goes, or None and why it cannot go anywhere."""
    channel = row["channel"]
    if row["address"] is not None:
        if not row["is_active"] and row["deactivated_reason"]:
            since = row["deactivated_at"].strftime("%Y-%m-%d %H:%M UTC")
            return None, f"the user's {channel} channel was switched off on {since}: {row['deactivated_reason']}"
        if not row["is_active"]:
            return None, f"the user switched their {channel} notifications off"
        if row["verified_at"] is None:
            return None, f"the user's {channel} address is not verified yet"
        return str(row["address"]), ""
    if channel == "email" and row["account_email"]:
        return str(row["account_email"]), ""
    return None, f"the user has no {channel} address (user_notification_channels)"


def channels(settings: DeliverySettings, session: aiohttp.ClientSession, limits: dict[str, int]) -> dict[str, Channel]:
    """The channels this worker can send through (the rest lack settings)."""
    window = max(1, limits.get("delivery_window_seconds", 60))

    def client(name: str) -> PoliteClient:
        # The rate shared by every worker is the database's (reserve_delivery_slot). The client's own
        # limiter (per minute) must never be the stricter one, so it allows a whole window's sends in a
        # minute. One attempt per send: retries are the row's, with backoff.
        per_minute = limits.get(f"delivery_{name}_per_window", 60) * max(1.0, 60 / window)
        return PoliteClient(
            session, name, requests_per_minute=per_minute, timeout_seconds=settings.delivery_timeout_seconds, attempts=1
        )

    found: dict[str, Channel] = {}
    if settings.missing("whatsapp") is None:
        found["whatsapp"] = WhatsApp(client("whatsapp"), settings)
    if settings.missing("telegram") is None:
        found["telegram"] = Telegram(client("telegram"), settings)
    if settings.missing("email") is None:
        found["email"] = Email(settings)
    return found


class Drain:
    """One run's sends: loops that claim and send until nothing is due (or the run's time is up)."""

    def __init__(self, ctx: Context, settings: DeliverySettings, found: dict[str, Channel], limits: dict[str, int]) -> None:
        self.ctx = ctx
        self.settings = settings
        self.channels = found
        self.limits = limits
        self.secrets = settings.secrets()
        self.spent: set[str] = set()  # channels whose rate window is used up for this run
        self.counts: Counter[str] = Counter()
        self.deadline = time.monotonic() + limits.get("delivery_run_seconds", 240)
        self.out_of_time = False

    async def loop(self) -> None:
        while True:
            if time.monotonic() > self.deadline:
                self.out_of_time = True
                return
            row = await queries.claim_notification(
                self.ctx.db, worker=self.ctx.settings.worker_id, skip_channels=sorted(self.spent)
            )
            if row is None:
                return
            await self.deliver(row)

    async def deliver(self, row: asyncpg.Record) -> None:
        channel: str = row["channel"]
        address, why_not = address_of(row)
        if address is None:
            return await self.fail(row, why_not)
        adapter = self.channels.get(channel)
        if adapter is None:
            return await self.fail(row, self.settings.missing(channel) or f"unknown channel {channel}")
        slot = await queries.reserve_delivery_slot(
            self.ctx.db,
            channel=channel,
            per_window=self.limits.get(f"delivery_{channel}_per_window", 0),
            window_seconds=max(1, self.limits.get("delivery_window_seconds", 60)),
        )
        if slot["sent"] is None:
            self.spent.add(channel)
            self.counts["rate_limited"] += 1
            await queries.notification_deferred(
                self.ctx.db, notification_id=row["id"], claimed_at=row["claimed_at"], until=slot["window_ends"]
            )
            return None
        message = Message(notification_id=row["id"], address=address, title=row["title"], body=row["body"])
        try:
            provider_id = await adapter.send(message)
        except DeliveryFailed as failed:
            return await self.failed_send(row, failed)
        except Exception as exc:  # a bug mid-send: the message may have left, so it is never resent
            self.ctx.log.exception("%s send of notification %s raised", channel, row["id"])
            return await self.failed_send(row, DeliveryFailed(f"{type(exc).__name__}: {exc}", outcome="unknown"))
        self.counts["sent"] += 1
        self.counts[f"sent_{channel}"] += 1
        await queries.notification_sent(
            self.ctx.db, notification_id=row["id"], claimed_at=row["claimed_at"], provider_message_id=provider_id
        )
        if channel == "whatsapp" and provider_id:
            # A webhook may have reported on the message before its wamid was stored.
            await queries.apply_early_whatsapp_statuses(self.ctx.db, message_id=provider_id)
        return None

    async def failed_send(self, row: asyncpg.Record, failed: DeliveryFailed) -> None:
        reason = redact(failed.reason, self.secrets)
        attempts, most = row["attempts"], self.limits.get("delivery_max_attempts", 5)
        if failed.outcome == "unknown":
            return await self.fail(row, f"outcome unknown, not sent again so it is never delivered twice: {reason}")
        if failed.outcome == "permanent":
            if failed.address_unreachable:
                await self.switch_off(row, reason)
            return await self.fail(row, reason)
        if attempts >= most:
            return await self.fail(row, f"gave up after {attempts} attempts: {reason}")
        delay = retry_delay(
            attempts, self.limits.get("delivery_retry_base_seconds", 30), self.limits.get("delivery_retry_max_seconds", 3600)
        )
        if failed.retry_after is not None:
            delay = max(delay, failed.retry_after)
        self.counts["retrying"] += 1
        self.ctx.log.info(
            "notification %s: %s send %d failed for now, next in %.0f s: %s", row["id"], row["channel"], attempts, delay, reason
        )
        await queries.notification_retry(
            self.ctx.db, notification_id=row["id"], claimed_at=row["claimed_at"], delay_seconds=delay, error=reason
        )
        return None

    async def switch_off(self, row: asyncpg.Record, reason: str) -> None:
        """The address can receive nothing more: the user's channel goes off with the provider's words, so later
        notifications skip it (the session sweep and the guard make no row for it) and the app can say why."""
        switched = await queries.switch_channel_off(
            self.ctx.db, user_id=row["user_id"], channel=row["channel"], reason=reason, sent_before=row["claimed_at"]
        )
        if switched:
            self.counts["channels_switched_off"] += 1
            self.ctx.log.info("user %s: %s channel switched off: %s", row["user_id"], row["channel"], reason)

    async def fail(self, row: asyncpg.Record, reason: str) -> None:
        reason = redact(reason, self.secrets)
        self.counts["failed"] += 1
        self.ctx.log.info("notification %s: %s not delivered: %s", row["id"], row["channel"], reason)
        await queries.notification_failed(self.ctx.db, notification_id=row["id"], claimed_at=row["claimed_at"], reason=reason)


async def check_settings() -> None:
    """At start-up: half a channel's settings stop the worker, naming what is missing."""
    load(DeliverySettings)


@agent(AGENT, concurrency=1, timeout=900, max_attempts=5, setup=check_settings)
async def notification_delivery(ctx: Context) -> int:
    await ctx.release_dedup_key()  # rows inserted from now on queue the next run instead of joining this one
    settings = load(DeliverySettings)
    limits = await queries.limits(ctx.db)
    lease = limits.get("delivery_lease_seconds", 120)
    settled = await queries.delivery_settle(ctx.db, lease_seconds=lease)
    async with aiohttp.ClientSession() as session:
        drain = Drain(ctx, settings, channels(settings, session, limits), limits)
        await asyncio.gather(*(drain.loop() for _ in range(max(1, limits.get("delivery_parallel_sends", 4)))))
    wake = 0.0 if drain.out_of_time else await queries.next_delivery_wake(ctx.db, lease_seconds=lease)
    if wake is not None:
        # A key per second of the wake: a later run asking for the same moment adds nothing, an earlier one still goes in.
        when = datetime.now(UTC).timestamp() + wake
        await ctx.enqueue(AGENT, {}, delay_seconds=wake, dedup_key=f"{AGENT}:at:{int(when)}")
    summary: dict[str, Any] = dict(drain.counts)
    summary.update(outcome_unknown=settled["outcome_unknown"], expired=settled["expired"], configured=sorted(drain.channels))
    if wake is not None:
        summary["next_run_in_seconds"] = round(wake, 1)
    ctx.metadata.update(summary)
    if not drain.counts and not settled["outcome_unknown"] and not settled["expired"]:
        raise Skip("no notification was due")
    return drain.counts["sent"]
