"""Local imitation of Greenhouse job-application pages, for tests (aiohttp on 127.0.0.1).

Two variants, each at ``/{company}/jobs/{job}`` like the real hosts:

* ``classic``     - the hosted board of boards.greenhouse.io: ``form#application_form`` with Rails-style names
  (``job_application[first_name]`` ...), custom questions ``job_application[answers_attributes][N][...]``,
  native ``<select>`` yes/no questions, "Attach, Dropbox, Google Drive, or enter manually" uploads through a
  separate ``form#s3_upload_for_<field>``, a hidden cover-letter textarea, ``<input type="button" id="submit_app">``.
* ``job_boards``  - the React board of job-boards.greenhouse.io: inputs with ids and no names, labels via
  ``label[for]`` with ``<span aria-hidden="true">*</span>``, react-select comboboxes, ``input#resume`` hidden
  behind "Attach", ``button[type=submit]`` "Submit application", "This field is required." helper texts.

Markup lives in tests/support/fixtures/greenhouse/ (HTML + the two scripts). Everything below was taken from
public material; the search index used for this did not always expose the repository of a file, in which case
the file is named by its index id and what it is.

Classic board (boards.greenhouse.io)
    * Main-field ids/names/attributes (``id="first_name" name="job_application[first_name]" aria-required="true"
      autocomplete="given-name" maxlength="255"``; phone also ``required="required"``), the resume controls
      (``button[data-source=attach]`` "Attach" with ``aria-describedby="resume-allowable-file-types"``,
      ``button[data-source=paste][aria-pressed=false]`` "or enter manually", ``textarea#resume_text.paste
      name="job_application[resume_text]" title="Enter manually"``, "Remove attachment" button), custom questions
      (``job_application_answers_attributes_0_text_value``, LinkedIn Profile, ``...[1][boolean_value]`` selects with
      options ``--`` / ``1`` Yes / ``0`` No, ``aria-required="true"``, labels ending in ``*``) and the
      ``#demographic_questions`` block (copied nearly verbatim): a BeautifulSoup script holding captured
      boards.greenhouse.io markup (index file 34288936054).
    * ``form#s3_upload_for_resume input[type=file]``, ``#resume_filename``, ``#application_form``, ``#submit_app``,
      "Thank you for applying.": a Selenium test of an embedded board (index 41189884790). The file input is the
      9th input of that form and hidden (a WebdriverIO test sets ``display=block`` first, index 3849720811, which
      also clicks ``#resume_fieldset/div/div[3]/button[1]`` for Attach).
    * ``#resume_fieldset .link-container>[data-source='paste']``, ``#resume_text``, ``#cover_letter_fieldset``,
      ``#cover_letter_text``, ``#apply_button``, ``//ul[contains(@id,'location')]/li[text()=...]`` for the
      location pick, ``selectByText`` on ``job_application_answers_attributes_1_boolean_value``,
      ``.demographic_question`` labels: a Java page object for Deliveroo's board (index 25732387344).
    * ``.attach-or-paste``, ``.drop-zone``, ``div.chosen`` holding ``span[id$=_filename]``, location as an
      ``<auto-complete>`` element whose ``open``/``value`` attributes change and whose ``ul/li`` items are clicked:
      berellevy/job_app_filler src/inject/app/services/formFields/greenhouse/File.ts, AddressSearchable.ts,
      Select.ts, TextInput.ts.
    * Labels wrap the custom-question inputs (``div#custom_fields div.field label`` contains the textarea):
      ml5885/sync rescon/sources/greenhouse.py.
    * ``#job_application_location`` typed then a suggestion clicked (older boards: ``#ui-id-1 li``), ``#main_fields``:
      Selenium scripts (index 11835470393, 11446993027).
    * Closed job: the board page with ``#flash_pending`` "The job you are looking for is no longer open."
      (a chrome-cli job checker, index 2846971883); the redirect to ``/{company}?error=true`` (index 52999530788).
    * Page title "Job Application for <title> at <company>" and ``#header .app-title``: common in the bots above.

New job boards (job-boards.greenhouse.io)
    * "REAL Greenhouse markup, captured verbatim from job-boards.greenhouse.io/embed/job_app?for=lyft..." (index
      62645211898): ``div.text-input-wrapper > div.input-wrapper``, ``label#<id>-label[for=<id>].label`` with
      ``<span aria-hidden="true">*</span>``, ``input.input.input__single-line``, and the react-select v5 shape used
      here for every dropdown (``select__control``, ``select__value-container``, ``select__placeholder``
      "Select...", ``input.select__input[role=combobox][aria-expanded][aria-required][aria-errormessage]``,
      ``select__indicators`` with ``button[aria-label="Toggle flyout"]``, hidden ``input.requiredInput[required]``);
      "There is NOT ONE <select> on the page".
    * A refused submit captured live (index 56373451333): ``<p id="<id>-error" class="helper-text helper-text--error"
      aria-live="polite">This field is required.</p>``, ``select__label--error``, ``upload-label--error``,
      ``div#upload-label-<id>.label.upload-label`` with ``<span class="required">*</span>``.
    * berellevy/job_app_filler src/inject/app/services/formFields/greenhouseReact/xpaths.ts, DropdownSearchable.ts,
      AddressSearchable.ts, File.ts: ``div.select`` with Toggle flyout (dropdown) vs without (address search),
      ``select-shell``, ``select__menu``/``select__option``, ``select__single-value``, a clear indicator
      ``div[aria-hidden=false]``, ``div.file-upload``, ``div.file-upload__filename``, ``button[aria-label='Remove file']``.
    * A handler "verified against real DOM: job-boards.greenhouse.io/sondermind/jobs/7541267003" (index 18950820941):
      ``form#application-form.application--form``, phone ``iti__tel-input``, ``input#resume[type=file].visually-hidden``,
      ``input#cover_letter``, ``question_XXXXXXXX`` ids, ``button.btn.btn--pill`` "Submit application".
    * A Playwright guide written from a real Stripe application (index 52397962319): "Location (City)" combobox whose
      listbox options ("Denver, Colorado, United States") must be clicked; Yes/No dropdowns opened by Toggle flyout;
      Resume/CV group with Attach / Dropbox / Enter manually and "Accepted file types: pdf, doc, docx, txt, rtf";
      after upload the file name and "Remove file"; "Thank you for applying." with "Thank you for submitting your
      application to ...", "View more jobs at ...", "Back to job post"; gender options "Male, Female, Decline To
      Self Identify".
    * An apply playbook (index 69542268184): ``#candidate-location``, all custom questions are react-select,
      options ``[id^="react-select-<id>-option"]``, ``g-recaptcha-response`` on the page, "Enter manually" reveals
      the ``resume_text`` textarea.
    * Upload group ``div.file-upload[role=group][aria-labelledby=upload-label-resume][aria-required]`` with
      ``label.visually-hidden[for=resume]``, and "after a successful upload: no #resume input, only the uploaded
      file's name": tests modelled on the live form (index 66812254660, 70112433593, 68840318164).
    * Closed job: ``job-boards.greenhouse.io/<company>?error=true`` showing "The job you are looking for is no longer
      open." and "Current openings at ..." (index 52999530788, 66361609659).

Job Board API (shape of the questions): boards-api ``?questions=true`` responses quoted in public tests -
``questions[].label/required/fields[].name/type/values``, types ``input_text``, ``input_file``, ``textarea``,
``multi_value_single_select``, ``multi_value_multi_select``; resume/cover letter as ``input_file`` plus a
``*_text`` textarea (index 63583388392, 54840714701, 71575628666). The official developers.greenhouse.io page was
not in the searchable corpus.

No evidence found (so these are guesses, kept plain):
    * classic error state: fields get ``.field-error``, ``aria-invalid="true"`` and ``span.field-error-msg``
      "This field is required."; the location message "Please select a location from the list.";
    * classic confirmation URL ``/{company}/jobs/{job}/confirmation`` (seen only in a test fixture, index
      57576951626) and the job-boards one (same path);
    * the job-boards submit endpoint/payload (React-internal) and the location search endpoint ``/api/locations``;
    * classic hidden ``job_application[latitude]/[longitude]`` (only a bot's fallback selectors, index 63172990303);
    * the visible captcha: real boards run reCAPTCHA invisibly; mode ``captcha`` shows a reCAPTCHA-v2-like
      "I'm not a robot" checkbox (``iframe[title=reCAPTCHA]``, ``#g-recaptcha-response``) - its markup is modelled
      on the public widget, not on a capture;
    * job-boards' phone country picker (intl-tel-input) is left out; long-text questions use
      ``textarea.input.input__multi-line``; the demographic dropdown's section markup; file-type error wording;
      Dropbox/Google Drive do nothing but show a message; cookie names.
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

FIXTURES = Path(__file__).parent / "fixtures" / "greenhouse"
PAGES = {p.name: p.read_text(encoding="utf-8") for p in FIXTURES.iterdir() if p.suffix in {".html", ".js"}}

VARIANTS = ("classic", "job_boards")
MODES = ("ok", "closed", "captcha", "no_confirm", "extra_question")
TITLE = "Backend Engineer"
LOCATION = "Bengaluru, Karnataka, India"
ALLOWED_EXTENSIONS = (".pdf", ".doc", ".docx", ".txt", ".rtf")
REQUIRED = "This field is required."
YES_NO = (("1", "Yes"), ("0", "No"))

Q_LINKEDIN = "LinkedIn Profile"
Q_AUTHORIZED = "Are you legally authorized to work in India?"
Q_SPONSORSHIP = "Will you now or in the future require visa sponsorship?"
Q_PYTHON = "How many years of professional experience do you have with Python?"
Q_NOTICE = "Notice period (in days)"
Q_EXTRA = "Describe a time you disagreed with a manager."
Q_DEMOGRAPHIC_CLASSIC = "How would you describe your gender identity? (mark all that apply)"
Q_DEMOGRAPHIC_JOB_BOARDS = "Gender"
LOCATION_LABEL = "Location (City)"

# (name, latitude, longitude); names formatted like the boards' suggestions ("Denver, Colorado, United States").
LOCATIONS: tuple[tuple[str, float, float], ...] = (
    ("Bengaluru, Karnataka, India", 12.9716, 77.5946),
    ("Bengaluru Rural, Karnataka, India", 13.2846, 77.6078),
    ("Chennai, Tamil Nadu, India", 13.0827, 80.2707),
    ("Hyderabad, Telangana, India", 17.385, 78.4867),
    ("Mumbai, Maharashtra, India", 19.076, 72.8777),
    ("Pune, Maharashtra, India", 18.5204, 73.8567),
    ("New Delhi, Delhi, India", 28.6139, 77.209),
    ("Gurugram, Haryana, India", 28.4595, 77.0266),
    ("London, England, United Kingdom", 51.5072, -0.1276),
    ("Berlin, Berlin, Germany", 52.52, 13.405),
    ("San Francisco, California, United States", 37.7749, -122.4194),
    ("New York, New York, United States", 40.7128, -74.006),
)
_ALIASES = {"bangalore": "bengaluru", "bombay": "mumbai", "madras": "chennai", "gurgaon": "gurugram", "delhi": "new delhi"}


def search_locations(term: str) -> list[dict[str, Any]]:
    """Suggestions for a typed location, like the boards' geocoder: substring match, old city names understood."""
    typed = " ".join(term.lower().split())
    if len(typed) < 2:
        return []
    needles = {typed}
    for alias, name in _ALIASES.items():
        if alias.startswith(typed):
            needles.add(name)
        elif typed.startswith(alias):
            needles.add(name + typed[len(alias) :])
    found = [
        {"id": f"loc-{i}", "name": name, "latitude": lat, "longitude": lng}
        for i, (name, lat, lng) in enumerate(LOCATIONS)
        if any(n in name.lower() for n in needles)
    ]
    return found[:6]


def _location_by_name(name: str) -> tuple[str, float, float] | None:
    return next((loc for loc in LOCATIONS if loc[0] == name), None)


@dataclass(frozen=True)
class _Field:
    """One answerable field: its label as a person sees it, and its key in each variant's submission."""

    label: str
    required: bool
    kind: str  # "text" | "select" | "textarea"
    classic: str  # the name in form#application_form
    board: str  # the element id on job-boards (posted by id)
    options: tuple[tuple[str, str], ...] = ()


def _answer(n: int, kind: str) -> str:
    return f"job_application[answers_attributes][{n}][{kind}]"


FIELDS: tuple[_Field, ...] = (
    _Field("First Name", True, "text", "job_application[first_name]", "first_name"),
    _Field("Last Name", True, "text", "job_application[last_name]", "last_name"),
    _Field("Email", True, "text", "job_application[email]", "email"),
    _Field("Phone", True, "text", "job_application[phone]", "phone"),
    _Field(Q_LINKEDIN, False, "text", _answer(0, "text_value"), "question_40123450"),
    _Field(Q_AUTHORIZED, True, "select", _answer(1, "boolean_value"), "question_40123451", YES_NO),
    _Field(Q_SPONSORSHIP, True, "select", _answer(2, "boolean_value"), "question_40123452", YES_NO),
    _Field(Q_PYTHON, True, "text", _answer(3, "text_value"), "question_40123453"),
    _Field(Q_NOTICE, False, "text", _answer(4, "text_value"), "question_40123454"),
)
EXTRA_FIELD = _Field(Q_EXTRA, True, "textarea", _answer(5, "text_value"), "question_40123460")
GENDER_FIELD = _Field(
    Q_DEMOGRAPHIC_JOB_BOARDS, False, "select", "", "gender", (("1", "Male"), ("2", "Female"), ("3", "Decline To Self Identify"))
)
DEMOGRAPHIC_OPTIONS = {  # classic: answer_option_id -> text (ids from the captured board)
    "4073033004": "Man",
    "4073031004": "Non-binary",
    "4073029004": "Woman",
    "4073027004": "I prefer to self-describe",
    "4073025004": "I don't wish to answer",
}


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _json_for_script(data: Any) -> str:
    return json.dumps(data).replace("</", "<\\/")


@dataclass
class GreenhouseSite:
    """A Greenhouse board serving one "Backend Engineer" job at Acme, Bengaluru, in the chosen variant and mode.

    Modes: ``ok``; ``closed`` (the job redirects to the board with "The job you are looking for is no longer
    open."); ``captcha`` (a visible "I'm not a robot" challenge next to the submit button; unsolved submissions
    are refused in the page and by the server); ``no_confirm`` (the submission is recorded, no confirmation is
    shown: classic lands back on the empty job page, job-boards stays on the filled form); ``extra_question``
    (adds the required textarea "Describe a time you disagreed with a manager.").
    """

    variant: str = "classic"  # "classic" (boards.greenhouse.io) | "job_boards" (job-boards.greenhouse.io)
    mode: str = "ok"
    company: str = "acme"
    submissions: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    render_delay_ms: int = 300  # the form renders this long after load (React hydration / JS)

    QUESTIONS: ClassVar[tuple[str, ...]] = (Q_AUTHORIZED, Q_SPONSORSHIP, Q_PYTHON, Q_NOTICE)
    REQUIRED_QUESTIONS: ClassVar[tuple[str, ...]] = (Q_AUTHORIZED, Q_SPONSORSHIP, Q_PYTHON)
    EXTRA_QUESTION: ClassVar[str] = Q_EXTRA
    LINKEDIN_QUESTION: ClassVar[str] = Q_LINKEDIN
    LOCATION_LABEL: ClassVar[str] = LOCATION_LABEL
    TITLE: ClassVar[str] = TITLE
    LOCATION: ClassVar[str] = LOCATION

    _uploads: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _captcha_token: str = field(default_factory=lambda: "solved-" + secrets.token_urlsafe(12), init=False, repr=False)

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown Greenhouse variant {self.variant!r}; expected one of {VARIANTS}")
        if self.mode not in MODES:
            raise ValueError(f"unknown Greenhouse mode {self.mode!r}; expected one of {MODES}")

    @property
    def company_name(self) -> str:
        return self.company.replace("-", " ").title()

    @property
    def demographic_question(self) -> str:
        return Q_DEMOGRAPHIC_CLASSIC if self.variant == "classic" else Q_DEMOGRAPHIC_JOB_BOARDS

    def job_url(self, job: str = "4012345") -> str:
        return f"http://127.0.0.1:{self.port}/{self.company}/jobs/{job}"

    async def start(self) -> web.AppRunner:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_get("/assets/{name}", self._asset)
        app.router.add_get("/api/locations", self._locations)
        app.router.add_post("/uploads", self._upload)
        app.router.add_get("/{company}", self._board)
        app.router.add_get("/{company}/jobs/{job}", self._job_page)
        app.router.add_post("/{company}/jobs/{job}", self._submit)
        app.router.add_get("/{company}/jobs/{job}/confirmation", self._confirmation)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self.port)
        await site.start()
        self.port = runner.addresses[0][1]
        return runner

    # ------------------------------------------------------------------ pages
    def _common(self, job: str) -> dict[str, str]:
        return {
            "TITLE": TITLE,
            "COMPANY": html.escape(self.company),
            "COMPANY_NAME": html.escape(self.company_name),
            "LOCATION": LOCATION,
            "JOB": html.escape(job),
        }

    def _html(self, text: str, status: int = 200) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
        cookie = "_boards_session" if self.variant == "classic" else "_job_boards_session"
        response.set_cookie(cookie, secrets.token_hex(8), httponly=True, samesite="Lax")
        return response

    def _captcha_html(self) -> str:
        if self.mode != "captcha":
            return PAGES["recaptcha_invisible.html"]
        frame = _fill(PAGES["recaptcha_frame.html"], TOKEN=self._captcha_token)
        return _fill(PAGES["recaptcha_visible.html"], CAPTCHA_SRCDOC=html.escape(frame, quote=True))

    def _select_html(self, f: _Field) -> str:
        required_input = '              <input required="" tabindex="-1" aria-hidden="true" class="requiredInput" value="">'
        return _fill(
            PAGES["job_boards_select.html"],
            ID=f.board,
            LABEL=html.escape(f.label),
            STAR='<span aria-hidden="true">*</span>' if f.required else "",
            REQUIRED="true" if f.required else "false",
            REQUIRED_INPUT=required_input if f.required else "",
        )

    def _render_job(self, job: str, errors: dict[str, str] | None = None) -> str:
        extra = self.mode == "extra_question"
        state: dict[str, Any] = {
            "captcha": "visible" if self.mode == "captcha" else "invisible",
            "errors": errors or {},
            "submitUrl": f"/{self.company}/jobs/{job}",
        }
        values = self._common(job) | {
            "DESCRIPTION": PAGES["description.html"],
            "RENDER_DELAY": str(max(0, int(self.render_delay_ms))),
            "CAPTCHA": self._captcha_html(),
        }
        if self.variant == "classic":
            values |= {
                "AUTH_TOKEN": secrets.token_urlsafe(24),
                "EXTRA_QUESTION": PAGES["classic_extra_question.html"] if extra else "",
                "STATE": _json_for_script(state),
            }
            return _fill(PAGES["classic_job.html"], **values)
        selects = [f for f in (*FIELDS, GENDER_FIELD) if f.kind == "select"]
        state["selects"] = {f.board: [{"value": v, "label": label} for v, label in f.options] for f in selects}
        values |= {f"SELECT_{f.board}": self._select_html(f) for f in selects}
        values |= {
            "EXTRA_QUESTION": PAGES["job_boards_extra_question.html"] if extra else "",
            "STATE": _json_for_script(state),
        }
        return _fill(PAGES["job_boards_job.html"], **values)

    async def _asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in {"classic.js", "job_boards.js"}:
            raise web.HTTPNotFound()
        return web.Response(text=PAGES[name], content_type="application/javascript", charset="utf-8")

    async def _board(self, request: web.Request) -> web.Response:
        if request.match_info["company"] != self.company:
            raise web.HTTPNotFound()
        error = request.query.get("error") == "true"
        values = self._common("")
        job_href = f"/{self.company}/jobs/4012345"
        if self.variant == "classic":
            flash = '<div id="flash_pending" class="flash-pending">The job you are looking for is no longer open.</div>'
            opening = (
                f'<div class="opening" department_id="4001" office_id="4002"><a data-mapped="true" href="{job_href}">{TITLE}</a>'
                f'<br><span class="location">{LOCATION}</span></div>'
            )
            page = "classic_board.html"
        else:
            flash = '<div class="flash" role="alert">The job you are looking for is no longer open.</div>'
            opening = (
                f'<div class="job-post"><a href="{job_href}"><p class="body body--medium">{TITLE}</p>'
                f'<p class="body body__secondary body--metadata">{LOCATION}</p></a></div>'
            )
            page = "job_boards_board.html"
        openings = "" if self.mode == "closed" else opening
        values |= {"FLASH": flash if error else "", "OPENINGS": openings}
        return self._html(_fill(PAGES[page], **values))

    async def _job_page(self, request: web.Request) -> web.Response:
        if request.match_info["company"] != self.company:
            raise web.HTTPNotFound()
        if self.mode == "closed":
            raise web.HTTPFound(f"/{self.company}?error=true")
        return self._html(self._render_job(request.match_info["job"]))

    async def _confirmation(self, request: web.Request) -> web.Response:
        job = request.match_info["job"]
        if request.match_info["company"] != self.company or self.mode in {"closed", "no_confirm"}:
            raise web.HTTPNotFound()
        if not any(s["job"] == job for s in self.submissions):
            raise web.HTTPFound(f"/{self.company}/jobs/{job}")
        page = "classic_confirmation.html" if self.variant == "classic" else "job_boards_confirmation.html"
        return self._html(_fill(PAGES[page], **self._common(job)))

    # -------------------------------------------------------------- endpoints
    async def _locations(self, request: web.Request) -> web.Response:
        await asyncio.sleep(0.12)  # a geocoder is not instant
        return web.json_response({"results": search_locations(request.query.get("term", ""))})

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.post()
        upload = data.get("file")
        if not isinstance(upload, web.FileField):
            return web.json_response({"error": "No file was attached."}, status=400)
        name = Path(upload.filename or "").name
        if not name.lower().endswith(ALLOWED_EXTENSIONS):
            return web.json_response({"error": "Invalid file type. Accepted file types: pdf, doc, docx, txt, rtf"}, status=422)
        token = secrets.token_urlsafe(10)
        self._uploads[token] = {"name": name, "bytes": upload.file.read(), "content_type": upload.content_type}
        return web.json_response({"id": token, "url": f"/uploads/{token}/{name}", "filename": name})

    def _stored(self, ref: str) -> dict[str, Any] | None:
        """An upload, referred to by its id (job-boards) or by its URL (classic)."""
        token = ref.split("/")[2] if ref.startswith("/uploads/") and ref.count("/") >= 3 else ref
        return self._uploads.get(token)

    async def _submit(self, request: web.Request) -> web.Response:
        job = request.match_info["job"]
        if request.match_info["company"] != self.company or self.mode == "closed":
            raise web.HTTPNotFound()
        form = await request.post()
        if self.variant == "classic":
            return self._submit_classic(request, job, form)
        return self._submit_job_boards(request, job, form)

    def _fields(self) -> tuple[_Field, ...]:
        return (*FIELDS, EXTRA_FIELD) if self.mode == "extra_question" else FIELDS

    def _check(self, values: dict[str, str], keys: dict[_Field, str], errors: dict[str, str]) -> dict[str, str]:
        """Validate the answers; returns label -> visible value (choices as their option text)."""
        answers: dict[str, str] = {}
        for f, key in keys.items():
            raw = values.get(key, "").strip()
            if f.kind == "select":
                text = dict(f.options).get(raw, "")
                if raw and not text:
                    errors[key] = "Please select a valid option."
                answers[f.label] = text
            else:
                answers[f.label] = raw
            if f.required and not answers[f.label] and key not in errors:
                errors[key] = REQUIRED
        return answers

    def _captcha_ok(self, token: str) -> bool:
        return self.mode != "captcha" or secrets.compare_digest(token, self._captcha_token)

    def _record(self, request: web.Request, job: str, entry: dict[str, Any]) -> None:
        entry |= {"cookies": dict(request.cookies), "job": job}
        self.submissions.append(entry)

    def _submit_classic(self, request: web.Request, job: str, form: Any) -> web.Response:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        errors: dict[str, str] = {}
        answers = self._check(values, {f: f.classic for f in self._fields()}, errors)
        location_text = values.get("job_application[location]", "").strip()
        location = _location_by_name(location_text)
        picked = location is not None and values.get("job_application[latitude]") == str(location[1])
        answers[LOCATION_LABEL] = location_text
        if not location_text:
            errors["job_application[location]"] = REQUIRED
        elif not picked:
            errors["job_application[location]"] = "Please select a location from the list."
        resume = self._stored(values.get("job_application[resume_url]", ""))
        resume_text = values.get("job_application[resume_text]", "").strip()
        if resume is None and not resume_text:
            errors["resume"] = REQUIRED
        if not self._captcha_ok(values.get("g-recaptcha-response", "")):
            errors["g-recaptcha-response"] = "Please verify that you are not a robot."
        if errors:
            return self._html(self._render_job(job, errors))
        chosen = [
            DEMOGRAPHIC_OPTIONS[v]
            for v in form.getall("job_application[demographic_answers][][answer_options][][answer_option_id]", [])
            if v in DEMOGRAPHIC_OPTIONS
        ]
        answers[Q_DEMOGRAPHIC_CLASSIC] = ", ".join(chosen)
        cover_text = values.get("job_application[cover_letter_text]", "").strip()
        self._record(
            request,
            job,
            {
                "answers": answers,
                "resume": resume,
                "resume_text": resume_text or None,
                "cover_letter": cover_text or None,
                "cover_letter_file": self._stored(values.get("job_application[cover_letter_url]", "")),
                "location": location_text,
            },
        )
        if self.mode == "no_confirm":
            raise web.HTTPSeeOther(f"/{self.company}/jobs/{job}")
        raise web.HTTPSeeOther(f"/{self.company}/jobs/{job}/confirmation")

    def _submit_job_boards(self, request: web.Request, job: str, form: Any) -> web.Response:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        errors: dict[str, str] = {}
        answers = self._check(values, {f: f.board for f in self._fields()}, errors)
        location_text = values.get("candidate-location__label", "").strip()
        answers[LOCATION_LABEL] = location_text
        location = _location_by_name(location_text)
        if location is None or values.get("candidate-location") != f"loc-{LOCATIONS.index(location)}":
            errors["candidate-location"] = REQUIRED
        resume = self._stored(values.get("resume", ""))
        resume_text = values.get("resume_text", "").strip()
        if resume is None and not resume_text:
            errors["resume"] = REQUIRED
        if not self._captcha_ok(values.get("g-recaptcha-response", "")):
            errors["g-recaptcha-response"] = "Please verify that you are not a robot."
        if errors:
            return web.json_response({"errors": errors}, status=422)
        answers[Q_DEMOGRAPHIC_JOB_BOARDS] = dict(GENDER_FIELD.options).get(values.get("gender", ""), "")
        cover_text = values.get("cover_letter_text", "").strip()
        self._record(
            request,
            job,
            {
                "answers": answers,
                "resume": resume,
                "resume_text": resume_text or None,
                "cover_letter": cover_text or None,
                "cover_letter_file": self._stored(values.get("cover_letter", "")),
                "location": location_text,
            },
        )
        if self.mode == "no_confirm":
            return web.json_response({"status": "received"})
        return web.json_response({"status": "ok", "redirect": f"/{self.company}/jobs/{job}/confirmation"})
