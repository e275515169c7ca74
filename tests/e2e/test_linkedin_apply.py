"""LinkedIn Easy Apply end to end: a stored (encrypted) session, a visible Chromium on Xvfb, and the
imitation of LinkedIn's job page and modal in tests/support/linkedin_site.py, built from the markup
that maintained open-source bots rely on (ids without names, label[for], fieldset radios, placeholder
selects, numeric ids, inline errors, late rendering, upload limits, the Follow checkbox)."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from listeners.registry import REGISTRY
from tests.support import linkedin_site as li
from tests.support.apply import PROFILE, SUMMARY, apply_now, budget_used, daily_count, linkedin_application, resume_pdf
from tests.support.linkedin_site import LinkedInSite
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

pytestmark = pytest.mark.browser


async def test_easy_apply_submits_every_step_with_the_users_answers(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str
) -> None:
    uid, app = await linkedin_application(db, linkedin)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "submitted" and row["applied_at"] is not None, row["failure_note"]
    (sent,) = linkedin.submissions
    answers = sent["answers"]
    # Skill years come from the parsed resume, not total years (7).
    assert (answers[li.Q_PYTHON], answers[li.Q_KUBERNETES]) == ("6", "2")
    assert answers[li.Q_NOTICE] == "30 days"
    assert (answers[li.Q_AUTHORIZED], answers[li.Q_SPONSORSHIP], answers[li.Q_COMMUTE]) == ("Yes", "No", "Yes")
    assert answers[li.Q_SALARY] == "3200000"
    assert answers["Mobile phone number"] == "9876543210"  # the national number: the country code has its own select
    assert answers["Phone country code"] == "India (+91)"
    # The tailored resume goes as its PDF, and the old saved resume is not what was sent.
    assert sent["resume"]["uploaded"] and sent["resume"]["name"] == "Asha_Rao_Resume.pdf"
    assert sent["resume"]["bytes"] == resume_pdf(row) and sent["resume"]["content_type"] == "application/pdf"
    assert sent["follow_company"] is False  # unticked: this user never asked to follow companies
    assert sent["cookies"]["li_at"] == linkedin.token  # the decrypted session was injected
    assert linkedin.rejections == []  # every step was right the first time
    assert await budget_used(db) == 1 and await daily_count(db, uid) == 1
    connection = await db.fetchrow("SELECT consecutive_failures, last_validated_at FROM user_connections WHERE user_id = $1", uid)
    assert connection["consecutive_failures"] == 0 and connection["last_validated_at"] is not None


async def test_a_second_profile_gets_its_own_answers(linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str) -> None:
    profile = {
        **PROFILE,
        "notice_period_days": 75,
        "needs_sponsorship": True,
        "willing_to_commute": False,
        "follow_companies": True,
        "expected_salary": None,
    }
    summary = {**SUMMARY, "years_experience": 12, "skill_years": {"Python": 9.6, "kubernetes": 4}}
    _, app = await linkedin_application(
        db, linkedin, profile=profile, summary=summary, full_name="Rohan Mehta Iyer", phone="+91 91234 56789"
    )
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "submitted", row["failure_note"]
    answers = linkedin.submissions[0]["answers"]
    assert (answers[li.Q_PYTHON], answers[li.Q_KUBERNETES]) == ("10", "4")
    assert answers[li.Q_NOTICE] in ("60 days", "90 days or more")  # 75 days: the nearest offered options
    assert (answers[li.Q_SPONSORSHIP], answers[li.Q_COMMUTE]) == ("Yes", "No")
    assert answers["Mobile phone number"] == "9123456789" and answers.get(li.Q_SALARY, "") == ""
    assert linkedin.submissions[0]["follow_company"] is True  # this user chose to follow companies
    assert linkedin.submissions[0]["resume"]["name"] == "Rohan_Mehta_Iyer_Resume.pdf"


async def test_a_skill_the_resume_gives_no_years_for_stops_before_sending(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str
) -> None:
    uid, app = await linkedin_application(db, linkedin, summary={**SUMMARY, "skill_years": {"python": 6}})
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "skipped" and li.Q_KUBERNETES in row["failure_note"]
    assert linkedin.submissions == [] and await budget_used(db) == 0 and await daily_count(db, uid) == 0
    log = await db.fetchrow("SELECT status, error_message FROM agent_logs WHERE agent_name = 'auto_apply'")
    assert log["status"] == "skipped" and li.Q_KUBERNETES in log["error_message"]


@pytest.mark.parametrize("mode", ["slow", "reject_phone"])
async def test_late_rendering_and_strict_validation_still_submit(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str, mode: str
) -> None:
    linkedin.mode = mode
    _, app = await linkedin_application(db, linkedin)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "submitted", row["failure_note"]
    assert len(linkedin.submissions) == 1 and linkedin.rejections == []


async def test_a_question_only_the_user_can_answer_names_the_question(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str
) -> None:
    linkedin.mode = "extra_question"
    uid, app = await linkedin_application(db, linkedin)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "skipped" and li.EXTRA_QUESTION in row["failure_note"]
    assert linkedin.submissions == [] and await budget_used(db) == 0 and await daily_count(db, uid) == 0


@pytest.mark.parametrize(
    ("mode", "status", "event"),
    [
        ("captcha", "failed_captcha", "failed"),
        ("applied", "already_applied", "skipped"),
        ("closed", "failed_closed", "failed"),
        ("no_confirm", "needs_check", "failed"),
        ("external", "skipped", "skipped"),
        ("daily_limit", "skipped", "skipped"),
    ],
)
async def test_easy_apply_outcomes_are_named(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str, tmp_path: Path, mode: str, status: str, event: str
) -> None:
    linkedin.mode = mode
    uid, app = await linkedin_application(db, linkedin)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == status, row["failure_note"]
    assert (tmp_path / "storage" / f"screenshots/{app}.png").read_bytes().startswith(b"\x89PNG")
    assert await db.fetchval("SELECT status FROM agent_logs WHERE agent_name = 'auto_apply'") == event
    # The cap slot and the budget unit stand only when the submit click happened.
    clicked = mode == "no_confirm"
    assert await budget_used(db) == int(clicked) and await daily_count(db, uid) == int(clicked)
    assert len(linkedin.submissions) == int(clicked)


async def test_signed_out_session_counts_failures_then_pauses_the_user(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str
) -> None:
    uid, app = await linkedin_application(db, linkedin, token="expired-cookie")
    await db.execute("UPDATE user_connections SET consecutive_failures = 2 WHERE user_id = $1", uid)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "failed_session" and linkedin.submissions == []
    connection = await db.fetchrow("SELECT consecutive_failures, is_valid FROM user_connections WHERE user_id = $1", uid)
    assert (connection["consecutive_failures"], connection["is_valid"]) == (3, False)
    user = await db.fetchrow("SELECT auto_apply_paused, auto_apply_paused_reason FROM users WHERE id = $1", uid)
    assert user["auto_apply_paused"] and "linkedin session failed 3 times" in user["auto_apply_paused_reason"]
    assert await budget_used(db) == 0 and await daily_count(db, uid) == 0


async def test_review_mode_fills_every_step_then_the_approval_submits(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str
) -> None:
    _, app = await linkedin_application(db, linkedin, activated_days_ago=3)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "awaiting_review" and linkedin.submissions == []
    assert [e["index"] for e in linkedin.events if e["type"] == "step"] == [0, 1, 2, 3]  # it reached the review step
    assert await budget_used(db) == 0
    await db.execute("UPDATE job_applications SET review_decision = 'approved' WHERE id = $1", app)  # the user approves
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        await wait_for(
            lambda: db.fetchval("SELECT auto_status = 'submitted' FROM job_applications WHERE id = $1", app),
            timeout=120,
            message="approved application submitted",
        )
    assert len(linkedin.submissions) == 1 and await budget_used(db) == 1


async def test_spent_budget_means_nothing_is_sent(linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str) -> None:
    uid, app = await linkedin_application(db, linkedin)
    await db.execute(
        "INSERT INTO system_daily_limits (day, linkedin_actions, linkedin_limit) VALUES (talvix.utc_today(), 1500, 1500)"
    )
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "skipped" and "LinkedIn budget" in row["failure_note"]
    assert linkedin.submissions == [] and await daily_count(db, uid) == 0
