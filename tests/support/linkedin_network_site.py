"""A local imitation of LinkedIn's member profile page, its invitation ("Connect" / "Add a note") and messaging.

Served by aiohttp on 127.0.0.1 for testing a browser flow that follows up with a recruiter: open the profile; if
the member is a 1st-degree connection send a message, otherwise send a connection invitation with a note. It is
built from public evidence of LinkedIn's DOM (captured markup and the selectors of maintained open-source LinkedIn
automation tools), not from what the code under test expects. Where the evidence is thin the choice is marked
"unverified" below and next to the markup.

    site = LinkedInNetworkSite(members={"priya-recruiter": {"name": "Priya Sharma", "state": "2nd"}})
    runner = await site.start()          # serves on 127.0.0.1:<free port>, sets site.port
    driver.get(site.origin + "/")        # then add the cookie li_at=<site.token> and open site.profile_url("priya-recruiter")
    ...
    site.invitations[0]["note"]
    await runner.cleanup()

Routes
    /                            guest home page (signed in: 302 to /feed/)       } the same pages, markup and global nav
    /login, /feed/, /authwall    sign-in page, feed, sign-in wall                 } as tests/support/linkedin_site.py
    /checkpoint/challenge/...    the security check
    /in/{slug}/                  the member's profile (top card + actions); signed out: 302 to /authwall?...&sessionRedirect=;
                                 mode "checkpoint": 302 to /checkpoint/challenge/...; unknown slug: "This page doesn’t exist" (404)
    /messaging/compose/?recipient={slug}   the full-page composer the profile's Message link points at (same msg-form)
    POST INVITE_PATH             what the invitation modal's JavaScript posts (JSON {slug, note, email}); this fixture's path
    POST MESSAGE_PATH            what the message form's JavaScript posts (JSON {slug, text}); this fixture's path

"Signed in" means the cookie li_at equals LinkedInNetworkSite.token and the mode is not "signed_out".

Layouts (LinkedInNetworkSite.layout, read on every request)
    classic       the Ember-era light-DOM markup described below (the default)
    2026          LinkedIn's 2026 profile: hashed class names, Connect as <a href="/preload/custom-invite/?vanityName=…">
                  (3rd-degree: in the More menu), the invitation dialogs and the message overlay inside the open shadow
                  root of div#interop-outlet; /preload/custom-invite/ opened as a page is blank. Sources, and what is
                  carried over unverified, in tests/support/linkedin_network_2026_site.py. What is recorded and refused
                  is the same in both layouts.

Modes (LinkedInNetworkSite.mode, read on every request)
    ok            normal
    signed_out    even the right cookie is refused (profile pages go to the authwall; the POSTs answer 401)
    checkpoint    profile pages (and the composer) redirect to /checkpoint/challenge/... (the feed still works)
    slow          modals, the More dropdown and the message overlay render SLOW_RENDER_DELAY_MS after they open
                  (render_delay_ms is used otherwise: they open as an empty shell with a loader, like Ember)

Members (LinkedInNetworkSite.members: slug -> {"name", "headline", "state", "email"}; read on every request, so a test
may change a state between page loads). States:
    2nd             primary "Connect" button (aria-label "Invite <Name> to connect"), Message, More
    3rd             primary "Follow" (aria-label "Follow <Name>"), Message, More; Connect is only in the More dropdown
                    (div[role=button][aria-label="Invite <Name> to connect"].artdeco-dropdown__item)
    1st             primary "Message" (aria-label "Message <Name>"); no Connect anywhere; More has "Remove connection"
    pending         "Pending" (aria-label "Pending, click to withdraw invitation sent to <Name>"), Message, More; no Connect
    email_required  looks like 2nd; the invitation dialog asks for the member's email (input#email[type=email]) and its
                    Send buttons stay disabled until an email is typed; the server refuses an invite without one
    weekly_limit    looks like 2nd; Connect opens the weekly invitation limit dialog ("Got it") and nothing is sent
    note_quota      looks like 2nd; "Add a note" shows the Premium upsell instead of the textarea; only "Send without
                    a note" sends. (Account-wide: LinkedInNetworkSite.notes_left reaching 0 does the same for everyone.)
Once an invitation to a member is recorded, that member's page shows "Pending" whatever its configured state.
Message on a member who is not 1st-degree opens an InMail upsell dialog (unverified wording) and sends nothing.

What is recorded
    site.profile_views   one slug per signed-in GET of an existing member's profile page
    site.invitations     one dict per accepted invite: {"slug", "name", "note" (str or None), "email" (str or None),
                         "cookies", "mode"}; a second invite to the same member is refused (409) and not recorded
    site.messages        one dict per accepted message: {"slug", "name", "text", "cookies"}
    site.refusals        one dict per refused POST: {"kind": "invite"|"message", "slug", "status", "reason"}
The page's own JavaScript disables the Send button while its request is in flight, so one click posts once.

Account (free by default): premium=False gives a 200-character note and "N personalized invitations remaining for this
month." with notes_left (default 3; each invite with a note uses one); premium=True gives 300 characters and no quota line.

Sources (repo + path, or page) for each piece of markup. "id N" is the file id of a hit in the public-code search index
used to build this (its find_string tool names no repository); read_file with that id shows the file.
    Top card: section.artdeco-card[data-member-id] > div.ph5 > div.mt2.relative, h1.text-heading-xlarge.inline.t-24.
    v-align-middle.break-words, div.text-body-medium.break-words (headline), "Contact info" link, and the dropdown
    markup (div.artdeco-dropdown > button.artdeco-dropdown__trigger[aria-expanded][id$=-profile-overflow-action].
    pvs-profile-actions__action + div.artdeco-dropdown__content[aria-hidden] > div.artdeco-dropdown__content-inner > ul >
    li > div[role=button][aria-label].artdeco-dropdown__item.artdeco-dropdown__item--is-dropdown > span.display-flex.
    t-normal.flex-1[aria-hidden] "Send profile in a message" / "Save to PDF" / "About this profile"):
        a captured 2024 profile page pasted into a public scraper (find_string id 796648112, "Oussama Dadouch").
        The "pv-top-card" class on the section is older markup that many bots still select; kept as an extra class.
    Degree badge span.dist-value: Gembani/scrap-in lib/scrapin/helpers/css_selectors/linkedin/invite.rb (degree_css);
        its wrapper span.distance-badge is unverified.
    Connect button (button[aria-label="Invite <Name> to connect"].artdeco-button.artdeco-button--2.artdeco-button--primary
    .ember-view > li-icon/svg[data-test-icon=connect-small] + span.artdeco-button__text "Connect"): a captured profile
        button quoted in a public extension's notes ("Invite Samantha Byrnes to connect", find_string id 54173311694),
        search-result captures ("Invite Luana Marques to connect"), linkedin_cat (primary class), and the
        `[aria-label*="Invite"][aria-label*="to connect"]` selector of many bots (e.g. the OpenOutreach-style connect.py).
        pvs-profile-actions__action on it: a scraper's 'button...artdeco-button--primary.ember-view.pvs-profile-actions__action'.
    More button (button[aria-label="More actions"][id=emberN-profile-overflow-action] > span "More"): a bot's debugging
        notes quoting the live element (find_string id 24026109683) and a React clone of the profile (id 25144973287);
        bots' "button[aria-label*='More actions']" and ".ph5 [aria-label='More actions']".
    Connect inside More (div[role=button][aria-label^="Invite"][aria-label*=" to connect"] with text "Connect"):
        connect.py's "connect_option" selector (id 55340392539); "div.artdeco-dropdown__item:has-text('Connect')" in
        another bot; the 3rd-degree/creator layout "[+ Follow] [Message] [⋯]" with Connect under ⋯ More: a public
        field guide of LinkedIn's UI (id 57937025808) and a 2026 jsdom test of live markup (id 71183692774).
    Message (a.message-anywhere-button.pvs-profile-actions__action.artdeco-button[href^="/messaging/compose/"],
    aria-label "Message <Name>"): Alejopdp/sales-pilot-frontend render-send-message-button.js (the a.message-anywhere-
        button... href), a content script clicking '[class="message-anywhere-button pvs-profile-actions__action
        artdeco-button "]', `button[aria-label^="Message "]` / `a[aria-label^="Message "]` in several bots, and the
        compose href (/messaging/compose/?profileUrn=...&recipient=...) in the 2026 jsdom test. The aria-label's exact
        form is unverified (bots only match its "Message " prefix).
    Pending (aria-label "Pending, click to withdraw invitation sent to <Name>", text "Pending"): live-verified labels in
        several public bots and notes (find_string: five hits), a Pending button with classes artdeco-button--2
        artdeco-button--secondary pvs-profile-actions__action in a public extension.
    Follow (button[aria-label="Follow <Name>"] "Follow"): the 2026 jsdom test and a[aria-label^="Follow "] notes.
    Remove connection (div[role=button][aria-label="Remove your connection to <Name>"]): a Rust bot's selector
        (aria-label*='Remove your connection'); the item's text "Remove connection" in the 2026 jsdom test.
    Invitation modal, step 1 (div[data-test-modal][role=dialog].artdeco-modal.send-invite[aria-labelledby=
    send-invite-modal], h2#send-invite-modal "Add a note to your invitation?", Dismiss button[aria-label=Dismiss],
    footer .artdeco-modal__actionbar.text-align-right with button[aria-label="Add a note"] (…--muted …--secondary mr1)
    and button[aria-label="Send without a note"] (…--primary ml1)): a public prompt file quoting the live buttons
        (find_string id 44383515341), the aria-labelledby and heading in a 2026 jsdom test and a 2026 live-capture note
        (ids 71183692774, 57034402663), '.artdeco-modal__actionbar.ember-view.text-align-right .artdeco-button--secondary'
        in a public extension, '#send-invite-modal' in a Tcl probe and a Puppeteer bot. The intro sentence is unverified.
    Step 2, the note: h2 "Add a note to your invitation" (no "?"), "N personalized invitations remaining for this month."
    (free accounts), textarea#custom-message[name=message][rows=2][placeholder="Ex: We know each other from…"]
    [minlength=1].ember-text-area.ember-view.connect-button-send-invite__custom-message(--no-styling, --block) inside
    div.connect-button-send-invite__custom-message-box, counter "0/200" (free) or "0/300" (Premium), Cancel
    (aria-label "Cancel adding a note") and Send (button[aria-label="Send invitation"] "Send", disabled and
    artdeco-button--disabled while the note is empty):
        the captured textarea and disabled Send button (id 44383515341), the counter, quota line, Cancel label and
        "Send stays disabled until the textarea has content" (ids 57937025808, 57034402663, 53330253292, 71183692774),
        the custom-message-box wrapper in a public extension (id 5713986903). The textarea's maxlength ATTRIBUTE is
        unverified: the capture shows only minlength=1 and the limit is shown by the counter; this stand-in sets
        maxlength=<limit> (typing stops there) and the server refuses a longer note (400). The counter's class is
        unverified. Note limits: 200 free / 300 Premium (several 2024-2026 notes; the change from 300 to 200 for free
        accounts is not dated by any source found).
    Email required (text "To verify this member knows you, please enter their email to connect. You can also include a
    personal note." and an input[type=email] in the dialog; the Send button stays disabled without it):
        verbatim text in several bots (find_string: nine hits, e.g. ids 10136983077, 19521454445, 61342711724) and a
        live-observation note that Send stays disabled (id 56127782551). The input's id/name ("email") and its label
        are unverified.
    Weekly limit (div.ip-fuse-limit-alert[role=dialog].artdeco-modal, h2#ip-fuse-limit-alert__header "You’ve reached the
    weekly invitation limit", a div.ip-fuse-limit-alert__warning body, button[aria-label="Got it"] "Got it"):
        a Selenium bot reading h2#ip-fuse-limit-alert__header's exact text (id 36067891176), a Puppeteer bot
        (h2#ip-fuse-limit-alert__header then button[aria-label="Got it"], id 7024283505), a console script
        (div.ip-fuse-limit-alert + "Got it", id 45701121009), div[class*="ip-fuse-limit-alert__warning"] in two bots
        (ids 55340392539, 71373742822). The body sentence "Please try again next week." is quoted by a bot's test
        (id 56528599590), so partly verified. Some sources see the dialog after Send rather than on Connect; this
        stand-in shows it on Connect, as the brief asks.
    Note quota (after "Add a note": "Send unlimited personalized invites with Premium" / "You've used all your monthly
    custom invites."): a field guide of LinkedIn's UI (id 57937025808); other bots detect "personalized invitations
    remaining" and "no longer send personalized" (ids 70426675781, 56152817280). The upsell's markup, its buttons
    ("Try Premium for free", Dismiss) and whether Dismiss returns to step 1 (here it closes the dialog) are unverified.
    Toast after an invite ("Invitation sent to <first name>." in div[data-test-artdeco-toast-item-type=success].
    artdeco-toast-item[role=alert] > p.artdeco-toast-item__message): the text as observed in a public field guide
        (id 57937025808) and parsed by a toast watcher ("invitation sent to\\s+(.+?)", id 66335257399); the toast classes
        in many bots (".artdeco-toast-item__message", '[data-test-artdeco-toast-item-type="error"]'). The brief's
        "Your invitation to <Name> was sent." was not found in any source. The toast container is unverified.
    Messaging overlay (aside#msg-overlay > div.msg-overlay-conversation-bubble.msg-overlay-conversation-bubble--is-active,
    header .msg-overlay-bubble-header with .msg-overlay-bubble-header__title and a control button "Close your conversation
    with <Name>", div.msg-s-message-list > ul.msg-s-message-list-content > li.msg-s-message-list__event >
    div.msg-s-event-listitem > p.msg-s-event-listitem__body, form.msg-form > div.msg-form__msg-content-container >
    div.msg-form__contenteditable[contenteditable=true][role=textbox][aria-multiline][aria-label="Write a message…"] >
    p, div.msg-form__placeholder.t-14.t-black--light.t-normal, footer button.msg-form__send-button[type=submit] "Send",
    disabled while the box is empty):
        Gembani/scrap-in send_message.rb, HatmanStack/linkedin-advanced-search puppeteer/src/shared/constants/linkedin.js,
        Sonialyc/Bridging_Program_QA_Automation test_LinkedIn_Project/pages/s2_send_link_page_locators.py ("Write a
        message…", "Close your conversation with", li.msg-s-message-list__event), the 2026 jsdom test (form.msg-form,
        disabled send button, msg-s-event-listitem__body), extensions that enable .msg-form__send-button after inserting
        text and hide .msg-form__placeholder (ids 23863335999, 33939266560, 11648538025). Wrapper classes between these
        (content-wrapper, footer) are assembled, unverified.
    404 ("This page doesn’t exist" / "Please check your URL or return to LinkedIn home." / "Go to your feed", meta
    como-pk=d_flagship3_404): public clones of LinkedIn's 404 and bots that detect a missing profile by these texts
    (find_string: ten hits, e.g. ids 56673568480, 56975817672).
    The 2026 profile (obfuscated classes, Connect as an <a href="/preload/custom-invite/?vanityName=…">, the invite modal
    and the message overlay inside the open shadow root of div#interop-outlet; ids 71183692774, 57034402663,
    67249569260) is served with layout="2026"; its markup, script and sources are in linkedin_network_2026_site.py.
    The default layout ("classic") serves the Ember-era light-DOM markup above.

Not found in the evidence (most faithful choice taken)
    - the invite/message endpoints and payloads (INVITE_PATH, MESSAGE_PATH are this fixture's own);
    - the error toast after a refused invite ("Unable to connect. Try again." is the wording of a 2026 test fixture);
    - the message failure text ("Your message couldn’t be sent. Try again." here), the InMail upsell wording;
    - whether Enter sends a message (LinkedIn has a setting); here only the Send button sends;
    - LinkedIn's real CSS (only enough is imitated for visibility and clicking to behave).
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web

from tests.support import linkedin_network_2026_site as l26
from tests.support.linkedin_site import (
    _CSS as BASE_CSS,
)
from tests.support.linkedin_site import (
    _authwall_page,
    _challenge_page,
    _feed_page,
    _global_nav,
    _home_page,
    _login_page,
)

MODES = frozenset({"ok", "signed_out", "checkpoint", "slow"})
LAYOUTS = frozenset({"classic", "2026"})  # "classic": the Ember-era light-DOM markup; "2026": see linkedin_network_2026_site.py
STATES = frozenset({"1st", "2nd", "3rd", "pending", "email_required", "weekly_limit", "note_quota"})
SLOW_RENDER_DELAY_MS = 2500
INVITE_PATH = "/voyager/api/growth/normInvitations"  # this fixture's own path; LinkedIn's is not in the evidence
MESSAGE_PATH = "/voyager/api/messaging/conversations"  # this fixture's own path
NOTE_LIMIT_FREE = 200
NOTE_LIMIT_PREMIUM = 300

TEXTS: dict[str, str] = {
    "invite_title": "Add a note to your invitation?",
    "note_title": "Add a note to your invitation",
    "placeholder": "Ex: We know each other from…",
    "email_required": (
        "To verify this member knows you, please enter their email to connect. You can also include a personal note."
    ),
    "weekly_title": "You’ve reached the weekly invitation limit",
    "weekly_body": "Please try again next week.",
    "quota_title": "Send unlimited personalized invites with Premium",
    "quota_body": "You've used all your monthly custom invites.",
    "toast_sent": "Invitation sent to {first}.",
    "toast_error": "Unable to connect. Try again.",  # unverified
    "write": "Write a message…",
    "message_failed": "Your message couldn’t be sent. Try again.",  # unverified
    "inmail_title": "Message {first} with InMail",  # unverified
    "inmail_body": "Reach out to anyone on LinkedIn, even if you’re not connected, with Premium.",  # unverified
    "not_found_title": "This page doesn’t exist",
    "not_found_body": "Please check your URL or return to LinkedIn home.",
}

DEFAULT_MEMBERS: dict[str, dict[str, str]] = {
    "priya-recruiter": {"name": "Priya Sharma", "headline": "Technical Recruiter at Acme | Hiring Python engineers"},
}

_CSS = """
.pv-top-card { padding: 0 0 16px; overflow: visible; }
.pv-top-card .ph5 { padding: 16px 24px 0; }
.text-heading-xlarge { font-size: 24px; font-weight: 600; margin: 0; }
.inline { display: inline; } .v-align-middle { vertical-align: middle; } .break-words { overflow-wrap: anywhere; }
.text-body-medium { font-size: 16px; } .text-body-small { font-size: 14px; }
.dist-value { color: rgba(0, 0, 0, .6); margin-left: 4px; }
.pvs-profile-actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 12px; }
.artdeco-dropdown { position: relative; display: inline-block; }
.artdeco-dropdown__content { display: none; position: absolute; top: 40px; left: 0; min-width: 260px; background: #fff;
       border-radius: 8px; box-shadow: 0 4px 12px rgba(0, 0, 0, .3); z-index: 50; }
.artdeco-dropdown__content--is-open { display: block; }
.artdeco-dropdown__content-inner ul { list-style: none; margin: 0; padding: 8px 0; }
.artdeco-dropdown__item { padding: 10px 16px; cursor: pointer; }
.artdeco-dropdown__item:hover { background: #eef3f8; }
.mr1 { margin-right: 4px; } .ml1 { margin-left: 4px; } .mr3 { margin-right: 12px; } .text-align-right { text-align: right; }
.artdeco-modal { background: #fff; border-radius: 8px; width: 552px; max-width: 95vw; position: relative; }
.artdeco-modal__header { padding: 16px 48px 12px 24px; border-bottom: 1px solid #e8e8e8; }
.artdeco-modal__header h2 { font-size: 20px; margin: 0; font-weight: 600; }
.artdeco-modal__content { padding: 16px 24px; }
.artdeco-modal__actionbar { padding: 12px 24px; border-top: 1px solid #e8e8e8; display: flex; justify-content: flex-end; gap: 8px; }
.artdeco-modal__dismiss { position: absolute; top: 12px; right: 12px; }
.artdeco-loader { display: inline-block; width: 24px; height: 24px; margin: 24px auto; border: 3px solid #cfd6dd;
       border-top-color: #0a66c2; border-radius: 50%; animation: spin 1s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.connect-button-send-invite__custom-message { width: 100%; min-height: 96px; font: inherit; padding: 8px; }
.connect-button-send-invite__character-count { text-align: right; color: rgba(0, 0, 0, .6); }
.connect-button-send-invite__email input { width: 100%; min-height: 32px; padding: 4px 8px; }
.artdeco-toasts { position: fixed; left: 24px; bottom: 24px; z-index: 2000; list-style: none; margin: 0; padding: 0; }
.artdeco-toast-item { background: #fff; border-radius: 8px; box-shadow: 0 4px 12px rgba(0, 0, 0, .3); padding: 12px 16px;
       display: flex; gap: 8px; align-items: center; margin-top: 8px; }
.artdeco-toast-item__message { margin: 0; }
#msg-overlay { position: fixed; right: 24px; bottom: 0; z-index: 900; display: flex; gap: 8px; align-items: flex-end; }
.msg-overlay-conversation-bubble { width: 400px; height: 440px; background: #fff; border-radius: 8px 8px 0 0;
       box-shadow: 0 4px 12px rgba(0, 0, 0, .3); display: flex; flex-direction: column; }
.msg-overlay-bubble-header { display: flex; justify-content: space-between; align-items: center; padding: 8px 12px;
       border-bottom: 1px solid #e8e8e8; }
.msg-overlay-bubble-header__title { font-size: 14px; margin: 0; }
.msg-overlay-conversation-bubble__content-wrapper { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.msg-s-message-list { flex: 1; overflow-y: auto; padding: 8px 12px; }
.msg-s-message-list-content { list-style: none; margin: 0; padding: 0; }
.msg-form { border-top: 1px solid #e8e8e8; padding: 8px 12px; }
.msg-form__msg-content-container { position: relative; background: #f4f2ee; border-radius: 4px; min-height: 64px; }
.msg-form__contenteditable { min-height: 64px; padding: 8px; outline: none; }
.msg-form__contenteditable p { margin: 0; }
.msg-form__placeholder::before { content: attr(data-placeholder); position: absolute; top: 8px; left: 8px;
       pointer-events: none; color: rgba(0, 0, 0, .6); }
.msg-form__footer { display: flex; justify-content: flex-end; padding-top: 8px; }
.not-found { text-align: center; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def member_id(slug: str) -> int:
    """A stable numeric member id for a slug (LinkedIn's data-member-id is a number)."""
    return int(hashlib.sha256(slug.encode()).hexdigest()[:8], 16)


def _page(title: str, body: str, *, head: str = "", body_class: str = "render-mode-BIGPIPE nav-v2 ember-application") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title>{head}<style>{BASE_CSS}{_CSS}</style></head>\n"
        f'<body class="{body_class}">\n{body}\n</body></html>\n'
    )


# --- the profile's top card -----------------------------------------------------------------------------------------------


def _icon(name: str, size: int = 16) -> str:
    return (
        f'<svg role="none" aria-hidden="true" class="artdeco-button__icon" xmlns="http://www.w3.org/2000/svg" width="{size}"'
        f' height="{size}" viewBox="0 0 {size} {size}" data-supported-dps="{size}x{size}" data-test-icon="{name}">'
        f'<use href="#{name}" width="{size}" height="{size}"></use></svg>'
    )


def _button(label: str, text: str, *, kind: str, icon: str = "", extra: str = "", ember: int) -> str:
    """An artdeco profile action: kind is "primary" or "secondary"."""
    muted = " artdeco-button--muted" if kind == "secondary" else ""
    return (
        f'<button aria-label="{_e(label)}" id="ember{ember}" class="artdeco-button{muted} artdeco-button--2'
        f' artdeco-button--{kind} ember-view pvs-profile-actions__action{extra}" type="button">'
        f'{_icon(icon) if icon else ""}<span class="artdeco-button__text">{_e(text)}</span></button>'
    )


def _message_link(slug: str, name: str, *, kind: str) -> str:
    href = f"/messaging/compose/?profileUrn=urn%3Ali%3Afsd_profile%3A{member_id(slug)}&recipient={quote(slug)}&interop=msgOverlay"
    return (
        f'<a aria-label="Message {_e(name)}" href="{_e(href)}" id="ember210" class="message-anywhere-button'
        f' pvs-profile-actions__action artdeco-button artdeco-button--2 artdeco-button--{kind}" data-recipient="{_e(slug)}">'
        f'{_icon("send-privately-small")}<span class="artdeco-button__text">Message</span></a>'
    )


def _more_dropdown() -> str:
    # The items render when the dropdown opens (the page's script fills div.artdeco-dropdown__content-inner).
    return (
        '<div id="ember220" class="artdeco-dropdown artdeco-dropdown--placement-bottom artdeco-dropdown--justification-left'
        ' ember-view">'
        '<button aria-expanded="false" aria-label="More actions" id="ember221-profile-overflow-action"'
        ' class="artdeco-dropdown__trigger artdeco-dropdown__trigger--placement-bottom ember-view pvs-profile-actions__action'
        ' artdeco-button artdeco-button--secondary artdeco-button--muted artdeco-button--2" type="button" tabindex="0">'
        "<span>More</span></button>"
        '<div tabindex="-1" aria-hidden="true" id="ember222" class="artdeco-dropdown__content artdeco-dropdown--is-dropdown-element'
        ' artdeco-dropdown__content--justification-left artdeco-dropdown__content--placement-bottom ember-view"><!----></div>'
        "</div>"
    )


def profile_actions(slug: str, name: str, shown: str) -> str:
    """The buttons under the top card for a shown state: "2nd" (also email_required / weekly_limit / note_quota), "3rd",
    "1st" or "pending"."""
    if shown == "1st":
        buttons = _message_link(slug, name, kind="primary")
    elif shown == "pending":
        buttons = _message_link(slug, name, kind="secondary") + _button(
            f"Pending, click to withdraw invitation sent to {name}", "Pending", kind="secondary", icon="clock-small", ember=211
        )
    elif shown == "3rd":
        buttons = _button(f"Follow {name}", "Follow", kind="primary", icon="add-small", ember=212) + _message_link(
            slug, name, kind="secondary"
        )
    else:
        buttons = _button(f"Invite {name} to connect", "Connect", kind="primary", icon="connect-small", ember=213) + (
            _message_link(slug, name, kind="secondary")
        )
    return f'<div class="pvs-profile-actions" data-shown-state="{_e(shown)}">{buttons}{_more_dropdown()}</div>'


def _degree(shown: str) -> str:
    return {"1st": "1st", "3rd": "3rd+"}.get(shown, "2nd")


def _profile_page(slug: str, member: dict[str, str], shown: str, config: dict[str, Any]) -> str:
    name, headline = member["name"], member.get("headline", "")
    top_card = (
        f'<section class="artdeco-card pv-top-card" data-member-id="{member_id(slug)}">'
        '<div class="ph5"><div class="mt2 relative"><div>'
        f'<span class="artdeco-hoverable-trigger"><a href="/in/{_e(slug)}/overlay/about-this-profile/" class="ember-view">'
        f'<h1 class="text-heading-xlarge inline t-24 v-align-middle break-words">{_e(name)}</h1></a></span>'
        f'<span class="distance-badge separator"><span class="visually-hidden">{_e(_degree(shown))} degree connection</span>'
        f'<span class="dist-value" aria-hidden="true">· {_e(_degree(shown))}</span></span></div>'
        f'<div class="text-body-medium break-words">{_e(headline)}</div>'
        '<div class="mt2"><span class="text-body-small inline t-black--light break-words">Bengaluru, Karnataka, India</span> '
        f'<a href="/in/{_e(slug)}/overlay/contact-info/" id="top-card-text-details-contact-info" class="ember-view'
        ' link-without-visited-state">Contact info</a></div></div>'
        f'<div class="pv-top-card-v2-ctas">{profile_actions(slug, name, shown)}</div>'
        "</div></section>"
    )
    data = html.escape(json.dumps(config), quote=False)
    body = (
        f"{_global_nav()}\n"
        '<div class="application-outlet"><main id="main" class="scaffold-layout__main" aria-label="Main Feed">'
        f"{top_card}</main></div>\n"
        '<div id="artdeco-modal-outlet"></div>\n'
        '<aside id="msg-overlay" class="msg-overlay-container" aria-label="Messaging"></aside>\n'
        '<section class="artdeco-toasts" aria-live="polite"><ul class="artdeco-toasts_toasts"></ul></section>\n'
        f'<code id="bpr-guid-2" style="display: none">{data}</code>\n'
        f"<script>{_NETWORK_JS}</script>"
    )
    return _page(f"{name} | LinkedIn", body)


def _profile_page_2026(slug: str, member: dict[str, str], shown: str, config: dict[str, Any]) -> str:
    """The 2026 layout (tests/support/linkedin_network_2026_site.py has its sources): hashed classes, Connect as a
    custom-invite anchor, and the dialogs and the message overlay inside the open shadow root of div#interop-outlet."""
    number = member_id(slug)
    config = {**config, **l26.config_2026(number, BASE_CSS + _CSS)}
    body = (
        f"{_global_nav()}\n"
        f'<div class="application-outlet">{l26.main_2026(slug, member, shown, number)}</div>\n'
        '<section class="artdeco-toasts" aria-live="polite"><ul class="artdeco-toasts_toasts"></ul></section>\n'
        '<div id="interop-outlet" data-testid="interop-shadowdom"></div>\n'
        f"{l26.script_2026(config)}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(member['name'])} | LinkedIn</title><style>{BASE_CSS}{_CSS}{l26.LIGHT_CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def _compose_page(slug: str, member: dict[str, str], config: dict[str, Any]) -> str:
    data = html.escape(json.dumps(config), quote=False)
    body = (
        f"{_global_nav()}\n"
        '<div class="application-outlet"><main id="main" class="scaffold-layout__main msg-compose" aria-label="Messaging">'
        f'<h1 class="t-20">New message to {_e(member["name"])}</h1><div id="msg-compose-outlet"></div></main></div>\n'
        '<div id="artdeco-modal-outlet"></div>\n'
        '<section class="artdeco-toasts" aria-live="polite"><ul class="artdeco-toasts_toasts"></ul></section>\n'
        f'<code id="bpr-guid-2" style="display: none">{data}</code>\n'
        f"<script>{_NETWORK_JS}</script>"
    )
    return _page("Messaging | LinkedIn", body)


def _not_found_page() -> str:
    body = (
        f"{_global_nav()}\n"
        '<div class="application-outlet"><main id="main" class="scaffold-layout__main not-found">'
        '<section class="feed-card"><h1 class="t-24">' + _e(TEXTS["not_found_title"]) + "</h1>"
        f'<p class="t-16 t-black--light">{_e(TEXTS["not_found_body"])}</p>'
        '<a class="artdeco-button artdeco-button--secondary" href="/feed/">Go to your feed</a></section></main></div>'
    )
    return _page("Page Not Found | LinkedIn", body, head='<meta name="como-pk" content="d_flagship3_404">')


# --- the page's script: dropdown, invitation modal, messaging ------------------------------------------------------------

_NETWORK_JS = r"""
(() => {
  const C = JSON.parse(document.getElementById('bpr-guid-2').textContent);
  const T = C.texts;
  const outlet = document.getElementById('artdeco-modal-outlet');
  const toasts = document.querySelector('.artdeco-toasts_toasts');
  let emberId = 500;
  const ember = () => `ember${++emberId}`;
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
  const first = C.name.split(' ')[0];
  const fill = (s) => s.replace('{first}', first);
  // Late rendering, like Ember: each surface (modal, dropdown, overlay) keeps its own token so a newer render wins.
  const tokens = {modal: 0, dropdown: 0, overlay: 0};
  const later = (key, fn) => { const token = ++tokens[key]; setTimeout(() => { if (token === tokens[key]) fn(); }, C.delayMs); };
  const loader = '<div class="display-flex justify-flex-end" style="justify-content:center"><div class="artdeco-loader" aria-label="Loading"></div></div>';
  const dismissButton = () => `<button aria-label="Dismiss" id="${ember()}" class="artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--2 artdeco-button--tertiary ember-view artdeco-modal__dismiss" data-test-modal-close-btn="" type="button"><span class="artdeco-button__text"></span></button>`;
  const btn = (label, text, kind, extra = '', disabled = false) =>
    `<button aria-label="${esc(label)}" id="${ember()}" class="artdeco-button artdeco-button--2 artdeco-button--${kind}${disabled ? ' artdeco-button--disabled' : ''} ember-view ${extra}" ${disabled ? 'disabled=""' : ''} type="button"><span class="artdeco-button__text">${esc(text)}</span></button>`;

  // ---- toasts ----------------------------------------------------------------------------------------------------------
  function toast(kind, text) {
    toasts.insertAdjacentHTML('beforeend', `<li><div data-test-artdeco-toast-item-type="${kind}" role="alert" id="${ember()}" class="artdeco-toast-item artdeco-toast-item--visible ember-view">
      <li-icon type="${kind === 'success' ? 'success-pebble-icon' : 'error-pebble-icon'}" class="artdeco-toast-item__icon" size="small"></li-icon>
      <p class="artdeco-toast-item__message"><span>${esc(text)}</span></p>
      <button class="artdeco-toast-item__dismiss artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--1 artdeco-button--tertiary ember-view" aria-label="Dismiss ${esc(text)} notification." type="button"><span class="artdeco-button__text"></span></button></div></li>`);
  }
  if (toasts) toasts.addEventListener('click', (e) => { const b = e.target.closest('.artdeco-toast-item__dismiss'); if (b) b.closest('li').remove(); });

  // ---- the More dropdown -------------------------------------------------------------------------------------------------
  function dropdownItems() {
    const item = (label, text, icon) => `<li><div aria-label="${esc(label)}" role="button" id="${ember()}" class="artdeco-dropdown__item artdeco-dropdown__item--is-dropdown ember-view full-width display-flex align-items-center" tabindex="0">
      <svg role="none" aria-hidden="true" class="mr3 flex-grow-0" width="24" height="24" data-test-icon="${icon}"><use href="#${icon}"></use></svg>
      <span class="display-flex t-normal flex-1" aria-hidden="true">${esc(text)}</span></div></li>`;
    const items = [item(`Send ${C.name}’s profile via message`, 'Send profile in a message', 'share-linkedin-medium'), item('Save to PDF', 'Save to PDF', 'download-medium')];
    if (C.shown === '3rd') items.push(item(`Invite ${C.name} to connect`, 'Connect', 'connect-medium'));
    if (C.shown === '1st') items.push(item(`Remove your connection to ${C.name}`, 'Remove connection', 'clear-medium'));
    if (C.shown === 'pending') items.push(item(`Withdraw invitation sent to ${C.name}`, 'Withdraw invitation', 'clear-medium'));
    items.push(item('About this profile', 'About this profile', 'signal-notice-medium'));
    return `<div class="artdeco-dropdown__content-inner"><ul>${items.join('')}</ul></div>`;
  }
  function setDropdown(open) {
    const trigger = document.getElementById('ember221-profile-overflow-action');
    const content = document.getElementById('ember222');
    if (!trigger || !content) return;
    trigger.setAttribute('aria-expanded', open ? 'true' : 'false');
    content.setAttribute('aria-hidden', open ? 'false' : 'true');
    content.classList.toggle('artdeco-dropdown__content--is-open', open);
    if (!open) { tokens.dropdown++; content.innerHTML = '<!---->'; return; }
    content.innerHTML = loader;
    later('dropdown', () => { if (trigger.getAttribute('aria-expanded') === 'true') content.innerHTML = dropdownItems(); });
  }

  // ---- the invitation modal ----------------------------------------------------------------------------------------------
  let invite = null;  // {step, sending}
  function modalShell(inner, {labelledBy = 'send-invite-modal', extraClass = 'send-invite', id = ''} = {}) {
    // A dialog that is already open keeps its element (as Ember re-renders its content), so held references stay valid.
    const open = modal();
    if (open && open.getAttribute('aria-labelledby') === labelledBy) {
      open.innerHTML = `<span class="a11y-text">Dialog content start.</span>${dismissButton()}${inner}<span class="a11y-text">Dialog content end.</span>`;
      return;
    }
    outlet.innerHTML = `<div class="artdeco-modal-overlay artdeco-modal-overlay--layer-default artdeco-modal-overlay--is-top-layer ember-view">
  <div data-test-modal="" role="dialog" tabindex="-1" class="artdeco-modal artdeco-modal--layer-default ${extraClass}" size="medium" aria-labelledby="${labelledBy}" ${id ? `id="${id}"` : ''}>
    <span class="a11y-text">Dialog content start.</span>${dismissButton()}${inner}<span class="a11y-text">Dialog content end.</span>
  </div></div>`;
  }
  const modal = () => outlet.querySelector('[role="dialog"]');
  function closeModal() { tokens.modal++; invite = null; outlet.innerHTML = ''; }
  function openLater(shellInner, render, options) { modalShell(shellInner + `<div class="artdeco-modal__content ember-view">${loader}</div>`, options); later('modal', render); }

  function emailBlock() {
    if (C.state !== 'email_required') return '';
    return `<div class="connect-button-send-invite__email mt3"><p class="t-14">${esc(T.email_required)}</p>
      <label for="email" class="t-14 t-black--light">Email</label>
      <input id="email" name="email" type="email" class="ember-text-field ember-view" autocomplete="off" required="" aria-required="true"></div>`;
  }
  const emailOk = () => { const el = document.getElementById('email'); return !el || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(el.value.trim()); };
  function setDisabled(b, disabled) { if (!b) return; b.disabled = disabled; b.classList.toggle('artdeco-button--disabled', disabled); }

  function showStepOne() {
    invite = {step: 'choose', sending: false};
    const header = `<div class="artdeco-modal__header ember-view"><h2 id="send-invite-modal" class="t-20">${esc(T.invite_title)}</h2></div>`;
    const render = () => {
      modalShell(header + `<div class="artdeco-modal__content ember-view"><p class="t-14 t-black--light">Personalize your invitation to <strong>${esc(C.name)}</strong> by adding a note. LinkedIn members are more likely to accept invitations that include a note.</p>${emailBlock()}</div>
        <div class="artdeco-modal__actionbar ember-view text-align-right">${btn('Add a note', 'Add a note', 'secondary', 'artdeco-button--muted mr1')}${btn('Send without a note', 'Send without a note', 'primary', 'ml1', C.state === 'email_required')}</div>`);
    };
    openLater(header, render);
  }
  function showNoteStep() {
    const header = `<div class="artdeco-modal__header ember-view"><h2 id="send-invite-modal" class="t-20">${esc(T.note_title)}</h2></div>`;
    if (C.state === 'note_quota' || (!C.premium && C.notesLeft <= 0)) {
      invite = {step: 'upsell', sending: false};
      modalShell(`<div class="artdeco-modal__header ember-view"><h2 id="send-invite-modal" class="t-20">${esc(T.quota_title)}</h2></div>
        <div class="artdeco-modal__content ember-view"><p class="t-14">${esc(T.quota_body)}</p></div>
        <div class="artdeco-modal__actionbar ember-view text-align-right"><a class="artdeco-button artdeco-button--2 artdeco-button--premium artdeco-button--primary" href="/premium/products/">Try Premium for free</a></div>`);
      return;
    }
    invite = {step: 'note', sending: false};
    const quota = C.premium ? '' : `<p class="t-14 t-black--light mb2">${C.notesLeft} personalized invitations remaining for this month.</p>`;
    const render = () => {
      modalShell(header + `<div class="artdeco-modal__content ember-view">${quota}${emailBlock()}
        <div class="connect-button-send-invite__custom-message-box">
          <label for="custom-message" class="visually-hidden">Please limit personal note to ${C.noteLimit} characters.</label>
          <textarea name="message" rows="2" placeholder="${esc(T.placeholder)}" id="custom-message" minlength="1" maxlength="${C.noteLimit}"
            class="ember-text-area ember-view connect-button-send-invite__custom-message connect-button-send-invite__custom-message--no-styling connect-button-send-invite__custom-message--block"></textarea>
          <div class="connect-button-send-invite__character-count t-14 t-black--light" aria-live="polite">0/${C.noteLimit}</div>
        </div></div>
        <div class="artdeco-modal__actionbar ember-view text-align-right">${btn('Cancel adding a note', 'Cancel', 'secondary', 'artdeco-button--muted mr1')}${btn('Send invitation', 'Send', 'primary', 'ml1', true)}</div>`);
      const ta = document.getElementById('custom-message');
      if (ta) ta.focus();
    };
    openLater(header, render);
  }
  function showWeeklyLimit() {
    invite = {step: 'limit', sending: false};
    const render = () => {
      outlet.innerHTML = `<div class="artdeco-modal-overlay artdeco-modal-overlay--layer-default artdeco-modal-overlay--is-top-layer ember-view">
  <div data-test-modal="" role="dialog" tabindex="-1" class="artdeco-modal artdeco-modal--layer-default ip-fuse-limit-alert" size="small" aria-labelledby="ip-fuse-limit-alert__header">
    ${dismissButton()}
    <div class="artdeco-modal__header ember-view"><h2 id="ip-fuse-limit-alert__header" class="t-20">${esc(T.weekly_title)}</h2></div>
    <div class="artdeco-modal__content ember-view"><div class="ip-fuse-limit-alert__warning t-14">${esc(T.weekly_body)}</div></div>
    <div class="artdeco-modal__actionbar ember-view text-align-right">${btn('Got it', 'Got it', 'primary', 'ip-fuse-limit-alert__primary-action')}</div>
  </div></div>`;
    };
    modalShell(`<div class="artdeco-modal__content ember-view">${loader}</div>`, {labelledBy: 'ip-fuse-limit-alert__header', extraClass: ''});
    later('modal', render);
  }
  function showInMailUpsell() {
    invite = {step: 'inmail', sending: false};
    modalShell(`<div class="artdeco-modal__header ember-view"><h2 id="inmail-upsell-modal" class="t-20">${esc(fill(T.inmail_title))}</h2></div>
      <div class="artdeco-modal__content ember-view"><p class="t-14">${esc(T.inmail_body)}</p></div>
      <div class="artdeco-modal__actionbar ember-view text-align-right"><a class="artdeco-button artdeco-button--2 artdeco-button--premium artdeco-button--primary" href="/premium/products/">Try Premium for free</a></div>`,
      {labelledBy: 'inmail-upsell-modal', extraClass: 'premium-upsell-modal'});
  }
  function openInvite() {
    setDropdown(false);
    if (C.state === 'weekly_limit') showWeeklyLimit(); else showStepOne();
  }
  function markPending() {
    C.shown = 'pending';
    const actions = document.querySelector('.pvs-profile-actions');
    if (!actions) return;
    actions.setAttribute('data-shown-state', 'pending');
    actions.querySelectorAll('[aria-label$=" to connect"], [aria-label^="Follow "]').forEach((b) => b.remove());
    const msg = actions.querySelector('.message-anywhere-button');
    if (msg) { msg.classList.remove('artdeco-button--primary'); msg.classList.add('artdeco-button--secondary'); }
    const pending = `<button aria-label="Pending, click to withdraw invitation sent to ${esc(C.name)}" id="ember211" class="artdeco-button artdeco-button--muted artdeco-button--2 artdeco-button--secondary ember-view pvs-profile-actions__action" type="button"><span class="artdeco-button__text">Pending</span></button>`;
    (msg || actions.firstChild).insertAdjacentHTML(msg ? 'afterend' : 'beforebegin', pending);
  }
  async function sendInvite(button, withNote) {
    if (!invite || invite.sending) return;
    const ta = document.getElementById('custom-message');
    const note = withNote && ta ? ta.value : null;
    if (withNote && !(note || '').trim()) return;
    if (!emailOk()) return;
    const emailEl = document.getElementById('email');
    invite.sending = true;
    setDisabled(button, true);
    let ok = false;
    try {
      const r = await fetch(C.inviteUrl, {method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({slug: C.slug, note, email: emailEl ? emailEl.value.trim() : null})});
      ok = r.ok;
    } catch (e) { ok = false; }
    closeModal();
    if (ok) {
      if (note !== null && !C.premium) C.notesLeft -= 1;
      markPending();
      toast('success', fill(T.toast_sent));
    } else {
      toast('error', T.toast_error);
    }
  }

  // ---- messaging -----------------------------------------------------------------------------------------------------------
  let messageSending = false;
  function messageForm() {
    return `<form class="msg-form" novalidate>
      <div class="msg-form__msg-content-container msg-form__message-texteditor relative flex-grow-1 display-flex">
        <div class="msg-form__contenteditable t-14 t-black--light t-normal flex-grow-1 full-height notranslate" contenteditable="true"
             role="textbox" aria-multiline="true" aria-label="${esc(T.write)}"><p><br></p></div>
        <div class="msg-form__placeholder t-14 t-black--light t-normal" data-placeholder="${esc(T.write)}" aria-hidden="true"></div>
      </div>
      <footer class="msg-form__footer"><div class="msg-form__right-actions display-flex align-items-center">
        <button class="msg-form__send-button artdeco-button artdeco-button--1" type="submit" disabled="">Send</button>
      </div></footer></form>`;
  }
  const messageList = () => `<div class="msg-s-message-list-container"><div class="msg-s-message-list full-width scrollable"><ul class="msg-s-message-list-content list-style-none full-width mbA"></ul></div></div>`;
  function openConversation() {
    setDropdown(false);
    if (C.shown !== '1st') { showInMailUpsell(); return; }
    const overlay = document.getElementById('msg-overlay');
    if (!overlay) return;
    if (overlay.querySelector('.msg-overlay-conversation-bubble')) { const box = overlay.querySelector('.msg-form__contenteditable'); if (box) box.focus(); return; }
    const header = `<header class="msg-overlay-bubble-header"><div class="msg-overlay-bubble-header__details"><h2 class="msg-overlay-bubble-header__title truncate t-14 t-bold t-black pr1">
        <a class="profile-card-one-to-one__profile-link ember-view" href="/in/${esc(C.slug)}/"><span>${esc(C.name)}</span></a></h2></div>
      <div class="msg-overlay-bubble-header__controls display-flex align-items-center">
        <button class="msg-overlay-bubble-header__control artdeco-button artdeco-button--circle artdeco-button--muted artdeco-button--1 artdeco-button--tertiary ember-view" type="button" data-control="close">
          <svg role="none" aria-hidden="true" width="16" height="16" data-test-icon="close-small"></svg><span class="artdeco-button__text">Close your conversation with ${esc(C.name)}</span></button></div></header>`;
    overlay.innerHTML = `<div class="msg-overlay-conversation-bubble msg-overlay-conversation-bubble--default-inactive ml4 msg-overlay-conversation-bubble--is-active msg-overlay-conversation-bubble--petite" data-msg-overlay-conversation-bubble-open="${esc(C.slug)}">
      ${header}<div class="msg-overlay-conversation-bubble__content-wrapper">${loader}</div></div>`;
    later('overlay', () => {
      const wrapper = overlay.querySelector('.msg-overlay-conversation-bubble__content-wrapper');
      if (!wrapper) return;
      wrapper.innerHTML = messageList() + messageForm();
      wrapper.querySelector('.msg-form__contenteditable').focus();
    });
  }
  function boxText(box) { return (box.innerText || '').replace(/\u00a0/g, ' ').trim(); }
  function syncForm(form) {
    const box = form.querySelector('.msg-form__contenteditable');
    const placeholder = form.querySelector('.msg-form__placeholder, [data-placeholder]');
    const has = boxText(box).length > 0;
    if (placeholder) placeholder.classList.toggle('msg-form__placeholder', !has);
    if (!messageSending) setDisabled(form.querySelector('.msg-form__send-button'), !has);
  }
  async function sendMessage(form) {
    const box = form.querySelector('.msg-form__contenteditable');
    const button = form.querySelector('.msg-form__send-button');
    const text = boxText(box);
    if (!text || messageSending) return;
    messageSending = true;
    button.disabled = true;
    let ok = false;
    try {
      const r = await fetch(C.messageUrl, {method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({slug: C.slug, text})});
      ok = r.ok;
    } catch (e) { ok = false; }
    messageSending = false;
    const container = form.parentElement;
    const list = container && container.querySelector('.msg-s-message-list-content');
    if (ok) {
      if (list) list.insertAdjacentHTML('beforeend', `<li class="msg-s-message-list__event clearfix"><div class="msg-s-event-listitem" data-event-urn="urn:li:msg_message:${Date.now()}">
        <div class="msg-s-event-listitem__message-bubble"><p class="msg-s-event-listitem__body t-14 t-black--light t-normal">${esc(text)}</p></div></div></li>`);
      box.innerHTML = '<p><br></p>';
    } else if (list) {
      list.insertAdjacentHTML('beforeend', `<li class="msg-s-message-list__event"><div class="artdeco-inline-feedback artdeco-inline-feedback--error" role="alert"><span class="artdeco-inline-feedback__message">${esc(T.message_failed)}</span></div></li>`);
    }
    syncForm(form);
  }
  document.addEventListener('input', (e) => { const form = e.target.closest && e.target.closest('.msg-form'); if (form) syncForm(form); });
  document.addEventListener('keyup', (e) => { const form = e.target.closest && e.target.closest('.msg-form'); if (form) syncForm(form); });
  document.addEventListener('submit', (e) => { const form = e.target.closest('.msg-form'); if (!form) return; e.preventDefault(); sendMessage(form); });

  // ---- the invitation modal's events -------------------------------------------------------------------------------------
  outlet.addEventListener('input', (e) => {
    if (!modal()) return;
    const ta = document.getElementById('custom-message');
    if (e.target === ta) {
      if (ta.value.length > C.noteLimit) ta.value = ta.value.slice(0, C.noteLimit);  // maxlength also applies to pastes
      const counter = modal().querySelector('.connect-button-send-invite__character-count');
      if (counter) counter.textContent = `${ta.value.length}/${C.noteLimit}`;
    }
    const sendNote = modal().querySelector('[aria-label="Send invitation"]');
    if (sendNote && !invite.sending) setDisabled(sendNote, !(ta && ta.value.trim()) || !emailOk());
    const sendBare = modal().querySelector('[aria-label="Send without a note"]');
    if (sendBare && !invite.sending) setDisabled(sendBare, !emailOk());
  });
  outlet.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || !modal()) return;
    if (b.matches('.artdeco-modal__dismiss') || b.matches('[aria-label="Got it"]')) closeModal();
    else if (b.matches('[aria-label="Add a note"]')) showNoteStep();
    else if (b.matches('[aria-label="Cancel adding a note"]')) closeModal();
    else if (b.matches('[aria-label="Send without a note"]')) { if (!b.disabled) sendInvite(b, false); }
    else if (b.matches('[aria-label="Send invitation"]')) { if (!b.disabled) sendInvite(b, true); }
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') { if (modal()) closeModal(); else setDropdown(false); } });

  // ---- the profile's buttons ---------------------------------------------------------------------------------------------
  document.addEventListener('click', (e) => {
    if (outlet.contains(e.target)) return;
    const control = e.target.closest('.msg-overlay-bubble-header__control[data-control="close"]');
    if (control) { document.getElementById('msg-overlay').innerHTML = ''; return; }
    const message = e.target.closest('a.message-anywhere-button');
    if (message) { e.preventDefault(); openConversation(); return; }
    const trigger = e.target.closest('#ember221-profile-overflow-action');
    if (trigger) { setDropdown(trigger.getAttribute('aria-expanded') !== 'true'); return; }
    const item = e.target.closest('.artdeco-dropdown__item');
    if (item) {
      const label = item.getAttribute('aria-label') || '';
      if (/^Invite .* to connect$/.test(label)) openInvite(); else setDropdown(false);
      return;
    }
    const connect = e.target.closest('main button[aria-label$=" to connect"]');
    if (connect) { openInvite(); return; }
    const follow = e.target.closest('main button[aria-label^="Follow "]');
    if (follow) { follow.querySelector('.artdeco-button__text').textContent = 'Following'; follow.setAttribute('aria-label', `Unfollow ${C.name}`); return; }
    if (!e.target.closest('.artdeco-dropdown')) setDropdown(false);
  });

  // The full-page composer (/messaging/compose/) renders the same form at once.
  const compose = document.getElementById('msg-compose-outlet');
  if (compose) {
    compose.innerHTML = loader;
    later('overlay', () => { compose.innerHTML = messageList() + messageForm(); });
  }
})();
"""


# --- the site ----------------------------------------------------------------------------------------------------------


@dataclass
class LinkedInNetworkSite:
    token: str = "AQEDAT-fixture-session"  # the li_at cookie value that means "signed in"
    mode: str = "ok"
    layout: str = "classic"  # or "2026" (read on every request, like mode)
    members: dict[str, dict[str, str]] = field(
        default_factory=lambda: {k: dict(v, state="2nd") for k, v in DEFAULT_MEMBERS.items()}
    )
    port: int = 0
    render_delay_ms: int = 300  # modals, the More dropdown and the message overlay render this long after they open
    premium: bool = False  # free accounts: 200-character notes and a monthly quota of personalized invitations
    notes_left: int = 3  # "N personalized invitations remaining for this month." (free accounts)
    invitations: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    profile_views: list[str] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def profile_url(self, slug: str) -> str:
        return f"{self.origin}/in/{slug}/"

    @property
    def note_limit(self) -> int:
        return NOTE_LIMIT_PREMIUM if self.premium else NOTE_LIMIT_FREE

    async def start(self) -> web.AppRunner:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; one of {sorted(MODES)}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"unknown layout {self.layout!r}; one of {sorted(LAYOUTS)}")
        for slug, member in self.members.items():
            if member.get("state", "2nd") not in STATES:
                raise ValueError(f"member {slug!r}: unknown state {member.get('state')!r}; one of {sorted(STATES)}")
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self._home),
                web.get("/login", self._login),
                web.post("/checkpoint/lg/login-submit", self._login_submit),
                web.get("/feed/", self._feed),
                web.get("/authwall", self._authwall),
                web.get("/checkpoint/challenge/{tail:.*}", self._challenge),
                web.get("/in/{slug:[^/]+}/", self._profile),
                web.get("/in/{slug:[^/]+}", self._add_slash),
                web.get("/messaging/compose/", self._compose),
                web.get("/preload/custom-invite/", self._custom_invite),
                web.post(INVITE_PATH, self._invite),
                web.post(MESSAGE_PATH, self._message),
            ]
        )
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self.port = runner.addresses[0][1]
        return runner

    # -- state -----------------------------------------------------------------------------------------------------------

    def _signed_in(self, request: web.Request) -> bool:
        return self.mode != "signed_out" and request.cookies.get("li_at") == self.token

    def _delay_ms(self) -> int:
        return SLOW_RENDER_DELAY_MS if self.mode == "slow" else self.render_delay_ms

    def _state(self, slug: str) -> str:
        return self.members[slug].get("state", "2nd")

    def _invited(self, slug: str) -> bool:
        return any(invite["slug"] == slug for invite in self.invitations)

    def shown_state(self, slug: str) -> str:
        """What the profile shows: "1st", "2nd", "3rd" or "pending" (a recorded invitation makes it pending)."""
        state = self._state(slug)
        if state in ("1st", "3rd", "pending"):
            return state if not (state == "3rd" and self._invited(slug)) else "pending"
        return "pending" if self._invited(slug) else "2nd"

    def _to_authwall(self, request: web.Request) -> web.HTTPFound:
        target = quote(f"{self.origin}{request.rel_url}", safe="")
        return web.HTTPFound(f"/authwall?trk=bf&trkInfo=AQF-fixture&original_referer=&sessionRedirect={target}")

    def _to_checkpoint(self, request: web.Request) -> web.HTTPFound:
        referer = quote(f"{self.origin}{request.rel_url}", safe="")
        return web.HTTPFound(f"/checkpoint/challenge/AgHQ2fixtureChallenge?ut=0x7f&original_referer={referer}")

    def _config(self, slug: str) -> dict[str, Any]:
        member = self.members[slug]
        return {
            "slug": slug,
            "name": member["name"],
            "state": self._state(slug),
            "shown": self.shown_state(slug),
            "delayMs": self._delay_ms(),
            "premium": self.premium,
            "notesLeft": self.notes_left,
            "noteLimit": self.note_limit,
            "inviteUrl": INVITE_PATH,
            "messageUrl": MESSAGE_PATH,
            "texts": TEXTS,
        }

    # -- pages -----------------------------------------------------------------------------------------------------------

    @staticmethod
    def _html(text: str, status: int = 200) -> web.Response:
        return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")

    async def _add_slash(self, request: web.Request) -> web.Response:
        query = f"?{request.query_string}" if request.query_string else ""
        raise web.HTTPFound(f"{request.path}/{query}")

    async def _home(self, request: web.Request) -> web.Response:
        if self._signed_in(request):
            raise web.HTTPFound("/feed/")
        return self._html(_home_page())

    async def _login(self, request: web.Request) -> web.Response:
        return self._html(_login_page())

    async def _login_submit(self, request: web.Request) -> web.Response:
        await request.post()
        return self._html(_login_page("Wrong email or password. Try again or create an account."))

    async def _feed(self, request: web.Request) -> web.Response:
        if not self._signed_in(request):
            raise self._to_authwall(request)
        return self._html(_feed_page())

    async def _authwall(self, request: web.Request) -> web.Response:
        return self._html(_authwall_page())

    async def _challenge(self, request: web.Request) -> web.Response:
        return self._html(_challenge_page())

    async def _profile(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        if not self._signed_in(request):
            raise self._to_authwall(request)
        if self.mode == "checkpoint":
            raise self._to_checkpoint(request)
        if slug not in self.members:
            return self._html(_not_found_page(), status=404)
        self.profile_views.append(slug)
        if self.layout == "2026":
            return self._html(_profile_page_2026(slug, self.members[slug], self.shown_state(slug), self._config(slug)))
        return self._html(_profile_page(slug, self.members[slug], self.shown_state(slug), self._config(slug)))

    async def _custom_invite(self, request: web.Request) -> web.Response:
        """The 2026 layout's Connect link target: opened as a page it renders a blank document (id 60797960759); the
        invitation dialog opens only when the link is clicked on the profile. Not a page in the classic layout."""
        if self.layout != "2026":
            return self._html(_not_found_page(), status=404)
        if not self._signed_in(request):
            raise self._to_authwall(request)
        return self._html(l26.BLANK_PAGE)

    async def _compose(self, request: web.Request) -> web.Response:
        if not self._signed_in(request):
            raise self._to_authwall(request)
        if self.mode == "checkpoint":
            raise self._to_checkpoint(request)
        slug = request.query.get("recipient", "")
        if slug not in self.members:  # the 2026 Message link names the member by profile id
            slug = next((s for s in self.members if l26.profile_id(s) == slug), slug)
        if slug not in self.members:
            return self._html(_not_found_page(), status=404)
        return self._html(_compose_page(slug, self.members[slug], self._config(slug)))

    # -- the page's endpoints --------------------------------------------------------------------------------------------

    def _refuse(self, kind: str, slug: str, status: int, reason: str) -> web.Response:
        self.refusals.append({"kind": kind, "slug": slug, "status": status, "reason": reason})
        return web.json_response({"status": status, "message": reason}, status=status)

    async def _json(self, request: web.Request) -> dict[str, Any]:
        try:
            payload = json.loads(await request.text())
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    async def _invite(self, request: web.Request) -> web.Response:
        payload = await self._json(request)
        slug = str(payload.get("slug", ""))
        if not self._signed_in(request):
            return self._refuse("invite", slug, 401, "Unauthorized")
        if slug not in self.members:
            return self._refuse("invite", slug, 404, "no such member")
        state = self._state(slug)
        note = payload.get("note")
        email = payload.get("email")
        if note is not None and not isinstance(note, str):
            return self._refuse("invite", slug, 400, "note must be a string")
        if state == "1st":
            return self._refuse("invite", slug, 409, "already connected")
        if state == "pending" or self._invited(slug):
            return self._refuse("invite", slug, 409, "invitation already pending")
        if state == "weekly_limit":
            return self._refuse("invite", slug, 429, "weekly invitation limit")
        if state == "email_required" and not (isinstance(email, str) and "@" in email):
            return self._refuse("invite", slug, 400, "email required")
        if note is not None:
            if not note.strip():
                return self._refuse("invite", slug, 400, "empty note")
            if len(note) > self.note_limit:
                return self._refuse("invite", slug, 400, f"note longer than {self.note_limit} characters")
            if state == "note_quota" or (not self.premium and self.notes_left <= 0):
                return self._refuse("invite", slug, 403, "no personalized invitations left this month")
            if not self.premium:
                self.notes_left -= 1
        self.invitations.append(
            {
                "slug": slug,
                "name": self.members[slug]["name"],
                "note": note,
                "email": email if isinstance(email, str) else None,
                "cookies": dict(request.cookies),
                "mode": self.mode,
            }
        )
        return web.json_response(
            {"status": 201, "value": {"invitationUrn": f"urn:li:invitation:{len(self.invitations)}"}}, status=201
        )

    async def _message(self, request: web.Request) -> web.Response:
        payload = await self._json(request)
        slug = str(payload.get("slug", ""))
        text = payload.get("text")
        if not self._signed_in(request):
            return self._refuse("message", slug, 401, "Unauthorized")
        if slug not in self.members:
            return self._refuse("message", slug, 404, "no such member")
        if self._state(slug) != "1st":
            return self._refuse("message", slug, 403, "not a 1st-degree connection")
        if not isinstance(text, str) or not text.strip():
            return self._refuse("message", slug, 400, "empty message")
        self.messages.append({"slug": slug, "name": self.members[slug]["name"], "text": text, "cookies": dict(request.cookies)})
        return web.json_response({"status": 201}, status=201)
