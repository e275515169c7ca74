"""Applying through a single-page ATS form (Greenhouse/Lever style).

The form's fields are read in one script (label, kind, options), each is answered by the form
answerer (profile first, model for the rest), the tailored resume is attached and the cover letter
pasted. Waits use WebDriverWait only; pacing between actions is randomised with asyncio.sleep.
The submit button is clicked once, after `on_submitting()` has recorded that fact: a confirmation
that never shows is an uncertain outcome (needs_check), never a reason to click again.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handlers import form_answerer
from handlers.browser import Browser

# Reads the fields inside the container matched by arguments[0]: name, tag, type, label (from
# label[for], a fieldset's legend, aria-label, placeholder), options (select, radio) and required.
FIELDS_JS = """
const scope = document.querySelector(arguments[0]);
const out = {};
for (const e of scope.querySelectorAll('input, select, textarea')) {
  if (['hidden', 'submit', 'button'].includes(e.type)) continue;
  const key = e.name || e.id;
  const label = ((e.id && document.querySelector(`label[for="${e.id}"]`)?.innerText)
                 || e.closest('fieldset')?.querySelector('legend')?.innerText
                 || e.getAttribute('aria-label') || e.placeholder || key || '').trim();
  const tag = e.tagName.toLowerCase();
  const f = out[key] || {name: key, tag, type: e.type, label, options: [], required: e.required, value: e.value};
  if (tag === 'select') f.options = Array.from(e.options).filter(o => o.value).map(o => o.text.trim());
  if (e.type === 'radio') f.options.push(e.value);
  out[key] = f;
}
return Object.values(out);
"""
CLOSED_MARKERS = ("no longer accepting", "position has been filled", "job is closed", "no longer available")
CAPTCHA_SELECTOR = ".g-recaptcha, iframe[src*='recaptcha'], iframe[src*='hcaptcha'], #captcha, .h-captcha"


class ApplyOutcome(Exception):
    """How an apply attempt ended when it did not submit; `status` is the application's auto_status."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Pace:
    """Human pacing: seconds between page loads and between fields (settings; tests shrink them)."""

    page: tuple[float, float] = (2.0, 6.0)
    field: tuple[float, float] = (0.5, 2.0)

    @classmethod
    def from_env(cls) -> Pace:
        def pair(name: str, default: tuple[float, float]) -> tuple[float, float]:
            raw = os.environ.get(name)
            if not raw:
                return default
            low, _, high = raw.partition(",")
            return float(low), float(high or low)

        return cls(pair("TALVIX_BROWSER_PAGE_DELAY", cls.page), pair("TALVIX_BROWSER_FIELD_DELAY", cls.field))

    async def after_page(self) -> None:
        await asyncio.sleep(random.uniform(*self.page))

    async def after_field(self) -> None:
        await asyncio.sleep(random.uniform(*self.field))


def kind_of(field: dict[str, Any]) -> str:
    if field["tag"] == "select":
        return "select"
    if field["type"] == "radio":
        return "radio"
    if field["type"] == "checkbox":
        return "checkbox"
    if field["type"] == "number":
        return "number"
    return "textarea" if field["tag"] == "textarea" else "text"


def _wait_for_page(driver: Any) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def state(d: Any) -> str | bool:
        if d.find_elements(By.CSS_SELECTOR, "form"):
            return "form"
        if d.find_elements(By.CSS_SELECTOR, CAPTCHA_SELECTOR):
            return "captcha"
        text = d.find_element(By.TAG_NAME, "body").text.lower()
        return "closed" if any(m in text for m in CLOSED_MARKERS) else False

    return WebDriverWait(driver, 10).until(state)


def fill(driver: Any, field: dict[str, Any], value: str, scope_selector: str = "form") -> None:
    """Put `value` into a field read by FIELDS_JS, inside the container matched by `scope_selector`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    scope = WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, scope_selector)))
    if field["type"] == "radio":
        scope.find_element(By.CSS_SELECTOR, f'input[name="{field["name"]}"][value="{value}"]').click()
        return
    element = scope.find_element(By.NAME, field["name"])
    if field["tag"] == "select":
        Select(element).select_by_visible_text(value)
    elif field["type"] == "file":
        element.send_keys(value)
    elif field["type"] == "checkbox":
        if (value == "Yes") != element.is_selected():
            element.click()
    else:
        element.clear()
        element.send_keys(value)


def _submit(driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    button = (By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]")
    WebDriverWait(driver, 10).until(ec.element_to_be_clickable(button)).click()


def _confirmed(driver: Any) -> bool:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d: Any) -> bool:
        text = d.find_element(By.TAG_NAME, "body").text.lower()
        return bool(d.find_elements(By.CSS_SELECTOR, "#thanks, .application-confirmation")) or "thank you for applying" in text

    try:
        WebDriverWait(driver, 15).until(done)
    except Exception:  # noqa: BLE001 - a timeout here means "we do not know", which the caller records
        return False
    return True


def _submit_button_present(driver: Any) -> bool:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, 5).until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]")))
    except TimeoutException:
        return False
    return True


async def apply(browser: Browser, url: str, profile: dict[str, Any], *, resume_file: Path | None,
                cover_letter: str | None, submit: bool, on_submitting: Callable[[], Awaitable[None]],
                pace: Pace) -> str:
    """Fill the form at `url`; submit it when `submit`. Returns 'submitted' or 'awaiting_review'."""
    from selenium.common.exceptions import TimeoutException

    driver = browser.driver
    await browser.run(driver.get, url)
    await pace.after_page()
    try:
        page = await browser.run(_wait_for_page, driver)
    except TimeoutException:
        raise ApplyOutcome("failed_not_found", "the application form never appeared") from None
    if page == "captcha":
        raise ApplyOutcome("failed_captcha", "the site showed a captcha")
    if page == "closed":
        raise ApplyOutcome("failed_closed", "the job is no longer accepting applications")
    fields = await browser.run(driver.execute_script, FIELDS_JS, "form")
    for field in fields:
        label = field["label"].lower()
        if field["type"] == "file":
            if any(w in label for w in ("resume", "cv")) and resume_file is not None:
                await browser.run(fill, driver, field, str(resume_file))  # absolute: storage.resolve
            continue
        if "cover letter" in label and field["tag"] == "textarea" and cover_letter:
            value = cover_letter
        else:
            question = form_answerer.Question(label=field["label"] or field["name"], kind=kind_of(field),
                                              options=field["options"], required=field["required"])
            try:
                value = (await form_answerer.answer(question, profile)).value
            except form_answerer.Unanswerable as exc:
                if field["required"]:
                    raise ApplyOutcome("skipped", f"the form asks {field['label']!r}, which needs the user") from exc
                continue
        await browser.run(fill, driver, field, value)
        await pace.after_field()
    if not await browser.run(_submit_button_present, driver):
        raise ApplyOutcome("failed_not_found", "the form has no submit button")
    if not submit:
        return "awaiting_review"
    await on_submitting()  # recorded before the click: a crash after it never clicks again
    await browser.run(_submit, driver)
    if not await browser.run(_confirmed, driver):
        raise ApplyOutcome("needs_check", "submitted, but the site never confirmed it: check before retrying")
    return "submitted"
