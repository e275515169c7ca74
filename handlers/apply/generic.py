"""Applying through a single-page form: the flow every ATS adapter shares, and the fallback for
sites without an adapter of their own.

1. Open the page (a posting page may first need its "Apply" step: `Site.open_form`).
2. Decide what the page is before touching it: a captcha a person must solve stops the run at once
   (even when the page also has a form), a closed posting is `failed_closed`, a page with no form
   within the wait is `failed_not_found`.
3. Read the fields by their real markup (handlers/apply/form_fields), answer and fill them, attach
   the tailored resume (PDF, or DOCX where PDF is not accepted), paste or attach the cover letter.
4. Review mode stops here. Otherwise record 'submitting' (`on_submitting`), click the one submit
   control, and wait for the site's confirmation. The site refusing an answer (the form stays, with
   errors) means nothing was sent; no confirmation at all is `needs_check`, never a second click.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from handlers.apply import form_fields
from handlers.apply.browser import Browser, wait_until
from handlers.apply.outcome import ApplyOutcome, Pace
from handlers.skills import document_files

WAIT_SECONDS = 15  # for a page or a form to render; real sites hydrate slowly


@dataclass(frozen=True)
class Site:
    name: str
    form: str = "form"
    submit: str = "button[type=submit], input[type=submit], input[type=button][value*='Submit' i], button[id*=submit]"
    confirmed_selector: str = "#application_confirmation, .application-confirmation, #thanks"
    confirmed_text: tuple[str, ...] = (
        "thank you for applying",
        "application submitted",
        "application has been received",
        "thanks for applying",
        "application was submitted",
    )
    closed_text: tuple[str, ...] = (
        "no longer accepting",
        "position has been filled",
        "job is closed",
        "no longer available",
        "no longer open",
        "job you are looking for is no longer",
        "couldn't find anything here",
        "this job has expired",
        "posting has closed",
    )
    captcha: str = form_fields.CAPTCHA_SELECTOR
    # A posting page whose form is one click away (Lever's "Apply for this job").
    apply_link: str | None = None
    # Reveal what the site hides until asked (Greenhouse's "enter manually" cover letter).
    reveal: str | None = None
    # File inputs outside the form, by document: (("resume", css), ("cover_letter", css)). Greenhouse's
    # classic board uploads through forms of their own beside the application form.
    uploads: tuple[tuple[str, str], ...] = ()
    # Inputs whose suggestion must be picked though their markup does not say so (Lever's location).
    autocompletes: str | None = None


GENERIC = Site("the site")


def captcha_shown(driver: Any, site: Site) -> bool:
    """Whether a captcha is on the page now. Sites load theirs with a script, often after the form
    (Greenhouse's reCAPTCHA), so a page read as 'form' may show one by the time it is filled."""
    from selenium.webdriver.common.by import By

    return any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, site.captcha))


def page_state(driver: Any, site: Site) -> str:
    """'captcha', 'closed', 'apply_link' or 'form', waiting for one of them."""
    from selenium.webdriver.common.by import By

    def visible(d: Any, css: str) -> bool:
        return any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, css))

    def state(d: Any) -> str | Literal[False]:
        if visible(d, site.captcha):
            return "captcha"
        text = d.find_element(By.TAG_NAME, "body").text.lower()
        if any(t in text for t in site.closed_text):
            return "closed"
        forms = [
            f
            for f in d.find_elements(By.CSS_SELECTOR, site.form)
            if f.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), textarea, select")
        ]
        if forms:
            return "form"
        if site.apply_link and visible(d, site.apply_link):
            return "apply_link"
        return False

    return wait_until(driver, WAIT_SECONDS, state)


def click(driver: Any, selector: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    element = WebDriverWait(driver, WAIT_SECONDS).until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))
    form_fields.press(driver, element)


def reveal(driver: Any, selector: str) -> None:
    from selenium.webdriver.common.by import By

    for element in driver.find_elements(By.CSS_SELECTOR, selector):
        if element.is_displayed():
            form_fields.press(driver, element)


ALERTS = "[role=alert], .application-error, #error_explanation, .flash-error, .alert-danger"


def alert(driver: Any) -> str:
    """The text of an error banner the page shows with its form (a refusal by the server)."""
    from selenium.webdriver.common.by import By

    texts = [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, ALERTS) if e.is_displayed() and e.text.strip()]
    return "; ".join(texts)


def upload(driver: Any, selector: str, path: str) -> bool:
    """Send `path` to the file input at `selector`, if the page has one; True when it did."""
    from selenium.webdriver.common.by import By

    inputs = driver.find_elements(By.CSS_SELECTOR, selector)
    if not inputs:
        return False
    driver.execute_script("arguments[0].style.display = 'block';", inputs[0])
    inputs[0].send_keys(path)
    return True


def submit_control(driver: Any, site: Site) -> Any:
    from selenium.webdriver.common.by import By

    for element in driver.find_elements(By.CSS_SELECTOR, f":is({site.form}) :is({site.submit}), {site.submit}"):
        if element.is_displayed() and element.is_enabled():
            return element
    return None


def after_submit(driver: Any, site: Site) -> str:
    """'confirmed', 'rejected' (the form is back with errors) or 'unknown', waiting for a verdict."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By

    def verdict(d: Any) -> str | Literal[False]:
        if d.find_elements(By.CSS_SELECTOR, site.confirmed_selector):
            return "confirmed"
        if any(t in d.find_element(By.TAG_NAME, "body").text.lower() for t in site.confirmed_text):
            return "confirmed"
        fields = form_fields.read_fields(d.execute_script(form_fields.READ_JS, site.form, site.autocompletes))
        if form_fields.rejected(fields) or alert(d):
            return "rejected"
        return False

    try:
        return wait_until(driver, WAIT_SECONDS, verdict)
    except TimeoutException:
        return "unknown"


async def apply(
    browser: Browser,
    url: str,
    profile: dict[str, Any],
    documents: dict[str, Any],
    *,
    submit: bool,
    on_submitting: Callable[[], Awaitable[None]],
    pace: Pace,
    site: Site = GENERIC,
) -> str:
    """Fill the form at `url`; submit it when `submit`. Returns 'submitted' or 'awaiting_review',
    or raises ApplyOutcome."""
    from selenium.common.exceptions import TimeoutException

    driver = browser.driver
    await browser.run(driver.get, url)
    await pace.after_page()
    try:
        state = await browser.run(page_state, driver, site)
        if state == "apply_link":
            await browser.run(click, driver, site.apply_link)
            await pace.after_page()
            state = await browser.run(page_state, driver, site)
    except TimeoutException:
        raise ApplyOutcome("failed_not_found", f"{site.name}'s application form never appeared") from None
    if state == "captcha":
        raise ApplyOutcome("failed_captcha", f"{site.name} shows a captcha that a person must solve")
    if state == "closed":
        raise ApplyOutcome("failed_closed", "the job is no longer accepting applications")
    for what, selector in site.uploads:
        path = document_files.choose(documents.get(what) or {}, "")
        if path is not None and await browser.run(upload, driver, selector, path):
            await pace.after_field()
    if site.reveal:
        await browser.run(reveal, driver, site.reveal)
    fields = await form_fields.fields_in(browser, site.form, site.autocompletes)
    await form_fields.fill_form(browser, fields, profile, documents, pace, site=site.name)
    problems = form_fields.rejected(await form_fields.fields_in(browser, site.form, site.autocompletes))
    if problems:
        raise ApplyOutcome("skipped", f"{site.name} rejected an answer before submitting: {problems[0][:200]}")
    if await browser.run(submit_control, driver, site) is None:
        raise ApplyOutcome("failed_not_found", f"{site.name}'s form has no submit control")
    if await browser.run(captcha_shown, driver, site):
        raise ApplyOutcome("failed_captcha", f"{site.name} shows a captcha that a person must solve")
    if not submit:
        return "awaiting_review"
    await on_submitting()  # recorded before the click: a crash after it never clicks again
    await browser.run(lambda: form_fields.press(driver, submit_control(driver, site)))
    verdict = await browser.run(after_submit, driver, site)
    if verdict == "rejected":
        if await browser.run(captcha_shown, driver, site):
            raise ApplyOutcome("failed_captcha", f"{site.name} refused the application until a person solves its captcha")
        problems = form_fields.rejected(await form_fields.fields_in(browser, site.form, site.autocompletes))
        problems += [banner] if (banner := await browser.run(alert, driver)) else []
        raise ApplyOutcome("skipped", f"{site.name} refused the application: {'; '.join(problems)[:300]}")
    if verdict != "confirmed":
        raise ApplyOutcome("needs_check", f"submitted, but {site.name} never confirmed it: check before retrying")
    return "submitted"
