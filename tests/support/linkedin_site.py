"""A local imitation of a LinkedIn job page and its Easy Apply modal, served by aiohttp on 127.0.0.1.

It is built from public evidence of LinkedIn's real DOM (captured pages and the selectors of maintained open-source
Easy Apply bots), not from what any particular bot expects. Where the evidence is thin the choice is marked
"unverified" below and in a comment next to the markup.

    site = LinkedInSite(mode="ok")
    runner = await site.start()          # serves on 127.0.0.1:<free port>, sets site.port
    driver.get(site.origin + "/")        # then add the cookie li_at=<site.token> and open site.job_url("42")
    ...
    site.submissions[0]["answers"][QUESTIONS[0]]
    await runner.cleanup()

Routes
    /                            guest home page (signed in: 302 to /feed/)
    /login                       the sign-in page (#username, #password); POST /checkpoint/lg/login-submit re-shows it
    /feed/                       signed-in page with the global nav; signed out: 302 to /authwall?...&sessionRedirect=...
    /authwall                    the sign-in wall (guest sign-in form: #session_key, #session_password)
    /checkpoint/challenge/...    the security check (form#captcha-challenge with iframe#captcha-internal)
    /jobs/view/{job}/            the job page; signed out: 302 to /authwall; mode "captcha": 302 to /checkpoint/challenge/...
    POST SUBMIT_PATH             what the modal's JavaScript posts the application to (multipart: "application" JSON
                                 and, when a new resume was uploaded, "resume")
    POST TRACK_PATH              the modal's tracking beacons (step shown, Next rejected, resume rejected, discarded, ...)
    /redir/redirect/             where an external ("Apply on company website") job leads

"Signed in" means the cookie li_at equals LinkedInSite.token, and the mode is not "signed_out".

Modes (LinkedInSite.mode, read on every request, so a test may change it between page loads)
    ok            the full 4-step flow: Contact info 0% -> Resume 33% -> Additional Questions 67% -> Review 100%
    signed_out    even the right cookie is refused: /feed/ and job pages redirect to the authwall, the POST answers 401
    captcha       the job page redirects to /checkpoint/challenge/... (the feed still works)
    applied       the job page shows "Applied 2 days ago", See application and the post-apply timeline; no Easy Apply
    closed        the job page shows "No longer accepting applications"; no Easy Apply
    no_confirm    the submission reaches the server (and is recorded) but the modal never shows a confirmation:
                  the Submit button stays disabled and the dialog stays open
    slow          every step's form renders 2500 ms after the step opens (render_delay_ms is used otherwise)
    reject_phone  "Mobile phone number" must be digits only ("+91 98765 43210" is rejected, "9876543210" passes)
    extra_question  step 3 has one more required question, a textarea: EXTRA_QUESTION
    external      (extra) the job has LinkedIn's external "Apply" button (on company website), not Easy Apply
    daily_limit   (extra) clicking Easy Apply opens no modal; LinkedIn's inline "You've exceeded the daily application
                  limit" feedback appears in .jobs-s-apply instead
Once a job has a submission, its page shows the applied state in every mode, as LinkedIn does.

What each submission records (LinkedInSite.submissions, one dict per POST that was accepted)
    "job"             the job id from the URL
    "answers"         {question text as shown: value as submitted (str)}; selects and radios give the chosen option's
                      text; the contact fields are included ("First name", ..., "Mobile phone number")
    "resume"          {"name", "bytes", "size", "content_type", "uploaded"}; the old resume, when it stayed selected, is
                      {"name": "Old_Resume_2023.pdf", "bytes": None, "size": OLD_RESUME_SIZE, "content_type":
                      "application/pdf", "uploaded": False}; None if no resume was selected (LinkedIn refuses that)
    "follow_company"  whether #follow-company-checkbox was checked (through its change events) at Submit
    "cookies"         dict(request.cookies)
    "steps_seen"      how many Next / Review clicks were rejected by validation (the name is the brief's)
    "rejections"      one {"step", "id", "question", "error"} per control rejected, per rejected click
    "steps"           the headings of the steps in the order they were rendered (after Back they repeat)
    "mode"            the mode at submission time
LinkedInSite.events records every tracking beacon (also for applications never submitted); LinkedInSite.rejections
flattens the rejected ones.

Like LinkedIn's Ember components, the modal keeps its own model of the answers and updates it from input / change /
focusout events (select: change; radio: change; checkbox: change). Setting .value or .checked from script without an
event does not register (the bots' notes say so of the real site: "Setting .checked alone does not register").

Sources (repo + path, or page) for each piece of markup
    Easy Apply button, top card, .jobs-s-apply, .job-details-jobs-unified-top-card__*:
        GodsScion/Auto_job_applier_linkedIn tests/fixtures/04_apply_button.html and 03_job_details_top_card.html
        (captured 2026: button#jobs-apply-button-id.jobs-apply-button[data-job-id][data-live-test-job-apply-button],
        aria-label "Easy Apply to <title> at <company>")
    Modal (div[data-test-modal][role=dialog].artdeco-modal.jobs-easy-apply-modal[aria-labelledby=jobs-apply-header],
    h2#jobs-apply-header "Apply to <company>", Dismiss button[data-test-modal-close-btn], progress region
    [role=region][aria-label="Your job application progress is at N percent."], progress.artdeco-completeness-meter-
    linear__progress-element, span[role=note] "N%", h3 "Contact info", entity lockup, footer info text,
    button[aria-label="Continue to next step"][data-easy-apply-next-button]):
        bilan604/initiative tests/static_info.py (captured 2023) and GodsScion .../06_easy_apply_modal.html (2026)
    Form sections (.jobs-easy-apply-form-section__grouping > .fb-dash-form-element.jobs-easy-apply-form-element
    [data-test-form-element][aria-invalid]), select component (data-test-text-entity-list-form-*, label
    .fb-dash-form-element__label-title--is-required, span.visually-hidden "Required", select#text-entity-list-form-
    component-formElement-urn-li-jobs-applyformcommon-easyApplyFormElement-<job>-<n>-multipleChoice
    [aria-required=true][required], first option value/text "Select an option"), phone country select
    (...-phoneNumber-country, "India (+91)"), single-line text (div[data-test-single-line-text-form-component] >
    .artdeco-text-input > label.artdeco-text-input--label[for] + input.artdeco-text-input--input#...-phoneNumber-
    nationalNumber[type=text][required][aria-describedby=<id>-error], then div#<id>-error), controls with id and no
    name: bilan604/initiative tests/static_info.py; GodsScion .../06_easy_apply_modal.html (class
    fb-dash-form-element__select-dropdown, data-live-test-single-line-text-form-component, inputmode/dir on inputs)
    Additional Questions (h3 "Additional Questions", numeric ids ...-<n>-numeric with type=text, radio fieldset
    [data-test-form-builder-radio-button-form-component=true]#radio-button-form-component-...-multipleChoice with
    legend > span[data-test-form-builder-radio-button-form-component__title] (aria-hidden + visually-hidden copies),
    span.visually-hidden[data-test-form-builder-radio-button-form-component__required], options div[data-test-text-
    selectable-option=i].fb-text-selectable__option > input[type=radio].fb-form-element__checkbox#urn:li:fsd_formElement:
    urn:li:jobs_applyformcommon_easyApplyFormElement:(<job>,<n>,multipleChoice)-<i>, name = that urn without -<i>,
    aria-required="true" on the inputs, value Yes/No, label[for] per option; then div#<fieldset id>-error; the label
    "Are you comfortable commuting to this job's location?"):
        bilan604/initiative tests/tests.py (captured 2023). Radios DO carry a shared name; aria-required is on the
        inputs, not on the fieldset, and there is no `required` attribute.
    Multi-line question id multiline-text-form-component-formElement-...-<n>-text: ids used by several public scripts
        found by find_string (e.g. "...easyApplyFormElement-3625812506-2053103714989801866-text"); the wrapper markup
        of the textarea is unverified.
    Inline error (div.artdeco-inline-feedback.artdeco-inline-feedback--error.ember-view.mt1[role=alert]
    [data-test-form-element-error-messages] > li-icon[type=error-pebble-icon] + span.artdeco-inline-feedback__message,
    inside div#<control id>-error): markup copied from LinkedIn into a public clone (find_string hit, repo unnamed by the
    index: "checkbox-form-component-premiumSurveyQuestion-1-error"), the same class string in bot XPaths (e.g.
    '//div[@class="artdeco-inline-feedback artdeco-inline-feedback--error ember-view mt1" and
    ancestor::div[@data-test-single-line-text-form-component]]'). Texts: "Enter a whole number between 0 and 99",
    "Enter a decimal number larger than 0.0", "Please enter a valid answer", "make a selection", "A file is required":
    error lists and comments in public bots (wodsuz/EasyApplyJobsBot-style error list, AIHawk notes on "Please enter
    a valid answer").
    Step buttons: aria-labels "Continue to next step", "Review your application", "Submit application",
    data-live-test-easy-apply-{next,review,submit}-button: GodsScion fixture, joaosilvalopes/linkedin-easy-apply-bot
    selectors, and many bots' code.
    Resume step (text "Be sure to include an updated resume"; cards div.ui-attachment.jobs-document-upload-redesign-card__
    container[--cursor-pointer][--selected].ui-attachment--pdf[tabindex=0][aria-label="Selected" | "Select this
    resume"] > p.jobs-document-upload-redesign-card__header > h3.jobs-document-upload-redesign-card__file-name + p "105 KB
    · Last used on 8/10/2026"; Download button; input#jobsDocumentCardToggle-emberN[type=radio] (no name) +
    label.jobs-document-upload-redesign-card__toggle-label "Select resume X" / "Deselect resume X"; label.jobs-document-
    upload__upload-button[for=<file id>] > span[role=button][aria-label="Upload resume button. Only, DOC, DOCX, PDF
    formats are supported. Max file size is (... MB)."] "Upload resume"; input[name=file].hidden#jobs-document-upload-
    file-input-upload-resume-urn:li:fsu_jobApplicationFileUploadFormElement:urn:li:jobs_applyformcommon_
    easyApplyFormElement:(<job>,33,document)[accept="application/msword,application/vnd.openxmlformats-officedocument.
    wordprocessingml.document,application/pdf"]; p.jobs-document-upload__format-text "DOC, DOCX, PDF (... MB)"):
        GodsScion .../06_easy_apply_modal.html. The size limit: "Max file size is (2 MB)" is in the selectors of many
        public bots (find_string: nine hits, e.g. aria-label XPaths in Selenium/Puppeteer bots); the 2026 GodsScion
        capture says 5 MB. The brief asks for 2 MB, which is the widely quoted value, so RESUME_MAX_BYTES is 2 MB.
        The error card for a rejected file (container--error, .jobs-document-upload-redesign-card__error with the
        inline feedback "Please upload a smaller file (5 MB or less).") is from a public React clone of the modal
        (find_string hit for jobs-document-upload-redesign-card__container); the wrong-type text is unverified.
        h3 "Resume" with .jobs-document-upload__title--is-required: bots' XPath "//h3[text()='Resume']" and a
        2026 research summary of GodsScion/wodsuz/AIHawk selectors.
    Follow checkbox (footer div.job-details-easy-apply-footer__section > input#follow-company-checkbox.ember-checkbox.
    ember-view.visually-hidden[type=checkbox] + label[for] "Follow <span class="t-bold t-black">Acme</span> to stay up to
    date with their page."; footer text "We automatically save your answers and resume..."):
        GodsScion .../06_easy_apply_modal.html; checked by default per bots that "untick" it (e.g. an extension:
        'if (followCheckbox && followCheckbox.checked) followCheckbox.click()').
    Post-submit (div[role=dialog].artdeco-modal[aria-labelledby="post-apply-modal"][data-test-modal-id=
    "post-apply-modal"], h2#post-apply-modal, text "Application sent" and "Your application was sent to <company>",
    .jpac-modal-header, Done button, Dismiss button[data-test-modal-close-btn]): bots' selectors
    ('//div[@role="dialog" and @aria-labelledby="post-apply-modal" and contains(@class, "artdeco-modal")]',
    'h2#post-apply-modal' + Done, '[data-test-modal-id="post-apply-modal"]', ".jpac-modal-header", and a content
    script checking modal text for both "Application sent" and "Your application was sent to").
    Discard dialog ("Save this application?", button[data-control-name="discard_application_confirm_btn"] "Discard"):
        the discard selector is in many bots (GodsScion discard_application: Escape then span "Discard"); the Save
        button's data-control-name and the dialog's wording are unverified.
    Already applied (.jobs-s-apply .artdeco-inline-feedback--success[role=alert] > span.artdeco-inline-feedback__message
    "Applied 2 days ago", a#jobs-apply-see-application-link.jobs-s-apply__application-link[href*="stage=applied"],
    li-icon[type=success-pebble-icon], .post-apply-timeline / .post-apply-timeline__entity "Application submitted"):
        selectors in several bots (GodsScion "jobs-s-apply__application-link"; '.jobs-s-apply [role="alert"]';
        '#jobs-apply-see-application-link'; "li-icon[type='success-pebble-icon']"; "post-apply-timeline__entity" with
        text "application submitted"). Assembled from selectors: no captured page was found.
    Closed (div.jobs-details-top-card__apply-error.t-12.t-bold.artdeco-inline-feedback.artdeco-inline-feedback--error.
    ember-view, "No longer accepting applications"): exact class string in a public scraper's BeautifulSoup lookup.
    Daily limit ("You've exceeded the daily application limit" in .artdeco-inline-feedback__message): GodsScion
    external_apply() and a Chrome extension's checkLimitReached().
    External apply ("Apply" + data-test-icon link-external, aria-label "... on company website"): bots' selectors
    ('a[aria-label*="on company website" i]', '[data-test-icon^="link-external"]'); the exact markup is unverified.
    Captcha (URL /checkpoint/challenge/..., iframe#captcha-internal, form#captcha-challenge, h1 "Let's do a quick security
    check"): a NestJS LinkedIn captcha detector's comments, joaosilvalopes selectors ("#captcha-internal"), a test
    fixture in a public plan ("Let's do a quick security check").
    Sign-in wall and login (/authwall?trk=..&sessionRedirect=<url>; guest form input#session_key[name=session_key]
    [autocomplete=username], input#session_password, button[data-id="sign-in-form__submit-btn"]; /login with
    #username, #password, button.btn__primary--large.from__button--floating, form .login__form): authwall URLs quoted
    on many public pages; guest-form and login selectors in several public scripts (joaosilvalopes selectors).
    Signed-in marker (header#global-nav, .global-nav__me, img.global-nav__me-photo): bots' login checks
    ("img.global-nav__me-photo", ".global-nav__me").

Not found in the evidence (most faithful choice taken)
    - the phone number's error text ("Please enter a valid phone number" is used); the First/Last name ids (they follow
      the ...-<n>-firstName pattern of LinkedIn's profile-edit form ids); the review step's markup (a summary with Edit
      buttons, as the bots' notes describe it); the Back button's aria-label ("Back to previous step");
    - the submit endpoint's path and payload (SUBMIT_PATH is this fixture's own);
    - whether the real footer shows a Next button while a step loads (bots' notes say an empty shell with only Next can
      appear): here nothing clickable renders until the form does;
    - LinkedIn's real CSS (radio inputs and the follow checkbox are visually hidden on the real site; here radios are
      plain visible inputs, the checkbox keeps the real "visually-hidden" class);
    - the country list is the captured one, cut to a few entries (it keeps "United States (+1)" first, as captured).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

from aiohttp import web

# --- the account and the job ------------------------------------------------------------------------------------------

ACCOUNT: dict[str, str] = {
    "first_name": "Asha",
    "last_name": "Verma",
    "email": "asha.verma@example.com",
    "other_email": "asha.v@example.org",
    "headline": "Backend Engineer | Python, Kubernetes",
    "location": "Bengaluru, Karnataka, India",
}
JOB_TITLE = "Senior Python Engineer"
JOB_LOCATION = "Bengaluru, Karnataka, India"

OLD_RESUME = "Old_Resume_2023.pdf"
OLD_RESUME_SIZE = 98_304
RESUME_MAX_BYTES = 2 * 1024 * 1024
RESUME_MIME_TYPES = (
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/pdf",
)

# --- the questions, exactly as shown ------------------------------------------------------------------------------------

CONTACT_QUESTIONS: tuple[str, ...] = ("First name", "Last name", "Email address", "Phone country code", "Mobile phone number")
Q_PYTHON = "How many years of work experience do you have with Python?"
Q_KUBERNETES = "How many years of work experience do you have with Kubernetes?"
Q_NOTICE = "What is your notice period?"
Q_AUTHORIZED = "Are you legally authorized to work in India?"
Q_SPONSORSHIP = "Will you now or in the future require sponsorship?"
Q_COMMUTE = "Are you comfortable commuting to this job's location?"
Q_SALARY = "Expected annual salary (INR)"
QUESTIONS: tuple[str, ...] = (Q_PYTHON, Q_KUBERNETES, Q_NOTICE, Q_AUTHORIZED, Q_SPONSORSHIP, Q_COMMUTE, Q_SALARY)
EXTRA_QUESTION = "What is your favourite programming paradigm and why?"
REQUIRED_QUESTIONS: tuple[str, ...] = QUESTIONS[:-1]  # the salary is optional
NOTICE_OPTIONS: tuple[str, ...] = ("Immediately", "15 days", "30 days", "60 days", "90 days or more")
PLACEHOLDER_OPTION = "Select an option"
# The captured list (bilan604/initiative, 2023) starts with the United States, then goes alphabetically; cut short here.
COUNTRY_CODES: tuple[str, ...] = (
    "United States (+1)",
    "Australia (+61)",
    "Bangladesh (+880)",
    "Canada (+1)",
    "France (+33)",
    "Germany (+49)",
    "India (+91)",
    "Ireland (+353)",
    "Nepal (+977)",
    "Netherlands (+31)",
    "Singapore (+65)",
    "Sri Lanka (+94)",
    "United Arab Emirates (+971)",
    "United Kingdom (+44)",
)

ERRORS: dict[str, str] = {
    "answer": "Please enter a valid answer",
    "whole": "Enter a whole number between 0 and 99",
    "decimal": "Enter a decimal number larger than 0.0",
    "select": "Please make a selection",
    "phone": "Please enter a valid phone number",  # unverified text
    "file": "A file is required",
    "file_size": "Please upload a smaller file (2 MB or less).",
    "file_type": "Please upload a DOC, DOCX, or PDF file.",  # unverified text
    "daily_limit": "You've exceeded the daily application limit",
}

MODES = frozenset(
    {
        "ok",
        "signed_out",
        "captcha",
        "applied",
        "closed",
        "no_confirm",
        "slow",
        "reject_phone",
        "extra_question",
        "external",
        "daily_limit",
    }
)
SLOW_RENDER_DELAY_MS = 2500
SUBMIT_PATH = "/voyager/api/jobs/easyApplyApplications"  # this fixture's own path; LinkedIn's is not in the evidence
TRACK_PATH = "/li/track"
PROGRESS = (0, 33, 67, 100)


def form_element_id(component: str, job: str, n: int, kind: str) -> str:
    """LinkedIn's control id: <component>-formElement-urn-li-jobs-applyformcommon-easyApplyFormElement-<job>-<n>-<kind>."""
    return f"{component}-formElement-urn-li-jobs-applyformcommon-easyApplyFormElement-{job}-{n}-{kind}"


def radio_urn(job: str, n: int) -> str:
    """The radio group's name; each option's id is this plus -<index>."""
    return f"urn:li:fsd_formElement:urn:li:jobs_applyformcommon_easyApplyFormElement:({job},{n},multipleChoice)"


def resume_input_id(job: str) -> str:
    return (
        "jobs-document-upload-file-input-upload-resume-urn:li:fsu_jobApplicationFileUploadFormElement:"
        f"urn:li:jobs_applyformcommon_easyApplyFormElement:({job},33,document)"
    )


def steps_for(job: str, mode: str) -> list[dict[str, Any]]:
    """The modal's steps and controls, as data: the page's script renders LinkedIn's markup from it."""

    def text(n: int, kind: str, label: str, value: str = "", control: str = "text", required: bool = True) -> dict[str, Any]:
        return {
            "kind": control,
            "id": form_element_id("single-line-text-form-component", job, n, kind),
            "label": label,
            "required": required,
            "value": value,
        }

    def select(n: int, kind: str, label: str, options: tuple[str, ...], value: str = "") -> dict[str, Any]:
        return {
            "kind": "select",
            "id": form_element_id("text-entity-list-form-component", job, n, kind),
            "label": label,
            "required": True,
            "options": [PLACEHOLDER_OPTION, *options],
            "value": value or PLACEHOLDER_OPTION,
        }

    def radio(n: int, label: str) -> dict[str, Any]:
        return {
            "kind": "radio",
            "id": form_element_id("radio-button-form-component", job, n, "multipleChoice"),
            "urn": radio_urn(job, n),
            "label": label,
            "required": True,
            "options": ["Yes", "No"],
            "value": "",
        }

    contact = [
        text(3, "firstName", "First name", ACCOUNT["first_name"]),
        text(4, "lastName", "Last name", ACCOUNT["last_name"]),
        select(5, "multipleChoice", "Email address", (ACCOUNT["email"], ACCOUNT["other_email"]), ACCOUNT["email"]),
        select(9, "phoneNumber-country", "Phone country code", COUNTRY_CODES, "India (+91)"),
        text(9, "phoneNumber-nationalNumber", "Mobile phone number", control="phone"),
    ]
    resume = [{"kind": "resume", "id": resume_input_id(job), "label": "Resume", "required": True}]
    questions = [
        text(101, "numeric", Q_PYTHON, control="whole"),
        text(102, "numeric", Q_KUBERNETES, control="whole"),
        select(103, "multipleChoice", Q_NOTICE, NOTICE_OPTIONS),
        radio(104, Q_AUTHORIZED),
        radio(105, Q_SPONSORSHIP),
        radio(106, Q_COMMUTE),
        text(107, "numeric", Q_SALARY, control="decimal", required=False),
    ]
    if mode == "extra_question":
        questions.append(
            {
                "kind": "textarea",
                "id": form_element_id("multiline-text-form-component", job, 108, "text"),
                "label": EXTRA_QUESTION,
                "required": True,
                "value": "",
            }
        )
    return [
        {"title": "Contact info", "progress": PROGRESS[0], "button": "next", "controls": contact},
        {"title": "Resume", "progress": PROGRESS[1], "button": "next", "controls": resume},
        {"title": "Additional Questions", "progress": PROGRESS[2], "button": "review", "controls": questions},
        {"title": "Review your application", "progress": PROGRESS[3], "button": "submit", "controls": []},
    ]


# --- page chrome -------------------------------------------------------------------------------------------------------

_CSS = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 -apple-system, system-ui, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       background: #f4f2ee; color: rgba(0, 0, 0, .9); }
a { color: #0a66c2; }
.hidden { display: none !important; }
.visually-hidden, .a11y-text { position: absolute !important; width: 1px !important; height: 1px !important; margin: -1px;
       padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
#global-nav { position: fixed; top: 0; left: 0; right: 0; height: 52px; background: #fff; border-bottom: 1px solid #e8e8e8;
       z-index: 100; }
.global-nav__content { display: flex; align-items: center; justify-content: space-between; max-width: 1128px; height: 52px;
       margin: 0 auto; padding: 0 16px; }
.global-nav__primary-items { display: flex; gap: 24px; list-style: none; margin: 0; padding: 0; }
.global-nav__primary-link { color: rgba(0, 0, 0, .6); text-decoration: none; background: none; border: 0; font: inherit; }
.global-nav__me-photo { width: 24px; height: 24px; border-radius: 50%; background: #cfd6dd; display: inline-block; }
.scaffold-layout__main, .guest-main { max-width: 1128px; margin: 0 auto; padding: 76px 16px 24px; }
.job-view-layout, .feed-card, .guest-card { background: #fff; border-radius: 8px; padding: 24px; margin-bottom: 8px;
       box-shadow: 0 0 0 1px rgba(140, 140, 140, .2); }
.t-24 { font-size: 24px; } .t-20 { font-size: 20px; } .t-16 { font-size: 16px; } .t-14 { font-size: 14px; }
.t-12 { font-size: 12px; } .t-bold { font-weight: 600; } .t-black--light { color: rgba(0, 0, 0, .6); }
.display-flex { display: flex; } .flex-wrap { flex-wrap: wrap; } .justify-flex-end { justify-content: flex-end; }
.justify-space-between { justify-content: space-between; } .align-items-center { align-items: center; }
.inline-flex { display: inline-flex; } .flex-column { flex-direction: column; } .full-width { width: 100%; }
.mt1 { margin-top: 4px; } .mt2 { margin-top: 8px; } .mt3 { margin-top: 12px; } .mt4 { margin-top: 16px; }
.mr2 { margin-right: 8px; } .ph5 { padding-left: 24px; padding-right: 24px; } .pv2 { padding-top: 8px; padding-bottom: 8px; }
.pv4 { padding-top: 16px; padding-bottom: 16px; } .pb4 { padding-bottom: 16px; } .pt4 { padding-top: 16px; }
.pl3 { padding-left: 12px; } .p0 { padding: 0; } .flex-grow-1 { flex-grow: 1; }
.artdeco-button { display: inline-flex; align-items: center; justify-content: center; min-height: 32px; padding: 6px 16px;
       border-radius: 16px; border: 1px solid #0a66c2; background: #fff; color: #0a66c2; font-family: inherit;
       font-size: 16px; font-weight: 600; line-height: 1;
       cursor: pointer; }
.artdeco-button--primary { background: #0a66c2; color: #fff; }
.artdeco-button--tertiary { border-color: transparent; }
.artdeco-button--circle { width: 40px; height: 40px; padding: 0; border-radius: 50%; border: 0; }
.artdeco-button--disabled, .artdeco-button:disabled { opacity: .5; cursor: not-allowed; }
.artdeco-modal__dismiss::after { content: "\\00d7"; font-size: 24px; color: rgba(0, 0, 0, .6); }
.jobs-document-upload-redesign-card__download-button::after { content: "\\2193"; }
.jobs-document-upload-redesign-card__clear-button::after { content: "\\00d7"; }
.artdeco-modal-overlay { position: fixed; inset: 0; background: rgba(0, 0, 0, .6); display: flex; align-items: center;
       justify-content: center; z-index: 1000; }
.artdeco-modal { position: relative; background: #fff; border-radius: 8px; width: 744px; max-width: 96vw; max-height: 92vh;
       display: flex; flex-direction: column; }
.artdeco-modal--layer-confirmation { width: 400px; }
.artdeco-modal__header { padding: 16px 56px 16px 24px; border-bottom: 1px solid #e8e8e8; }
.artdeco-modal__header h2 { margin: 0; font-size: 20px; font-weight: 400; }
.artdeco-modal__content { overflow-y: auto; flex: 1 1 auto; }
.artdeco-modal__actionbar { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 24px;
       border-top: 1px solid #e8e8e8; }
.artdeco-modal__dismiss { position: absolute; top: 8px; right: 8px; background: transparent; }
.artdeco-completeness-meter-linear__progress-element { width: 100%; height: 8px; }
.artdeco-loader { display: flex; gap: 4px; padding: 48px; justify-content: center; }
.artdeco-loader__bar { width: 8px; height: 24px; background: #0a66c2; animation: bar 1s infinite alternate; }
@keyframes bar { from { opacity: .2; } to { opacity: 1; } }
.artdeco-entity-lockup { display: flex; gap: 12px; align-items: center; }
.artdeco-entity-lockup__image { width: 56px; height: 56px; border-radius: 50%; background: #cfd6dd; }
.fb-dash-form-element__label, .artdeco-text-input--label { display: block; margin-bottom: 4px; color: rgba(0, 0, 0, .6); }
.artdeco-text-input--input, select, textarea { width: 100%; min-height: 32px; padding: 4px 8px; border: 1px solid #8c8c8c;
       border-radius: 4px; font: inherit; background: #fff; }
textarea { min-height: 96px; }
.fb-dash-form-element[aria-invalid="true"] .artdeco-text-input--input, .fb-dash-form-element[aria-invalid="true"] select,
.fb-dash-form-element[aria-invalid="true"] textarea { border-color: #cc1016; }
fieldset { border: 0; margin: 0; padding: 0; }
legend { padding: 0; margin-bottom: 4px; }
.fb-text-selectable__option { align-items: center; gap: 8px; padding: 4px 0; }
.artdeco-inline-feedback { display: flex; gap: 4px; align-items: flex-start; font-size: 12px; }
.artdeco-inline-feedback--error { color: #cc1016; }
.artdeco-inline-feedback--success { color: #057642; }
.artdeco-inline-feedback__icon { width: 16px; height: 16px; flex: none; }
.ui-attachment { display: flex; justify-content: space-between; align-items: center; border: 1px solid #e8e8e8;
       border-radius: 8px; padding: 8px 12px; margin-bottom: 8px; cursor: pointer; }
.jobs-document-upload-redesign-card__container--selected { border: 2px solid #057642; }
.jobs-document-upload-redesign-card__container--error { border: 2px solid #cc1016; }
.jobs-document-upload-redesign-card__header { margin: 0; }
.jobs-document-upload-redesign-card__file-name { margin: 0; }
.jobs-document-upload-redesign-card__error { margin: -4px 0 8px; }
footer[role="presentation"] { border-top: 1px solid #e8e8e8; margin-top: 16px; }
.job-details-easy-apply-footer__section, .jobs-easy-apply-footer__info { padding: 8px 24px 0; }
.jpac-modal-header { padding: 24px; }
.jobs-easy-apply-review dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0 0; }
.jobs-easy-apply-review dt { color: rgba(0, 0, 0, .6); }
.jobs-easy-apply-review dd { margin: 0; }
.post-apply-timeline { margin-top: 16px; }
.sign-in-form label, .login__form label { display: block; margin: 12px 0 4px; }
.sign-in-form input, .login__form input { width: 320px; min-height: 32px; padding: 4px 8px; }
"""

_ERROR_ICON = (
    '<li-icon aria-hidden="true" type="error-pebble-icon" class="artdeco-inline-feedback__icon" size="small">'
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" data-supported-dps="16x16" fill="currentColor"'
    ' class="mercado-match" width="16" height="16" focusable="false">'
    '<path d="M10.8 1H5.2L1 5.2v5.6L5.2 15h5.6l4.2-4.2V5.2zM12 9H4V7h8z"></path></svg></li-icon>'
)
_SUCCESS_ICON = (
    '<li-icon aria-hidden="true" type="success-pebble-icon" class="artdeco-inline-feedback__icon" size="small">'
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" data-supported-dps="16x16" fill="currentColor"'
    ' class="mercado-match" width="16" height="16" focusable="false">'
    '<path d="M8 1a7 7 0 107 7 7 7 0 00-7-7zm-1 10.6L3.7 8.3l1.4-1.4L7 8.8l3.9-3.9 1.4 1.4z"></path></svg></li-icon>'
)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _page(title: str, body: str, *, body_class: str = "render-mode-BIGPIPE nav-v2 ember-application") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n"
        f'<body class="{body_class}">\n{body}\n</body></html>\n'
    )


def _global_nav() -> str:
    name = f"{ACCOUNT['first_name']} {ACCOUNT['last_name']}"
    links = "".join(
        f'<li class="global-nav__primary-item"><a class="global-nav__primary-link" href="{href}">'
        f'<span class="t-12 global-nav__primary-link-text">{label}</span></a></li>'
        for href, label in (
            ("/feed/", "Home"),
            ("/mynetwork/", "My Network"),
            ("/jobs/", "Jobs"),
            ("/messaging/", "Messaging"),
            ("/notifications/", "Notifications"),
        )
    )
    return (
        '<header id="global-nav" class="global-nav global-nav--narrow" aria-label="Global Navigation">'
        '<div class="global-nav__content">'
        '<a class="app-aware-link global-nav__logo" href="/feed/" aria-label="LinkedIn">LinkedIn</a>'
        f'<nav class="global-nav__nav" aria-label="Primary Navigation"><ul class="global-nav__primary-items">{links}'
        '<li class="global-nav__primary-item"><div class="global-nav__me">'
        '<button class="global-nav__primary-link global-nav__primary-link-me-menu-trigger artdeco-dropdown__trigger"'
        ' type="button" aria-expanded="false">'
        f'<img class="global-nav__me-photo evi-image ghost-person ember-view" alt="{_e(name)}" width="24" height="24">'
        '<span class="t-12 global-nav__primary-link-text">Me</span></button></div></li>'
        "</ul></nav></div></header>"
    )


def _apply_button(job: str, company: str) -> str:
    return (
        f'<button aria-label="Easy Apply to {_e(JOB_TITLE)} at {_e(company)}" id="jobs-apply-button-id" class="jobs-apply-button\n'
        f'         artdeco-button artdeco-button--3 artdeco-button--primary ember-view" data-job-id="{_e(job)}"'
        ' data-live-test-job-apply-button="">'
        '<svg role="none" aria-hidden="true" class="artdeco-button__icon artdeco-button__icon--in-bug"'
        ' xmlns="http://www.w3.org/2000/svg" width="14" height="14" viewBox="0 0 14 14" data-supported-dps="14x14"'
        ' data-test-icon="linkedin-bug-xxsmall"><use href="#linkedin-bug-xxsmall" width="14" height="14"></use></svg>\n'
        '<span class="artdeco-button__text">\n    Easy Apply\n</span></button>'
    )


def _external_button(job: str, company: str) -> str:
    # unverified markup: bots key on aria-label "... on company website" and data-test-icon link-external.
    return (
        f'<button aria-label="Apply to {_e(JOB_TITLE)} on company website" id="jobs-apply-button-id"'
        ' class="jobs-apply-button artdeco-button artdeco-button--icon-right artdeco-button--3 artdeco-button--primary'
        f' ember-view" role="link" data-job-id="{_e(job)}" data-live-test-job-apply-button="">'
        '<span class="artdeco-button__text">Apply</span>'
        '<svg role="none" aria-hidden="true" class="artdeco-button__icon" xmlns="http://www.w3.org/2000/svg" width="16"'
        ' height="16" viewBox="0 0 16 16" data-supported-dps="16x16" data-test-icon="link-external-small">'
        '<use href="#link-external-small" width="16" height="16"></use></svg></button>'
    )


def applied_markup(job: str, when: str) -> str:
    """The .jobs-s-apply contents once applied (assembled from bots' selectors; see the module docstring)."""
    return (
        '<div class="artdeco-inline-feedback artdeco-inline-feedback--success ember-view" role="alert">'
        f'{_SUCCESS_ICON}<span class="artdeco-inline-feedback__message">Applied {_e(when)}</span>'
        f'<a id="jobs-apply-see-application-link" class="jobs-s-apply__application-link link-without-visited-state t-14 t-bold'
        f' ml2" href="/jobs/view/{_e(job)}/?stage=applied" data-test-app-aware-link="">See application</a></div>'
    )


def _timeline(when: str) -> str:
    return (
        '<div class="post-apply-timeline"><h2 class="t-16 t-bold">Application status</h2>'
        '<ul class="post-apply-timeline__list"><li class="post-apply-timeline__entity">'
        '<div class="post-apply-timeline__entity-content">'
        '<span class="post-apply-timeline__entity-title t-14 t-bold">Application submitted</span> '
        f'<span class="post-apply-timeline__entity-time t-12 t-black--light">{_e(when)}</span></div></li></ul></div>'
    )


def _job_page(job: str, company: str, state: str, config: dict[str, Any]) -> str:
    if state == "applied":
        apply_area = f'<div class="jobs-s-apply jobs-s-apply--fadein inline-flex mr2">{applied_markup(job, "2 days ago")}</div>'
    elif state == "closed":
        apply_area = (
            '<div class="jobs-details-top-card__apply-error t-12 t-bold artdeco-inline-feedback artdeco-inline-feedback--error'
            f' ember-view" role="alert">{_ERROR_ICON}'
            '<span class="artdeco-inline-feedback__message">No longer accepting applications</span></div>'
        )
    elif state == "external":
        apply_area = (
            '<div class="jobs-s-apply jobs-s-apply--fadein inline-flex mr2"><div class="jobs-apply-button--top-card">'
            f"{_external_button(job, company)}</div></div>"
        )
    else:
        apply_area = (
            '<div class="jobs-s-apply jobs-s-apply--fadein inline-flex mr2"><div class="jobs-apply-button--top-card">'
            f"{_apply_button(job, company)}</div></div>"
        )
    timeline = _timeline("2d") if state == "applied" else ""
    slug = company.lower().replace(" ", "")
    top_card = f"""
<div class="job-details-jobs-unified-top-card__container--two-pane">
  <div class="display-flex align-items-center">
    <div class="job-details-jobs-unified-top-card__company-name" dir="ltr">
      <a href="/company/{_e(slug)}/life" data-test-app-aware-link=""><!---->{_e(company)}<!----></a>
    </div>
  </div>
  <div class="display-flex justify-space-between flex-wrap mt2">
    <div class="t-24 job-details-jobs-unified-top-card__job-title">
      <h1 class="t-24 t-bold inline"><a href="/jobs/view/{_e(job)}/" class="ember-view">{_e(JOB_TITLE)}</a></h1>
    </div>
  </div>
  <div class="job-details-jobs-unified-top-card__primary-description-container">
    <div class="t-black--light mt2 job-details-jobs-unified-top-card__tertiary-description-container">
      <span dir="ltr"><span class="tvm__text tvm__text--low-emphasis">{_e(JOB_LOCATION)}</span>
      <span class="tvm__text tvm__text--low-emphasis"> · 1 week ago · Over 100 applicants</span></span>
    </div>
  </div>
  <div class="mt4"><div class="display-flex">
    {apply_area}
    <button class="jobs-save-button artdeco-button artdeco-button--secondary artdeco-button--3" type="button">
      <span aria-hidden="true" class="jobs-save-button__text">Save</span>
      <span class="a11y-text">Save {_e(JOB_TITLE)} at {_e(company)}</span></button>
  </div></div>
  {timeline}
</div>"""
    description = f"""
<div class="jobs-description__container mt4"><article class="jobs-description__container">
  <div class="jobs-description__content jobs-description-content"><div class="jobs-box__html-content" id="job-details">
    <h2 class="text-heading-large">About the job</h2>
    <p>{_e(company)} is hiring a {_e(JOB_TITLE)} to build and run Python services on Kubernetes.</p>
    <ul><li>5+ years of Python</li><li>Production Kubernetes experience</li><li>Hybrid, {_e(JOB_LOCATION)}</li></ul>
  </div></div></article></div>"""
    data = html.escape(json.dumps(config), quote=False)
    body = (
        f"{_global_nav()}\n"
        '<div class="application-outlet"><main id="main" class="scaffold-layout__main" aria-label="Main Feed">'
        '<div class="job-view-layout jobs-details"><div class="jobs-details__main-content">'
        f"{top_card}{description}</div></div></main></div>\n"
        '<div id="artdeco-modal-outlet"></div>\n'
        f'<code id="bpr-guid-1" style="display: none">{data}</code>\n'
        f"<script>{_MODAL_JS}</script>"
    )
    return _page(f"{JOB_TITLE} | {company} | LinkedIn", body)


def _feed_page() -> str:
    body = (
        f"{_global_nav()}\n"
        '<div class="application-outlet"><main id="main" class="scaffold-layout__main" aria-label="Main Feed">'
        '<div class="feed-identity-module feed-card">'
        f'<a class="feed-identity-module__actor-meta t-16 t-bold" href="/in/me/">{_e(ACCOUNT["first_name"])}'
        f' {_e(ACCOUNT["last_name"])}</a><p class="t-12 t-black--light">{_e(ACCOUNT["headline"])}</p></div>'
        '<div class="share-box-feed-entry__wrapper feed-card"><button class="artdeco-button artdeco-button--secondary"'
        ' type="button"><span class="artdeco-button__text">Start a post</span></button></div>'
        "</main></div>"
    )
    return _page("Feed | LinkedIn", body)


def _guest_sign_in_form() -> str:
    # The guest form (home page, authwall): input#session_key / #session_password, button[data-id=sign-in-form__submit-btn].
    return (
        '<form class="sign-in-form" action="/checkpoint/lg/login-submit" method="post" novalidate>'
        '<label for="session_key">Email or phone</label>'
        '<input id="session_key" name="session_key" autocomplete="username" type="text" required>'
        '<label for="session_password">Password</label>'
        '<input id="session_password" name="session_password" autocomplete="current-password" type="password" required>'
        '<div class="mt4"><button class="sign-in-form__submit-btn--full-width artdeco-button artdeco-button--primary"'
        ' data-id="sign-in-form__submit-btn" type="submit">Sign in</button></div></form>'
    )


def _home_page() -> str:
    body = (
        '<header class="nav" role="banner"><nav class="nav__nav guest-main" style="padding-top:16px">'
        '<a class="nav__logo-link" href="/">LinkedIn</a> '
        '<a class="nav__button-secondary" href="/login">Sign in</a> '
        '<a class="nav__button-tertiary" href="/signup">Join now</a></nav></header>'
        '<main class="guest-main" id="main-content"><section class="guest-card">'
        '<h1 class="t-24">Welcome to your professional community</h1>'
        f"{_guest_sign_in_form()}</section></main>"
    )
    return _page("LinkedIn: Log In or Sign Up", body, body_class="guest")


def _login_page(error: str = "") -> str:
    err = f'<div id="error-for-password" class="form__label--error" role="alert">{_e(error)}</div>' if error else ""
    body = (
        '<main class="guest-main" id="app__container"><div class="guest-card">'
        '<h1 class="header__content__heading">Sign in</h1>'
        '<form class="login__form" action="/checkpoint/lg/login-submit" method="post" novalidate>'
        '<label for="username">Email or phone</label>'
        '<input id="username" name="session_key" type="text" autocomplete="username" required>'
        '<label for="password">Password</label>'
        '<input id="password" name="session_password" type="password" autocomplete="current-password" required>'
        f'{err}<div class="login__form_action_container mt4">'
        '<button class="btn__primary--large from__button--floating artdeco-button artdeco-button--primary" type="submit"'
        ' aria-label="Sign in">Sign in</button></div></form></div></main>'
    )
    return _page("LinkedIn Login, Sign in | LinkedIn", body, body_class="guest")


def _authwall_page() -> str:
    body = (
        '<main class="guest-main authwall-join-form"><section class="guest-card authwall-sign-in-form">'
        '<h1 class="authwall-sign-in-form__header-title t-24">Welcome back</h1>'
        f"{_guest_sign_in_form()}"
        '<p class="mt4">New to LinkedIn? <a class="authwall-join-form__form-toggle--bottom" href="/signup">Join now</a></p>'
        "</section></main>"
    )
    return _page("Sign Up | LinkedIn", body, body_class="guest")


def _challenge_page() -> str:
    body = (
        '<main class="app__content guest-main"><section class="guest-card">'
        '<h1 class="t-24">Let\'s do a quick security check</h1>'
        '<p class="t-14">We want to make sure it\'s really you.</p>'
        '<form id="captcha-challenge" method="post" action="/checkpoint/challenge/verify">'
        '<iframe id="captcha-internal" title="Captcha" src="about:blank" width="400" height="300"></iframe>'
        '<input type="hidden" name="captchaUserResponseToken" value=""></form></section></main>'
    )
    return _page("Security Verification | LinkedIn", body, body_class="guest")


def _external_page() -> str:
    return _page("Careers", '<main class="guest-main"><h1>Careers — apply on our site</h1></main>', body_class="guest")


# --- the site ----------------------------------------------------------------------------------------------------------


@dataclass
class LinkedInSite:
    token: str = "AQEDAT-fixture-session"  # the li_at cookie value that means "signed in"
    mode: str = "ok"
    company: str = "Acme"
    submissions: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    render_delay_ms: int = 300  # the modal's form renders this long after the step opens (late rendering)
    events: list[dict[str, Any]] = field(default_factory=list)  # the modal's tracking beacons, in order

    QUESTIONS: ClassVar[tuple[str, ...]] = QUESTIONS
    EXTRA_QUESTION: ClassVar[str] = EXTRA_QUESTION
    CONTACT_QUESTIONS: ClassVar[tuple[str, ...]] = CONTACT_QUESTIONS

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def job_url(self, job: str = "42") -> str:
        return f"{self.origin}/jobs/view/{job}/"

    @property
    def rejections(self) -> list[dict[str, Any]]:
        """Every control a Next / Review click was refused for, across all attempts (submitted or not)."""
        return [item for event in self.events if event.get("type") == "rejected" for item in event.get("controls", [])]

    async def start(self) -> web.AppRunner:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; one of {sorted(MODES)}")
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.add_routes(
            [
                web.get("/", self._home),
                web.get("/login", self._login),
                web.post("/checkpoint/lg/login-submit", self._login_submit),
                web.get("/feed/", self._feed),
                web.get("/feed", self._add_slash),
                web.get("/authwall", self._authwall),
                web.get("/checkpoint/challenge/{tail:.*}", self._challenge),
                web.get("/jobs/view/{job:[0-9A-Za-z_-]+}/", self._job),
                web.get("/jobs/view/{job:[0-9A-Za-z_-]+}", self._add_slash),
                web.post(SUBMIT_PATH, self._submit),
                web.post(TRACK_PATH, self._track),
                web.get("/redir/redirect/", self._external),
            ]
        )
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self.port = runner.addresses[0][1]
        return runner

    # -- state -----------------------------------------------------------------------------------------------------------

    def _signed_in(self, request: web.Request) -> bool:
        return self.mode != "signed_out" and request.cookies.get("li_at") == self.token

    def _delay_ms(self) -> int:
        return SLOW_RENDER_DELAY_MS if self.mode == "slow" else self.render_delay_ms

    def _job_state(self, job: str) -> str:
        if self.mode == "applied" or any(s["job"] == job for s in self.submissions):
            return "applied"
        if self.mode in ("closed", "external", "daily_limit"):
            return self.mode
        return "easy"

    def _to_authwall(self, request: web.Request) -> web.HTTPFound:
        target = quote(f"{self.origin}{request.rel_url}", safe="")
        return web.HTTPFound(f"/authwall?trk=bf&trkInfo=AQF-fixture&original_referer=&sessionRedirect={target}")

    # -- pages -----------------------------------------------------------------------------------------------------------

    @staticmethod
    def _html(text: str) -> web.Response:
        return web.Response(text=text, content_type="text/html", charset="utf-8")

    async def _add_slash(self, request: web.Request) -> web.Response:
        query = f"?{request.query_string}" if request.query_string else ""
        raise web.HTTPFound(f"{request.path}/{query}")

    async def _home(self, request: web.Request) -> web.Response:
        if self._signed_in(request):
            raise web.HTTPFound("/feed/")
        return self._html(_home_page())

    async def _login(self, request: web.Request) -> web.Response:
        return self._html(_login_page())

    async def _login_submit(self, request: web.Request) -> web.Response:
        await request.post()
        return self._html(_login_page("Wrong email or password. Try again or create an account."))

    async def _feed(self, request: web.Request) -> web.Response:
        if not self._signed_in(request):
            raise self._to_authwall(request)
        return self._html(_feed_page())

    async def _authwall(self, request: web.Request) -> web.Response:
        return self._html(_authwall_page())

    async def _challenge(self, request: web.Request) -> web.Response:
        return self._html(_challenge_page())

    async def _external(self, request: web.Request) -> web.Response:
        return self._html(_external_page())

    async def _job(self, request: web.Request) -> web.Response:
        job = request.match_info["job"]
        if not self._signed_in(request):
            raise self._to_authwall(request)
        if self.mode == "captcha":
            referer = quote(f"{self.origin}{request.rel_url}", safe="")
            raise web.HTTPFound(f"/checkpoint/challenge/AgHQ2fixtureChallenge?ut=0x7f&original_referer={referer}")
        state = self._job_state(job)
        config = {
            "job": job,
            "company": self.company,
            "title": JOB_TITLE,
            "mode": self.mode,
            "apply": state,
            "delayMs": self._delay_ms(),
            "submitUrl": SUBMIT_PATH,
            "trackUrl": TRACK_PATH,
            "account": ACCOUNT,
            "oldResume": {"name": OLD_RESUME, "size": OLD_RESUME_SIZE, "lastUsed": "3/14/2023"},
            "maxResumeBytes": RESUME_MAX_BYTES,
            "resumeTypes": list(RESUME_MIME_TYPES),
            "errors": ERRORS,
            "steps": steps_for(job, self.mode),
        }
        return self._html(_job_page(job, self.company, state, config))

    # -- the modal's endpoints ---------------------------------------------------------------------------------------------

    async def _track(self, request: web.Request) -> web.Response:
        try:
            event = json.loads(await request.text())
        except ValueError:
            return web.json_response({"status": 400}, status=400)
        if isinstance(event, dict):
            self.events.append(event)
        return web.json_response({"status": 200})

    async def _submit(self, request: web.Request) -> web.Response:
        if not self._signed_in(request):
            return web.json_response({"status": 401, "message": "Unauthorized"}, status=401)
        application: dict[str, Any] = {}
        upload: dict[str, Any] | None = None
        async for part in await request.multipart():
            if part.name == "application":
                application = json.loads(await part.text())
            elif part.name == "resume":
                content = bytes(await part.read())
                upload = {
                    "name": part.filename,
                    "bytes": content,
                    "size": len(content),
                    "content_type": part.headers.get("Content-Type", ""),
                    "uploaded": True,
                }
        chosen = application.get("resume")
        if upload is not None:
            resume: dict[str, Any] | None = upload
        elif chosen:
            resume = {
                "name": chosen.get("name"),
                "bytes": None,
                "size": OLD_RESUME_SIZE,
                "content_type": "application/pdf",
                "uploaded": False,
            }
        else:
            resume = None
        job = str(application.get("job", ""))
        self.submissions.append(
            {
                "job": job,
                "answers": {str(k): str(v) for k, v in application.get("answers", {}).items()},
                "resume": resume,
                "follow_company": bool(application.get("follow_company")),
                "cookies": dict(request.cookies),
                "steps_seen": int(application.get("steps_seen", 0)),
                "rejections": list(application.get("rejections", [])),
                "steps": list(application.get("steps", [])),
                "mode": self.mode,
            }
        )
        self.events.append({"type": "submitted", "job": job})
        return web.json_response({"status": 200, "data": {"applicationId": len(self.submissions)}})


# --- the modal's script ------------------------------------------------------------------------------------------------
# Plain JavaScript that renders LinkedIn's markup (see the sources above) from the steps in the page's <code> datalet,
# keeps the answers in a model updated by events, validates each step on Next, and posts the application.

_MODAL_JS = r"""
(() => {
  'use strict';
  const C = JSON.parse(document.getElementById('bpr-guid-1').textContent);
  const E = C.errors;
  const outlet = document.getElementById('artdeco-modal-outlet');
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]);
  let emberSeq = 1000;
  const ember = () => 'ember' + (emberSeq++);
  const ERROR_ICON = `<li-icon aria-hidden="true" type="error-pebble-icon" class="artdeco-inline-feedback__icon" size="small"><svg
    xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" data-supported-dps="16x16" fill="currentColor" class="mercado-match"
    width="16" height="16" focusable="false"><path d="M10.8 1H5.2L1 5.2v5.6L5.2 15h5.6l4.2-4.2V5.2zM12 9H4V7h8z"></path></svg></li-icon>`;
  const icon = (name, size) => `<svg role="none" aria-hidden="true" class="artdeco-button__icon " xmlns="http://www.w3.org/2000/svg"
    width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" data-supported-dps="${size}x${size}" data-test-icon="${name}">
    <use href="#${name}" width="${size}" height="${size}"></use></svg>`;

  const controls = [];
  C.steps.forEach((s, i) => s.controls.forEach((c) => controls.push(Object.assign({step: i}, c))));
  const byId = new Map(controls.map((c) => [c.id, c]));
  const radioGroup = new Map();  // option input id -> [control, option text]
  controls.filter((c) => c.kind === 'radio').forEach((c) => c.options.forEach((o, i) => radioGroup.set(`${c.urn}-${i}`, [c, o])));

  let model, follow, resumes, uploadError, step, loading, submitting, rejectedClicks, rejections, stepsSeen, renderToken = 0;
  function reset() {
    model = {};
    controls.forEach((c) => { if ('value' in c) model[c.id] = c.value; });
    follow = true;
    resumes = [{name: C.oldResume.name, meta: `${kb(C.oldResume.size)} · Last used on ${C.oldResume.lastUsed}`, file: null,
                selected: true, toggle: ember()}];
    uploadError = null;
    step = 0; loading = false; submitting = false; rejectedClicks = 0; rejections = []; stepsSeen = [];
  }
  function kb(bytes) { return `${Math.max(1, Math.round(bytes / 1024))} KB`; }
  function today() { const d = new Date(); return `${d.getMonth() + 1}/${d.getDate()}/${d.getFullYear()}`; }
  function track(type, data) {
    const body = JSON.stringify(Object.assign({type, job: C.job, at: Date.now()}, data || {}));
    return fetch(C.trackUrl, {method: 'POST', credentials: 'same-origin', keepalive: true,
                              headers: {'Content-Type': 'application/json'}, body}).catch(() => {});
  }
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : v); });
    kids.flat().forEach((k) => { if (k !== null && k !== undefined && k !== false) el.append(k instanceof Node ? k : document.createTextNode(String(k))); });
    return el;
  }

  // ---- the job page ---------------------------------------------------------------------------------------------------
  const applyButton = document.getElementById('jobs-apply-button-id');
  if (applyButton) applyButton.addEventListener('click', () => {
    if (C.apply === 'external') { window.open(`/redir/redirect/?url=${encodeURIComponent('https://careers.example.com/' + C.job)}`, '_blank'); return; }
    if (C.apply === 'daily_limit') { dailyLimit(); return; }
    if (C.apply === 'easy') openModal();
  });
  function dailyLimit() {
    const area = document.querySelector('.jobs-s-apply');
    area.innerHTML = `<div class="artdeco-inline-feedback artdeco-inline-feedback--error ember-view" role="alert">${ERROR_ICON}
      <span class="artdeco-inline-feedback__message">${esc(E.daily_limit)}</span></div>`;
    track('daily_limit');
  }
  function markApplied() {
    const area = document.querySelector('.jobs-s-apply');
    if (!area) return;
    area.innerHTML = `<div class="artdeco-inline-feedback artdeco-inline-feedback--success ember-view" role="alert">
      <li-icon aria-hidden="true" type="success-pebble-icon" class="artdeco-inline-feedback__icon" size="small"></li-icon>
      <span class="artdeco-inline-feedback__message">Applied 1 minute ago</span>
      <a id="jobs-apply-see-application-link" class="jobs-s-apply__application-link link-without-visited-state t-14 t-bold ml2"
         href="/jobs/view/${esc(C.job)}/?stage=applied">See application</a></div>`;
  }

  // ---- the Easy Apply modal -------------------------------------------------------------------------------------------
  const modal = () => outlet.querySelector('.jobs-easy-apply-modal');
  function openModal() {
    if (modal()) return;
    reset();
    outlet.innerHTML = `<div class="artdeco-modal-overlay artdeco-modal-overlay--layer-default artdeco-modal-overlay--is-top-layer ember-view">
  <div data-test-modal="" role="dialog" tabindex="-1" class="artdeco-modal artdeco-modal--layer-default jobs-easy-apply-modal" size="large"
       aria-labelledby="jobs-apply-header">
    <span class="a11y-text">Dialog content start.</span>
    <button aria-label="Dismiss" id="${ember()}" class="artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--2 artdeco-button--tertiary ember-view artdeco-modal__dismiss"
            data-test-modal-close-btn="">${icon('close-medium', 24)}<span class="artdeco-button__text"></span></button>
    <div id="${ember()}" class="artdeco-modal__header ember-view"><h2 id="jobs-apply-header">Apply to ${esc(C.company)}</h2></div>
    <div id="${ember()}" class="artdeco-modal__content jobs-easy-apply-modal__content p0 ember-view">
      <div class="jobs-easy-apply-content" tabindex="-1" role="region" aria-label="Your job application progress is at 0 percent."></div>
    </div>
    <span class="a11y-text">Dialog content end.</span>
  </div></div>`;
    track('opened');
    showStep(0);
  }
  function closeModal() { outlet.innerHTML = ''; renderToken++; }

  function showStep(i) {
    step = i; loading = true;
    const region = modal().querySelector('.jobs-easy-apply-content');
    region.innerHTML = `<div class="artdeco-loader artdeco-loader--small ember-view"><div class="artdeco-loader__bar"></div>
      <div class="artdeco-loader__bar"></div><div class="artdeco-loader__bar"></div></div>`;
    const token = ++renderToken;
    setTimeout(() => { if (token === renderToken && modal()) renderStep(); }, C.delayMs);
  }

  function renderStep() {
    loading = false;
    const s = C.steps[step];
    const region = modal().querySelector('.jobs-easy-apply-content');
    region.setAttribute('aria-label', `Your job application progress is at ${s.progress} percent.`);
    region.innerHTML = `
      <div class="display-flex ph5 pv2">
        <div id="${ember()}" class="flex-grow-1 artdeco-completeness-meter-linear ember-view"><div class="artdeco-completeness-meter-linear__progress-container ">
          <progress max="100" value="${s.progress}" class="artdeco-completeness-meter-linear__progress-element" aria-valuetext="Current value: ${s.progress}"
            aria-valuemin="0" aria-valuenow="${s.progress}" aria-valuemax="100" style="--offset-value: ${s.progress}%;">Current value: ${s.progress}</progress>
        </div></div>
        <span class="pl3 t-14 t-black--light" aria-label="Your job application progress is at ${s.progress} percent." role="note">${s.progress}%</span>
      </div>
      <div class="mt3"><form class="pt4"><div class="ph5">${stepBody(s)}</div>${footer(s)}</form></div>`;
    region.querySelector('form').addEventListener('submit', (e) => e.preventDefault());
    // Ember sets properties, not attributes: restore the model into the controls.
    s.controls.forEach((c) => {
      if (c.kind === 'radio') c.options.forEach((o, i) => { document.getElementById(`${c.urn}-${i}`).checked = model[c.id] === o; });
      else if (c.kind === 'select') { const el = document.getElementById(c.id); el.selectedIndex = Math.max(0, c.options.indexOf(model[c.id])); }
      else if (c.kind !== 'resume') document.getElementById(c.id).value = model[c.id] || '';
    });
    if (s.controls.some((c) => c.kind === 'resume')) renderResumes();
    const followBox = document.getElementById('follow-company-checkbox');
    if (followBox) followBox.checked = follow;
    stepsSeen.push(s.title);
    track('step', {step: s.title, index: step});
  }

  function grouping(inner, first) {
    return `<div class="jobs-easy-apply-form-section__grouping
            "><div class="fb-dash-form-element jobs-easy-apply-form-element ${first ? 'mt1' : 'mt4'}" style="width:100%" tabindex="-1"
            aria-invalid="false" data-test-form-element=""><!---->${inner}<!----></div></div>`;
  }
  function textInput(c) {
    const req = c.required;
    return `<div data-test-single-line-text-form-component="" data-live-test-single-line-text-form-component="">
  <div id="${ember()}" class="artdeco-text-input artdeco-text-input--type-text artdeco-text-input--color-default${req ? ' artdeco-text-input--state-required' : ''} ember-view">
    <div id="${ember()}" class="artdeco-text-input--container ember-view">
      <label for="${esc(c.id)}" class="artdeco-text-input--label">${esc(c.label)}</label>
      <input inputmode="text" class=" artdeco-text-input--input" id="${esc(c.id)}"${req ? ' required=""' : ''} aria-describedby="${esc(c.id)}-error" dir="auto" type="text">
    </div><!----><!----></div>
  <div id="${esc(c.id)}-error"><!----></div>
</div>`;
  }
  function textarea(c) {
    // The wrapper of LinkedIn's multi-line question is unverified; the id pattern is real.
    return `<div data-test-multiline-text-form-component="">
  <div id="${ember()}" class="artdeco-text-input artdeco-text-input--type-textarea artdeco-text-input--color-default artdeco-text-input--state-required ember-view">
    <div id="${ember()}" class="artdeco-text-input--container ember-view">
      <label for="${esc(c.id)}" class="artdeco-text-input--label">${esc(c.label)}</label>
      <textarea class="artdeco-text-input__textarea artdeco-text-input__textarea--align-top" id="${esc(c.id)}" required=""
        aria-describedby="${esc(c.id)}-error" dir="auto"></textarea>
    </div></div>
  <div id="${esc(c.id)}-error"><!----></div>
</div>`;
  }
  function select(c) {
    const options = c.options.map((o) => `<option value="${esc(o)}">\n        ${esc(o)}\n      </option>`).join('\n      ');
    return `<div data-test-text-entity-list-form-component="">
    <label for="${esc(c.id)}" class="fb-dash-form-element__label
        fb-dash-form-element__label-title--is-required" data-test-text-entity-list-form-title="">
      <span><!---->${esc(c.label)}<!----></span>
    </label>
    <span class="visually-hidden" data-test-text-entity-list-form-required="">
      Required
    </span>
  <select id="${esc(c.id)}" class="fb-dash-form-element__select-dropdown
      " aria-describedby="${esc(c.id)}-error" aria-required="true" required="" data-test-text-entity-list-form-select="">
      ${options}
  </select>
  <div id="${esc(c.id)}-error"><!----></div>
</div>`;
  }
  function radio(c) {
    const opts = c.options.map((o, i) => `<div data-test-text-selectable-option="${i}" class="fb-text-selectable__option display-flex">
  <input data-test-text-selectable-option__input="${esc(o)}" id="${esc(c.urn)}-${i}" class="fb-form-element__checkbox" name="${esc(c.urn)}"
    aria-required="true" type="radio" value="${esc(o)}">
  <label data-test-text-selectable-option__label="${esc(o)}" for="${esc(c.urn)}-${i}" class="t-14">
    <!---->${esc(o)}<!---->
  </label>
</div>`).join('\n      ');
    return `<fieldset data-test-form-builder-radio-button-form-component="true" id="${esc(c.id)}" aria-describedby="${esc(c.id)}-error">
    <legend>
      <span data-test-form-builder-radio-button-form-component__title="" class="fb-dash-form-element__label
          fb-dash-form-element__label-title--is-required">
        <span aria-hidden="true"><!---->${esc(c.label)}<!----></span><span class="visually-hidden"><!---->${esc(c.label)}<!----></span>
      </span>
        <span class="visually-hidden" data-test-form-builder-radio-button-form-component__required="">
          Required
        </span>
    </legend>
      ${opts}
</fieldset>
<div id="${esc(c.id)}-error"><!----></div>`;
  }
  function resumeSection(c) {
    return `<h3 class="t-16 t-bold jobs-document-upload__title--is-required">Resume</h3>
    <div class="full-width mt1 full-width display-flex flex-column">
      <span class="t-14
          ">
          Be sure to include an updated resume
      </span>
      <div class="mt2"></div>
      <div class="display-flex
          ">
          <div class="js-jobs-document-upload__container
              display-flex flex-wrap" tabindex="-1">
            <label class="jobs-document-upload__upload-button artdeco-button artdeco-button--secondary artdeco-button--2 mt2" for="${esc(c.id)}"
                   tabindex="0" aria-controls="${esc(c.id)}">
              <span role="button" aria-label="Upload resume button. Only, DOC, DOCX, PDF formats are supported. Max file size is (2 MB).">
                Upload resume
              </span>
            </label>
            <input name="file" class="hidden" id="${esc(c.id)}" accept="${esc(C.resumeTypes.join(','))}" type="file">
              <p class="jobs-document-upload__format-text t-12 t-black--light full-width" aria-hidden="true">
                DOC, DOCX, PDF (2 MB)
              </p>
          </div>
      </div>
      <div id="${esc(c.id)}-error"><!----></div>
    </div>`;
  }
  function control(c, first) {
    if (c.kind === 'select') return grouping(select(c), first);
    if (c.kind === 'radio') return grouping(radio(c), first);
    if (c.kind === 'textarea') return grouping(textarea(c), first);
    if (c.kind === 'resume') return resumeSection(c);
    return grouping(textInput(c), first);
  }
  function stepBody(s) {
    if (s.button === 'submit') return review();
    const lockup = step === 0 ? `<div id="${ember()}" class="mt3 flex-wrap artdeco-entity-lockup artdeco-entity-lockup--size-4 ember-view">
          <div id="${ember()}" class="artdeco-entity-lockup__image artdeco-entity-lockup__image--type-circle ember-view" type="circle"></div>
          <div id="${ember()}" class="artdeco-entity-lockup__content ember-view">
            <div id="${ember()}" class="artdeco-entity-lockup__title ember-view">${esc(C.account.first_name)} ${esc(C.account.last_name)}</div>
            <div id="${ember()}" class="artdeco-entity-lockup__subtitle ember-view">${esc(C.account.headline)}</div>
            <div id="${ember()}" class="artdeco-entity-lockup__metadata ember-view">${esc(C.account.location)}</div>
          </div></div>` : '';
    const heading = s.controls.some((c) => c.kind === 'resume') ? '' : `<h3 class="t-16 t-bold">\n          ${esc(s.title)}\n        </h3>`;
    return `<div class="pb4">${heading}<!---->${lockup}${s.controls.map((c, i) => control(c, i === 0)).join('\n')}</div>`;
  }
  function review() {
    // Unverified markup: a read-only summary per section, each with an Edit button, as the bots' notes describe it.
    const sections = C.steps.slice(0, -1).map((s, i) => {
      let rows;
      if (s.controls.some((c) => c.kind === 'resume')) {
        const chosen = resumes.find((r) => r.selected);
        rows = `<dt>Resume</dt><dd>${chosen ? esc(chosen.name) : ''}</dd>`;
      } else {
        rows = s.controls.map((c) => {
          const v = model[c.id] === 'Select an option' ? '' : (model[c.id] || '');
          return `<dt>${esc(c.label)}</dt><dd>${esc(v)}</dd>`;
        }).join('');
      }
      return `<div class="jobs-easy-apply-review__section pb4"><div class="display-flex justify-space-between align-items-center">
          <h3 class="t-16 t-bold">${esc(s.title)}</h3>
          <button aria-label="Edit ${esc(s.title)}" class="artdeco-button artdeco-button--2 artdeco-button--tertiary ember-view"
                  data-easy-apply-edit-step="${i}" type="button"><span class="artdeco-button__text">Edit</span></button></div>
        <dl>${rows}</dl></div>`;
    }).join('\n');
    return `<div class="jobs-easy-apply-review pb4"><h3 class="t-18">Review your application</h3>
      <p class="t-14 t-black--light">The employer will also receive a copy of your profile.</p></div>${sections}`;
  }
  function footer(s) {
    const back = step > 0 ? `<button aria-label="Back to previous step" id="${ember()}" class="artdeco-button artdeco-button--2 artdeco-button--secondary ember-view mr2"
        type="button"><span class="artdeco-button__text">\n    Back\n</span></button>` : '';
    let primary;
    if (s.button === 'next') primary = `<button aria-label="Continue to next step" id="${ember()}" class="artdeco-button artdeco-button--2 artdeco-button--primary ember-view"
        data-easy-apply-next-button="" data-live-test-easy-apply-next-button="" type="button"><!---->\n<span class="artdeco-button__text">\n    Next\n</span></button>`;
    else if (s.button === 'review') primary = `<button aria-label="Review your application" id="${ember()}" class="artdeco-button artdeco-button--2 artdeco-button--primary ember-view"
        data-live-test-easy-apply-review-button="" type="button"><!---->\n<span class="artdeco-button__text">\n    Review\n</span></button>`;
    else primary = `<button aria-label="Submit application" id="${ember()}" class="artdeco-button artdeco-button--2 artdeco-button--primary ember-view"
        data-live-test-easy-apply-submit-button="" type="button"><!---->\n<span class="artdeco-button__text">\n    Submit application\n</span></button>`;
    const followSection = s.button === 'submit' ? `<div class="job-details-easy-apply-footer__section">
          <input id="follow-company-checkbox" class="ember-checkbox ember-view visually-hidden" type="checkbox"${follow ? ' checked=""' : ''}>
          <label for="follow-company-checkbox" class="t-14 t-black--light">
            Follow <span class="t-bold t-black">${esc(C.company)}</span> to stay up to date with their page.
          </label>
        </div>` : '';
    const info = s.button === 'submit'
      ? `<p class="t-12 t-black--light">We automatically save your answers and resume to make future applications easier, personalize your
          experience and help improve LinkedIn. You can turn off saving of your data or adjust your preferences in settings at any time
          <a href="/jobs/application-settings" target="_blank" class="link-without-visited-state" data-control-name="application_settings_unify">Application Settings</a>.</p>`
      : `<p class="t-12 t-black--light">Submitting this application won’t change your LinkedIn profile.</p>
         <p class="t-12 t-black--light mt1">Application powered by LinkedIn | <a href="/help/linkedin/answer/71792?lang=en_US" target="_blank"
           rel="noopener noreferrer" class="link-without-visited-state" data-control-name="help_center_unify">Help Center</a></p>`;
    return `<footer role="presentation">${followSection}<div class="jobs-easy-apply-footer__info">${info}</div>
      <div class="display-flex justify-flex-end ph5 pv4">${back}${primary}</div></footer>`;
  }

  // ---- resumes ----------------------------------------------------------------------------------------------------------
  function resumeCard(r) {
    const header = h('p', {class: 'jobs-document-upload-redesign-card__header truncate', 'aria-labelledby': r.toggle ? `jobsDocumentCardToggleLabel-${r.toggle}` : null},
      h('h3', {class: 'jobs-document-upload-redesign-card__file-name t-12 t-bold truncate'}, r.name),
      h('p', {class: 'pt1 t-12 t-black--light'}, r.meta));
    const classes = ['ui-attachment', 'jobs-document-upload-redesign-card__container', 'jobs-document-upload-redesign-card__container--cursor-pointer'];
    if (r.selected) classes.push('jobs-document-upload-redesign-card__container--selected');
    if (r.error) classes.push('jobs-document-upload-redesign-card__container--error');
    classes.push(/\.docx?$/i.test(r.name) ? 'ui-attachment--doc' : 'ui-attachment--pdf');
    const card = h('div', {class: classes.join(' '), tabindex: '0', 'aria-label': r.error ? null : (r.selected ? 'Selected' : 'Select this resume')}, header);
    const actions = h('div', {class: 'display-flex flex-direction-row'});
    if (r.error) {
      const clear = h('button', {'aria-label': `Remove ${r.name}`, id: ember(), type: 'button', class:
        'artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--2 artdeco-button--tertiary ember-view jobs-document-upload-redesign-card__clear-button jobs-document-upload-redesign-card__action-button'});
      clear.innerHTML = icon('close-medium', 24) + '<span class="artdeco-button__text"></span>';
      actions.append(clear);
    } else {
      const download = h('button', {'aria-label': `Download resume ${r.name}`, id: ember(), type: 'button', class:
        'artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--2 artdeco-button--tertiary ember-view jobs-document-upload-redesign-card__download-button jobs-document-upload-redesign-card__action-button'});
      download.innerHTML = icon('download-medium', 24) + '<span class="artdeco-button__text"></span>';
      const toggle = h('input', {id: `jobsDocumentCardToggle-${r.toggle}`, type: 'radio'});
      toggle.checked = r.selected;
      const label = h('label', {id: `jobsDocumentCardToggleLabel-${r.toggle}`, class: 'jobs-document-upload-redesign-card__toggle-label t-bold',
                                for: `jobsDocumentCardToggle-${r.toggle}`},
        h('span', {class: 'a11y-text'}, `${r.selected ? 'Deselect' : 'Select'} resume ${r.name}`));
      actions.append(download, h('div', {class: 'jobs-document-upload-redesign-card__divider'}), toggle, label);
    }
    card.append(actions);
    const wrap = [card];
    if (r.error) {
      const err = h('div', {class: 'jobs-document-upload-redesign-card__error'});
      err.innerHTML = `<div class="artdeco-inline-feedback artdeco-inline-feedback--error ember-view" role="alert">${ERROR_ICON}
        <span class="artdeco-inline-feedback__message">${esc(r.message)}</span></div>`;
      wrap.push(err);
    }
    return wrap;
  }
  function renderResumes() {
    const list = modal() && modal().querySelector('.full-width.mt1 > .mt2');
    if (!list) return;
    list.replaceChildren(...(uploadError ? resumeCard(uploadError) : []), ...resumes.flatMap(resumeCard));
  }
  function chooseResume(index) {
    const r = resumes[index];
    if (r.selected) r.selected = false;
    else resumes.forEach((x, i) => { x.selected = i === index; });
    renderResumes();
    const c = controls.find((x) => x.kind === 'resume');
    if (errorShown(c)) showError(c, validate(c));
  }
  function handleFile(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    const ext = (file.name.split('.').pop() || '').toLowerCase();
    const typeOk = ['pdf', 'doc', 'docx'].includes(ext) && (!file.type || C.resumeTypes.includes(file.type));
    const message = !typeOk ? E.file_type : (file.size > C.maxResumeBytes ? E.file_size : '');
    if (message) {
      uploadError = {name: file.name, meta: `${kb(file.size)}`, error: true, message};
      input.value = '';
      track('resume_rejected', {name: file.name, size: file.size, contentType: file.type, error: message});
    } else {
      uploadError = null;
      resumes.forEach((r) => { r.selected = false; });
      resumes.unshift({name: file.name, meta: `${kb(file.size)} · Uploaded on ${today()}`, file, selected: true, toggle: ember()});
      track('resume_uploaded', {name: file.name, size: file.size, contentType: file.type});
    }
    renderResumes();
    const c = controls.find((x) => x.kind === 'resume');
    if (errorShown(c)) showError(c, validate(c));
  }

  // ---- validation ---------------------------------------------------------------------------------------------------
  function validate(c) {
    const v = String(model[c.id] ?? '');
    const t = v.trim();
    switch (c.kind) {
      case 'text': case 'textarea': return c.required && !t ? E.answer : '';
      case 'phone':
        if (!t) return E.answer;
        if (C.mode === 'reject_phone') return /^\d+$/.test(v) ? '' : E.phone;
        return /^[+\d\s().-]+$/.test(t) && t.replace(/\D/g, '').length >= 7 && t.replace(/\D/g, '').length <= 15 ? '' : E.phone;
      case 'whole': return /^\d{1,2}$/.test(t) ? '' : E.whole;
      case 'decimal':
        if (!t) return c.required ? E.decimal : '';
        return /^\d+(\.\d+)?$/.test(t) && parseFloat(t) > 0 ? '' : E.decimal;
      case 'select': return c.required && (!v || v === 'Select an option') ? E.select : '';
      case 'radio': return c.required && !v ? E.select : '';
      case 'resume': return resumes.some((r) => r.selected) ? '' : E.file;
      default: return '';
    }
  }
  const errorBox = (c) => document.getElementById(`${c.id}-error`);
  const errorShown = (c) => !!(errorBox(c) && errorBox(c).querySelector('.artdeco-inline-feedback--error'));
  function showError(c, message) {
    const box = errorBox(c);
    if (!box) return;
    box.innerHTML = message ? `<div id="${ember()}" class="artdeco-inline-feedback artdeco-inline-feedback--error ember-view mt1" role="alert"
      data-test-form-element-error-messages="">    ${ERROR_ICON}
        <span class="artdeco-inline-feedback__message">
          ${esc(message)}
        </span></div>` : '<!---->';
    const container = box.closest('.fb-dash-form-element');
    if (container) container.setAttribute('aria-invalid', message ? 'true' : 'false');
    const targets = c.kind === 'radio' ? c.options.map((o, i) => document.getElementById(`${c.urn}-${i}`)) : [document.getElementById(c.id)];
    targets.forEach((el) => { if (el && c.kind !== 'resume') { if (message) el.setAttribute('aria-invalid', 'true'); else el.removeAttribute('aria-invalid'); } });
  }

  // ---- navigation -----------------------------------------------------------------------------------------------------
  function next() {
    if (loading || submitting) return;
    const s = C.steps[step];
    const bad = s.controls.map((c) => [c, validate(c)]).filter(([, m]) => m);
    s.controls.forEach((c) => showError(c, ''));
    if (bad.length) {
      bad.forEach(([c, m]) => showError(c, m));
      rejectedClicks += 1;
      const items = bad.map(([c, m]) => ({step: s.title, id: c.id, question: c.label, error: m}));
      rejections.push(...items);
      track('rejected', {step: s.title, controls: items});
      const first = bad[0][0];
      const el = first.kind === 'radio' ? document.getElementById(`${first.urn}-0`) : document.getElementById(first.id);
      if (el && first.kind !== 'resume') el.focus();
      return;
    }
    showStep(step + 1);
  }
  async function submit(button) {
    if (loading || submitting) return;
    submitting = true;
    button.disabled = true;
    button.classList.add('artdeco-button--disabled');
    const answers = {};
    controls.forEach((c) => { if (c.kind !== 'resume') answers[c.label] = String(model[c.id] ?? ''); });
    const chosen = resumes.find((r) => r.selected);
    const application = {job: C.job, answers, follow_company: follow, resume: chosen ? {name: chosen.name, uploaded: !!chosen.file} : null,
                         steps_seen: rejectedClicks, rejections, steps: stepsSeen};
    const body = new FormData();
    body.append('application', JSON.stringify(application));
    if (chosen && chosen.file) body.append('resume', chosen.file, chosen.name);
    let ok = false;
    try { ok = (await fetch(C.submitUrl, {method: 'POST', credentials: 'same-origin', body})).ok; } catch (e) { ok = false; }
    if (!ok) {
      submitting = false; button.disabled = false; button.classList.remove('artdeco-button--disabled');
      const info = modal().querySelector('.jobs-easy-apply-footer__info');
      info.insertAdjacentHTML('beforeend', `<div class="artdeco-inline-feedback artdeco-inline-feedback--error ember-view mt1" role="alert">${ERROR_ICON}
        <span class="artdeco-inline-feedback__message">Something went wrong. Please try again.</span></div>`);
      return;
    }
    if (C.mode === 'no_confirm') return;  // the request went through; the dialog just never confirms
    postApply();
  }
  function postApply() {
    renderToken++;
    outlet.innerHTML = `<div class="artdeco-modal-overlay artdeco-modal-overlay--layer-default artdeco-modal-overlay--is-top-layer ember-view">
  <div data-test-modal="" role="dialog" tabindex="-1" class="artdeco-modal artdeco-modal--layer-default" size="medium"
       aria-labelledby="post-apply-modal" data-test-modal-id="post-apply-modal">
    <span class="a11y-text">Dialog content start.</span>
    <button aria-label="Dismiss" id="${ember()}" class="artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--2 artdeco-button--tertiary ember-view artdeco-modal__dismiss"
            data-test-modal-close-btn="">${icon('close-medium', 24)}<span class="artdeco-button__text"></span></button>
    <div id="${ember()}" class="artdeco-modal__header ember-view"><h2 id="post-apply-modal">Application sent</h2></div>
    <div id="${ember()}" class="artdeco-modal__content ember-view"><div class="jpac-modal-header">
      <h3 class="t-20 t-bold">Your application was sent to ${esc(C.company)}!</h3>
      <p class="t-14 t-black--light">You can keep track of your application in the "Applied" tab of My Jobs.</p></div></div>
    <div class="artdeco-modal__actionbar ember-view"><button id="${ember()}" class="artdeco-button artdeco-button--2 artdeco-button--primary ember-view"
      type="button"><span class="artdeco-button__text">Done</span></button></div>
    <span class="a11y-text">Dialog content end.</span>
  </div></div>`;
    markApplied();
  }
  function confirmDiscard() {
    if (outlet.querySelector('[role="alertdialog"]')) return;
    outlet.insertAdjacentHTML('beforeend', `<div class="artdeco-modal-overlay artdeco-modal-overlay--layer-confirmation artdeco-modal-overlay--is-top-layer ember-view">
  <div data-test-modal="" role="alertdialog" tabindex="-1" class="artdeco-modal artdeco-modal--layer-confirmation" size="small"
       aria-labelledby="dialog-header" aria-describedby="dialog-desc">
    <button aria-label="Dismiss" id="${ember()}" class="artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--2 artdeco-button--tertiary ember-view artdeco-modal__dismiss"
            data-test-modal-close-btn="">${icon('close-medium', 24)}<span class="artdeco-button__text"></span></button>
    <div class="artdeco-modal__header ember-view"><h2 id="dialog-header" data-test-dialog-title="">Save this application?</h2></div>
    <div class="artdeco-modal__content ember-view"><div id="dialog-desc" class="pv4 ph5"><p>Save to return to this application later.</p></div></div>
    <div class="artdeco-modal__actionbar ember-view">
      <button data-control-name="discard_application_confirm_btn" data-test-dialog-secondary-btn="" id="${ember()}" type="button"
        class="artdeco-modal__confirm-dialog-btn artdeco-button artdeco-button--2 artdeco-button--secondary ember-view"><span class="artdeco-button__text">Discard</span></button>
      <button data-control-name="save_application_btn" data-test-dialog-primary-btn="" id="${ember()}" type="button"
        class="artdeco-modal__confirm-dialog-btn artdeco-button artdeco-button--2 artdeco-button--primary ember-view"><span class="artdeco-button__text">Save</span></button>
    </div></div></div>`);
  }

  // ---- events -------------------------------------------------------------------------------------------------------
  outlet.addEventListener('click', (e) => {
    const confirm = e.target.closest('[role="alertdialog"]');
    if (confirm) {
      const b = e.target.closest('button');
      if (!b) return;
      if (b.matches('[data-control-name="discard_application_confirm_btn"]')) { track('discarded', {step: C.steps[step].title}); closeModal(); }
      else if (b.matches('[data-control-name="save_application_btn"]')) { track('saved', {step: C.steps[step].title}); closeModal(); }
      else if (b.matches('.artdeco-modal__dismiss')) confirm.closest('.artdeco-modal-overlay').remove();
      return;
    }
    if (e.target.closest('[data-test-modal-id="post-apply-modal"]')) {
      const b = e.target.closest('button');
      if (b) { track('confirmation_closed'); closeModal(); }
      return;
    }
    if (!modal()) return;
    const card = e.target.closest('.jobs-document-upload-redesign-card__container');
    if (card) {
      if (e.target.closest('.jobs-document-upload-redesign-card__clear-button')) { uploadError = null; renderResumes(); return; }
      if (e.target.closest('.jobs-document-upload-redesign-card__download-button') || e.target.closest('label')) return;
      if (card.classList.contains('jobs-document-upload-redesign-card__container--error')) return;
      const cards = [...modal().querySelectorAll('.jobs-document-upload-redesign-card__container:not(.jobs-document-upload-redesign-card__container--error)')];
      chooseResume(cards.indexOf(card));
      return;
    }
    const b = e.target.closest('button');
    if (!b) return;
    if (b.matches('.artdeco-modal__dismiss')) confirmDiscard();
    else if (b.matches('[aria-label="Continue to next step"], [aria-label="Review your application"]')) next();
    else if (b.matches('[aria-label="Back to previous step"]')) { if (!loading && !submitting) showStep(step - 1); }
    else if (b.matches('[aria-label="Submit application"]')) submit(b);
    else if (b.hasAttribute('data-easy-apply-edit-step')) { if (!submitting) showStep(Number(b.getAttribute('data-easy-apply-edit-step'))); }
  });
  function onValue(e) {
    const el = e.target;
    if (!modal() || !modal().contains(el)) return;
    if (el.id === 'follow-company-checkbox') { if (e.type === 'change') follow = el.checked; return; }
    if (el.type === 'file') { if (e.type === 'change') handleFile(el); return; }
    if (el.type === 'radio' && radioGroup.has(el.id)) {
      if (e.type !== 'change' || !el.checked) return;
      const [c, option] = radioGroup.get(el.id);
      model[c.id] = option;
      if (errorShown(c)) showError(c, validate(c));
      return;
    }
    const c = byId.get(el.id);
    if (!c) return;
    if (c.kind === 'select') { if (e.type !== 'change') return; model[c.id] = el.selectedIndex >= 0 ? el.options[el.selectedIndex].text.trim() : ''; }
    else model[c.id] = el.value;
    if (errorShown(c)) showError(c, validate(c));
  }
  ['input', 'change', 'focusout'].forEach((type) => outlet.addEventListener(type, onValue));
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const confirm = outlet.querySelector('[role="alertdialog"]');
    if (confirm) confirm.closest('.artdeco-modal-overlay').remove();
    else if (outlet.querySelector('[data-test-modal-id="post-apply-modal"]')) closeModal();
    else if (modal()) confirmDiscard();
  });
})();
"""
