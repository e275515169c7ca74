"""LinkedIn Easy Apply: the multi-step modal (contact info, resume, additional questions, review,
submit), in a signed-in visible browser.

Markup, as the maintained open-source bots rely on it (GodsScion/Auto_job_applier_linkedIn,
feder-cr/Jobs_Applier_AI_Agent_AIHawk, wodsuz/EasyApplyJobsBot, NathanDuma/LinkedIn-Easy-Apply-Bot):
- the apply button is `button.jobs-apply-button` ("Easy Apply"); the modal is
  `.jobs-easy-apply-modal` / `div[role=dialog]`;
- controls carry an `id` and no `name` ("single-line-text-form-component-…-phoneNumber-
  nationalNumber", "…-numeric"), labelled by `label[for]`; radio groups are a `fieldset` whose
  `legend` is the question, marked `aria-required`; selects open on "Select an option";
- a rejected answer shows `.artdeco-inline-feedback--error` inside `#<control id>-error`;
- steps advance with aria-labels "Continue to next step", "Review your application",
  "Submit application"; the review step has a "Follow <company>" checkbox, ticked by default.

Every Next is checked: the step must change (its heading, progress or controls). A step that stays
with errors names the rejected question; a step that stays without any is `failed_not_found`.
The submit click reserves one unit of the day's LinkedIn budget and is recorded as 'submitting'
first (auto_apply's `on_submitting`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal
from urllib.parse import urlsplit

from handlers.apply import form_fields
from handlers.apply.browser import Browser, wait_until
from handlers.apply.outcome import ApplyOutcome, Pace
from handlers.apply.session_validator import AUTH_WALL

APPLY_BUTTON = "button.jobs-apply-button, .jobs-apply-button--top-card button, .jobs-s-apply button"
MODAL = ".jobs-easy-apply-modal, div[role='dialog'].artdeco-modal, div[data-test-modal][role='dialog']"
# The step buttons by their aria-label, most advanced first.
STEP_LABELS = {"Submit application": "submit", "Review your application": "review", "Continue to next step": "next"}
STEP_BUTTONS = {name: f"button[aria-label='{label}']" for label, name in STEP_LABELS.items()}
APPLIED = ".jobs-s-apply .artdeco-inline-feedback--success, .post-apply-timeline, [data-test-applied-badge]"
CLOSED_TEXT = ("no longer accepting applications", "this job is closed", "job is no longer available")
SENT_TEXT = ("your application was sent", "application sent", "application submitted")
DAILY_LIMIT_TEXT = "exceeded the daily application limit"  # LinkedIn's own per-account limit, shown instead of the modal
CHECKPOINT = ("/checkpoint/challenge", "/checkpoint/")
MAX_STEPS = 12
STEP_WAIT = 15  # seconds for a step to render or change

# One look at the modal: which step it shows, in a form comparable before and after a click.
STEP_JS = r"""
const modal = document.querySelector(arguments[0]);
if (!modal) return null;
const squash = t => (t || '').replace(/\s+/g, ' ').trim();
const heading = squash(modal.querySelector('h3, h2')?.innerText);
const progress = modal.querySelector('progress, [role=progressbar]');
const controls = [...modal.querySelectorAll('input, select, textarea')].map(e => e.id || e.name || e.type).join(',');
const buttons = [...modal.querySelectorAll('button[aria-label]')].filter(b => b.offsetParent).map(b => b.getAttribute('aria-label'));
const errors = [...modal.querySelectorAll('.artdeco-inline-feedback--error')].filter(e => e.offsetParent && squash(e.innerText)).length;
return {signature: [heading, progress ? (progress.value || progress.getAttribute('aria-valuenow')) : '', controls].join('|'),
        buttons, errors, text: squash(modal.innerText).toLowerCase().slice(0, 2000)};
"""


def page_state(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    def state(d: Any) -> str | Literal[False]:
        path = urlsplit(d.current_url).path
        if any(part in path for part in AUTH_WALL):
            return "signed_out"
        if any(part in path for part in CHECKPOINT) or d.find_elements(By.CSS_SELECTOR, form_fields.CAPTCHA_SELECTOR):
            return "captcha"
        if d.find_elements(By.CSS_SELECTOR, APPLIED):
            return "applied"
        buttons = [b for b in d.find_elements(By.CSS_SELECTOR, APPLY_BUTTON) if b.is_displayed()]
        if buttons:
            return "open" if any("easy apply" in b.text.lower() for b in buttons) else "external"
        text = d.find_element(By.TAG_NAME, "body").text.lower()
        if any(t in text for t in CLOSED_TEXT):
            return "closed"
        return False

    return wait_until(driver, STEP_WAIT, state)


def step(driver: Any) -> dict[str, Any]:
    """The modal's current step once it has rendered (a step button is shown)."""
    from selenium.webdriver.common.by import By

    def rendered(d: Any) -> dict[str, Any] | Literal[False]:
        if DAILY_LIMIT_TEXT in d.find_element(By.TAG_NAME, "body").text.lower():
            raise ApplyOutcome("skipped", "LinkedIn says this account exceeded its daily application limit: try tomorrow")
        now: dict[str, Any] | None = d.execute_script(STEP_JS, MODAL)
        if now and (any(t in now["text"] for t in SENT_TEXT) or set(now["buttons"]) & STEP_LABELS.keys()):
            return now
        return False

    return wait_until(driver, STEP_WAIT, rendered)


def which_button(now: dict[str, Any]) -> str:
    for label, name in STEP_LABELS.items():
        if label in now["buttons"]:
            return name
    raise ApplyOutcome("failed_not_found", "the Easy Apply step shows no Next, Review or Submit button")


def advance(driver: Any, button: str, before: dict[str, Any]) -> str:
    """Click the step's button; 'moved' when the step changed, 'rejected' when it stayed with errors."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By

    form_fields.press(driver, driver.find_element(By.CSS_SELECTOR, f":is({MODAL}) {STEP_BUTTONS[button]}"))

    def changed(d: Any) -> str | Literal[False]:
        now = d.execute_script(STEP_JS, MODAL)
        if now is None:
            return "moved"
        if now["errors"]:
            return "rejected"
        if now["signature"] != before["signature"] or any(t in now["text"] for t in SENT_TEXT):
            return "moved"
        return False

    try:
        return wait_until(driver, STEP_WAIT, changed)
    except TimeoutException:
        return "stuck"


def sent(driver: Any) -> bool:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By

    try:
        wait_until(driver, STEP_WAIT, lambda d: any(t in d.find_element(By.TAG_NAME, "body").text.lower() for t in SENT_TEXT))
    except TimeoutException:
        return False
    return True


async def apply(
    browser: Browser,
    job_url: str,
    profile: dict[str, Any],
    documents: dict[str, Any],
    *,
    submit: bool,
    on_submitting: Callable[[], Awaitable[None]],
    pace: Pace,
) -> str:
    """Apply through Easy Apply; returns 'submitted' or 'awaiting_review', or raises ApplyOutcome."""
    from selenium.common.exceptions import TimeoutException

    driver = browser.driver
    await browser.run(driver.get, job_url)
    await pace.after_page()
    try:
        state = await browser.run(page_state, driver)
    except TimeoutException:
        raise ApplyOutcome("failed_not_found", "the Easy Apply button never appeared") from None
    outcomes = {
        "signed_out": ("failed_session", "LinkedIn shows its sign-in wall: the session is signed out"),
        "captcha": ("failed_captcha", "LinkedIn asked for a security check (checkpoint or captcha)"),
        "applied": ("already_applied", "LinkedIn says this job was already applied to"),
        "closed": ("failed_closed", "the job is no longer accepting applications"),
        "external": ("skipped", "this job has no Easy Apply: LinkedIn sends applicants to the company's site"),
    }
    if state in outcomes:
        raise ApplyOutcome(*outcomes[state])
    try:
        await browser.run(form_fields.press, driver, (await browser.run(_apply_button, driver)))
        for _ in range(MAX_STEPS):
            now = await browser.run(step, driver)
            await pace.after_page()
            fields = await form_fields.fields_in(browser, MODAL)
            await form_fields.fill_form(browser, fields, profile, documents, pace, site="LinkedIn")
            problems = form_fields.rejected(await form_fields.fields_in(browser, MODAL))
            if problems:
                raise ApplyOutcome("skipped", f"LinkedIn rejected an answer: {problems[0][:200]}")
            button = which_button(now)
            if button == "submit":
                if not submit:
                    return "awaiting_review"
                await on_submitting()  # recorded (and the budget reserved) before the one click
                await browser.run(advance, driver, "submit", now)
                if not await browser.run(sent, driver):
                    raise ApplyOutcome("needs_check", "submitted, but LinkedIn never confirmed it: check before retrying")
                return "submitted"
            moved = await browser.run(advance, driver, button, now)
            if moved == "rejected":
                problems = form_fields.rejected(await form_fields.fields_in(browser, MODAL))
                raise ApplyOutcome("skipped", f"LinkedIn rejected an answer: {'; '.join(problems)[:300] or 'unnamed error'}")
            if moved == "stuck":
                raise ApplyOutcome("failed_not_found", f"the Easy Apply step did not advance after {button}")
    except TimeoutException:
        raise ApplyOutcome("failed_not_found", "an Easy Apply step never rendered") from None
    raise ApplyOutcome("failed_not_found", f"Easy Apply did not reach its submit step in {MAX_STEPS} steps")


def _apply_button(driver: Any) -> Any:
    from selenium.webdriver.common.by import By

    return next(b for b in driver.find_elements(By.CSS_SELECTOR, APPLY_BUTTON) if b.is_displayed())
