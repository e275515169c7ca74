"""Sending a LinkedIn note to a member from their profile page, in the user's signed-in browser: a
connection invitation with the note when the member offers Connect (on the profile or under "More"),
a message when they are already a connection (Message and no Connect).

Markup, as the maintained open-source LinkedIn outreach tools rely on it (felladrin/
linkedin-autoconnect-chrome-extension, pundarikaksha7/LinkedIn-Bot, MariyaSha/WebScraping_Linkedin, the
Playwright "LinkedPilot" and "linkedin-bot-suite" senders):
- the profile's own actions sit in its top card, the section holding the member's `h1`; other
  people's Connect buttons ("People also viewed") are outside it and never touched;
- Connect is `button[aria-label="Invite <Name> to connect"]` (text "Connect"); when the primary
  action is Follow it is an item of the "More actions" dropdown (`div[role=button]` with the same
  aria-label); an invitation already out shows "Pending";
- the invitation dialog (`div[role=dialog]`, `.artdeco-modal`, `.send-invite`) offers "Add a note"
  and "Send without a note"; the note is `textarea#custom-message` / `textarea[name=message]`
  (300 characters with Premium, 200 on a free account, which also gets only a few notes a month),
  sent with "Send invitation" / "Send now" (never "Send without a note");
- messaging is the overlay bubble's `.msg-form__contenteditable` (`[contenteditable=true]`,
  role textbox) and `button.msg-form__send-button`; a sent message joins `.msg-s-message-list`.

The one irreversible click (Send) comes after `reserve(kind)`, which records the action against the
user's cap and the fleet's budget and claims the note: what is not reserved is never sent, and a
Send that LinkedIn never confirmed is `NoteMaybeSent`, never clicked again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from handlers.apply import form_fields
from handlers.apply.browser import Browser, wait_until
from handlers.apply.outcome import Pace
from handlers.apply.session_validator import AUTH_WALL

SentAs = Literal["invitation", "message"]
Stop = Literal["connections", "messages", "account"]
WAIT = 15  # seconds for a page, a dialog or a confirmation to render
DIALOG = "div[role='dialog'], .artdeco-modal, .send-invite"
ADD_NOTE = "button[aria-label='Add a note']"
NOTE_BOX = "textarea#custom-message, textarea[name='message']"
SEND_INVITE = "button[aria-label='Send now'], button[aria-label='Send invitation'], button[aria-label='Send']"
MESSAGE_BOX = ".msg-form__contenteditable[contenteditable='true'], .msg-form [role='textbox'][contenteditable='true']"
MESSAGE_SEND = "button.msg-form__send-button"
WEEKLY_LIMIT = ("weekly invitation limit", "reached the weekly limit", "too many pending invitations")
EMAIL_REQUIRED = ("enter their email", "knows you, please enter", "email address to connect")
NOTE_QUOTA = ("unlimited personalized invites", "monthly custom invites", "no longer send personalized", "out of personalized")
NOT_FOUND = ("this page doesn't exist", "page not found", "profile is not available")
INVITE_SENT = ("invitation", "sent")

# The open shadow roots LinkedIn renders its dialogs in since its 2026 build (the invitation dialog
# among them); a document-wide query finds nothing inside them.
SHADOW_HOSTS = "#interop-outlet, [data-testid='interop-shadowdom']"
# The profile's top card: the component keyed "…Topcard" in the 2026 build (hashed classes, name in
# an h2), else the section holding the page's h1 (the older build's .pv-top-card).
CARD_JS = r"""
const main = document.querySelector('main');
if (!main) return null;
const keyed = main.querySelector('[componentkey$="Topcard"], [componentkey*="Topcard"]');
const h1 = main.querySelector('h1');
const card = (keyed && (keyed.querySelector('section') || keyed)) || (h1 && (h1.closest('section') || h1.closest('.pv-top-card')));
"""
# Each of the card's own actions by its accessible name, whatever the tag (LinkedIn moves between
# <button> and <a> from build to build), ignoring the hidden duplicates it pre-renders.
ACTIONS_JS = r"""
const squash = t => (t || '').replace(/\s+/g, ' ').trim().toLowerCase();
const shown = e => !!(e.offsetParent || e.getClientRects().length);
const kind = e => {
  const label = squash(e.getAttribute('aria-label')), text = squash(e.innerText);
  if (/^invite .+ to connect$/.test(label) || text === 'connect') return 'connect';
  if (label.startsWith('pending') || text === 'pending') return 'pending';
  if (label.startsWith('message') || text === 'message') return 'message';
  if (label === 'more actions' || label === 'more' || text === 'more') return 'more';
  return null;
};
const actions = {};
for (const e of card.querySelectorAll('button, a, [role=button]')) {
  const k = shown(e) && kind(e);
  if (k && !actions[k]) actions[k] = e;
}
"""
# The card's degree badge ("· 1st": span.dist-value, or a <p> in the 2026 build) says the member is
# a connection; a Message button alone does not (to anyone else it writes a paid InMail).
TOP_CARD_JS = (
    CARD_JS
    + "if (!card) return null;"
    + ACTIONS_JS
    + r"""
const first = [...card.querySelectorAll('span, p')].some(e => shown(e) && /^·?\s*1st$/.test(squash(e.innerText)));
return {connect: !!actions.connect, pending: !!actions.pending, message: !!actions.message, more: !!actions.more, first};
"""
)
CARD_ACTION_JS = CARD_JS + "if (!card) return null;" + ACTIONS_JS + "return actions[arguments[0]] || null;"
# A Connect item of an open "More" menu: the card's dropdown (older build) or the floating menu
# LinkedIn portals outside the card (2026 build), never another member's Connect on the page.
MENU_CONNECT_JS = (
    CARD_JS
    + r"""
const squash = t => (t || '').replace(/\s+/g, ' ').trim().toLowerCase();
const shown = e => !!(e.offsetParent || e.getClientRects().length);
const items = [...(card ? card.querySelectorAll('.artdeco-dropdown__content [role=button], .artdeco-dropdown__item') : []),
               ...document.querySelectorAll('[role=menu] [role=menuitem]')];
return items.find(e => shown(e) && (/^invite .+ to connect$/.test(squash(e.getAttribute('aria-label')))
                                    || squash(e.innerText) === 'connect')) || null;
"""
)
SHADOW_TEXT_JS = r"""
return [...document.querySelectorAll(arguments[0])].map(h => h.shadowRoot
    ? [...h.shadowRoot.children].map(c => c.innerText || '').join(' ') : '').join(' ');
"""


class NoteNotSent(Exception):
    """Nothing left the browser: what was reserved goes back. `stop` is set when a limit or the
    account, not this note, was the reason: it ends the account's run ('account') or its invitations
    or messages ('connections', 'messages'), and the note stays a draft for another day."""

    def __init__(self, reason: str, *, stop: Stop | None = None) -> None:
        super().__init__(reason)
        self.stop = stop


class NoteMaybeSent(Exception):
    """Send was clicked and LinkedIn never confirmed it: the note may be out, so it is never sent
    again. `stop` as for NoteNotSent, when LinkedIn also said a limit is reached."""

    def __init__(self, reason: str, *, stop: Stop | None = None) -> None:
        super().__init__(reason)
        self.stop = stop


def _page_text(driver: Any) -> str:
    """The page's text, the shadow-rooted dialogs' included, lower case with plain apostrophes."""
    from selenium.webdriver.common.by import By

    shadowed = driver.execute_script(SHADOW_TEXT_JS, SHADOW_HOSTS) or ""
    return _normal(driver.find_element(By.TAG_NAME, "body").text + " " + shadowed)


def _normal(text: str) -> str:
    """Text as the phrases below are written: lower case, LinkedIn's curly apostrophe made plain."""
    return str(text).lower().replace("\u2019", "'")


def _roots(driver: Any) -> list[Any]:
    """Where to look for an element: the document and LinkedIn's open shadow roots."""
    from selenium.common.exceptions import NoSuchShadowRootException
    from selenium.webdriver.common.by import By

    roots = [driver]
    for host in driver.find_elements(By.CSS_SELECTOR, SHADOW_HOSTS):
        try:
            roots.append(host.shadow_root)
        except NoSuchShadowRootException:
            continue
    return roots


def _visible(driver: Any, selector: str, scope: Any | None = None) -> list[Any]:
    from selenium.webdriver.common.by import By

    scopes = [scope] if scope is not None else _roots(driver)
    return [e for root in scopes for e in root.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def _says(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether normalised `text` holds one of the (plain-apostrophe, lower-case) phrases."""
    return any(phrase in text for phrase in phrases)


def top_card(driver: Any) -> dict[str, Any]:
    """The profile's state once it rendered; NoteNotSent for a wall, a check or a missing profile."""
    from selenium.webdriver.common.by import By

    def state(d: Any) -> dict[str, Any] | Literal[False]:
        path = d.current_url.split("?", 1)[0]
        if any(part in path for part in AUTH_WALL):
            raise NoteNotSent("LinkedIn shows its sign-in wall: the session is signed out", stop="account")
        if "/checkpoint/" in path or d.find_elements(By.CSS_SELECTOR, form_fields.CAPTCHA_SELECTOR):
            raise NoteNotSent("LinkedIn asked for a security check (checkpoint or captcha)", stop="account")
        if _says(_page_text(d), NOT_FOUND):
            raise NoteNotSent("the recruiter's LinkedIn profile does not exist (or is not visible to this account)")
        card: dict[str, Any] | None = d.execute_script(TOP_CARD_JS)
        if card and (card["connect"] or card["pending"] or card["message"] or card["more"]):
            return card
        return False

    return wait_until(driver, WAIT, state)


def _card_action(driver: Any, kind: str) -> Any | None:
    """The top card's own 'connect', 'pending', 'message' or 'more' control, if it shows one."""
    return driver.execute_script(CARD_ACTION_JS, kind)


def _open_more(driver: Any) -> Any | None:
    """Open the top card's "More" menu; its Connect item, if it has one (else the menu is closed again)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.keys import Keys

    more = _card_action(driver, "more")
    if more is None:
        return None
    form_fields.press(driver, more)
    try:
        return wait_until(driver, WAIT / 3, lambda d: d.execute_script(MENU_CONNECT_JS) or False)
    except TimeoutException:
        more.send_keys(Keys.ESCAPE)
        return None


def _dialog(driver: Any) -> Any:
    """The invitation dialog once its content rendered (it opens as an empty shell with a loader):
    a note box, "Add a note", a Send button or LinkedIn's words on why it will not send."""

    def ready(d: Any) -> Any:
        for dialog in _visible(d, DIALOG):
            text = _normal(dialog.text)
            labels = [(b.get_attribute("aria-label") or b.text or "").strip().lower() for b in _visible(d, "button", dialog)]
            if (
                _visible(d, NOTE_BOX, dialog)
                or any(label.startswith(("add a note", "send")) for label in labels)
                or _refusal_in(text)
                or _says(text, NOTE_QUOTA)
            ):
                return dialog
        return False

    return wait_until(driver, WAIT, ready)


def _refusal_in(text: str) -> NoteNotSent | None:
    """What LinkedIn's invitation dialog says instead of taking the invitation, if it says it."""
    if _says(text, WEEKLY_LIMIT):
        return NoteNotSent("LinkedIn says this account reached its weekly invitation limit", stop="connections")
    if _says(text, EMAIL_REQUIRED):
        return NoteNotSent("LinkedIn asks for the recruiter's email address before it takes an invitation: send it by hand")
    return None


def _type_checked(driver: Any, box: Any, text: str, read: str) -> None:
    """Type `text` into `box` and check the page kept all of it (a maxlength cuts silently)."""
    form_fields.type_into(driver, box, text)
    kept = (driver.execute_script(read, box) or "").strip()
    if kept != text.strip():
        raise NoteNotSent(f"LinkedIn kept {len(kept)} of the note's {len(text.strip())} characters: shorten the note")


def _prepare_invitation(driver: Any, connect: Any, note: str) -> None:
    """Click Connect, open "Add a note" and type the note; the Send button is then one click away."""
    from selenium.common.exceptions import TimeoutException

    form_fields.press(driver, connect)
    dialog = _dialog(driver)
    refusal = _refusal_in(_normal(dialog.text))
    if refusal:
        raise refusal
    add_note = _visible(driver, ADD_NOTE, dialog) or [
        b for b in _visible(driver, "button", dialog) if b.text.strip().lower() == "add a note"
    ]
    if add_note:
        form_fields.press(driver, add_note[0])

    def note_box(d: Any) -> Any:
        if _says(_page_text(d), NOTE_QUOTA):
            raise NoteNotSent("LinkedIn allows this account no more personalized invitations for now", stop="connections")
        return next(iter(_visible(d, NOTE_BOX)), False)

    try:
        box = wait_until(driver, WAIT, note_box)
    except TimeoutException:
        raise NoteNotSent("the invitation dialog offers no note box") from None
    limit = box.get_attribute("maxlength")
    if limit and limit.isdigit() and len(note) > int(limit):
        raise NoteNotSent(f"LinkedIn takes at most {limit} characters in a note on this account; the note has {len(note)}")
    _type_checked(driver, box, note, "return arguments[0].value;")


def _send_button(driver: Any, scope: Any, selector: str) -> Any:
    from selenium.common.exceptions import TimeoutException

    def enabled(d: Any) -> Any:
        return next((b for b in _visible(d, selector, scope) if b.is_enabled()), False)

    try:
        return wait_until(driver, WAIT, enabled)
    except TimeoutException:
        raise NoteNotSent("the Send button never became clickable") from None


def _invitation_confirmed(driver: Any) -> Literal["toast", "pending", "limit", False]:
    """After Send: LinkedIn's toast says the invitation was sent, or the top card now shows Pending
    (both looked for first: a "close to the weekly limit" warning may come with a sent invitation);
    "limit" when only the weekly limit dialog shows; False when nothing came."""
    from selenium.common.exceptions import TimeoutException

    def confirmed(d: Any) -> Literal["toast", "pending", "limit", False]:
        toasts = " ".join(t.text.lower() for t in _visible(d, ".artdeco-toast-item, [role=alert]"))
        if all(word in toasts for word in INVITE_SENT):
            return "toast"
        card = d.execute_script(TOP_CARD_JS)
        if card and card["pending"] and not _visible(d, NOTE_BOX):
            return "pending"
        if _says(_page_text(d), WEEKLY_LIMIT):
            return "limit"
        return False

    try:
        result: Literal["toast", "pending", "limit", False] = wait_until(driver, WAIT, confirmed)
    except TimeoutException:
        return False
    return result


def _prepare_message(driver: Any, note: str) -> Any:
    """Open the conversation from the top card's Message and type the note; returns the composer."""
    from selenium.common.exceptions import TimeoutException

    message = _card_action(driver, "message")
    if message is None:
        raise NoteNotSent("the profile offers neither Connect nor Message")
    form_fields.press(driver, message)
    try:
        box = wait_until(driver, WAIT, lambda d: (_visible(d, MESSAGE_BOX) or [False])[-1])
    except TimeoutException:
        raise NoteNotSent("Message opened no conversation (LinkedIn offers only InMail to this member)") from None
    _type_checked(driver, box, note, "return arguments[0].innerText;")
    return box


def _message_confirmed(driver: Any, note: str) -> bool:
    """The note appears in the conversation's message list."""
    from selenium.common.exceptions import TimeoutException

    wanted = " ".join(note.split()).lower()

    def shown(d: Any) -> bool:
        texts = [" ".join(e.text.split()).lower() for e in _visible(d, ".msg-s-message-list, .msg-s-event-listitem__body")]
        return any(wanted in t for t in texts)

    try:
        wait_until(driver, WAIT, shown)
    except TimeoutException:
        return False
    return True


async def send_note(
    browser: Browser,
    profile_url: str,
    note: str,
    *,
    may_send: Callable[[str], bool],
    reserve: Callable[[str], Awaitable[None]],
    pace: Pace,
) -> SentAs:
    """Send `note` to the member at `profile_url`; how it went out, or NoteNotSent / NoteMaybeSent.

    `may_send(kind)` ('connection' or 'message') is asked before anything is typed: False (that kind
    is stopped for the account) leaves the profile untouched. `reserve(kind)` is awaited once the
    Send button is ready, just before the click; it raises NoteNotSent when the cap or the budget
    refuses. After the click only LinkedIn's confirmation counts: whatever else the page says, the
    note may be out (NoteMaybeSent)."""
    driver = browser.driver
    await browser.run(driver.get, profile_url)
    await pace.after_page()
    card = await browser.run(top_card, driver)
    if card["pending"] and not card["connect"]:
        raise NoteNotSent("an invitation to this recruiter is already pending: the note was not sent")
    connect = await browser.run(_card_action, driver, "connect") if card["connect"] else None
    if connect is None and card["more"] and not card["first"]:
        connect = await browser.run(_open_more, driver)
    if connect is not None:
        if not may_send("connection"):
            raise NoteNotSent("no more invitations from this account in this run", stop="connections")
        await browser.run(_prepare_invitation, driver, connect, note)
        await pace.after_field()
        send = await browser.run(_send_button, driver, await browser.run(_dialog, driver), SEND_INVITE)
        await reserve("connection")
        await browser.run(form_fields.press, driver, send)
        confirmed = await browser.run(_invitation_confirmed, driver)
        if confirmed == "limit":
            raise NoteMaybeSent(
                "LinkedIn showed its weekly invitation limit after Send: the invitation may not have gone; check before resending",
                stop="connections",
            )
        if not confirmed:
            raise NoteMaybeSent("Send was clicked on the invitation and LinkedIn never confirmed it: check before resending")
        return "invitation"
    if not card["message"]:
        raise NoteNotSent("the profile offers neither Connect nor Message")
    if not card["first"]:
        raise NoteNotSent("the recruiter is not a connection and LinkedIn offers no Connect: a message would be a paid InMail")
    if not may_send("message"):
        raise NoteNotSent("no more messages from this account in this run", stop="messages")
    await browser.run(_prepare_message, driver, note)
    await pace.after_field()
    send = await browser.run(_send_button, driver, None, MESSAGE_SEND)
    await reserve("message")
    await browser.run(form_fields.press, driver, send)
    if not await browser.run(_message_confirmed, driver, note):
        raise NoteMaybeSent("Send was clicked on the message and LinkedIn never showed it sent: check before resending")
    return "message"
