"""Greenhouse (classic hosted board and the current job-boards form) and Lever end to end: the real
worker and Chromium against imitations built from those sites' public markup
(tests/support/greenhouse_site.py, tests/support/lever_site.py, sources named there)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.support import greenhouse_site as gh
from tests.support import lever_site as lv
from tests.support.apply import LETTER, apply_now, browser_environment, new_application, resume_pdf

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    browser_environment(monkeypatch, tmp_path)


@pytest.fixture(params=["classic", "job_boards"])
async def greenhouse(request: pytest.FixtureRequest) -> AsyncIterator[gh.GreenhouseSite]:
    site = gh.GreenhouseSite(variant=request.param)
    runner = await site.start()
    yield site
    await runner.cleanup()


@pytest.fixture
async def lever() -> AsyncIterator[lv.LeverSite]:
    site = lv.LeverSite()
    runner = await site.start()
    yield site
    await runner.cleanup()


async def daily_count(db: asyncpg.Connection, uid: object) -> int:
    return await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", uid)


async def test_greenhouse_submits_with_real_question_text(
    greenhouse: gh.GreenhouseSite, db: asyncpg.Connection, database_url: str
) -> None:
    uid, app = await new_application(db, greenhouse.job_url(), "greenhouse")
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "submitted", row["failure_note"]
    (sent,) = greenhouse.submissions
    answers = sent["answers"]
    email = await db.fetchval("SELECT email FROM users WHERE id = $1", uid)
    assert (answers["First Name"], answers["Last Name"], answers["Email"]) == ("Asha", "Rao", email)
    assert answers[gh.Q_AUTHORIZED] == "Yes" and answers[gh.Q_SPONSORSHIP] == "No"
    assert answers[gh.Q_PYTHON] == "6"  # years with Python from the resume, not total years
    assert answers[gh.Q_NOTICE] == "30"  # "(in days)": a number
    assert answers[gh.Q_LINKEDIN] == "https://www.linkedin.com/in/asha-rao"
    assert sent["location"] == gh.LOCATION  # a suggestion was picked, not just text typed
    assert sent["resume"]["name"] == "Asha_Rao_Resume.pdf" and sent["resume"]["bytes"] == resume_pdf(row)
    letter = (sent["cover_letter"] or "").replace("\r\n", "\n").strip()
    assert letter == LETTER.strip() or (sent["cover_letter_file"] or {}).get("name") == "Asha_Rao_Cover_Letter.pdf"
    assert await daily_count(db, uid) == 1


async def test_lever_takes_the_apply_step_and_answers_its_cards(
    lever: lv.LeverSite, db: asyncpg.Connection, database_url: str
) -> None:
    uid, app = await new_application(db, lever.posting_url(), "lever")
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "submitted", row["failure_note"]
    (sent,) = lever.submissions
    answers = sent["answers"]
    assert answers["Full name"] == "Asha Rao" and answers["Phone"] == "+91 98765 43210"
    assert answers[lv.Q_AUTHORIZED] == "Yes" and answers[lv.Q_PYTHON] == "6"
    assert answers[lv.Q_NOTICE] == "30-60 days"  # 30 days, in the option whose range holds it
    assert sent["location"] == lv.LOCATION and sent["consent"] is True
    assert sent["consent_marketing"] is False  # never opted in on the user's behalf
    assert sent["resume"]["name"] == "Asha_Rao_Resume.pdf" and sent["resume"]["bytes"] == resume_pdf(row)
    assert await daily_count(db, uid) == 1


def site_for(name: str) -> Any:
    return {
        "greenhouse_classic": lambda: gh.GreenhouseSite(variant="classic"),
        "greenhouse_job_boards": lambda: gh.GreenhouseSite(variant="job_boards"),
        "lever": lv.LeverSite,
    }[name]()


def url_of(site: Any) -> str:
    return site.posting_url() if isinstance(site, lv.LeverSite) else site.job_url()


@pytest.mark.parametrize("name", ["greenhouse_classic", "greenhouse_job_boards", "lever"])
@pytest.mark.parametrize(
    ("mode", "status"),
    [
        ("closed", "failed_closed"),
        ("captcha", "failed_captcha"),
        ("extra_question", "skipped"),
        ("no_confirm", "needs_check"),
    ],
)
async def test_every_outcome_is_named(
    db: asyncpg.Connection, database_url: str, tmp_path: Path, name: str, mode: str, status: str
) -> None:
    site = site_for(name)
    site.mode = mode
    runner = await site.start()
    try:
        platform = "lever" if name == "lever" else "greenhouse"
        uid, app = await new_application(db, url_of(site), platform)
        row = await apply_now(db, database_url, app)
    finally:
        await runner.cleanup()
    assert row["auto_status"] == status, row["failure_note"]
    assert (tmp_path / "storage" / f"screenshots/{app}.png").read_bytes().startswith(b"\x89PNG")
    sent = mode == "no_confirm"
    assert len(site.submissions) == int(sent) and await daily_count(db, uid) == int(sent)
    if mode == "extra_question":
        assert site.EXTRA_QUESTION in row["failure_note"]  # the question the user must answer, by its text
