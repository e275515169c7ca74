"""Remotive (https://remotive.com/api/remote-jobs): remote jobs.

Remotive asks clients to call it at most 4 times a day (more than 2 requests a minute is blocked)
and has no pagination, so a run asks once for every job and keeps, per target, those whose title
names the role and that are open to the target's location (or to anywhere):
`candidate_required_location` says from where one may work.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from handlers.discovery.postings import Posting, city_in, html_to_text, strings, text
from handlers.discovery.sources import Found, Target
from handlers.discovery.titles import matches
from handlers.skills.http_client import PoliteClient, ServiceError

ANYWHERE = ("worldwide", "anywhere", "global")


def parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def open_to(required: str, location: str) -> bool:
    """Whether a job open to `required` (Remotive's words) takes candidates from `location`."""
    lowered = required.lower()
    return not lowered.strip() or any(w in lowered for w in ANYWHERE) or location.lower() in lowered


class Remotive:
    name = "remotive"
    requests_per_minute = 2.0

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._all: Found | None = None  # the one answer of this run

    async def fetch(self, client: PoliteClient, target: Target, limit: int) -> Found:
        if self._all is None:
            _, _, body = await client.get(f"{self.base_url}/api/remote-jobs")
            if not isinstance(body, dict) or not isinstance(body.get("jobs"), list):
                raise ServiceError(f"remotive: unexpected answer {str(body)[:120]!r}")
            self._all = Found()
            for item in body["jobs"]:
                posting = self.posting(item)
                if posting is None:
                    self._all.malformed += 1
                else:
                    self._all.postings.append(posting)
        kept = [p for p in self._all.postings if matches(p.title, target.role) and open_to(p.location, target.location)]
        malformed, self._all.malformed = self._all.malformed, 0  # counted once per run
        return Found(kept[:limit], malformed)

    def posting(self, item: Any) -> Posting | None:
        if not isinstance(item, dict):
            return None
        title, company, url = text(item, "title"), text(item, "company_name"), text(item, "url")
        if title is None or company is None or url is None or item.get("id") is None:
            return None
        return Posting(
            source=self.name,
            source_job_id=str(item["id"]),
            title=title,
            company=company,
            location=text(item, "candidate_required_location") or "",
            apply_url=url,
            description_html=text(item, "description") or "",
            posted_at=parse_date(item.get("publication_date")),
            work_mode="remote",
            tags=tuple(strings(item, "tags")),
            # A remote board names a country; the office, if any, is in the description.
            city=city_in(html_to_text(text(item, "description") or "")) or "Remote",
        )
