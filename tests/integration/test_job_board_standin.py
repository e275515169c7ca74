"""Checks of the job-board stand-in itself (tests/support/job_board_apis.py): shapes, paging, faults. No database."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from tests.support.job_board_apis import ADZUNA_AUTH_FAIL, FIXTURES, SHARED_POSTINGS, JobBoardAPIs

KEYS = {"app_id": "test-app-id", "app_key": "test-app-key"}
NOW = datetime(2026, 11, 28, tzinfo=UTC)
UA = "talvix-tests/1.0 (+https://example.com/bot)"


@pytest.fixture
async def boards() -> AsyncIterator[JobBoardAPIs]:
    stand_in = JobBoardAPIs()
    runner = await stand_in.start()
    yield stand_in
    await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"User-Agent": UA}, timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def get_json(http: aiohttp.ClientSession, url: str, **params: object) -> tuple[int, object]:
    async with http.get(url, params={k: str(v) for k, v in params.items()}) as response:
        return response.status, await response.json(content_type=None)


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


async def test_remotive_answers_the_documented_shape_and_filters(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    url = f"{boards.origin}/api/remote-jobs"
    status, body = await get_json(http, url)
    assert status == 200
    assert body["jobs"] == recorded("remotive.json")["jobs"]
    assert body["0-legal-notice"] and body["job-count"] == len(body["jobs"]) == 4
    fields = {"id", "url", "title", "company_name", "company_logo", "category", "tags", "job_type", "publication_date"}
    fields |= {"candidate_required_location", "salary", "description"}
    for job in body["jobs"]:
        assert fields <= job.keys()
        assert job["description"].startswith("<p>")
        datetime.fromisoformat(job["publication_date"])

    _, found = await get_json(http, url, search="payments core")  # matches the description, case-insensitively
    assert [j["company_name"] for j in found["jobs"]] == ["Razorpay"]
    _, found = await get_json(http, url, company_name="FRESH")
    assert [j["company_name"] for j in found["jobs"]] == ["Freshworks"]
    _, found = await get_json(http, url, category="software-dev")
    assert {j["category"] for j in found["jobs"]} == {"Software Development"} and found["job-count"] == 3
    _, found = await get_json(http, url, limit=1)
    assert found["job-count"] == 1 and found["total-job-count"] == 4


async def test_himalayas_pages_by_offset_with_at_most_20(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    boards.generate("himalayas", 45, now=NOW)
    url = f"{boards.origin}/jobs/api"
    status, first = await get_json(http, url, limit=50, offset=0)
    assert status == 200
    assert (first["limit"], first["offset"], first["totalCount"], len(first["jobs"])) == (20, 0, 45, 20)
    assert {"comments", "updatedAt"} <= first.keys()
    _, last = await get_json(http, url, limit=20, offset=40)
    assert len(last["jobs"]) == 5
    _, past = await get_json(http, url, limit=20, offset=60)
    assert past["jobs"] == [] and past["totalCount"] == 45
    _, middle = await get_json(http, url, limit=20, offset=20)
    guids = [j["guid"] for page in (first, middle, last) for j in page["jobs"]]
    assert len(set(guids)) == 45

    job = first["jobs"][0]
    names = {"title", "excerpt", "companyName", "companySlug", "companyLogo", "employmentType", "minSalary", "maxSalary"}
    names |= {"currency", "seniority", "locationRestrictions", "timezoneRestrictions", "categories", "parentCategories"}
    names |= {"description", "pubDate", "expiryDate", "applicationLink", "guid"}
    assert names <= job.keys()
    assert isinstance(job["seniority"], list) and isinstance(job["locationRestrictions"], list)
    assert isinstance(job["pubDate"], int) and job["pubDate"] < 10**11  # seconds, as recorded live
    pubs = [j["pubDate"] for j in first["jobs"]]
    assert pubs == sorted(pubs, reverse=True)  # newest first


async def test_himalayas_search_pages_and_units(http: aiohttp.ClientSession) -> None:
    boards = JobBoardAPIs(himalayas_timestamps="milliseconds")
    runner = await boards.start()
    try:
        url = f"{boards.origin}/jobs/api/search"
        status, found = await get_json(http, url, q="backend", page=1)
        assert status == 200
        assert [j["companyName"] for j in found["jobs"]] == ["Razorpay"] and found["totalCount"] == 1
        assert found["jobs"][0]["pubDate"] > 10**12  # the documented milliseconds, on request
        _, empty = await get_json(http, url, q="backend", page=2)
        assert empty["jobs"] == [] and empty["offset"] == 20
        _, india = await get_json(http, url, country="India")
        _, norway = await get_json(http, url, country="Norway")
        assert india["totalCount"] == 4 and norway["totalCount"] == 0
    finally:
        await runner.cleanup()


async def test_adzuna_shape_and_page_numbers(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    base = f"{boards.origin}/v1/api/jobs/in/search"
    status, body = await get_json(http, f"{base}/1", **KEYS, results_per_page=20, **{"content-type": "application/json"})
    assert status == 200
    assert body["results"] == recorded("adzuna.json")["results"]
    assert body["__CLASS__"] == "Adzuna::API::Response::JobSearchResults" and body["count"] == 4
    assert isinstance(body["mean"], float)
    job = body["results"][0]
    assert {"id", "title", "description", "created", "redirect_url", "adref", "salary_min", "salary_max"} <= job.keys()
    assert {"salary_is_predicted", "contract_time", "contract_type", "latitude", "longitude"} <= job.keys()
    assert job["__CLASS__"] == "Adzuna::API::Response::Job" and isinstance(job["id"], str)
    assert job["company"]["display_name"] == "Razorpay" and job["location"]["area"] == ["India", "Karnataka", "Bengaluru"]
    assert job["category"] == {"__CLASS__": "Adzuna::API::Response::Category", "label": "IT Jobs", "tag": "it-jobs"}
    datetime.fromisoformat(job["created"])

    _, pune = await get_json(http, f"{base}/1", **KEYS, where="pune")
    assert [j["company"]["display_name"] for j in pune["results"]] == ["Druva"]
    _, what = await get_json(http, f"{base}/1", **KEYS, what="airflow spark")
    assert [j["company"]["display_name"] for j in what["results"]] == ["Freshworks"]
    _, uk = await get_json(http, f"{boards.origin}/v1/api/jobs/gb/search/1", **KEYS)
    assert uk["count"] == 0

    boards.generate("adzuna", 25, now=NOW)
    _, third = await get_json(http, f"{base}/3", **KEYS, results_per_page=10)
    assert (third["count"], len(third["results"])) == (25, 5)
    _, fourth = await get_json(http, f"{base}/4", **KEYS, results_per_page=10)
    assert (fourth["count"], fourth["results"]) == (25, [])
    _, capped = await get_json(http, f"{base}/1", **KEYS, results_per_page=500)
    assert len(capped["results"]) == 25  # capped at 50, fewer exist


async def test_adzuna_refuses_wrong_or_missing_keys(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    url = f"{boards.origin}/v1/api/jobs/in/search/1"
    for params in ({"app_id": "test-app-id", "app_key": "wrong"}, {}):
        async with http.get(url, params=params) as response:
            assert response.status == 401
            assert response.content_type == "application/json"
            assert await response.json() == ADZUNA_AUTH_FAIL
    assert ADZUNA_AUTH_FAIL["exception"] == "AUTH_FAIL" and ADZUNA_AUTH_FAIL["display"] == "Authorisation failed"


async def test_feeds_are_rss_2_and_json_feed_1_1(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{boards.origin}/feeds/jobs.rss") as response:
        assert response.status == 200 and response.content_type == "application/rss+xml"
        rss = await response.text()
    assert rss == (FIXTURES / "feed.rss").read_text(encoding="utf-8")
    channel = ET.fromstring(rss).find("channel")
    assert channel is not None and channel.findtext("title")
    items = channel.findall("item")
    assert len(items) == 4
    for item in items:
        for tag in ("title", "link", "guid", "pubDate", "description"):
            assert item.findtext(tag), tag
        assert "<p>" in item.findtext("description", "")  # HTML, entity-encoded in the XML

    async with http.get(f"{boards.origin}/feeds/jobs.json") as response:
        assert response.status == 200 and response.content_type == "application/feed+json"
        feed = await response.json(content_type=None)
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    assert [i["url"] for i in feed["items"]] == [i.findtext("link") for i in items]
    for item in feed["items"]:
        assert {"id", "url", "title", "content_html", "date_published", "authors", "tags"} <= item.keys()
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


async def test_throttle_answers_429_with_retry_after_then_recovers(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    boards.throttle("remotive", times=2, retry_after=7)
    url = f"{boards.origin}/api/remote-jobs"
    for _ in range(2):
        async with http.get(url) as response:
            assert response.status == 429
            assert response.headers["Retry-After"] == "7"
    async with http.get(url) as response:
        assert response.status == 200
    async with http.get(f"{boards.origin}/jobs/api") as response:
        assert response.status == 200  # other sources are not throttled


async def test_fail_answers_the_status_until_recovered(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    url = f"{boards.origin}/api/remote-jobs"
    boards.fail("remotive", status=503)
    for _ in range(2):
        async with http.get(url) as response:
            assert response.status == 503 and response.content_type == "text/html"
    boards.recover("remotive")
    async with http.get(url) as response:
        assert response.status == 200
    boards.fail("feed", status=500, times=1)
    async with http.get(f"{boards.origin}/feeds/jobs.json") as response:
        assert response.status == 500
    async with http.get(f"{boards.origin}/feeds/jobs.json") as response:
        assert response.status == 200


async def test_delay_makes_a_short_client_timeout_fire(boards: JobBoardAPIs) -> None:
    boards.delay("adzuna", seconds=5)
    url = f"{boards.origin}/v1/api/jobs/in/search/1"
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as quick:
        with pytest.raises(TimeoutError):
            async with quick.get(url, params=KEYS):
                pass
        boards.delay("adzuna", seconds=0)
        async with quick.get(url, params=KEYS) as response:
            assert response.status == 200
    assert time.monotonic() - started < 2


async def test_malformed_items_are_served_among_the_good_ones(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    added = boards.add_malformed("himalayas")
    _, page = await get_json(http, f"{boards.origin}/jobs/api", limit=20)
    assert page["totalCount"] == 7 and page["jobs"][4:] == added
    assert "title" not in page["jobs"][4] and "guid" not in page["jobs"][4]
    assert isinstance(page["jobs"][5]["pubDate"], str) and isinstance(page["jobs"][5]["locationRestrictions"], str)
    assert page["jobs"][6]["companyName"] is None and page["jobs"][6]["expiryDate"] < page["jobs"][6]["pubDate"]

    boards.add_malformed("remotive")
    _, remotive = await get_json(http, f"{boards.origin}/api/remote-jobs")
    assert remotive["job-count"] == 7 and any("title" not in j for j in remotive["jobs"])

    boards.add_malformed("adzuna")
    _, adzuna = await get_json(http, f"{boards.origin}/v1/api/jobs/in/search/1", **KEYS, results_per_page=50)
    assert adzuna["count"] == 7 and any("company" not in j for j in adzuna["results"])

    boards.add_malformed("feed")
    async with http.get(f"{boards.origin}/feeds/jobs.rss") as response:
        items = ET.fromstring(await response.text()).findall("channel/item")
    assert len(items) == 7 and any(i.find("guid") is None for i in items)
    assert "31/02/2026" in [i.findtext("pubDate") for i in items]


async def test_generated_jobs_are_deterministic_and_share_a_few_postings(boards: JobBoardAPIs) -> None:
    first = boards.generate_all(40, seed=3, now=NOW)
    assert first == boards.generate_all(40, seed=3, now=NOW)
    assert first["adzuna"] != boards.generate("adzuna", 40, seed=4, now=NOW)

    adzuna = {(j["company"]["display_name"], j["title"], j["location"]["area"][-1]) for j in first["adzuna"]}
    feed = {(j["_job"]["company"], j["title"].rsplit(" at ", 1)[0], j["_job"]["location"]) for j in first["feed"]}
    assert len(adzuna) == 40 and adzuna & feed == set(SHARED_POSTINGS)  # cities: Adzuna's area, the feed's _job
    shared = {(company, title) for company, title, _ in SHARED_POSTINGS}
    remotive = {(j["company_name"], j["title"]) for j in first["remotive"]}
    himalayas = {(j["companyName"], j["title"]) for j in first["himalayas"]}
    assert shared <= remotive and shared <= himalayas  # remote boards: country only, the city is in the description
    assert all("<p>" in j["description"] for j in first["himalayas"])


async def test_requests_are_logged_with_headers(boards: JobBoardAPIs, http: aiohttp.ClientSession) -> None:
    boards.throttle("himalayas", times=1)  # refused requests are logged too
    async with http.get(f"{boards.origin}/jobs/api", params={"limit": "5", "offset": "0"}) as response:
        assert response.status == 429
    await get_json(http, f"{boards.origin}/api/remote-jobs", category="software-dev")
    assert [(s, p, q) for s, p, q, _ in boards.requests] == [
        ("himalayas", "/jobs/api", {"limit": "5", "offset": "0"}),
        ("remotive", "/api/remote-jobs", {"category": "software-dev"}),
    ]
    assert all(headers["User-Agent"] == UA for *_, headers in boards.requests)
    assert len(boards.requests_for("himalayas")) == 1
