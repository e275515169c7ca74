"""Self-tests of the LinkedIn profile / invitation / messaging stand-in (tests/support/linkedin_network_site.py).

The first half drives it with plain HTTP requests (pages, redirects and the endpoints the page's script posts to);
the second half drives the key flows in a real headless Chromium with plain Selenium, the way a browser agent would.
Selenium blocks, so each browser flow runs in a thread while the stand-in keeps serving on the test's event loop.
"""

from __future__ import annotations

import asyncio
import html
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.linkedin_network_site import INVITE_PATH, MESSAGE_PATH, LinkedInNetworkSite

MEMBERS: dict[str, dict[str, str]] = {
    "priya-recruiter": {"name": "Priya Sharma", "headline": "Technical Recruiter at Acme", "state": "2nd"},
    "arjun-talent": {"name": "Arjun Mehta", "headline": "Talent Partner at Globex", "state": "3rd"},
    "meera-hr": {"name": "Meera Iyer", "headline": "HR Business Partner at Initech", "state": "1st"},
    "kabir-hiring": {"name": "Kabir Rao", "headline": "Hiring Manager at Umbrella", "state": "pending"},
    "dev-email": {"name": "Dev Kapoor", "headline": "Head of Talent at Hooli", "state": "email_required"},
    "lena-weekly": {"name": "Lena Fischer", "headline": "Recruiter at Stark", "state": "weekly_limit"},
    "omar-quota": {"name": "Omar Haddad", "headline": "Recruiter at Wayne", "state": "note_quota"},
}
NOTE = "Hi Priya, I applied for the Senior Python Engineer role at Acme (job 42) and would love to connect."


@pytest.fixture
async def site() -> AsyncIterator[LinkedInNetworkSite]:
    s = LinkedInNetworkSite(members={slug: dict(m) for slug, m in MEMBERS.items()}, render_delay_ms=200)
    runner = await s.start()
    yield s
    await runner.cleanup()


@pytest.fixture
async def client(site: LinkedInNetworkSite) -> AsyncIterator[aiohttp.ClientSession]:
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        session.cookie_jar.update_cookies({"li_at": site.token})
        yield session


async def get(client: aiohttp.ClientSession, url: str) -> tuple[int, str, str]:
    async with client.get(url, allow_redirects=False) as r:
        return r.status, r.headers.get("Location", ""), await r.text()


async def post(client: aiohttp.ClientSession, site: LinkedInNetworkSite, path: str, payload: dict[str, Any]) -> int:
    async with client.post(site.origin + path, json=payload) as r:
        return r.status


def markup(page: str) -> str:
    """The server-rendered markup only: the page's data and script mention every label it may render later."""
    return page.split('<code id="bpr-guid-2"')[0]


# --- over HTTP -----------------------------------------------------------------------------------------------------------


async def test_signed_out_profile_redirects_to_the_authwall(site: LinkedInNetworkSite) -> None:
    async with aiohttp.ClientSession() as anonymous:
        status, location, _ = await get(anonymous, site.profile_url("priya-recruiter"))
        assert status == 302
        assert location.startswith("/authwall?") and "sessionRedirect=" in location
        async with anonymous.post(site.origin + INVITE_PATH, json={"slug": "priya-recruiter", "note": NOTE}) as r:
            assert r.status == 401
    assert site.invitations == [] and site.profile_views == []


async def test_wrong_cookie_and_signed_out_mode_are_refused(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    site.mode = "signed_out"
    status, location, _ = await get(client, site.profile_url("priya-recruiter"))
    assert status == 302 and location.startswith("/authwall?")


async def test_unknown_member_is_linkedins_404(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    status, _, page = await get(client, site.profile_url("nobody-here"))
    assert status == 404
    assert "This page doesn’t exist" in page and "Please check your URL or return to LinkedIn home." in page
    assert site.profile_views == []


async def test_checkpoint_mode_redirects_to_the_challenge(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    site.mode = "checkpoint"
    status, location, _ = await get(client, site.profile_url("priya-recruiter"))
    assert status == 302 and location.startswith("/checkpoint/challenge/")
    status, _, page = await get(client, site.origin + location)
    assert status == 200 and 'id="captcha-internal"' in page


async def test_profile_variants_render_their_buttons(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    pages = {slug: markup((await get(client, site.profile_url(slug)))[2]) for slug in MEMBERS}
    second = pages["priya-recruiter"]
    assert '<h1 class="text-heading-xlarge inline t-24 v-align-middle break-words">Priya Sharma</h1>' in second
    assert 'aria-label="Invite Priya Sharma to connect"' in second and "artdeco-button--primary" in second
    assert 'aria-label="More actions"' in second and 'aria-label="Message Priya Sharma"' in second
    third = pages["arjun-talent"]
    assert 'aria-label="Follow Arjun Mehta"' in third and "to connect" not in third  # Connect only inside More, on open
    first = pages["meera-hr"]
    assert 'aria-label="Message Meera Iyer"' in first and "to connect" not in first and 'data-shown-state="1st"' in first
    pending = pages["kabir-hiring"]
    assert 'aria-label="Pending, click to withdraw invitation sent to Kabir Rao"' in pending and "to connect" not in pending
    for slug in ("dev-email", "lena-weekly", "omar-quota"):
        assert f'aria-label="Invite {MEMBERS[slug]["name"]} to connect"' in pages[slug]
    assert site.profile_views == list(MEMBERS)


async def test_invite_with_note_is_recorded_once_and_the_member_becomes_pending(
    site: LinkedInNetworkSite, client: aiohttp.ClientSession
) -> None:
    assert await post(client, site, INVITE_PATH, {"slug": "priya-recruiter", "note": NOTE}) == 201
    assert await post(client, site, INVITE_PATH, {"slug": "priya-recruiter", "note": NOTE}) == 409
    assert [(i["slug"], i["note"], i["cookies"]["li_at"]) for i in site.invitations] == [("priya-recruiter", NOTE, site.token)]
    assert site.refusals[-1]["reason"] == "invitation already pending"
    assert site.notes_left == 2
    _, _, page = await get(client, site.profile_url("priya-recruiter"))
    page = markup(page)
    assert "Pending, click to withdraw invitation sent to Priya Sharma" in page and "to connect" not in page


async def test_refused_invitations_record_nothing(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    assert await post(client, site, INVITE_PATH, {"slug": "lena-weekly", "note": None}) == 429
    assert await post(client, site, INVITE_PATH, {"slug": "kabir-hiring", "note": None}) == 409
    assert await post(client, site, INVITE_PATH, {"slug": "meera-hr", "note": None}) == 409
    assert await post(client, site, INVITE_PATH, {"slug": "priya-recruiter", "note": "x" * 201}) == 400
    assert await post(client, site, INVITE_PATH, {"slug": "omar-quota", "note": "Hello"}) == 403
    assert await post(client, site, INVITE_PATH, {"slug": "dev-email", "note": None}) == 400
    assert site.invitations == []
    assert [r["status"] for r in site.refusals] == [429, 409, 409, 400, 403, 400]
    # what does go through: the quota member without a note, the email member with an email
    assert await post(client, site, INVITE_PATH, {"slug": "omar-quota", "note": None}) == 201
    assert await post(client, site, INVITE_PATH, {"slug": "dev-email", "note": None, "email": "dev@hooli.example"}) == 201
    assert [(i["slug"], i["note"], i["email"]) for i in site.invitations] == [
        ("omar-quota", None, None),
        ("dev-email", None, "dev@hooli.example"),
    ]


async def test_free_account_runs_out_of_personalized_invitations(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    site.notes_left = 0
    assert await post(client, site, INVITE_PATH, {"slug": "priya-recruiter", "note": "Hi"}) == 403
    site.premium = True
    assert await post(client, site, INVITE_PATH, {"slug": "priya-recruiter", "note": "y" * 300}) == 201


async def test_messages_only_to_first_degree(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    assert await post(client, site, MESSAGE_PATH, {"slug": "priya-recruiter", "text": "Hello"}) == 403
    assert await post(client, site, MESSAGE_PATH, {"slug": "meera-hr", "text": "   "}) == 400
    assert await post(client, site, MESSAGE_PATH, {"slug": "meera-hr", "text": "Hi Meera, following up."}) == 201
    assert [(m["slug"], m["text"]) for m in site.messages] == [("meera-hr", "Hi Meera, following up.")]


async def test_message_link_target_serves_the_composer(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    status, _, page = await get(client, site.origin + "/messaging/compose/?recipient=meera-hr")
    assert status == 200 and 'id="msg-compose-outlet"' in page


# --- in a real Chromium --------------------------------------------------------------------------------------------------

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
needs_chromium = pytest.mark.skipif(
    not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)), reason="Debian's chromium and chromium-driver are not installed"
)


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(flag)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield d
    finally:
        d.quit()


def wait(driver: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout)


def sign_in(driver: Any, site: LinkedInNetworkSite) -> None:
    driver.get(site.origin + "/login")
    driver.add_cookie({"name": "li_at", "value": site.token, "path": "/"})


def visible(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def clickable(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, css)))


async def in_browser(flow: Callable[[], None]) -> None:
    """Run a blocking Selenium flow in a thread, so the stand-in (on this event loop) keeps answering."""
    await asyncio.to_thread(flow)


def toast_text(driver: Any) -> str:
    return str(visible(driver, "[data-test-artdeco-toast-item-type] .artdeco-toast-item__message").text)


@pytest.mark.browser
@needs_chromium
async def test_browser_second_degree_invite_with_a_note(site: LinkedInNetworkSite, driver: Any) -> None:
    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("priya-recruiter"))
        clickable(driver, 'main button[aria-label="Invite Priya Sharma to connect"]').click()
        dialog = visible(driver, 'div[role="dialog"][aria-labelledby="send-invite-modal"]')
        assert "Add a note to your invitation?" in dialog.text
        clickable(driver, 'button[aria-label="Add a note"]').click()
        note = visible(driver, "textarea#custom-message")
        assert note.get_attribute("name") == "message" and note.get_attribute("maxlength") == "200"
        send = driver.find_element("css selector", 'button[aria-label="Send invitation"]')
        assert not send.is_enabled()  # disabled while the note is empty
        assert "3 personalized invitations remaining for this month." in driver.page_source
        note.send_keys(NOTE)
        assert visible(driver, ".connect-button-send-invite__character-count").text == f"{len(NOTE)}/200"
        clickable(driver, 'button[aria-label="Send invitation"]').click()
        assert toast_text(driver) == "Invitation sent to Priya."
        visible(driver, 'main button[aria-label="Pending, click to withdraw invitation sent to Priya Sharma"]')
        assert driver.find_elements("css selector", 'main [aria-label$=" to connect"]') == []

    await in_browser(flow)
    assert [(i["slug"], i["note"]) for i in site.invitations] == [("priya-recruiter", NOTE)]
    assert site.invitations[0]["cookies"] == {"li_at": site.token}


@pytest.mark.browser
@needs_chromium
async def test_browser_third_degree_connect_is_in_the_more_dropdown(site: LinkedInNetworkSite, driver: Any) -> None:
    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("arjun-talent"))
        visible(driver, 'main button[aria-label="Follow Arjun Mehta"]')
        assert driver.find_elements("css selector", 'main button[aria-label$=" to connect"]') == []
        clickable(driver, 'button[aria-label="More actions"]').click()
        clickable(driver, 'div[role="button"].artdeco-dropdown__item[aria-label="Invite Arjun Mehta to connect"]').click()
        clickable(driver, 'button[aria-label="Send without a note"]').click()
        assert toast_text(driver) == "Invitation sent to Arjun."

    await in_browser(flow)
    assert [(i["slug"], i["note"]) for i in site.invitations] == [("arjun-talent", None)]


@pytest.mark.browser
@needs_chromium
async def test_browser_message_to_a_first_degree_connection(site: LinkedInNetworkSite, driver: Any) -> None:
    text = "Hi Meera, a quick follow-up on my application for the Python role."

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("meera-hr"))
        assert driver.find_elements("css selector", '[aria-label$=" to connect"]') == []
        clickable(driver, 'main a[aria-label="Message Meera Iyer"]').click()
        box = visible(driver, '.msg-overlay-conversation-bubble div.msg-form__contenteditable[contenteditable="true"]')
        assert box.get_attribute("aria-label") == "Write a message…"
        send = driver.find_element("css selector", ".msg-overlay-conversation-bubble button.msg-form__send-button")
        assert not send.is_enabled()  # disabled until there is text
        box.send_keys(text)
        clickable(driver, ".msg-overlay-conversation-bubble button.msg-form__send-button").click()
        sent = visible(driver, "li.msg-s-message-list__event p.msg-s-event-listitem__body")
        assert sent.text == text
        wait(driver).until(lambda d: not d.find_element("css selector", "button.msg-form__send-button").is_enabled())

    await in_browser(flow)
    assert [(m["slug"], m["text"]) for m in site.messages] == [("meera-hr", text)]
    assert site.invitations == []


@pytest.mark.browser
@needs_chromium
async def test_browser_pending_member_offers_no_connect(site: LinkedInNetworkSite, driver: Any) -> None:
    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("kabir-hiring"))
        pending = visible(driver, 'main button[aria-label="Pending, click to withdraw invitation sent to Kabir Rao"]')
        assert pending.text == "Pending"
        clickable(driver, 'button[aria-label="More actions"]').click()
        visible(driver, ".artdeco-dropdown__content--is-open .artdeco-dropdown__item")
        labels = [e.get_attribute("aria-label") for e in driver.find_elements("css selector", ".artdeco-dropdown__item")]
        assert "Withdraw invitation sent to Kabir Rao" in labels
        assert not [label for label in labels if label.endswith(" to connect")]

    await in_browser(flow)
    assert site.invitations == []


@pytest.mark.browser
@needs_chromium
async def test_browser_weekly_limit_dialog_sends_nothing(site: LinkedInNetworkSite, driver: Any) -> None:
    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("lena-weekly"))
        clickable(driver, 'main button[aria-label="Invite Lena Fischer to connect"]').click()
        header = visible(driver, "div.ip-fuse-limit-alert h2#ip-fuse-limit-alert__header")
        assert header.text == "You’ve reached the weekly invitation limit"
        assert driver.find_elements("css selector", 'button[aria-label="Send without a note"]') == []
        clickable(driver, 'button[aria-label="Got it"]').click()
        wait(driver).until(lambda d: not d.find_elements("css selector", '[role="dialog"]'))

    await in_browser(flow)
    assert site.invitations == []


@pytest.mark.browser
@needs_chromium
async def test_browser_signed_out_lands_on_the_authwall(site: LinkedInNetworkSite, driver: Any) -> None:
    def flow() -> None:
        driver.get(site.profile_url("priya-recruiter"))
        wait(driver).until(lambda d: "/authwall" in d.current_url)
        visible(driver, "input#session_key")

    await in_browser(flow)
    assert site.profile_views == []


@pytest.mark.browser
@needs_chromium
async def test_browser_note_stops_at_its_maxlength(site: LinkedInNetworkSite, driver: Any) -> None:
    long_note = "A" * 150 + "B" * 100  # 250 characters; a free account's note holds 200

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("priya-recruiter"))
        clickable(driver, 'main button[aria-label="Invite Priya Sharma to connect"]').click()
        clickable(driver, 'button[aria-label="Add a note"]').click()
        note = visible(driver, "textarea#custom-message")
        note.send_keys(long_note)
        wait(driver).until(
            lambda d: d.find_element("css selector", ".connect-button-send-invite__character-count").text == "200/200"
        )
        assert note.get_attribute("value") == long_note[:200]
        clickable(driver, 'button[aria-label="Send invitation"]').click()
        toast_text(driver)

    await in_browser(flow)
    assert [i["note"] for i in site.invitations] == [long_note[:200]]


@pytest.mark.browser
@needs_chromium
async def test_browser_email_required_and_note_quota(site: LinkedInNetworkSite, driver: Any) -> None:
    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("dev-email"))
        clickable(driver, 'main button[aria-label="Invite Dev Kapoor to connect"]').click()
        email = visible(driver, 'div[role="dialog"][aria-labelledby="send-invite-modal"] input#email[type="email"]')
        dialog = driver.find_element("css selector", 'div[role="dialog"]')
        assert "To verify this member knows you, please enter their email to connect." in dialog.text
        assert not driver.find_element("css selector", 'button[aria-label="Send without a note"]').is_enabled()
        email.send_keys("dev@hooli.example")
        clickable(driver, 'button[aria-label="Send without a note"]').click()
        toast_text(driver)

        driver.get(site.profile_url("omar-quota"))
        clickable(driver, 'main button[aria-label="Invite Omar Haddad to connect"]').click()
        clickable(driver, 'button[aria-label="Add a note"]').click()
        upsell = visible(driver, 'div[role="dialog"]')
        wait(driver).until(lambda d: "You've used all your monthly custom invites." in upsell.text)
        assert driver.find_elements("css selector", "textarea#custom-message") == []
        clickable(driver, 'button[aria-label="Dismiss"]').click()
        clickable(driver, 'main button[aria-label="Invite Omar Haddad to connect"]').click()
        clickable(driver, 'button[aria-label="Send without a note"]').click()
        assert toast_text(driver) == "Invitation sent to Omar."

    await in_browser(flow)
    assert [(i["slug"], i["note"], i["email"]) for i in site.invitations] == [
        ("dev-email", None, "dev@hooli.example"),
        ("omar-quota", None, None),
    ]


@pytest.mark.browser
@needs_chromium
async def test_browser_slow_mode_renders_the_modal_late(site: LinkedInNetworkSite, driver: Any) -> None:
    site.mode = "slow"

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("priya-recruiter"))
        clickable(driver, 'main button[aria-label="Invite Priya Sharma to connect"]').click()
        visible(driver, 'div[role="dialog"] .artdeco-loader')  # the shell first
        assert driver.find_elements("css selector", 'button[aria-label="Add a note"]') == []
        clickable(driver, 'button[aria-label="Add a note"]')  # then, 2.5 s later, the content

    await in_browser(flow)


@pytest.mark.browser
@needs_chromium
async def test_browser_a_double_click_sends_once(site: LinkedInNetworkSite, driver: Any) -> None:
    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("priya-recruiter"))
        clickable(driver, 'main button[aria-label="Invite Priya Sharma to connect"]').click()
        send = clickable(driver, 'button[aria-label="Send without a note"]')
        driver.execute_script("arguments[0].click(); arguments[0].click();", send)
        toast_text(driver)

        driver.get(site.profile_url("meera-hr"))
        clickable(driver, 'main a[aria-label="Message Meera Iyer"]').click()
        visible(driver, "div.msg-form__contenteditable").send_keys("Hello twice?")
        button = clickable(driver, "button.msg-form__send-button")
        driver.execute_script("arguments[0].click(); arguments[0].click();", button)
        visible(driver, "p.msg-s-event-listitem__body")

    await in_browser(flow)
    assert [i["slug"] for i in site.invitations] == ["priya-recruiter"]
    assert [m["text"] for m in site.messages] == ["Hello twice?"]
    assert site.refusals == []


# --- the 2026 layout (LinkedInNetworkSite(layout="2026")) -------------------------------------------------------------


def top_card(page: str) -> str:
    """The 2026 top card's markup: from its componentkey to the About card."""
    start = page.index('Topcard"')
    return page[start : page.index('About"', start)]


async def test_layout_2026_markup(site: LinkedInNetworkSite, client: aiohttp.ClientSession) -> None:
    assert site.layout == "classic"  # the default
    site.layout = "2026"  # read on every request
    pages = {slug: (await get(client, site.profile_url(slug)))[2] for slug in MEMBERS}
    page = pages["priya-recruiter"]
    assert '<div id="interop-outlet" data-testid="interop-shadowdom"></div>' in page
    assert '<code id="bpr-guid' not in page  # no inline hydration blob in 2026
    main = page[page.index("<main") : page.index("</main>")]
    assert "artdeco-" not in main and "pvs-" not in main and "ember-view" not in main
    card = top_card(page)
    assert ">Priya Sharma</h2>" in card and "<p class" in card and "· 2nd</p>" in card
    assert 'aria-label="Invite Priya Sharma to connect" href="/preload/custom-invite/?vanityName=priya-recruiter"' in card
    assert "ConnectButtonstate:invitation:urn:li:member:" in card and "interop=msgOverlay" in card
    assert "<span><span>More</span></span></button>" in card and 'aria-label="More" ' in card
    assert 'aria-label="Invite Riley Chen to connect"' in main  # a stranger in the rail, outside the top card
    third = top_card(pages["arjun-talent"])
    assert 'aria-label="Follow Arjun Mehta"' in third and "custom-invite" not in third and "to connect" not in third
    first = top_card(pages["meera-hr"])
    assert "· 1st</p>" in first and "custom-invite" not in first and "Follow" not in first
    pending = top_card(pages["kabir-hiring"])
    assert 'aria-label="Pending, click to withdraw invitation sent to Kabir Rao"' in pending and "custom-invite" not in pending
    assert 'style="display:none">· 1st</p>' in pending  # LinkedIn's hidden pre-rendered "1st"
    site.layout = "classic"
    assert 'id="interop-outlet"' not in (await get(client, site.profile_url("priya-recruiter")))[2]


async def test_layout_2026_custom_invite_url_and_compose_by_profile_id(
    site: LinkedInNetworkSite, client: aiohttp.ClientSession
) -> None:
    url = site.origin + "/preload/custom-invite/?vanityName=priya-recruiter"
    assert (await get(client, url))[0] == 404  # not a page in the classic layout
    site.layout = "2026"
    status, _, page = await get(client, url)
    assert status == 200 and "<body></body>" in page  # a blank document; the dialog opens only from the profile
    href = top_card((await get(client, site.profile_url("meera-hr")))[2]).split('href="/messaging/compose/', 1)[1]
    status, _, page = await get(client, site.origin + "/messaging/compose/" + html.unescape(href.split('"', 1)[0]))
    assert status == 200 and "New message to Meera Iyer" in page
    assert site.invitations == []


def shadow(driver: Any, css: str, *, enabled: bool = False, timeout: float = 10) -> Any:
    """The first displayed element matching css inside #interop-outlet's open shadow root (Selenium 4's shadow_root)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def find(d: Any) -> Any:
        root = d.find_element(By.CSS_SELECTOR, "#interop-outlet").shadow_root
        for element in root.find_elements(By.CSS_SELECTOR, css):
            if element.is_displayed() and (element.is_enabled() or not enabled):
                return element
        return False

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(find)


def shadow_all(driver: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_element(By.CSS_SELECTOR, "#interop-outlet").shadow_root.find_elements(By.CSS_SELECTOR, css))


@pytest.fixture
def site_2026(site: LinkedInNetworkSite) -> LinkedInNetworkSite:
    site.layout = "2026"
    return site


@pytest.mark.browser
@needs_chromium
async def test_browser_2026_second_degree_invite_with_a_note_in_the_shadow_dialog(
    site_2026: LinkedInNetworkSite, driver: Any
) -> None:
    site = site_2026

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("priya-recruiter"))
        clickable(driver, 'main a[aria-label="Invite Priya Sharma to connect"][href$="vanityName=priya-recruiter"]').click()
        dialog = shadow(driver, 'div[data-test-modal][role="dialog"].send-invite[aria-labelledby="send-invite-modal"]')
        assert driver.find_elements("css selector", '[role="dialog"], #custom-message') == []  # not in the light DOM
        shadow(driver, 'button[aria-label="Add a note"]', enabled=True).click()
        note = shadow(driver, 'textarea#custom-message[name="message"]')
        assert note.get_attribute("placeholder") == "Ex: We know each other from…"
        assert not shadow(driver, 'button[aria-label="Send invitation"]').is_enabled()  # disabled while empty
        assert "3 personalized invitations remaining for this month." in dialog.text
        note.send_keys(NOTE)
        assert shadow(driver, ".connect-button-send-invite__character-count").text == f"{len(NOTE)}/200"
        shadow(driver, 'button[aria-label="Send invitation"]', enabled=True).click()
        assert toast_text(driver) == "Invitation sent to Priya."
        visible(driver, 'main a[aria-label="Pending, click to withdraw invitation sent to Priya Sharma"]')
        assert driver.find_elements("css selector", 'main a[href$="vanityName=priya-recruiter"]') == []
        assert shadow_all(driver, '[role="dialog"]') == []

    await in_browser(flow)
    assert [(i["slug"], i["note"]) for i in site.invitations] == [("priya-recruiter", NOTE)]
    assert site.invitations[0]["cookies"] == {"li_at": site.token} and site.notes_left == 2


@pytest.mark.browser
@needs_chromium
async def test_browser_2026_third_degree_connect_is_in_the_more_menu(site_2026: LinkedInNetworkSite, driver: Any) -> None:
    site = site_2026

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("arjun-talent"))
        visible(driver, 'main button[aria-label="Follow Arjun Mehta"]')
        assert driver.find_elements("css selector", 'main a[href$="vanityName=arjun-talent"]') == []
        more = clickable(driver, 'main button[aria-expanded="false"]')
        assert more.text == "More"
        more.click()
        item = clickable(driver, '[data-floating-ui-portal] [role="menu"] a[role="menuitem"][href$="vanityName=arjun-talent"]')
        assert item.text == "Connect"
        items = [e.text for e in driver.find_elements("css selector", '[role="menuitem"]')]
        assert items == ["Send profile in a message", "Save to PDF", "Connect", "Report Arjun"]
        item.click()
        shadow(driver, 'button[aria-label="Send without a note"]', enabled=True).click()
        assert toast_text(driver) == "Invitation sent to Arjun."

    await in_browser(flow)
    assert [(i["slug"], i["note"]) for i in site.invitations] == [("arjun-talent", None)]


@pytest.mark.browser
@needs_chromium
async def test_browser_2026_message_to_a_first_degree_connection(site_2026: LinkedInNetworkSite, driver: Any) -> None:
    site = site_2026
    text = "Hi Meera, a quick follow-up on my application for the Python role."

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("meera-hr"))
        assert driver.find_elements("css selector", "main a[href*='custom-invite']")[0].get_attribute("aria-label") == (
            "Invite Riley Chen to connect"  # only the rail's stranger
        )
        clickable(driver, 'main a[href*="/messaging/compose/"][href*="interop=msgOverlay"]').click()
        box = shadow(driver, '.msg-overlay-conversation-bubble div.msg-form__contenteditable[contenteditable="true"]')
        assert box.get_attribute("aria-label") == "Write a message…"
        assert not shadow(driver, "button.msg-form__send-button").is_enabled()
        assert driver.find_elements("css selector", ".msg-form") == []  # not in the light DOM
        box.send_keys(text)
        shadow(driver, "button.msg-form__send-button", enabled=True).click()
        assert shadow(driver, "li.msg-s-message-list__event p.msg-s-event-listitem__body").text == text

    await in_browser(flow)
    assert [(m["slug"], m["text"]) for m in site.messages] == [("meera-hr", text)]
    assert site.invitations == [] and site.refusals == []


@pytest.mark.browser
@needs_chromium
async def test_browser_2026_weekly_limit_records_nothing(site_2026: LinkedInNetworkSite, driver: Any) -> None:
    site = site_2026

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("lena-weekly"))
        clickable(driver, 'main a[aria-label="Invite Lena Fischer to connect"]').click()
        header = shadow(driver, "div.ip-fuse-limit-alert[role='dialog'] h2#ip-fuse-limit-alert__header")
        assert header.text == "You’ve reached the weekly invitation limit"
        assert shadow_all(driver, 'button[aria-label="Send without a note"]') == []
        shadow(driver, 'button[aria-label="Got it"]', enabled=True).click()
        wait(driver).until(lambda d: shadow_all(d, '[role="dialog"]') == [])

    await in_browser(flow)
    assert site.invitations == [] and site.refusals == []


@pytest.mark.browser
@needs_chromium
async def test_browser_2026_a_rail_strangers_connect_is_not_the_member(site_2026: LinkedInNetworkSite, driver: Any) -> None:
    site = site_2026

    def flow() -> None:
        sign_in(driver, site)
        driver.get(site.profile_url("arjun-talent"))
        clickable(driver, 'main a[aria-label="Invite Riley Chen to connect"]').click()
        assert "Riley Chen" in shadow(driver, '[role="dialog"] .artdeco-modal__content p').text
        shadow(driver, 'button[aria-label="Send without a note"]', enabled=True).click()
        assert toast_text(driver) == "Unable to connect. Try again."

    await in_browser(flow)
    assert site.invitations == []
    assert [(r["slug"], r["status"]) for r in site.refusals] == [("riley-chen-4b21a9", 404)]
