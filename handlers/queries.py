"""Every statement Talvix runs: one typed function per file in `sql/product/queries/`.

As in the engine (listeners/queries.py), the SQL stays in its file and the function names its
parameters. `db` is a connection or a pool.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from listeners import sql_statement

Db: TypeAlias = "asyncpg.Pool[Any] | asyncpg.Connection[Any]"
Rows: TypeAlias = "list[asyncpg.Record]"


def sql(name: str) -> str:
    """The text of `sql/product/queries/<name>.sql`."""
    return sql_statement(name, "product")


async def _fetch(db: Db, name: str, *args: object) -> Rows:
    rows: Rows = await db.fetch(sql(name), *args)
    return rows


async def _fetchrow(db: Db, name: str, *args: object) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await db.fetchrow(sql(name), *args)
    return row


async def _fetchval(db: Db, name: str, *args: object) -> Any:
    return await db.fetchval(sql(name), *args)


# ---------------------------------------------------------------------------------- applications


async def application_to_apply(db: Db, *, application_id: UUID) -> asyncpg.Record | None:
    return await _fetchrow(db, "application_to_apply", application_id)


async def application_auto_status(db: Db, *, application_id: UUID) -> str | None:
    status: str | None = await _fetchval(db, "application_auto_status", application_id)
    return status


async def set_application_status(
    db: Db,
    *,
    application_id: UUID,
    status: str,
    note: str | None,
    screenshot_path: str | None = None,
    retry_count: int | None = None,
) -> None:
    await db.execute(sql("set_application_status"), application_id, status, note, screenshot_path, retry_count)


async def note_interrupted_attempt(db: Db, *, application_id: UUID, note: str, screenshot_path: str | None) -> None:
    await db.execute(sql("note_interrupted_attempt"), application_id, note, screenshot_path)


async def mark_submitted(db: Db, *, application_id: UUID) -> None:
    await db.execute(sql("mark_submitted"), application_id)


async def count_retry(db: Db, *, application_id: UUID) -> None:
    await db.execute(sql("count_retry"), application_id)


async def try_lock_application(db: Db, *, application_id: UUID) -> bool:
    return bool(await _fetchval(db, "try_lock_application", application_id))


async def unlock_run_locks(db: Db) -> None:
    await db.execute(sql("unlock_run_locks"))


async def start_application(db: Db, *, application_id: UUID, submit: bool) -> str | None:
    """None when the application may go; otherwise why not."""
    refused: str | None = await _fetchval(db, "start_application", application_id, submit)
    return refused


async def mark_submitting(db: Db, *, application_id: UUID, linkedin: bool) -> str | None:
    """None when the submit click may happen; otherwise why not."""
    refused: str | None = await _fetchval(db, "mark_submitting", application_id, linkedin)
    return refused


async def release_application(db: Db, *, application_id: UUID) -> None:
    await db.execute(sql("release_application"), application_id)


async def stranded_applications(db: Db, *, quiet_seconds: float) -> Rows:
    return await _fetch(db, "stranded_applications", quiet_seconds)


async def settle_stranded_application(db: Db, *, application_id: UUID, status: str, note: str) -> None:
    await db.execute(sql("settle_stranded_application"), application_id, status, note)


async def application_to_tailor(db: Db, *, application_id: UUID) -> asyncpg.Record | None:
    return await _fetchrow(db, "application_to_tailor", application_id)


async def save_tailored_documents(
    db: Db, *, application_id: UUID, resume_path: str, cover_letter_path: str, files: dict[str, Any]
) -> None:
    await db.execute(sql("save_tailored_documents"), application_id, resume_path, cover_letter_path, files)


# ---------------------------------------------------------------------------- the guard and limits


async def guard_facts(db: Db, *, application_id: UUID) -> asyncpg.Record | None:
    return await _fetchrow(db, "guard_facts", application_id)


async def limits(db: Db) -> dict[str, int]:
    return {r["name"]: r["value"] for r in await _fetch(db, "limits")}


async def apply_window_limits(db: Db) -> dict[str, int]:
    return {r["name"]: r["value"] for r in await _fetch(db, "apply_window_limits")}


async def guard_decided(db: Db, *, application_id: UUID, status: str, reason: str) -> UUID | None:
    """The application's user, or None when it no longer exists."""
    user_id: UUID | None = await _fetchval(db, "guard_decided", application_id, status, reason)
    return user_id


async def pause_auto_apply(db: Db, *, user_id: UUID, reason: str) -> None:
    await db.execute(sql("pause_auto_apply"), user_id, reason)


async def reserve_linkedin_unit(db: Db, *, day: date) -> int | None:
    """The reservation's id, or None when the day's budget is spent."""
    reservation: int | None = await _fetchval(db, "reserve_linkedin_unit", day)
    return reservation


async def release_linkedin_unit(db: Db, *, reservation: int) -> None:
    await _fetchval(db, "release_linkedin_unit", reservation)


async def linkedin_budget_today(db: Db) -> asyncpg.Record | None:
    return await _fetchrow(db, "linkedin_budget_today")


async def admit_user_model_run(db: Db, *, user_id: UUID, agent: str, event_id: int, runs_per_hour: int) -> bool:
    return bool(await _fetchval(db, "admit_user_model_run", user_id, agent, event_id, runs_per_hour))


# -------------------------------------------------------------------------------------- sessions


async def store_connection(
    db: Db,
    *,
    user_id: UUID,
    platform: str,
    ciphertext: str,
    iv: str,
    key_version: int,
    user_agent: str | None,
    viewport: str | None,
    expires_at: datetime | None,
) -> asyncpg.Record:
    row = await _fetchrow(db, "store_connection", user_id, platform, ciphertext, iv, key_version, user_agent, viewport, expires_at)
    assert row is not None  # the function returns the stored row or raises
    return row


async def sealed_session(db: Db, *, user_id: UUID, platform: str) -> asyncpg.Record | None:
    return await _fetchrow(db, "sealed_session", user_id, platform)


async def session_failed(db: Db, *, user_id: UUID, platform: str, invalid_after: int) -> int | None:
    """Failures in a row now, or None when the user has no such connection."""
    failures: int | None = await _fetchval(db, "session_failed", user_id, platform, invalid_after)
    return failures


async def session_worked(db: Db, *, user_id: UUID, platform: str) -> None:
    await db.execute(sql("session_worked"), user_id, platform)


async def session_expiry_sweep(db: Db) -> asyncpg.Record:
    row = await _fetchrow(db, "session_expiry_sweep")
    assert row is not None  # one summary row, always
    return row


# ------------------------------------------------------------------------------ resumes and scores


async def resume(db: Db, *, resume_id: UUID) -> asyncpg.Record | None:
    return await _fetchrow(db, "resume", resume_id)


async def resume_failed(db: Db, *, resume_id: UUID, reason: str) -> None:
    await db.execute(sql("resume_failed"), resume_id, reason)


async def resume_parsed(db: Db, *, resume_id: UUID, summary: dict[str, Any]) -> None:
    await db.execute(sql("resume_parsed"), resume_id, summary)


async def mark_fit_scores_stale(db: Db, *, user_id: UUID, stale: bool) -> None:
    await db.execute(sql("mark_fit_scores_stale"), user_id, stale)


async def match_jobs(
    db: Db,
    *,
    user_id: UUID | None,
    job_ids: list[int] | None,
    rescore: bool,
    top_k: int,
    vector_ranks: list[tuple[UUID, int, int]],
) -> Rows:
    """Each eligible user's best top_k candidate jobs, fused from full text and vector_ranks."""
    users, jobs, ranks = (list(column) for column in zip(*vector_ranks, strict=True)) if vector_ranks else ([], [], [])
    return await _fetch(db, "match_jobs", user_id, job_ids, rescore, top_k, users, jobs, ranks)


async def match_limits(db: Db) -> dict[str, int]:
    return {r["name"]: r["value"] for r in await _fetch(db, "match_limits")}


async def unmatched_jobs(db: Db, *, limit: int) -> list[int]:
    return [r["id"] for r in await _fetch(db, "unmatched_jobs", limit)]


async def lock_delta_pass(conn: asyncpg.Connection[Any]) -> None:
    await conn.execute(sql("lock_delta_pass"))


async def unlock_delta_pass(conn: asyncpg.Connection[Any]) -> None:
    await conn.execute(sql("unlock_delta_pass"))


async def mark_jobs_matched(db: Db, *, job_ids: list[int]) -> None:
    await db.execute(sql("mark_jobs_matched"), job_ids)


async def pgvector_installed(db: Db) -> bool:
    return bool(await _fetchval(db, "pgvector_installed"))


async def vector_ranks(db: Db, *, user_ids: list[UUID], job_ids: list[int] | None, model: str, per_user: int) -> Rows:
    return await _fetch(db, "vector_ranks", user_ids, job_ids, model, per_user)


async def jobs_to_embed(db: Db, *, job_ids: list[int] | None, model: str) -> Rows:
    return await _fetch(db, "jobs_to_embed", job_ids, model)


async def users_to_embed(db: Db, *, user_id: UUID | None, model: str) -> Rows:
    return await _fetch(db, "users_to_embed", user_id, model)


async def save_job_embeddings(db: Db, *, rows: list[dict[str, Any]], model: str) -> None:
    await db.execute(sql("save_job_embeddings"), rows, model)


async def save_user_embeddings(db: Db, *, rows: list[dict[str, Any]], model: str) -> None:
    await db.execute(sql("save_user_embeddings"), rows, model)


async def save_fit_scores(db: Db, *, user_id: UUID, scores: list[dict[str, Any]], model: str) -> asyncpg.Record:
    """How many scores were saved and applications queued."""
    row = await _fetchrow(db, "save_fit_scores", user_id, scores, model)
    assert row is not None
    return row


# --------------------------------------------------------------------------------- job discovery


async def scrape_run(db: Db, *, run_id: int) -> asyncpg.Record | None:
    return await _fetchrow(db, "scrape_run", run_id)


async def start_scrape_run(db: Db, *, run_id: int) -> None:
    await db.execute(sql("start_scrape_run"), run_id)


async def finish_scrape_run(
    db: Db,
    *,
    run_id: int,
    status: str,
    scraped: int,
    new: int,
    refreshed: int,
    malformed: int,
    source_counts: dict[str, int],
    source_failures: dict[str, str],
    stale: int | None,
    deleted: int | None,
) -> None:
    await db.execute(
        sql("finish_scrape_run"),
        run_id,
        status,
        scraped,
        new,
        refreshed,
        malformed,
        source_counts,
        source_failures,
        stale,
        deleted,
    )


async def discovery_targets(db: Db) -> Rows:
    return await _fetch(db, "discovery_targets")


async def targets_scraped(db: Db, *, roles: list[str]) -> None:
    await db.execute(sql("targets_scraped"), roles)


async def upsert_jobs(db: Db, *, jobs: list[dict[str, Any]]) -> asyncpg.Record:
    """How many of the batch were new and how many refreshed."""
    row = await _fetchrow(db, "upsert_jobs", jobs)
    assert row is not None
    return row


async def retire_unseen_jobs(db: Db) -> asyncpg.Record:
    """How many jobs went stale and how many were deleted."""
    row = await _fetchrow(db, "retire_unseen_jobs")
    assert row is not None
    return row


async def schedule_scrape_run(db: Db) -> int:
    run_id: int = await _fetchval(db, "schedule_scrape_run")
    return run_id


async def discovery_limits(db: Db) -> dict[str, int]:
    return {r["name"]: r["value"] for r in await _fetch(db, "discovery_limits")}


# ------------------------------------------------------------------------------------ jd_cleaner


async def uncleaned_jobs(db: Db, *, limit: int) -> Rows:
    return await _fetch(db, "uncleaned_jobs", limit)


async def save_cleaned_jobs(db: Db, *, jobs: list[dict[str, Any]]) -> None:
    """[{job_id, required, nice, role_family, seniority, work_mode, summary}] in one statement."""
    await db.execute(sql("save_cleaned_jobs"), jobs)


# ------------------------------------------------------------------------------- the dashboard


async def paused_users(db: Db) -> Rows:
    return await _fetch(db, "paused_users")


async def auto_apply_failures(db: Db) -> Rows:
    return await _fetch(db, "auto_apply_failures")


# ------------------------------------------------------------- learning, calibration and the coach


async def record_learning_signal(db: Db, *, user_id: UUID | None, signal_type: str, context: dict[str, Any]) -> int:
    """For agents whose outcomes are not job_applications changes (follow-ups); returns the id."""
    signal_id: int = await _fetchval(db, "record_learning_signal", user_id, signal_type, context)
    return signal_id


async def claim_calibration_run(
    db: Db, *, run_type: str, run_date: date, window_start: datetime, window_end: datetime
) -> int | None:
    """The run's id, or None when this type and date already ran. Call inside the run's transaction."""
    run_id: int | None = await _fetchval(db, "claim_calibration_run", run_type, run_date, window_start, window_end)
    return run_id


async def calibration_run(db: Db, *, run_type: str, run_date: date) -> asyncpg.Record | None:
    return await _fetchrow(db, "calibration_run", run_type, run_date)


async def calibration_weights(db: Db) -> Rows:
    """Every weight, locked until the transaction ends."""
    return await _fetch(db, "calibration_weights")


async def calibration_signals(db: Db, *, window_start: datetime, window_end: datetime, threshold: Decimal | None) -> asyncpg.Record:
    row = await _fetchrow(db, "calibration_signals", window_start, window_end, threshold)
    assert row is not None  # an aggregate always returns its row
    return row


async def save_model_weights(db: Db, *, values: dict[str, Decimal], updated_by: str) -> None:
    rows = [{"name": name, "value": str(value)} for name, value in values.items()]
    await db.execute(sql("save_model_weights"), rows, updated_by)


async def finish_calibration_run(
    db: Db,
    *,
    run_id: int,
    status: str,
    signal_count: int,
    weights_changed: dict[str, Any],
    findings: dict[str, Any],
    top_finding: str,
    duration_ms: int,
) -> None:
    await db.execute(
        sql("finish_calibration_run"), run_id, status, signal_count, weights_changed, findings, top_finding, duration_ms
    )


async def calibration_failed(
    db: Db, *, run_type: str, run_date: date, window_start: datetime, window_end: datetime, error: str, duration_ms: int
) -> None:
    await db.execute(sql("calibration_failed"), run_type, run_date, window_start, window_end, error, duration_ms)


async def queue_coach_messages(db: Db, *, day: date) -> int:
    return int(await _fetchval(db, "queue_coach_messages", day))


async def coach_facts(db: Db, *, user_id: UUID, day: date) -> asyncpg.Record | None:
    return await _fetchrow(db, "coach_facts", user_id, day)


async def coach_skill_gaps(db: Db, *, user_id: UUID) -> dict[str, Any] | None:
    report: dict[str, Any] | None = await _fetchval(db, "coach_skill_gaps", user_id)
    return report


async def coach_career(db: Db, *, user_id: UUID) -> dict[str, Any] | None:
    report: dict[str, Any] | None = await _fetchval(db, "coach_career", user_id)
    return report


async def save_coach_message(
    db: Db, *, user_id: UUID, channel: str, title: str, body: str, metadata: dict[str, Any]
) -> UUID | None:
    """The notification's id, or None when the user already has the day's message."""
    notification_id: UUID | None = await _fetchval(db, "save_coach_message", user_id, channel, title, body, metadata)
    return notification_id


# --------------------------------------------------------------------- schedules, plans, retention


async def queue_schedule(db: Db, *, schedule: str) -> datetime | None:
    """The time `schedule`'s next run is now pending for, or None when there is no such row."""
    due: datetime | None = await _fetchval(db, "queue_schedule", schedule)
    return due


async def expire_subscriptions(db: Db) -> asyncpg.Record:
    """plans_ended, auto_apply_switched_off, applications_stopped, told."""
    row = await _fetchrow(db, "expire_subscriptions")
    assert row is not None
    return row


async def reset_apply_counts(db: Db) -> asyncpg.Record:
    """day (the UTC day now), daily_reset, monthly_reset."""
    row = await _fetchrow(db, "reset_apply_counts")
    assert row is not None
    return row


async def expire_fit_scores(db: Db) -> asyncpg.Record:
    """keep_days, scores_expired, users_marked_stale, rescan (the user ids to rescan now)."""
    row = await _fetchrow(db, "expire_fit_scores")
    assert row is not None
    return row


async def delete_expired_notifications(db: Db) -> int:
    return int(await _fetchval(db, "delete_expired_notifications"))


async def delete_expired_learning_signals(db: Db) -> int | None:
    """How many were deleted; None while migration 029 has not filled the hook."""
    deleted: int | None = await _fetchval(db, "delete_expired_learning_signals")
    return deleted


async def retention_limits(db: Db) -> dict[str, int]:
    return {r["name"]: r["value"] for r in await _fetch(db, "retention_limits")}


async def expired_documents(conn: asyncpg.Connection[Any], *, sent_days: int, unsent_days: int, limit: int) -> Rows:
    """Locks the rows it returns: call it in a transaction, and forget_documents in the same one."""
    return await _fetch(conn, "expired_documents", sent_days, unsent_days, limit)


async def forget_documents(conn: asyncpg.Connection[Any], *, application_ids: list[UUID]) -> None:
    await conn.execute(sql("forget_documents"), application_ids)


async def applications_in_check(db: Db, *, application_ids: list[UUID]) -> set[UUID]:
    return {r["id"] for r in await _fetch(db, "applications_in_check", application_ids)}


async def forget_screenshots(db: Db, *, paths: list[str]) -> int:
    return int(await _fetchval(db, "forget_screenshots", paths))


async def existing_applications(db: Db, *, application_ids: list[UUID]) -> set[UUID]:
    return {r["id"] for r in await _fetch(db, "existing_applications", application_ids)}


async def existing_job_fingerprints(db: Db, *, fingerprints: list[str]) -> set[str]:
    return {r["fingerprint"] for r in await _fetch(db, "existing_job_fingerprints", fingerprints)}


# -------------------------------------------------------------------------------- career insight


async def begin_skill_gap(db: Db, *, user_id: UUID) -> asyncpg.Record | None:
    """Clears the user's skill_gap_stale flag; their resume state, or None when the user is gone."""
    return await _fetchrow(db, "begin_skill_gap", user_id)


async def begin_career_intelligence(db: Db, *, user_id: UUID) -> asyncpg.Record | None:
    """Clears the user's career_intel_stale flag; their resume state and first city, or None when the user is gone."""
    return await _fetchrow(db, "begin_career_intelligence", user_id)


async def save_skill_gaps(db: Db, *, user_id: UUID) -> asyncpg.Record:
    row = await _fetchrow(db, "save_skill_gaps", user_id)
    assert row is not None  # the statement always writes the user's row
    return row


async def save_career_intelligence(db: Db, *, user_id: UUID, city: str | None) -> asyncpg.Record:
    row = await _fetchrow(db, "save_career_intelligence", user_id, city)
    assert row is not None  # the statement always writes the user's row
    return row


async def mark_insight_due(db: Db) -> asyncpg.Record:
    """How many users' skill gaps and career intelligence were marked stale for their weekly refresh."""
    row = await _fetchrow(db, "mark_insight_due")
    assert row is not None
    return row


async def insight_limits(db: Db) -> dict[str, int]:
    return {r["name"]: r["value"] for r in await _fetch(db, "insight_limits")}


# --------------------------------------------------------------------------- notification delivery


async def delivery_settle(db: Db, *, lease_seconds: int) -> asyncpg.Record:
    """Fail what a dead sender left 'sending' past its lease (outcome unknown) and what expired unsent."""
    row = await _fetchrow(db, "delivery_settle", lease_seconds)
    assert row is not None  # one summary row, always
    return row


async def claim_notification(db: Db, *, worker: str, skip_channels: list[str]) -> asyncpg.Record | None:
    """The next due notification, now 'sending' under this claim, with its user's address; None when none is due."""
    return await _fetchrow(db, "claim_notification", worker, skip_channels)


async def reserve_delivery_slot(db: Db, *, channel: str, per_window: int, window_seconds: int) -> asyncpg.Record:
    """`sent` (this send's number in the window, or None when the window is spent) and `window_ends`."""
    row = await _fetchrow(db, "reserve_delivery_slot", channel, per_window, window_seconds)
    assert row is not None  # one row, always
    return row


async def notification_sent(db: Db, *, notification_id: UUID, claimed_at: datetime, provider_message_id: str | None) -> None:
    await db.execute(sql("notification_sent"), notification_id, claimed_at, provider_message_id)


async def notification_failed(db: Db, *, notification_id: UUID, claimed_at: datetime, reason: str) -> None:
    await db.execute(sql("notification_failed"), notification_id, claimed_at, reason)


async def notification_retry(db: Db, *, notification_id: UUID, claimed_at: datetime, delay_seconds: float, error: str) -> None:
    await db.execute(sql("notification_retry"), notification_id, claimed_at, delay_seconds, error)


async def notification_deferred(db: Db, *, notification_id: UUID, claimed_at: datetime, until: datetime) -> None:
    await db.execute(sql("notification_deferred"), notification_id, claimed_at, until)


async def switch_channel_off(db: Db, *, user_id: UUID, channel: str, reason: str, sent_before: datetime) -> bool:
    """Switch the user's channel off with the provider's words; False when it was already off or is a newer address."""
    return bool(await _fetchval(db, "switch_channel_off", user_id, channel, reason, sent_before))


async def apply_early_whatsapp_statuses(db: Db, *, message_id: str) -> int:
    return int(await _fetchval(db, "apply_early_whatsapp_statuses", message_id))


async def record_whatsapp_status(
    db: Db, *, message_id: str, status: str, status_at: datetime, error_code: int | None, reason: str | None
) -> str:
    """Record one WhatsApp status update: 'delivered' | 'read' | 'failed' | 'unchanged' | 'unknown' (migration 033)."""
    outcome: str = await _fetchval(db, "record_whatsapp_status", message_id, status, status_at, error_code, reason)
    return outcome


async def next_delivery_wake(db: Db, *, lease_seconds: int) -> float | None:
    seconds: float | None = await _fetchval(db, "next_delivery_wake", lease_seconds)
    return seconds


# ------------------------------------------------------------------------------------- follow-ups


async def follow_ups_due(db: Db, *, limit: int) -> Rows:
    return await _fetch(db, "follow_ups_due", limit)


async def save_follow_up_drafts(db: Db, *, application_id: UUID, stage: int, drafts: list[dict[str, Any]]) -> int:
    """How many drafts were written (0 when another run took this stage)."""
    return int(await _fetchval(db, "save_follow_up_drafts", application_id, stage, drafts))


async def follow_up_emails_to_send(db: Db, *, limit: int) -> Rows:
    return await _fetch(db, "follow_up_emails_to_send", limit)


async def claim_follow_up_email(db: Db, *, follow_up_id: UUID) -> bool:
    return await _fetchval(db, "claim_follow_up_email", follow_up_id) is not None


async def follow_up_email_sent(db: Db, *, follow_up_id: UUID, provider_id: str | None) -> None:
    await db.execute(sql("follow_up_email_sent"), follow_up_id, provider_id)


async def follow_up_not_sent(db: Db, *, follow_up_id: UUID, retry: bool, reason: str) -> None:
    await db.execute(sql("follow_up_not_sent"), follow_up_id, retry, reason)


async def linkedin_notes_to_send(db: Db, *, user_id: UUID | None, limit: int) -> Rows:
    """One user's notes to send now, or (user_id None) every user's."""
    return await _fetch(db, "linkedin_notes_to_send", user_id, limit)


async def linkedin_notes_interrupted(db: Db, *, user_id: UUID) -> int:
    """How many notes a stopped run had left 'sending' (now failed, never resent)."""
    return len(await _fetch(db, "linkedin_notes_interrupted", user_id))


async def reserve_linkedin_member_action(db: Db, *, user_id: UUID, kind: str, follow_up_id: UUID | None = None) -> asyncpg.Record:
    """action_id when reserved (and the note claimed); else refused (why not) and limit_reached
    (the account's cap or the fleet's budget, not the note, refused)."""
    row = await _fetchrow(db, "reserve_linkedin_member_action", user_id, kind, follow_up_id)
    assert row is not None
    return row


async def release_linkedin_member_action(db: Db, *, action_id: int) -> bool:
    return bool(await _fetchval(db, "release_linkedin_member_action", action_id))


async def linkedin_note_refused(db: Db, *, follow_up_id: UUID, reason: str, keep_draft: bool) -> None:
    await db.execute(sql("linkedin_note_refused"), follow_up_id, reason, keep_draft)


async def linkedin_note_sent(db: Db, *, follow_up_id: UUID, sent_as: str) -> None:
    await db.execute(sql("linkedin_note_sent"), follow_up_id, sent_as)


async def try_lock_linkedin_account(db: Db, *, user_id: UUID) -> bool:
    return bool(await _fetchval(db, "try_lock_linkedin_account", user_id))


async def follow_up_reply(db: Db, *, reply_id: UUID) -> asyncpg.Record | None:
    return await _fetchrow(db, "follow_up_reply", reply_id)


async def save_reply_classification(db: Db, *, reply_id: UUID, classification: str) -> str | None:
    """The application's status after the reply."""
    status: str | None = await _fetchval(db, "save_reply_classification", reply_id, classification)
    return status
