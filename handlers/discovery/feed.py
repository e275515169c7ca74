"""Any board that publishes its jobs as an RSS 2.0 feed or a JSON Feed (https://jsonfeed.org/version/1.1).

A feed has no search: it is read once per run and its items are kept when their title matches a
target's role. Feeds name the company in different places; this reads, in order, a JSON Feed
item's author, RSS's `<dc:creator>` or `<author>`, or a title written "Role at Company".
Limited to 6 requests a minute per feed.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException, ElementTree

from handlers.discovery.postings import Posting, strings, text
from handlers.discovery.remotive import parse_date
from handlers.discovery.sources import Found, Target
from handlers.discovery.titles import matches
from handlers.skills.http_client import PoliteClient, ServiceError

DC = "{http://purl.org/dc/elements/1.1/}"


def rss_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def split_title(title: str) -> tuple[str, str | None]:
    """("Backend Engineer at Acme" → ("Backend Engineer", "Acme"))."""
    match = re.match(r"^(.*?)\s+(?:at|@)\s+(.+)$", title.strip())
    return (match.group(1), match.group(2)) if match else (title.strip(), None)


class Feed:
    requests_per_minute = 6.0

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = f"feed:{urlsplit(url).netloc}{urlsplit(url).path}"
        self._items: Found | None = None  # a feed is read once per run, whatever the number of targets

    async def fetch(self, client: PoliteClient, target: Target, limit: int) -> Found:
        if self._items is None:
            _, _, body = await client.get(self.url)
            self._items = self.parse_json(body) if isinstance(body, dict) else self.parse_rss(str(body))
        kept = [p for p in self._items.postings if matches(p.title, target.role)][:limit]
        malformed, self._items.malformed = self._items.malformed, 0  # counted once
        return Found(kept, malformed)

    def parse_json(self, body: dict[str, Any]) -> Found:
        if not str(body.get("version", "")).startswith("https://jsonfeed.org/version/") or not isinstance(body.get("items"), list):
            raise ServiceError(f"{self.name}: not a JSON Feed")
        found = Found()
        for item in body["items"]:
            full_title, url = (text(item, "title"), text(item, "url")) if isinstance(item, dict) else (None, None)
            if full_title is None or url is None:
                found.malformed += 1
                continue
            title, company = split_title(full_title)
            job = item["_job"] if isinstance(item.get("_job"), dict) else {}  # an extension some job feeds add
            authors = item["authors"] if isinstance(item.get("authors"), list) else []
            author = next((name for a in authors if isinstance(a, dict) and (name := text(a, "name"))), None)
            company = text(job, "company") or author or company
            if not company:
                found.malformed += 1
                continue
            found.postings.append(
                Posting(
                    source=self.name,
                    source_job_id=text(item, "id") or str(item.get("id") or url),
                    title=title,
                    company=company,
                    location=text(job, "location") or "",
                    apply_url=url,
                    description_html=text(item, "content_html") or text(item, "content_text") or "",
                    posted_at=parse_date(item.get("date_published")),
                    tags=tuple(strings(item, "tags")),
                )
            )
        return found

    def parse_rss(self, document: str) -> Found:
        try:
            root = ElementTree.fromstring(document)
        except (ElementTree.ParseError, DefusedXmlException) as exc:  # entities and DTDs are refused, not expanded
            raise ServiceError(f"{self.name}: not a usable RSS feed ({type(exc).__name__}: {exc})") from None
        found = Found()
        for item in root.iter("item"):
            title_text, link = item.findtext("title"), item.findtext("link")
            if not title_text or not link:
                found.malformed += 1
                continue
            title, company = split_title(title_text)
            company = item.findtext(f"{DC}creator") or item.findtext("author") or company
            if not company:
                found.malformed += 1
                continue
            found.postings.append(
                Posting(
                    source=self.name,
                    source_job_id=item.findtext("guid") or link,
                    title=title,
                    company=company.strip(),
                    location=item.findtext("location") or item.findtext("category") or "",
                    apply_url=link.strip(),
                    description_html=item.findtext("description") or "",
                    posted_at=rss_date(item.findtext("pubDate")),
                )
            )
        return found
