"""Adzuna (https://developer.adzuna.com): a job search API for India and other countries, with keys.

`GET /v1/api/jobs/{country}/search/{page}` with `app_id`, `app_key`, `what`, `where` and
`results_per_page` (50 at most); pages count from 1 and `count` says how many results there are.
Keys come from the environment (ADZUNA_APP_ID, ADZUNA_APP_KEY; Doppler); a refused key is a 4xx
the board fails on at once. Limited to 20 requests a minute (the free tier allows 25).
"""

from __future__ import annotations

from typing import Any

from handlers.discovery.postings import Posting, number, text
from handlers.discovery.remotive import parse_date
from handlers.discovery.sources import Found, Target
from handlers.skills.http_client import PoliteClient, ServiceError

PER_PAGE = 50


class Adzuna:
    name = "adzuna"
    requests_per_minute = 20.0

    def __init__(self, base_url: str, country: str, app_id: str, app_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.country = country
        self.app_id = app_id
        self.app_key = app_key

    async def fetch(self, client: PoliteClient, target: Target, limit: int) -> Found:
        found = Found()
        page, seen = 1, 0
        while seen < limit:
            params: dict[str, str | int] = {
                "app_id": self.app_id,
                "app_key": self.app_key,
                "what": target.role,
                "where": target.location,
                "results_per_page": min(PER_PAGE, limit - seen),
                "content-type": "application/json",
            }
            _, _, body = await client.get(f"{self.base_url}/v1/api/jobs/{self.country}/search/{page}", params)
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise ServiceError(f"adzuna: unexpected answer {str(body)[:120]!r}")
            results = body["results"]
            for item in results:
                posting = self.posting(item)
                if posting is None:
                    found.malformed += 1
                else:
                    found.postings.append(posting)
            seen += len(results)
            total = body.get("count")
            if not results or (isinstance(total, int) and seen >= total):
                break
            page += 1
        return found

    def posting(self, item: Any) -> Posting | None:
        if not isinstance(item, dict):
            return None
        company = text(item["company"], "display_name") if isinstance(item.get("company"), dict) else None
        location = text(item["location"], "display_name") if isinstance(item.get("location"), dict) else None
        title, url = text(item, "title"), text(item, "redirect_url")
        if title is None or company is None or url is None or item.get("id") is None:
            return None
        low, high = number(item, "salary_min"), number(item, "salary_max")
        return Posting(
            source=self.name,
            source_job_id=str(item["id"]),
            title=title,
            company=company,
            location=location or "",
            apply_url=url,
            description_html=text(item, "description") or "",
            posted_at=parse_date(item.get("created")),
            salary_min=low,
            salary_max=high,
            salary_currency="INR" if self.country == "in" and (low or high) else None,
        )
