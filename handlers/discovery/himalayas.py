"""Himalayas (https://himalayas.app/docs/remote-jobs-api): remote jobs, searched by keyword.

`GET /jobs/api/search?q=<role>&page=<n>`: 20 jobs a page, `totalCount` in every answer. Himalayas
is a remote board: `locationRestrictions` lists the countries a job is open to (none: anywhere),
and the office city, when there is one, is named in the description. Dates are Unix seconds in
the live API and milliseconds in its data dictionary; both are read. Limited to 10 requests a minute.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from handlers.discovery.postings import Posting, city_in, html_to_text, number, strings, text
from handlers.discovery.sources import Found, Target
from handlers.skills.http_client import PoliteClient, ServiceError

PAGE = 20


def unix_date(value: object) -> datetime | None:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        return None
    seconds = value / 1000 if value > 10**11 else value  # milliseconds after 5138 AD otherwise
    return datetime.fromtimestamp(seconds, UTC)


class Himalayas:
    name = "himalayas"
    requests_per_minute = 10.0

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    async def fetch(self, client: PoliteClient, target: Target, limit: int) -> Found:
        found = Found()
        page, seen = 1, 0
        while seen < limit:
            _, _, body = await client.get(f"{self.base_url}/jobs/api/search", {"q": target.role, "page": page})
            if not isinstance(body, dict) or not isinstance(body.get("jobs"), list):
                raise ServiceError(f"himalayas: unexpected answer {str(body)[:120]!r}")
            for item in body["jobs"]:
                posting = self.posting(item)
                if posting is None:
                    found.malformed += 1
                elif self.open_to(item, target.location):
                    found.postings.append(posting)
            seen += len(body["jobs"])
            total = body.get("totalCount")
            if len(body["jobs"]) < PAGE or (isinstance(total, int) and seen >= total):
                break
            page += 1
        return found

    @staticmethod
    def open_to(item: dict[str, Any], location: str) -> bool:
        places = strings(item, "locationRestrictions")
        return not places or any(location.lower() in p.lower() for p in places)

    def posting(self, item: Any) -> Posting | None:
        if not isinstance(item, dict):
            return None
        title, company = text(item, "title"), text(item, "companyName")
        url = text(item, "applicationLink") or text(item, "guid")
        if title is None or company is None or url is None:
            return None
        description = text(item, "description") or ""
        return Posting(
            source=self.name,
            source_job_id=text(item, "guid") or url,
            title=title,
            company=company,
            location=", ".join(strings(item, "locationRestrictions")) or "Remote",
            apply_url=url,
            description_html=description,
            posted_at=unix_date(item.get("pubDate")),
            salary_min=number(item, "minSalary"),
            salary_max=number(item, "maxSalary"),
            salary_currency=text(item, "currency"),
            work_mode="remote",
            city=city_in(html_to_text(description)) or "Remote",
        )
