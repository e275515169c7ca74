"""Local imitation of four public job sources, for tests: ONE aiohttp server on 127.0.0.1 (random free port).

Endpoints (paths as on the real hosts, so a client only swaps its base URL for ``boards.origin``):

* Remotive   ``GET /api/remote-jobs``                       (real: https://remotive.com/api/remote-jobs)
* Himalayas  ``GET /jobs/api`` and ``GET /jobs/api/search``  (real: https://himalayas.app/jobs/api)
* Adzuna     ``GET /v1/api/jobs/{country}/search/{page}``   (real: https://api.adzuna.com/v1/api/jobs/...)
* A generic feed ``GET /feeds/jobs.rss`` (RSS 2.0) and ``GET /feeds/jobs.json`` (JSON Feed 1.1), one item list.

The data served by default is read from tests/support/fixtures/job_boards/ (remotive.json, himalayas.json,
adzuna.json, feed.json; feed.rss is byte-for-byte what the server renders for feed.json's items). Every file
holds four Indian-market jobs (Bengaluru, Pune, Chennai, Hyderabad, Remote India), HTML descriptions where the
API has them, and salaries where the API has them. One posting (Razorpay, Senior Backend Engineer, Bengaluru)
is in all four files, Druva's Site Reliability Engineer (Pune) in three (not Remotive), Freshworks' Data Engineer
(Chennai) in Remotive and Adzuna, so de-duplication can be tested on the defaults too. The example files were
written for this stand-in (with the ``to_*`` renderers below plus hand-written descriptions), in the shapes
recorded for each API as listed next; none is a copy of a real response. The envelopes (legal notices,
comments, feed title...) are read from the same files.

Sources, and what is documented versus inferred
------------------------------------------------
Remotive
    * Documented: remotive-com/remote-jobs-api README.md (GitHub; the remotive.com version, commit 191c5048):
      ``GET /api/remote-jobs`` with optional ``category`` (category name or slug), ``company_name`` and
      ``search`` (both case-insensitive partial match, "ilike"; search covers title and description) and
      ``limit`` (default: all). No pagination. Response ``{"0-legal-notice", "job-count", "jobs": [...]}`` with
      job-count == len(jobs), jobs sorted by publication date, each job ``id, url, title, company_name,
      company_logo, category, job_type (full_time/contract/part_time/freelance/internship, often empty),
      publication_date ("2020-02-15T10:23:26", no zone), candidate_required_location, salary (free text,
      optional), description (HTML)``. Rate limit: "excessive requests (more than 2x per minute) will be
      blocked"; advised max. 4 requests a day; jobs are delayed by 24 hours.
    * Observed in public clients, not in the README: a ``tags`` list on each job; the extra top-level keys
      ``"00-warning"`` (text of the remotive.io→remotive.com move) and ``"total-job-count"`` (index file
      71563904719, a Remotive adapter test quoting the live legal notice; index files 69732321726, 71249200039,
      56526647148 reading ``total-job-count``; index 66587803554, a source survey). Here total-job-count is the
      number of matches before ``limit`` (inferred); the two notices in remotive.json are paraphrased.
    * Inferred: HOW "blocked" looks. ``throttle()`` answers 429 with ``Retry-After``; Remotive documents
      neither. Only the slug ``software-dev`` is documented (README example); the other slugs in
      REMOTIVE_CATEGORY_SLUGS are those public clients send (customer-support, design, devops, product, data...),
      paired with assumed category names. ``category`` matches a job whose category name or slug equals it,
      case-insensitively. A non-integer ``limit`` is ignored. One public client noted (index 67507069900) that
      the live free API sometimes ignores ``category``/``limit`` and serves a fixed teaser list; this stand-in
      follows the README.

Himalayas
    * Field names and types: https://himalayas.app/docs/data-dictionary (title, excerpt, companyName,
      companyLogo, employmentType "Full Time"/"Part Time"/"Contractor"/..., minSalary/maxSalary number|null,
      seniority string[], currency ISO 4217, locationRestrictions, timezoneRestrictions, categories,
      parentCategories, description "sanitized HTML", pubDate, expiryDate, applicationLink, guid).
    * ``companySlug`` and the envelope ``{"comments", "updatedAt", "offset", "limit", "totalCount", "jobs"}``: a
      live response recorded in a public source survey (index file 53253333805; its comments field reads
      "13/03/2026: The API has been updated to include the companySlug field in the response."), and a test
      built on the "official camel case contract" (index 56828187400). ``salaryPeriod`` ("annual", "hourly")
      appears in many recorded jobs (index 56700831366, 57496053365) though not in the dictionary.
    * Browse pagination ``?limit=20&offset=N``, "limit caps at 20/req", newest first: index 62500866522,
      55467920335, 52494000026 (which also gives search as ``/jobs/api/search?q={query}&page={n}``) and
      58238804369 ("Docs verified live: https://himalayas.app/docs/remote-jobs-api ... search?q=<term>&page=<n>").
      An Apify changelog (https://apify.com/agentsgearbox/remote-jobs-scraper/changelog) records the cut of the
      page size from 100 to 20 in November 2026, "ignoring the requested limit", and Himalayas' 429s.
      ``country`` on search (a country name, or worldwide jobs): index 70694171540, 71335538399.
    * TIMESTAMPS CONFLICT: the data dictionary says pubDate/expiryDate are Unix MILLISECONDS; every recorded live
      response found says SECONDS (updatedAt 1776682584, pubDate 1781459499, expiryDate 1786643498; clients do
      ``pubDate * 1000``). Seconds are served by default; ``JobBoardAPIs(himalayas_timestamps="milliseconds")``
      serves the documented unit instead, so a client can be tested against both.
    * Also conflicting: the dictionary types timezoneRestrictions as string[] and locationRestrictions as
      Location objects; recorded responses carry numbers (``[5.5]``) and country-name strings (``["India"]``),
      some clients also saw ``{"alpha2", "name", "slug"}`` objects. The recorded (numbers, names) form is used.
    * Inferred: search page size 20 (the search ignores ``limit``), ``offset`` in search answers =
      (page-1)*20; the search matches ``q`` against title, excerpt, companyName and categories; limit<1 → 20;
      the body of a 429 (Himalayas sends them; the body is not documented).

Adzuna
    * ``/v1/api/jobs/{country}/search/{page}`` with ``app_id, app_key, results_per_page, what, where,
      content-type``: https://developer.adzuna.com/docs/search (named by client code), and many clients (e.g. a
      test in the HF space Agents-MCP-Hackathon/jobsearch-mcp-server tests/test_job_search_debug.py).
    * Response: ``{count, mean, results, __CLASS__: "Adzuna::API::Response::JobSearchResults"}``, each result
      ``id`` (string), ``title``, ``description`` (plain text, truncated, ending in "…"), ``created``
      (ISO 8601, Z), ``redirect_url``, ``adref``, ``company{display_name}``, ``location{display_name, area}``
      (area broadest first: ["India", "Karnataka", "Bangalore"]), ``salary_min``/``salary_max`` (number or
      null), ``salary_is_predicted`` ("0"/"1"), ``contract_time``, ``contract_type``, ``category{label, tag}``,
      ``latitude``, ``longitude``, and ``__CLASS__`` on job, company, location and category: a recorded India
      response in a public doc (index 45490351111, "actual API responses": Adzuna India ``/jobs/in/search/1``,
      count 6882, mean 1737840.1), Foster-Erin/PunchcodeCapstone Frontend/src/testData.js, lwswr/job-search
      src/API.ts; the swagger spec https://developer.adzuna.com/swagger/spec/test2.json is cited by index
      69103120265. The Rust crate https://docs.rs/crate/adzuna/latest/source/src/models.rs documents the
      exception object ``{exception, doc, display}``.
    * Auth error, recorded from the live API for a garbage app_id/app_key: HTTP 401 with
      ``{"doc":"https://api.adzuna.com/v1/doc","display":"Authorisation failed",
      "__CLASS__":"Adzuna::API::Response::Exception","exception":"AUTH_FAIL"}`` (index 62623028565, "Verbatim:
      what api.adzuna.com actually returned"; same body in 57904416776, 59529234984, 39795611181). It is
      answered here for wrong AND missing credentials; one client (69103120265) reports a 400 HTML "Uh oh" page
      when both parameters are absent, which is not imitated.
    * Inferred: results_per_page default 10 and max 50 (a client notes "50 results per call"); ``what`` = every
      word must appear in title, description or company; ``where`` = substring of display_name or an area;
      ``mean`` = mean of the salary midpoints of the matches; a page past the end answers ``results: []``
      with the real count; ``content-type`` is accepted and JSON is always answered; only ``in``, ``gb`` and
      ``us`` map to an area name (India, UK, US), other valid country codes match no job; the list of valid
      country codes (ADZUNA_COUNTRIES) is assumed, not checked against Adzuna's docs; an unknown country or
      page 0 answers 404; the body of a 429. Titles with ``<strong>`` around matched words were seen by
      clients (index 70529356509, 71642436678); only a malformed item here carries one.

Generic feed
    * RSS 2.0: https://www.rssboard.org/rss-specification (via https://validator.w3.org/feed/docs/rss2.html):
      channel title/link/description, items with title, link, guid (isPermaLink), pubDate (RFC 822),
      description (entity-encoded HTML), category; ``dc:creator`` carries the company.
    * JSON Feed 1.1: https://www.jsonfeed.org/version/1.1/ (schema mirrored in api-evangelist/rss
      json-schema/json-feed-schema.json and json-feed-item-schema.json): ``version`` =
      "https://jsonfeed.org/version/1.1", ``title``, ``home_page_url``, ``feed_url``, ``items[{id, url, title,
      content_html, date_published (RFC 3339), authors[{name}], tags}]``; served as application/feed+json. The
      job's company and city are also given in a ``_job`` extension object (custom keys start with "_").
    * Inferred (there is no standard job feed): the title is "<title> at <company>", tags start with the city.

Fault controls are not modelled on any one API: ``fail()`` answers an nginx-style HTML error page.

How the shared postings look per source (for de-duplication tests): Remotive and Himalayas are remote boards,
so they carry the country only (candidate_required_location "India", locationRestrictions ["India"]) and name
the city in the description; Adzuna has the city in location; the feed has it in tags[0] and ``_job.location``.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import email.utils
import hashlib
import html
import json
import random
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any, ClassVar

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "job_boards"
SOURCES = ("remotive", "himalayas", "adzuna", "feed")

HIMALAYAS_MAX_LIMIT = 20
HIMALAYAS_SEARCH_PAGE_SIZE = 20
ADZUNA_DEFAULT_RESULTS_PER_PAGE = 10
ADZUNA_MAX_RESULTS_PER_PAGE = 50
ADZUNA_COUNTRIES = frozenset(
    {"at", "au", "be", "br", "ca", "ch", "de", "es", "fr", "gb", "in", "it", "mx", "nl", "nz", "pl", "sg", "us", "za"}
)
ADZUNA_AREA_NAMES = {"in": "India", "gb": "UK", "us": "US"}
ADZUNA_AUTH_FAIL = {
    "doc": "https://api.adzuna.com/v1/doc",
    "display": "Authorisation failed",
    "__CLASS__": "Adzuna::API::Response::Exception",
    "exception": "AUTH_FAIL",
}
IST = timezone(timedelta(hours=5, minutes=30))
# Remotive category name -> slug. The slugs are those public clients send (software-dev is the README's example);
# the names besides "Software Development" are inferred.
REMOTIVE_CATEGORY_SLUGS = {
    "Software Development": "software-dev",
    "Customer Service": "customer-support",
    "Design": "design",
    "Marketing": "marketing",
    "Sales / Business": "sales-business",
    "Product": "product",
    "Project Management": "project-management",
    "Data Analysis": "data",
    "DevOps / Sysadmin": "devops",
    "Finance / Legal": "finance-legal",
    "Human Resources": "hr",
    "QA": "qa",
    "Writing": "writing",
    "All others": "all-others",
}

Job = dict[str, Any]
Logged = tuple[str, str, dict[str, str], dict[str, str]]


# ----------------------------------------------------------------------------------------------- helpers
def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _text(value: Any) -> str:
    """A field as text for matching; tolerant of the wrong types malformed items carry."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(v) for v in value.values())
    return ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _plain(markup: str) -> str:
    text = re.sub(r"<(br|/p|/li|/h\d)\s*/?>", " ", markup)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))).strip()


def _read(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _error_page(status: int) -> str:
    try:
        phrase = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = str(status)
    return (
        f"<html>\r\n<head><title>{phrase}</title></head>\r\n<body>\r\n<center><h1>{phrase}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


# ------------------------------------------------------------------------------------ synthetic postings
CITIES: dict[str, tuple[str | None, float | None, float | None]] = {
    "Bengaluru": ("Karnataka", 12.971599, 77.594566),
    "Pune": ("Maharashtra", 18.520430, 73.856743),
    "Hyderabad": ("Telangana", 17.385044, 78.486671),
    "Chennai": ("Tamil Nadu", 13.082680, 80.270718),
    "Mumbai": ("Maharashtra", 19.075984, 72.877656),
    "Gurugram": ("Haryana", 28.459497, 77.026638),
    "Noida": ("Uttar Pradesh", 28.535517, 77.391029),
    "Remote India": (None, None, None),
}
COMPANIES = (
    "Razorpay", "Freshworks", "Zoho", "Postman", "BrowserStack", "CRED", "Swiggy", "Zerodha",
    "Druva", "Chargebee", "Hasura", "Innovaccer", "PubMatic", "Meesho", "Atlan",
)  # fmt: skip
TITLES: dict[str, tuple[str, ...]] = {
    "Backend Engineer": ("python", "django", "postgresql"),
    "Senior Backend Engineer": ("go", "kafka", "postgresql"),
    "Senior Python Developer": ("python", "fastapi", "aws"),
    "Data Engineer": ("spark", "airflow", "sql"),
    "Site Reliability Engineer": ("kubernetes", "terraform", "prometheus"),
    "Frontend Engineer": ("react", "typescript", "css"),
    "Full Stack Developer": ("node.js", "react", "mongodb"),
    "DevOps Engineer": ("aws", "docker", "ci/cd"),
    "QA Automation Engineer": ("selenium", "java", "testng"),
    "Machine Learning Engineer": ("pytorch", "python", "mlops"),
    "Junior Software Engineer": ("java", "spring boot", "mysql"),
    "Staff Engineer, Platform": ("java", "distributed systems", "gcp"),
}
SALARY_BANDS_LPA = ((6, 10), (10, 18), (18, 30), (25, 40), (35, 60))


@dataclass(frozen=True)
class Posting:
    """A source-neutral job, rendered into each API's own shape by the ``to_*`` functions."""

    company: str
    title: str
    city: str
    skills: tuple[str, ...]
    posted: datetime
    seq: int
    salary: tuple[int, int] | None = None
    description_html: str = ""

    @property
    def seniority(self) -> str:
        if re.search(r"\b(Senior|Staff|Lead|Principal)\b", self.title):
            return "Senior"
        if re.search(r"\b(Junior|Graduate|Intern|Trainee)\b", self.title):
            return "Entry-level"
        return "Mid-level"

    @property
    def where(self) -> str:
        return "remotely from anywhere in India" if self.city == "Remote India" else f"{self.city} (hybrid, 3 days a week)"

    @property
    def html(self) -> str:
        if self.description_html:
            return self.description_html
        years = {"Senior": 6, "Entry-level": 0, "Mid-level": 3}[self.seniority]
        need = "Freshers and 0-1 years" if years == 0 else f"{years}+ years"
        salary = ""
        if self.salary:
            salary = f"<p><strong>CTC:</strong> ₹{self.salary[0] // 100000}–{self.salary[1] // 100000} LPA.</p>"
        return (
            f"<p><strong>{html.escape(self.company)}</strong> is hiring a <strong>{html.escape(self.title)}</strong>"
            f" to work {self.where}.</p>"
            "<h3>What you&#39;ll do</h3><ul>"
            f"<li>Design, build and run production services with {self.skills[0]}.</li>"
            f"<li>Own features end to end, from design review to on-call.</li></ul>"
            "<h3>What we look for</h3><ul>"
            f"<li>{need} of experience with {', '.join(self.skills)}.</li>"
            "<li>Clear written communication in English.</li></ul>"
            f"{salary}"
        )


SHARED_POSTINGS: tuple[tuple[str, str, str], ...] = (
    ("Razorpay", "Senior Backend Engineer", "Bengaluru"),
    ("Druva", "Site Reliability Engineer", "Pune"),
    ("Freshworks", "Data Engineer", "Chennai"),
)


def _shared_positions(n: int) -> list[int]:
    """Where the shared postings go in a list of n: first, middle and last (all of a shorter list)."""
    return [0, n // 2, n - 1] if n >= len(SHARED_POSTINGS) else list(range(n))


def make_postings(source: str, n: int, *, seed: int = 0, now: datetime | None = None) -> list[Posting]:
    """``n`` deterministic postings for ``source``, newest first.

    The same (seed, now) give the same postings. Postings of different sources never share company+title+city,
    except the ones in SHARED_POSTINGS, which every source's list contains (at the first, middle and last
    index when n >= 3).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {SOURCES}")
    anchor = (now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)).astimezone(UTC)
    shared = set(SHARED_POSTINGS)
    combos = [(c, t, city) for c in COMPANIES for t in TITLES for city in CITIES if (c, t, city) not in shared]
    random.Random(f"job-board-combos:{seed}").shuffle(combos)
    mine = combos[SOURCES.index(source) :: len(SOURCES)]
    rng = random.Random(f"job-board:{source}:{seed}")
    positions = _shared_positions(n)
    shared_left = list(SHARED_POSTINGS[: len(positions)])
    postings: list[Posting] = []
    k = 0
    for i in range(n):
        if i in positions:
            company, title, city = shared_left.pop(0)
        else:
            company, title, city = mine[k % len(mine)]
            if k >= len(mine):
                title = f"{title} (Req {1000 + k})"
            k += 1
        base = re.sub(r" \(Req \d+\)$", "", title)
        posted = anchor - timedelta(hours=3 * i + rng.randrange(3), minutes=rng.randrange(60))
        posting = Posting(company, title, city, TITLES[base], posted, seed * 100000 + i + 1)
        low = {"Entry-level": 0, "Mid-level": 1, "Senior": 2}[posting.seniority]
        band = SALARY_BANDS_LPA[low + rng.randrange(3)]
        if rng.random() >= 0.2:  # one in five postings shows no salary
            posting = replace(posting, salary=(band[0] * 100000, band[1] * 100000))
        postings.append(posting)
    return postings


def _remotive_salary(p: Posting) -> str:
    return f"₹{p.salary[0] // 100000}L - ₹{p.salary[1] // 100000}L per annum" if p.salary else ""


def to_remotive(p: Posting) -> Job:
    job_id = 2100000 + p.seq
    return {
        "id": job_id,
        "url": f"https://remotive.com/remote-jobs/software-dev/{slugify(p.title)}-{job_id}",
        "title": p.title,
        "company_name": p.company,
        "company_logo": f"https://remotive.com/job/{job_id}/logo",
        "category": "Software Development",
        "tags": list(p.skills),
        "job_type": "full_time",
        "publication_date": p.posted.replace(tzinfo=None).isoformat(timespec="seconds"),
        "candidate_required_location": "India",
        "salary": _remotive_salary(p),
        "description": p.html,
    }


def to_himalayas(p: Posting) -> Job:
    company_slug = slugify(p.company)
    link = f"https://himalayas.app/companies/{company_slug}/jobs/{slugify(p.title)}-{slugify(p.city)}"
    logo = hashlib.sha1(p.company.encode()).hexdigest()[:28]
    return {
        "title": p.title,
        "excerpt": _plain(p.html).split(". ")[0] + ".",
        "companyName": p.company,
        "companySlug": company_slug,
        "companyLogo": f"https://cdn-images.himalayas.app/{logo}",
        "employmentType": "Full Time",
        "minSalary": p.salary[0] if p.salary else None,
        "maxSalary": p.salary[1] if p.salary else None,
        "salaryPeriod": "annual",
        "seniority": [p.seniority],
        "currency": "INR",
        "locationRestrictions": ["India"],
        "timezoneRestrictions": [5.5],
        "categories": ["Software-Engineering", *(s.title().replace(" ", "-") for s in p.skills[:2])],
        "parentCategories": ["Engineering"],
        "description": p.html,
        "pubDate": int(p.posted.timestamp()),
        "expiryDate": int((p.posted + timedelta(days=30)).timestamp()),
        "applicationLink": link,
        "guid": link,
    }


def _adzuna_location(city: str) -> dict[str, Any]:
    state = CITIES[city][0]
    if state is None:
        return {"__CLASS__": "Adzuna::API::Response::Location", "display_name": "India", "area": ["India"]}
    return {"__CLASS__": "Adzuna::API::Response::Location", "display_name": f"{city}, {state}", "area": ["India", state, city]}


def to_adzuna(p: Posting) -> Job:
    ad_id = str(5409400000 + p.seq * 7)
    text = _plain(p.html)
    description = text if len(text) <= 500 else text[:499].rstrip() + "…"
    payload = base64.urlsafe_b64encode(json.dumps({"i": ad_id, "s": "fixture"}, separators=(",", ":")).encode())
    signature = base64.urlsafe_b64encode(hashlib.sha256(ad_id.encode()).digest()).rstrip(b"=")
    _, lat, lon = CITIES[p.city]
    job: Job = {
        "__CLASS__": "Adzuna::API::Response::Job",
        "id": ad_id,
        "title": p.title,
        "description": description,
        "created": p.posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "redirect_url": f"https://www.adzuna.in/details/{ad_id}?utm_medium=api&utm_source=fixture",
        "adref": f"eyJhbGciOiJIUzI1NiJ9.{payload.rstrip(b'=').decode()}.{signature.decode()}",
        "company": {"__CLASS__": "Adzuna::API::Response::Company", "display_name": p.company},
        "location": _adzuna_location(p.city),
        "category": {"__CLASS__": "Adzuna::API::Response::Category", "label": "IT Jobs", "tag": "it-jobs"},
        "salary_min": p.salary[0] if p.salary else None,
        "salary_max": p.salary[1] if p.salary else None,
        "salary_is_predicted": "0",
        "contract_time": "full_time",
        "contract_type": "permanent",
    }
    if lat is not None:
        job["latitude"], job["longitude"] = lat, lon
    return job


def to_feed(p: Posting) -> Job:
    url = f"https://jobs.example.com/jobs/{p.seq}-{slugify(p.title)}-{slugify(p.company)}"
    return {
        "id": url,
        "url": url,
        "title": f"{p.title} at {p.company}",
        "content_html": p.html,
        "date_published": p.posted.astimezone(IST).isoformat(timespec="seconds"),
        "authors": [{"name": p.company}],
        "tags": [p.city, "Software Development", *p.skills],
        "_job": {"company": p.company, "location": p.city},
    }


RENDER = {"remotive": to_remotive, "himalayas": to_himalayas, "adzuna": to_adzuna, "feed": to_feed}


# ------------------------------------------------------------------------------------ malformed items
def malformed_items(source: str) -> list[Job]:
    """Items a real API glitch could produce: a required field missing, a wrong type, an impossible date."""
    day = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    seed = Posting("Zetwerk", "Backend Engineer", "Bengaluru", TITLES["Backend Engineer"], day, 90001)
    other = Posting("Ola", "Android Developer", "Bengaluru", ("kotlin", "android"), day - timedelta(days=1), 90002)
    third = Posting("Paytm", "QA Engineer", "Noida", ("selenium", "java"), day - timedelta(days=2), 90003)
    if source == "remotive":
        a, b, c = to_remotive(seed), to_remotive(other), to_remotive(third)
        del a["title"]  # required field missing
        b.update(id=str(b["id"]), company_name=None, publication_date="2026-11-31T25:61:00", tags=None, salary=1800000)
        c.update(title="", company_name="", publication_date="", description=None, url=None)
        return [a, b, c]
    if source == "himalayas":
        a, b, c = to_himalayas(seed), to_himalayas(other), to_himalayas(third)
        del a["title"], a["guid"]  # required fields missing
        b.update(  # wrong types: ISO date instead of a number, Indian-grouped salary text, scalars instead of lists
            pubDate="2026-11-19T05:00:00Z", minSalary="18,00,000", seniority="Senior", locationRestrictions="India"
        )
        c.update(  # unit glitch (milliseconds among seconds), expiry before publication, nulls
            companyName=None, pubDate=int(third.posted.timestamp()) * 1000, expiryDate=1, description=None
        )
        return [a, b, c]
    if source == "adzuna":
        a, b, c = to_adzuna(seed), to_adzuna(other), to_adzuna(third)
        del a["company"]  # real results sometimes have no company object at all
        b.update(created="2026-11-31T00:00:00Z", salary_min="n/a", location={"display_name": ""})
        c.update(id=int(c["id"]), title="<strong>QA</strong> Engineer", description="")
        del c["redirect_url"]
        return [a, b, c]
    if source == "feed":
        a, b, c = to_feed(seed), to_feed(other), to_feed(third)
        del a["id"]  # required by JSON Feed
        del b["title"]
        b.update(date_published="31/02/2026", tags="kotlin, android")
        del c["content_html"]
        c.update(url="/jobs/90003", authors="Paytm")
        return [a, b, c]
    raise ValueError(f"unknown source {source!r}; expected one of {SOURCES}")


# ------------------------------------------------------------------------------------------- feed render
def _rfc822(value: Any) -> str:
    if not isinstance(value, str):
        return _text(value)
    try:
        return email.utils.format_datetime(datetime.fromisoformat(value))
    except ValueError:
        return value  # a feed glitch passes through as written


def render_rss(meta: dict[str, Any], items: list[Job]) -> str:
    """RSS 2.0 for the feed items (JSON Feed item dicts); tolerant of malformed items."""
    esc = html.escape
    dates = [d for d in (_parse_iso(i.get("date_published")) for i in items) if d is not None]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "  <channel>",
        f"    <title>{esc(_text(meta.get('title')))}</title>",
        f"    <link>{esc(_text(meta.get('home_page_url')))}</link>",
        f"    <description>{esc(_text(meta.get('description')))}</description>",
        "    <language>en-in</language>",
    ]
    if dates:
        lines.append(f"    <lastBuildDate>{email.utils.format_datetime(max(dates))}</lastBuildDate>")
    rss_url = _text(meta.get("feed_url")).replace(".json", ".rss")
    lines.append(f'    <atom:link href="{esc(rss_url)}" rel="self" type="application/rss+xml"/>')
    for item in items:
        lines.append("    <item>")
        if "title" in item:
            lines.append(f"      <title>{esc(_text(item['title']))}</title>")
        if "url" in item:
            lines.append(f"      <link>{esc(_text(item['url']))}</link>")
        if "id" in item:
            permalink = "true" if _text(item["id"]) == _text(item.get("url")) else "false"
            lines.append(f'      <guid isPermaLink="{permalink}">{esc(_text(item["id"]))}</guid>')
        if "date_published" in item:
            lines.append(f"      <pubDate>{esc(_rfc822(item['date_published']))}</pubDate>")
        authors = item.get("authors")
        if isinstance(authors, list):
            for author in authors:
                if isinstance(author, dict) and author.get("name"):
                    lines.append(f"      <dc:creator>{esc(_text(author['name']))}</dc:creator>")
        tags = item.get("tags")
        for tag in tags if isinstance(tags, list) else [tags] if tags else []:
            lines.append(f"      <category>{esc(_text(tag))}</category>")
        if "content_html" in item:
            lines.append(f"      <description>{esc(_text(item['content_html']))}</description>")
        lines.append("    </item>")
    lines += ["  </channel>", "</rss>", ""]
    return "\n".join(lines)


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------- server
@dataclass
class _Faults:
    delay: float = 0.0
    throttle: int = 0
    retry_after: int = 1
    fail_status: int | None = None
    fail_times: int | None = None


@dataclass
class JobBoardAPIs:
    """Remotive, Himalayas, Adzuna and a generic RSS/JSON feed on one local server. See the module docstring.

    ``requests`` logs every request to a known endpoint as (source, path, query, headers), in arrival order,
    before any fault is applied. Sources: "remotive", "himalayas", "adzuna", "feed" (both feed endpoints).
    """

    adzuna_app_id: str = "test-app-id"
    adzuna_app_key: str = "test-app-key"
    himalayas_timestamps: str = "seconds"  # "seconds" (as recorded live) | "milliseconds" (as documented)
    port: int = 0
    requests: list[Logged] = field(default_factory=list)

    SOURCES: ClassVar[tuple[str, ...]] = SOURCES
    SHARED_POSTINGS: ClassVar[tuple[tuple[str, str, str], ...]] = SHARED_POSTINGS
    HIMALAYAS_MAX_LIMIT: ClassVar[int] = HIMALAYAS_MAX_LIMIT
    ADZUNA_AUTH_FAIL: ClassVar[dict[str, str]] = ADZUNA_AUTH_FAIL

    _jobs: dict[str, list[Job]] = field(default_factory=dict, init=False, repr=False)
    _envelopes: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _faults: dict[str, _Faults] = field(default_factory=dict, init=False, repr=False)
    _closing: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.himalayas_timestamps not in ("seconds", "milliseconds"):
            raise ValueError("himalayas_timestamps must be 'seconds' or 'milliseconds'")
        self._faults = {s: _Faults() for s in SOURCES}
        self.reset_jobs()

    # ------------------------------------------------------------------ control
    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset_jobs(self, source: str | None = None) -> None:
        """Reload the recorded examples from fixtures/job_boards/ (one source, or all)."""
        files = {"remotive": ("remotive.json", "jobs"), "himalayas": ("himalayas.json", "jobs"),
                 "adzuna": ("adzuna.json", "results"), "feed": ("feed.json", "items")}  # fmt: skip
        for name in [self._check(source)] if source else SOURCES:
            document = _read(files[name][0])
            self._jobs[name] = document.pop(files[name][1])
            self._envelopes[name] = document

    def jobs(self, source: str) -> list[Job]:
        """A copy of the jobs a source serves, in its own shape."""
        return copy.deepcopy(self._jobs[self._check(source)])

    def set_jobs(self, source: str, jobs: list[Job]) -> None:
        """Replace a source's jobs with dicts in that API's own shape (feed: JSON Feed items)."""
        self._jobs[self._check(source)] = copy.deepcopy(list(jobs))

    def add_jobs(self, source: str, jobs: list[Job]) -> None:
        """Append jobs (in the source's own shape) after the ones it already serves."""
        self._jobs[self._check(source)].extend(copy.deepcopy(list(jobs)))

    def generate(self, source: str, n: int, *, seed: int = 0, now: datetime | None = None) -> list[Job]:
        """Replace a source's jobs with ``n`` synthetic ones in its shape, and return them.

        Deterministic for a given (seed, now); ``now`` defaults to today's 00:00 UTC, so dates stay fresh.
        Every source's list holds the three SHARED_POSTINGS (company+title+city) when n >= 3.
        """
        jobs = [RENDER[source](p) for p in make_postings(self._check(source), n, seed=seed, now=now)]
        self.set_jobs(source, jobs)
        return copy.deepcopy(jobs)

    def generate_all(self, n: int, *, seed: int = 0, now: datetime | None = None) -> dict[str, list[Job]]:
        return {s: self.generate(s, n, seed=seed, now=now) for s in SOURCES}

    def add_malformed(self, source: str) -> list[Job]:
        """Append three glitched items (missing required fields, wrong types, bad dates); return them."""
        items = malformed_items(self._check(source))
        self.add_jobs(source, items)
        return copy.deepcopy(items)

    def throttle(self, source: str, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` requests to the source answer 429 with ``Retry-After: <retry_after>`` (seconds)."""
        faults = self._faults[self._check(source)]
        faults.throttle, faults.retry_after = times, retry_after

    def delay(self, source: str, seconds: float) -> None:
        """Delay every answer of the source by ``seconds`` (0 to stop)."""
        self._faults[self._check(source)].delay = seconds

    def fail(self, source: str, status: int = 500, times: int | None = None) -> None:
        """The source answers ``status`` with an HTML error page: ``times`` times, or until ``recover``."""
        faults = self._faults[self._check(source)]
        faults.fail_status, faults.fail_times = status, times

    def recover(self, source: str | None = None) -> None:
        """Clear throttling, delay and failure (one source, or all)."""
        for name in [self._check(source)] if source else SOURCES:
            self._faults[name] = _Faults()

    def requests_for(self, source: str) -> list[Logged]:
        return [r for r in self.requests if r[0] == self._check(source)]

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_get("/api/remote-jobs", self._remotive)
        app.router.add_get("/jobs/api", self._himalayas_browse)
        app.router.add_get("/jobs/api/search", self._himalayas_search)
        app.router.add_get("/v1/api/jobs/{country}/search/{page}", self._adzuna)
        app.router.add_get("/feeds/jobs.rss", self._feed_rss)
        app.router.add_get("/feeds/jobs.json", self._feed_json)
        app.on_shutdown.append(self._wake_sleepers)
        self._closing = asyncio.Event()
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self.port = runner.addresses[0][1]
        return runner

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def _check(source: str | None) -> str:
        if source is None or source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {SOURCES}")
        return source

    async def _wake_sleepers(self, app: web.Application) -> None:
        self._closing.set()

    async def _gate(self, source: str, request: web.Request) -> web.Response | None:
        self.requests.append((source, request.path, dict(request.query), dict(request.headers)))
        faults = self._faults[source]
        if faults.delay > 0:
            try:
                await asyncio.wait_for(self._closing.wait(), faults.delay)
            except TimeoutError:
                pass
        if faults.throttle > 0:
            faults.throttle -= 1
            return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": str(faults.retry_after)})
        if faults.fail_status is not None:
            status = faults.fail_status
            if faults.fail_times is not None:
                faults.fail_times -= 1
                if faults.fail_times <= 0:
                    faults.fail_status = faults.fail_times = None
            return web.Response(status=status, text=_error_page(status), content_type="text/html")
        return None

    @staticmethod
    def _json(body: Any, content_type: str = "application/json") -> web.Response:
        text = json.dumps(body, ensure_ascii=False)
        return web.Response(text=text, content_type=content_type, charset="utf-8")

    # ------------------------------------------------------------------ Remotive
    async def _remotive(self, request: web.Request) -> web.Response:
        if (refused := await self._gate("remotive", request)) is not None:
            return refused
        query = request.query
        matches = list(self._jobs["remotive"])
        if category := query.get("category"):
            wanted = category.strip().lower()

            def in_category(job: Job) -> bool:
                name = _text(job.get("category"))
                return wanted in (name.lower(), REMOTIVE_CATEGORY_SLUGS.get(name, slugify(name)))

            matches = [j for j in matches if in_category(j)]
        if company := query.get("company_name"):
            matches = [j for j in matches if company.lower() in _text(j.get("company_name")).lower()]
        if search := query.get("search"):
            needle = search.lower()
            matches = [j for j in matches if needle in f"{_text(j.get('title'))} {_text(j.get('description'))}".lower()]
        total = len(matches)
        limit = _int(query.get("limit"), -1)
        if limit >= 0:
            matches = matches[:limit]
        body = {**self._envelopes["remotive"], "job-count": len(matches), "total-job-count": total, "jobs": matches}
        return self._json(body)

    # ------------------------------------------------------------------ Himalayas
    def _himalayas_body(self, jobs: list[Job], offset: int, limit: int, total: int) -> dict[str, Any]:
        envelope = dict(self._envelopes["himalayas"])
        if self.himalayas_timestamps == "milliseconds":
            jobs = [self._in_ms(j) for j in jobs]
            envelope = self._in_ms(envelope)
        return {**envelope, "offset": offset, "limit": limit, "totalCount": total, "jobs": jobs}

    @staticmethod
    def _in_ms(record: dict[str, Any]) -> dict[str, Any]:
        out = dict(record)
        for key in ("pubDate", "expiryDate", "updatedAt"):
            value = out.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value < 10**11:
                out[key] = value * 1000
        return out

    async def _himalayas_browse(self, request: web.Request) -> web.Response:
        if (refused := await self._gate("himalayas", request)) is not None:
            return refused
        limit = _int(request.query.get("limit"), HIMALAYAS_MAX_LIMIT)
        limit = HIMALAYAS_MAX_LIMIT if limit < 1 else min(limit, HIMALAYAS_MAX_LIMIT)
        offset = max(0, _int(request.query.get("offset"), 0))
        jobs = self._jobs["himalayas"]
        return self._json(self._himalayas_body(jobs[offset : offset + limit], offset, limit, len(jobs)))

    async def _himalayas_search(self, request: web.Request) -> web.Response:
        if (refused := await self._gate("himalayas", request)) is not None:
            return refused
        matches = list(self._jobs["himalayas"])
        if q := request.query.get("q"):
            words = q.lower().split()
            fields = ("title", "excerpt", "companyName", "categories")
            matches = [j for j in matches if all(w in " ".join(_text(j.get(f)) for f in fields).lower() for w in words)]
        if country := request.query.get("country"):
            wanted = country.lower()

            def allowed(job: Job) -> bool:
                places = job.get("locationRestrictions")
                if not places:
                    return True  # worldwide
                return wanted in [_text(p).lower() for p in (places if isinstance(places, list) else [places])]

            matches = [j for j in matches if allowed(j)]
        page = max(1, _int(request.query.get("page"), 1))
        offset = (page - 1) * HIMALAYAS_SEARCH_PAGE_SIZE
        window = matches[offset : offset + HIMALAYAS_SEARCH_PAGE_SIZE]
        return self._json(self._himalayas_body(window, offset, HIMALAYAS_SEARCH_PAGE_SIZE, len(matches)))

    # ------------------------------------------------------------------ Adzuna
    async def _adzuna(self, request: web.Request) -> web.Response:
        if (refused := await self._gate("adzuna", request)) is not None:
            return refused
        country, page_text = request.match_info["country"], request.match_info["page"]
        if country not in ADZUNA_COUNTRIES or not page_text.isdigit() or int(page_text) < 1:
            raise web.HTTPNotFound()
        query = request.query
        if query.get("app_id") != self.adzuna_app_id or query.get("app_key") != self.adzuna_app_key:
            return web.json_response(ADZUNA_AUTH_FAIL, status=401)
        per_page = _int(query.get("results_per_page"), ADZUNA_DEFAULT_RESULTS_PER_PAGE)
        per_page = max(1, min(per_page, ADZUNA_MAX_RESULTS_PER_PAGE))
        area_name = ADZUNA_AREA_NAMES.get(country)

        def in_country(job: Job) -> bool:
            area = job.get("location", {}).get("area") if isinstance(job.get("location"), dict) else None
            if not isinstance(area, list) or not area:
                return True  # a result without an area is not filtered away
            return area[0] == area_name

        matches = [j for j in self._jobs["adzuna"] if in_country(j)]
        if what := query.get("what"):
            words = what.lower().split()
            text = {id(j): " ".join(_text(j.get(k)) for k in ("title", "description", "company")).lower() for j in matches}
            matches = [j for j in matches if all(w in text[id(j)] for w in words)]
        if where := query.get("where"):
            place = where.lower()
            matches = [j for j in matches if place in _text(j.get("location")).lower()]
        midpoints = [
            (j["salary_min"] + j["salary_max"]) / 2
            for j in matches
            if isinstance(j.get("salary_min"), int | float) and isinstance(j.get("salary_max"), int | float)
        ]
        page = int(page_text)
        body = {
            "count": len(matches),
            "mean": round(sum(midpoints) / len(midpoints), 2) if midpoints else 0,
            "results": matches[(page - 1) * per_page : page * per_page],
            "__CLASS__": "Adzuna::API::Response::JobSearchResults",
        }
        return self._json(body)

    # ------------------------------------------------------------------ feed
    async def _feed_rss(self, request: web.Request) -> web.Response:
        if (refused := await self._gate("feed", request)) is not None:
            return refused
        rss = render_rss(self._envelopes["feed"], self._jobs["feed"])
        return web.Response(text=rss, content_type="application/rss+xml", charset="utf-8")

    async def _feed_json(self, request: web.Request) -> web.Response:
        if (refused := await self._gate("feed", request)) is not None:
            return refused
        return self._json({**self._envelopes["feed"], "items": self._jobs["feed"]}, "application/feed+json")
