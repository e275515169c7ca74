"""LinkedIn Easy Apply: the multi-step modal (contact info, resume, additional questions, review,
submit), in a signed-in browser.

DOM structure after the maintained open-source bot nicolomantini/LinkedIn-Easy-Apply-Bot
(easyapplybot.py): the apply button is a `button` whose class contains `jobs-apply-button`; steps
advance with button[aria-label='Continue to next step'], then 'Review your application', then
'Submit application'; a rejected answer shows p[data-test-form-element-error-message='true'].

Named outcomes: signed out (auth wall), checkpoint or captcha, already applied, job closed, an
element that never appears. The submit click reserves one unit of the day's LinkedIn budget and is
recorded as 'submitting' first (see auto_apply).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from handlers import form_answerer
from handlers.ats_form import FIELDS_JS, ApplyOutcome, Pace, fill, kind_of
from handlers.browser import Browser
from handlers.session_validator import AUTH_WALL

APPLY_BUTTON = "button.jobs-apply-button"
MODAL = ".jobs-easy-apply-modal, div[role='dialog'].artdeco-modal"
NEXT = "button[aria-label='Continue to next step']"
REVIEW = "button[aria-label='Review your application']"
SUBMIT = "button[aria-label='Submit application']"
ERROR = "p[data-test-form-element-error-message='true']"
APPLIED = ".jobs-s-apply .artdeco-inline-feedback--success, .post-apply-timeline, [data-test-applied-badge]"
CLOSED_TEXT = ("no longer accepting applications", "this job is closed")
CAPTCHA = "#captcha-internal, iframe[src*='captcha'], iframe[src*='arkose'], .challenge-dialog"
SENT_TEXT = ("your application was sent", "application submitted")
MAX_STEPS = 10

def _page_state(driver: Any) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def state(d: Any) -> str | bool:
        if any(part in urlsplit(d.current_url).path for part in AUTH_WALL):
            return "signed_out"
        if "/checkpoint" in urlsplit(d.current_url).path or d.find_elements(By.CSS_SELECTOR, CAPTCHA):
            return "captcha"
        if d.find_elements(By.CSS_SELECTOR, APPLIED):
            return "applied"
        if d.find_elements(By.CSS_SELECTOR, APPLY_BUTTON):
            return "open"
        text = d.find_element(By.TAG_NAME, "body").text.lower()
        return "closed" if any(t in text for t in CLOSED_TEXT) else False

    return WebDriverWait(driver, 10).until(state)


def _click(driver: Any, selector: str, timeout: float = 10) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector))).click()


def _step_buttons(driver: Any) -> str:
    """Which step button the modal shows now (waits for one to appear)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def which(d: Any) -> str | bool:
        for name, selector in (("submit", SUBMIT), ("review", REVIEW), ("next", NEXT)):
            if d.find_elements(By.CSS_SELECTOR, selector):
                return name
        return False

    return WebDriverWait(driver, 10).until(which)


def _errors(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ERROR) if e.text.strip()]


def _sent(driver: Any) -> bool:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, 15).until(
            lambda d: any(t in d.find_element(By.TAG_NAME, "body").text.lower() for t in SENT_TEXT))
    except Exception:  # noqa: BLE001 - no confirmation within the wait: the outcome is unknown
        return False
    return True


async def apply(browser: Browser, job_url: str, profile: dict[str, Any], *, resume_file: Path | None, submit: bool,
                on_submitting: Callable[[], Awaitable[None]], pace: Pace) -> str:
    """Apply through Easy Apply; returns 'submitted' or 'awaiting_review', or raises ApplyOutcome."""
    from selenium.common.exceptions import TimeoutException

    driver = browser.driver
    await browser.run(driver.get, job_url)
    await pace.after_page()
    try:
        state = await browser.run(_page_state, driver)
    except TimeoutException:
        raise ApplyOutcome("failed_not_found", "the Easy Apply button never appeared") from None
    outcomes = {"signed_out": ("failed_session", "LinkedIn shows its sign-in wall: the session is signed out"),
                "captcha": ("failed_captcha", "LinkedIn asked for a security check (checkpoint or captcha)"),
                "applied": ("already_applied", "LinkedIn says this job was already applied to"),
                "closed": ("failed_closed", "the job is no longer accepting applications")}
    if state in outcomes:
        raise ApplyOutcome(*outcomes[state])
    try:
        await browser.run(_click, driver, APPLY_BUTTON)
        for _ in range(MAX_STEPS):
            await pace.after_page()
            fields = await browser.run(driver.execute_script, FIELDS_JS, MODAL)
            for field in fields:
                if field["type"] == "file":
                    if resume_file is not None and any(w in field["label"].lower() for w in ("resume", "cv", "upload")):
                        await browser.run(fill, driver, field, str(resume_file), MODAL)
                    continue
                question = form_answerer.Question(label=field["label"] or field["name"], kind=kind_of(field),
                                                  options=field["options"], required=field["required"])
                try:
                    value = (await form_answerer.answer(question, profile)).value
                except form_answerer.Unanswerable as exc:
                    if field["required"] and not field.get("value"):
                        raise ApplyOutcome("skipped", f"Easy Apply asks {field['label']!r}, which needs the user") from exc
                    continue
                await browser.run(fill, driver, field, value, MODAL)
                await pace.after_field()
            step = await browser.run(_step_buttons, driver)
            if step == "submit":
                if not submit:
                    return "awaiting_review"
                await on_submitting()  # recorded (and the budget reserved) before the one click
                await browser.run(_click, driver, SUBMIT)
                if not await browser.run(_sent, driver):
                    raise ApplyOutcome("needs_check", "submitted, but LinkedIn never confirmed it: check before retrying")
                return "submitted"
            await browser.run(_click, driver, REVIEW if step == "review" else NEXT)
            errors = await browser.run(_errors, driver)
            if errors:
                raise ApplyOutcome("skipped", f"LinkedIn rejected an answer: {errors[0][:200]}")
    except TimeoutException:
        raise ApplyOutcome("failed_not_found", "an Easy Apply element never appeared") from None
    raise ApplyOutcome("failed_not_found", f"Easy Apply did not reach its submit step in {MAX_STEPS} steps")
