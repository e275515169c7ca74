"""A job as every board's adapter returns it, and the normalisation that makes boards comparable."""

from __future__ import annotations

import functools
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

# Legal-form words that say nothing about which company it is ("Acme Pvt. Ltd." is "acme").
COMPANY_NOISE = re.compile(
    r"\b(private|pvt|limited|ltd|llc|llp|inc|incorporated|corp|corporation|co|company|gmbh|plc|technologies|"
    r"technology|tech|solutions|services|software|labs?|india)\b"
)
# Names cities go by, to one name each.
CITY_ALIASES = {
    "bangalore": "bengaluru",
    "bengaluru": "bengaluru",
    "bombay": "mumbai",
    "mumbai": "mumbai",
    "gurgaon": "gurugram",
    "gurugram": "gurugram",
    "new delhi": "delhi",
    "delhi": "delhi",
    "ncr": "delhi",
    "delhi ncr": "delhi",
    "madras": "chennai",
    "chennai": "chennai",
    "calcutta": "kolkata",
    "kolkata": "kolkata",
    "poona": "pune",
    "pune": "pune",
    "hyderabad": "hyderabad",
    "secunderabad": "hyderabad",
    "noida": "noida",
    "ahmedabad": "ahmedabad",
    "kochi": "kochi",
    "cochin": "kochi",
    "jaipur": "jaipur",
    "chandigarh": "chandigarh",
}
REMOTE_WORDS = ("remote", "anywhere", "work from home", "wfh", "worldwide")
PLATFORMS = {"greenhouse.io": "greenhouse", "lever.co": "lever", "linkedin.com": "linkedin", "indeed.": "indeed"}


@dataclass(frozen=True)
class Posting:
    """One job a board listed. `source_job_id` is the board's own id; the fingerprint, not it,
    decides whether two postings are the same job."""

    source: str
    source_job_id: str
    title: str
    company: str
    location: str
    apply_url: str
    description_html: str = ""
    posted_at: datetime | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    work_mode: str | None = None  # when the board says it; else read from the location
    tags: tuple[str, ...] = field(default=())
    # The job's city when the board gives it apart from `location` (remote boards give a country
    # and name the office in the description): it is what the fingerprint uses.
    city: str | None = None

    @property
    def company_canonical(self) -> str:
        return canonical_company(self.company)

    @property
    def city_canonical(self) -> str:
        return canonical_city(self.city or self.location)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.company, self.title, self.city or self.location)

    @property
    def description(self) -> str:
        return html_to_text(self.description_html)

    @property
    def mode(self) -> str:
        if self.work_mode in ("remote", "hybrid", "onsite"):
            return self.work_mode
        lowered = f"{self.location} {self.title}".lower()
        if "hybrid" in lowered:
            return "hybrid"
        return "remote" if any(w in lowered for w in REMOTE_WORDS) else "unknown"

    @property
    def platform(self) -> str:
        host = urlsplit(self.apply_url).netloc.lower()
        return next((p for marker, p in PLATFORMS.items() if marker in host), "other")


def text(item: dict[str, Any], key: str) -> str | None:
    """A board item's field when it is a non-empty string (boards send nulls, numbers, nothing)."""
    value = item.get(key)
    return value if isinstance(value, str) and value.strip() else None


def number(item: dict[str, Any], key: str) -> float | None:
    value = item.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def strings(item: dict[str, Any], key: str) -> list[str]:
    value = item.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9+#]+", html.unescape(text).lower()))


@functools.cache
def canonical_company(name: str) -> str:
    words = COMPANY_NOISE.sub(" ", _words(name)).split()
    return " ".join(words) or _words(name)


@functools.cache
def canonical_city(location: str) -> str:
    """The first known city in the location ("Bangalore, Karnataka, India" → "bengaluru"), "remote"
    for remote postings, else the location's first part in lower case."""
    text = _words(location)
    for alias, city in sorted(CITY_ALIASES.items(), key=lambda a: -len(a[0])):
        if re.search(rf"\b{re.escape(alias)}\b", text):
            return city
    if any(w in text for w in REMOTE_WORDS):
        return "remote"
    return _words(location.split(",")[0]) or "unknown"


def city_in(text: str) -> str | None:
    """The first known city a text names ("… Location: Bengaluru (hybrid) …" → "bengaluru"), or None."""
    words = _words(text)
    found = [(m.start(), city) for alias, city in CITY_ALIASES.items() for m in [re.search(rf"\b{re.escape(alias)}\b", words)] if m]
    return min(found)[1] if found else None


def canonical_title(title: str) -> str:
    text = _words(title)
    text = re.sub(r"\b(sr|snr)\b", "senior", text)
    text = re.sub(r"\b(jr)\b", "junior", text)
    return text


def fingerprint(company: str, title: str, location: str) -> str:
    """Stable across boards and runs: the same company, title and city are the same job."""
    key = f"{canonical_company(company)}|{canonical_title(title)}|{canonical_city(location)}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"})
    SKIP = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """A description's text: tags, scripts and styles gone, one blank line between blocks at most."""
    parser = _Text()
    parser.feed(markup or "")
    parser.close()
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
