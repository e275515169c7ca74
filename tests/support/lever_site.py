"""Local imitation of Lever's hosted job pages, for tests (aiohttp on 127.0.0.1).

``/{company}/{posting}`` is the posting (description, "Apply for this job" links), ``/{company}/{posting}/apply`` the
server-rendered ``form#application-form`` (multipart POST back to the same URL), ``/{company}/{posting}/thanks`` the
"Application submitted!" page. Markup is in tests/support/fixtures/lever/ (HTML + lever.js). Sources - the search
index did not always expose the repository of a file, then the file is named by its index id and what it is:

* A Lever DOM reference "based on scan of jobs.lever.co (2026-03-16), multiple portals" (index 52225879525):
  ``form#application-form`` (POST, multipart), ``li.application-question > label > div.application-label`` (with
  ``span.required`` "✱") ``+ div.application-field``; ``data-qa`` name/email/phone/org/location-input; ``urls[LinkedIn]``,
  ``urls[GitHub]``; the location block (``input.location-input#location-input[name=location][maxlength=100]``, hidden
  ``#selected-location[name=selectedLocation]`` holding ``{"name","id"}`` JSON, ``.dropdown-container`` with
  ``.dropdown-results.cursor-pointer``, ``.dropdown-no-results`` "No location found...", ``.dropdown-loading-results``)
  and that only real key-by-key typing triggers the search; custom cards (``ul[data-qa=multiple-choice]`` radios
  ``cards[<uuid>][field0]`` with ``span.application-answer-alternative`` and ``required``,
  ``div.application-field.full-width.required-field``, ``textarea.card-field-input``, no ``<label>`` around card
  questions); EEO selects ``eeo[gender|race|veteran]`` ("Select ...", "Decline to self-identify"); consent
  ``consent[store]`` (required) and ``consent[marketing]``; the resume button
  ``a.postings-btn.template-btn-utility.visible-resume-upload > input.application-file-input.invisible-resume-upload
  #resume-upload-input[name=resume]`` with ``span.filename``, "ATTACH RESUME/CV", ``resume-upload-success``;
  hCaptcha and ``#hcaptchaSubmitBtn``; ``button#btn-submit.postings-btn.template-btn-submit.hex-color[type=button]``
  "Submit application".
* A Lever adapter (index 70775640069): the form is server-rendered; ``.resume-upload-working`` while the resume is
  read; hidden ``cards[<cardId>][baseTemplate]`` JSON describing each card; invisible hCaptcha and
  ``#hcaptchaResponseInput``; ``#btn-submit`` runs hCaptcha then posts; success goes to ``.../thanks`` "Application
  submitted!"; a closed posting is "HTTP 404 'Sorry, we couldn't find anything here'"; title "<Company> - <Title>";
  ``.posting-headline h2``; suggestions as ``.dropdown-results > *``.
* A handler "verified against real DOM: jobs.lever.co/lifestance/.../apply" (index 18123012353):
  ``textarea[name=comments]#additional-information``, ``button#btn-submit[data-qa=btn-submit]``, hidden
  ``input[name=resume]#resume-upload-input``, ``input[name=location]#location-input`` (typeahead).
* anix-lynch/job-application-automation_playwright job_playwright.py: ``a[data-qa="show-page-apply"]`` on the posting,
  ``#resume-upload-input``, ``li.application-question.custom-question``, ``textarea.card-field-input``,
  ``div.application-label``, ``select[name="eeo[gender]"]``, veteran value "I am a veteran".
* berellevy/job_app_filler src/inject/app/services/formFields/lever/xpaths.ts: the ``li`` containers and names.
* Posting page: ``div.postings-btn-wrapper a.postings-btn.template-btn-submit.shamrock`` "Apply for this job",
  ``.posting-headline h2``, ``.posting-requirements.plain-list`` (Selenium/Java tests, index 3795513233, 14340361888,
  27980203838).
* Confirmation: ``h3[data-qa="msg-submit-success"]`` "Application submitted!" (a Cypress test, index 35388617179; a Java
  page object, index 20371889611), the ``**/thanks*`` URL (index 55325175298), ``.application-confirmation``
  (an extension's confirmation selectors, index 63320363691).
* Suggestions ``.dropdown-results > .dropdown-location`` with ids ``location-N``: a measured Lever typeahead binding
  (index 71344594701) and a bot's selector list (index 62887097420).
* 404: title "Not found – 404 error", "Sorry, we couldn't find anything here" (a link checker's test, index
  63137083026), "The job posting you're looking for might have closed" (index 62479790392).
* hCaptcha widget iframe titled "Widget containing checkbox for hCaptcha security challenge" (a Lever bot, index
  1270546877); "All Lever forms now include invisible hCaptcha" (an apply skill's notes).

No evidence found (guesses, kept plain): the suggestion endpoint ``/searchLocations?text=`` and its JSON; whether
Lever refuses a typed location that was not picked (done here as the brief asks: the location input gets the custom
validity "Please select a location from the dropdown." and the server refuses it too); which standard fields are
required (resume, name, email, phone, location here); the server's error banner ``div.application-error``; the
consent/privacy wording, the "Screening questions" heading, the comments placeholder; the inside of the visible
hCaptcha ("I am human" checkbox, modelled on the public widget); cookie names. Resume parsing and pre-filling of
name/email/phone are not imitated, and any file type is accepted (no evidence of a restriction).
"""

from __future__ import annotations

import asyncio
import html
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from aiohttp import web

FIXTURES = Path(__file__).parent / "fixtures" / "lever"
PAGES = {p.name: p.read_text(encoding="utf-8") for p in FIXTURES.iterdir() if p.suffix in {".html", ".js"}}

MODES = ("ok", "closed", "captcha", "no_confirm", "extra_question")
TITLE = "Backend Engineer"
LOCATION = "Bengaluru, Karnataka, India"
DEFAULT_POSTING = "5b4c5f1e-2f7a-4c1e-9a1e-1f2e3d4c5b6a"
CARD_ID = "8d3e2a51-6b0c-4f7e-9c4d-2f1a0b9e7c31"

Q_AUTHORIZED = "Are you legally authorized to work in India?"
Q_PYTHON = "How many years of professional experience do you have with Python?"
Q_NOTICE = "What is your notice period?"
Q_EXTRA = "Describe a time you disagreed with a manager."
NOTICE_OPTIONS = ("Immediately", "Less than 30 days", "30-60 days", "More than 60 days")
PICK_LOCATION = "Please select a location from the dropdown."

# Suggestions, formatted like the location service's answers.
LOCATIONS: tuple[str, ...] = (
    "Bengaluru, Karnataka, India",
    "Bengaluru Rural, Karnataka, India",
    "Chennai, Tamil Nadu, India",
    "Hyderabad, Telangana, India",
    "Mumbai, Maharashtra, India",
    "Pune, Maharashtra, India",
    "New Delhi, Delhi, India",
    "London, England, United Kingdom",
    "Berlin, Germany",
    "San Francisco, California, United States",
)
_ALIASES = {"bangalore": "bengaluru", "bombay": "mumbai", "madras": "chennai", "delhi": "new delhi"}


def search_locations(text: str) -> list[dict[str, str]]:
    typed = " ".join(text.lower().split())
    if len(typed) < 2:
        return []
    needles = {typed}
    for alias, name in _ALIASES.items():
        if alias.startswith(typed):
            needles.add(name)
        elif typed.startswith(alias):
            needles.add(name + typed[len(alias) :])
    return [
        {"name": name, "id": f"ChIJfixture{i:04d}"} for i, name in enumerate(LOCATIONS) if any(n in name.lower() for n in needles)
    ][:5]


@dataclass(frozen=True)
class _Card:
    label: str
    kind: str  # "multiple-choice" | "text" | "textarea"
    options: tuple[str, ...] = ()
    required: bool = True


CARDS: tuple[_Card, ...] = (
    _Card(Q_AUTHORIZED, "multiple-choice", ("Yes", "No")),
    _Card(Q_PYTHON, "text"),
    _Card(Q_NOTICE, "multiple-choice", NOTICE_OPTIONS),
)
EXTRA_CARD = _Card(Q_EXTRA, "textarea")

# name -> label as shown, for the plain fields (required ones are checked by the server too).
STANDARD = (
    ("name", "Full name", True),
    ("email", "Email", True),
    ("phone", "Phone", True),
    ("org", "Current company", False),
    ("urls[LinkedIn]", "LinkedIn URL", False),
    ("urls[GitHub]", "GitHub URL", False),
)
EEO = (("eeo[gender]", "Gender"), ("eeo[race]", "Race"), ("eeo[veteran]", "Veteran status"))


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


@dataclass
class LeverSite:
    """A Lever job site with one "Backend Engineer" posting at Acme, Bengaluru.

    Modes: ``ok``; ``closed`` (posting, apply and thanks pages are Lever's 404 "Sorry, we couldn't find anything
    here"); ``captcha`` (a visible hCaptcha checkbox above the submit button; unsolved submissions are refused in the
    page and by the server); ``no_confirm`` (recorded, then back to an empty apply form, no confirmation);
    ``extra_question`` (adds the required card textarea "Describe a time you disagreed with a manager.").
    """

    mode: str = "ok"
    company: str = "acme"
    submissions: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    QUESTIONS: ClassVar[tuple[str, ...]] = (Q_AUTHORIZED, Q_PYTHON, Q_NOTICE)
    EXTRA_QUESTION: ClassVar[str] = Q_EXTRA
    NOTICE_OPTIONS: ClassVar[tuple[str, ...]] = NOTICE_OPTIONS
    CONSENT_TEXT: ClassVar[str] = "I agree to the privacy notice"
    TITLE: ClassVar[str] = TITLE
    LOCATION: ClassVar[str] = LOCATION

    _captcha_token: str = field(default_factory=lambda: "solved-" + secrets.token_urlsafe(12), init=False, repr=False)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown Lever mode {self.mode!r}; expected one of {MODES}")

    @property
    def company_name(self) -> str:
        return self.company.replace("-", " ").title()

    def posting_url(self, posting: str = DEFAULT_POSTING) -> str:
        return f"http://127.0.0.1:{self.port}/{self.company}/{posting}"

    async def start(self) -> web.AppRunner:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_get("/assets/lever.js", self._script)
        app.router.add_get("/searchLocations", self._locations)
        app.router.add_get("/{company}/{posting}", self._posting)
        app.router.add_get("/{company}/{posting}/apply", self._apply)
        app.router.add_post("/{company}/{posting}/apply", self._submit)
        app.router.add_get("/{company}/{posting}/thanks", self._thanks)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self.port)
        await site.start()
        self.port = runner.addresses[0][1]
        return runner

    # ------------------------------------------------------------------ pages
    def _common(self) -> dict[str, str]:
        common = {"TITLE": TITLE, "COMPANY": html.escape(self.company), "COMPANY_NAME": html.escape(self.company_name)}
        return common | {
            "STYLE": PAGES["style.css.html"],
            "HEADER": _fill(PAGES["header.html"], **common),
            "HEADLINE": _fill(PAGES["headline.html"], TITLE=TITLE, LOCATION=LOCATION),
        }

    def _html(self, text: str, status: int = 200) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
        response.set_cookie("lever-referer", "https://jobs.lever.co/", samesite="Lax")
        response.set_cookie("lever-session", secrets.token_hex(8), httponly=True, samesite="Lax")
        return response

    def _not_found(self) -> web.Response:
        return self._html(_fill(PAGES["not_found.html"], STYLE=PAGES["style.css.html"]), status=404)

    def _known(self, request: web.Request) -> bool:
        return request.match_info["company"] == self.company and self.mode != "closed"

    def _cards(self) -> tuple[_Card, ...]:
        return (*CARDS, EXTRA_CARD) if self.mode == "extra_question" else CARDS

    def _card_template(self) -> str:
        fields = [
            {"type": c.kind, "text": c.label, "required": c.required, "options": [{"text": o} for o in c.options]}
            for c in self._cards()
        ]
        return json.dumps({"id": CARD_ID, "text": "Screening questions", "fields": fields})

    def _captcha_html(self) -> str:
        if self.mode != "captcha":
            return PAGES["hcaptcha_invisible.html"]
        frame = _fill(PAGES["hcaptcha_frame.html"], TOKEN=self._captcha_token)
        return _fill(PAGES["hcaptcha_visible.html"], CAPTCHA_SRCDOC=html.escape(frame, quote=True))

    def _render_apply(self, posting: str, errors: list[str] | None = None) -> str:
        banner = ""
        if errors:
            items = "".join(f"<li>{html.escape(e)}</li>" for e in errors)
            banner = (
                '        <div class="section page-centered application-error" role="alert">'
                f"<p>There was a problem with your application:</p><ul>{items}</ul></div>"
            )
        extra = _fill(PAGES["extra_question.html"], CARD_ID=CARD_ID) if self.mode == "extra_question" else ""
        state = {"captcha": "visible" if self.mode == "captcha" else "invisible"}
        return _fill(
            PAGES["apply.html"],
            **self._common(),
            ACTION=f"/{html.escape(self.company)}/{html.escape(posting)}/apply",
            ACCOUNT_ID="a1b2c3d4-0000-4000-8000-fixture00001",
            ERRORS=banner,
            EXTRA_QUESTION=extra,
            CARD_ID=CARD_ID,
            CARD_TEMPLATE=html.escape(self._card_template(), quote=True),
            CAPTCHA=self._captcha_html(),
            STATE=json.dumps(state).replace("</", "<\\/"),
        )

    async def _script(self, request: web.Request) -> web.Response:
        return web.Response(text=PAGES["lever.js"], content_type="application/javascript", charset="utf-8")

    async def _locations(self, request: web.Request) -> web.Response:
        await asyncio.sleep(0.15)  # the location service is not instant
        return web.json_response(search_locations(request.query.get("text", "")))

    async def _posting(self, request: web.Request) -> web.Response:
        if not self._known(request):
            return self._not_found()
        href = f"/{self.company}/{request.match_info['posting']}/apply"
        return self._html(_fill(PAGES["posting.html"], **self._common(), APPLY_HREF=html.escape(href)))

    async def _apply(self, request: web.Request) -> web.Response:
        if not self._known(request):
            return self._not_found()
        return self._html(self._render_apply(request.match_info["posting"]))

    async def _thanks(self, request: web.Request) -> web.Response:
        posting = request.match_info["posting"]
        if not self._known(request) or self.mode == "no_confirm" or not any(s["job"] == posting for s in self.submissions):
            return self._not_found()
        return self._html(_fill(PAGES["thanks.html"], **self._common()))

    # ------------------------------------------------------------- submission
    async def _submit(self, request: web.Request) -> web.Response:
        posting = request.match_info["posting"]
        if not self._known(request):
            return self._not_found()
        form = await request.post()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        errors: list[str] = []
        answers: dict[str, str] = {}

        resume_field = form.get("resume")
        resume = None
        if isinstance(resume_field, web.FileField) and resume_field.filename:
            data = resume_field.file.read()
            if data:
                resume = {"name": Path(resume_field.filename).name, "bytes": data, "content_type": resume_field.content_type}
        if resume is None:
            errors.append("Resume/CV is required.")

        for name, label, required in STANDARD:
            answers[label] = values.get(name, "").strip()
            if required and not answers[label]:
                errors.append(f"{label} is required.")

        location_text = values.get("location", "").strip()
        answers["Current location"] = location_text
        picked = None
        try:
            chosen = json.loads(values.get("selectedLocation") or "null")
        except ValueError:
            chosen = None
        if isinstance(chosen, dict) and chosen.get("name") == location_text and location_text in LOCATIONS:
            picked = location_text
        if not location_text:
            errors.append("Current location is required.")
        elif picked is None:
            errors.append(PICK_LOCATION)

        for i, card in enumerate(self._cards()):
            value = values.get(f"cards[{CARD_ID}][field{i}]", "").strip()
            if card.options and value and value not in card.options:
                errors.append(f"{card.label}: please choose one of the options.")
                value = ""
            answers[card.label] = value
            if card.required and not value:
                errors.append(f"{card.label} is required.")

        comments = values.get("comments", "").strip()
        answers["Additional information"] = comments
        for name, label in EEO:
            answers[label] = values.get(name, "")

        consent = values.get("consent[store]") == "true"
        if not consent:
            errors.append("You must agree to the privacy notice.")
        token = values.get("h-captcha-response", "")
        if self.mode == "captcha" and not secrets.compare_digest(token, self._captcha_token):
            errors.append("Please complete the captcha to submit your application.")

        if errors:
            return self._html(self._render_apply(posting, errors), status=400)
        self.submissions.append(
            {
                "answers": answers,
                "resume": resume,
                "cover_letter": comments or None,
                "location": picked,
                "consent": consent,
                "consent_marketing": values.get("consent[marketing]") == "true",
                "cookies": dict(request.cookies),
                "job": posting,
            }
        )
        if self.mode == "no_confirm":
            raise web.HTTPSeeOther(f"/{self.company}/{posting}/apply")
        raise web.HTTPSeeOther(f"/{self.company}/{posting}/thanks")
