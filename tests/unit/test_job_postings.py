"""What makes postings from different boards the same job, and a description readable text."""

from __future__ import annotations

from handlers.discovery.postings import Posting, canonical_city, canonical_company, fingerprint, html_to_text
from handlers.skills.http_client import retry_after_seconds


def test_the_same_job_on_two_boards_has_one_fingerprint() -> None:
    a = fingerprint("Acme Technologies Pvt. Ltd.", "Sr. Backend Engineer", "Bangalore, Karnataka, India")
    b = fingerprint("ACME", "Senior Backend Engineer", "Bengaluru")
    assert a == b
    # A different city, title or company is a different job.
    assert a != fingerprint("Acme", "Senior Backend Engineer", "Pune")
    assert a != fingerprint("Acme", "Backend Engineer", "Bengaluru")
    assert a != fingerprint("Acme Labs Two", "Senior Backend Engineer", "Bengaluru")


def test_canonical_names() -> None:
    assert canonical_company("Infosys Limited") == "infosys"
    assert canonical_company("Zoho Corporation Pvt Ltd") == "zoho"
    assert canonical_city("Gurgaon, Haryana") == "gurugram"
    assert canonical_city("New Delhi") == "delhi"
    assert canonical_city("Remote - India") == "remote"
    assert canonical_city("Worldwide") == "remote"


def test_a_description_is_text_without_markup_or_scripts() -> None:
    markup = "<h2>About</h2><p>Build&nbsp;APIs &amp; services.</p><script>alert(1)</script><ul><li>Python</li><li>SQL</li></ul>"
    assert html_to_text(markup) == "About\n\nBuild APIs & services.\n\n- Python\n\n- SQL"


def test_work_mode_and_platform_come_from_the_posting() -> None:
    def posting(location: str, url: str) -> Posting:
        return Posting("x", "1", "Engineer", "Acme", location, url)

    assert posting("Remote, India", "https://boards.greenhouse.io/acme/jobs/1").mode == "remote"
    assert posting("Pune (Hybrid)", "https://jobs.lever.co/acme/1").mode == "hybrid"
    assert posting("Pune", "https://jobs.lever.co/acme/1").platform == "lever"
    assert posting("Pune", "https://acme.example/careers/1").platform == "other"


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("7", now=0) == 7
    assert retry_after_seconds("Thu, 01 Jan 1970 00:01:00 GMT", now=30) == 30
    assert retry_after_seconds("soon", now=0) is None and retry_after_seconds(None, now=0) is None
