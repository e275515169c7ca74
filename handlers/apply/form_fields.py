"""Read an application form by its real markup, answer each question, and fill it.

Real forms rarely match the textbook: LinkedIn's and the current Greenhouse form's controls carry
an `id` and no `name`; questions are a `label[for]`, a `fieldset`'s `legend`, `aria-labelledby`,
or a label element near the control (Lever's cards); required is `required`, `aria-required` on
the control or its group, or an asterisk in the label; selects open on a placeholder ("Select an
option") that is not an answer; dropdowns may be comboboxes whose options appear only when opened
(react-select, location autocompletes); file inputs and textareas may be hidden behind buttons.

`READ_JS` reads every control in a scope in one round trip and tags each with a
`data-talvix-field` key, so filling finds the same element again whatever its id or name.
`fill_form()` answers each field (profile first, then the model: handlers.apply.form_answerer), uploads
the document the field asks for, and raises ApplyOutcome('skipped') naming the first required
question nobody can answer, before anything is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from handlers.apply import form_answerer
from handlers.apply.browser import Browser, wait_until
from handlers.apply.outcome import ApplyOutcome, Pace
from handlers.skills import document_files

READ_JS = r"""
const scope = arguments[0] ? document.querySelector(arguments[0]) : document.body;
if (!scope) return null;
const suggests = arguments[1] || null;  // the site's own autocompletes, where their markup says nothing
const squash = t => (t || '').replace(/\s+/g, ' ').trim();
// Screen-reader copies make a label's text appear twice ("Email Email"): keep one.
const once = t => { t = squash(t); const h = Math.floor(t.length / 2);
  if (t.length > 1 && t.length % 2 === 1 && t[h] === ' ' && t.slice(0, h) === t.slice(h + 1)) return t.slice(0, h);
  if (t.length > 1 && t.length % 2 === 0 && t.slice(0, h) === t.slice(h)) return t.slice(0, h);
  return t; };
const textOf = el => { if (!el) return '';
  const seen = el.querySelector('[aria-hidden="true"]'); const vis = el.querySelector('.visually-hidden, .sr-only');
  return once(seen && vis && squash(seen.innerText) === squash(vis.innerText) ? seen.innerText : (el.innerText || el.textContent)); };
const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
  && getComputedStyle(el).visibility !== 'hidden';
const byIds = ids => (ids || '').split(/\s+/).map(i => i && document.getElementById(i)).filter(Boolean);
// A wrapping label's own words, without the text of the controls inside it (a select's options).
const ownText = l => { const c = l.cloneNode(true); c.querySelectorAll('select, textarea, input, option').forEach(x => x.remove());
  return textOf(c); };
const groupOf = el => (el.type === 'radio' || el.type === 'checkbox')
  ? (el.name ? 'name:' + el.name : (el.closest('fieldset') ? 'fs:' + (el.closest('fieldset').id || el.closest('fieldset').dataset.talvixFs) : null)) : null;
const placeholder = o => !o.value || /^(select|choose|please select|--|—)/i.test(squash(o.text));
function questionOf(el, group) {
  if (group) { const legend = el.closest('fieldset')?.querySelector('legend');
    if (legend && textOf(legend)) return textOf(legend);
    const rg = el.closest('[role=radiogroup], [role=group]');
    if (rg) { const t = byIds(rg.getAttribute('aria-labelledby')).map(textOf).join(' ') || rg.getAttribute('aria-label');
      if (t) return once(t); } }
  // "Attach", "Upload" name the action, not the question: the upload's group says what it is for.
  const action = t => /^(attach|upload|browse|choose( a)? file|select( a)? file|add file)\b/i.test(t);
  if (el.id) { const l = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    if (l && textOf(l) && !action(textOf(l))) return textOf(l); }
  const lb = byIds(el.getAttribute('aria-labelledby')).map(textOf).join(' '); if (lb && !action(lb)) return once(lb);
  const box = el.closest('[role=group][aria-labelledby], [role=group][aria-label]');
  if (box) { const t = byIds(box.getAttribute('aria-labelledby')).map(textOf).join(' ') || box.getAttribute('aria-label');
    if (t) return once(t); }
  if (!group) { const wrap = el.closest('label'); if (wrap && ownText(wrap)) return ownText(wrap); }
  // A label-like element near the control (Lever's cards, Greenhouse's classic fields), looked for
  // only while climbing stays within this question: never in a box that holds another question's controls.
  const mine = c => c === el || (group && groupOf(c) === group);
  let node = (group && el.closest('label') || el).parentElement;  // above an option's own label
  for (let depth = 0; node && node !== scope.parentElement && depth < 6; depth++, node = node.parentElement) {
    if ([...node.querySelectorAll('input, select, textarea')].some(c => !mine(c) && !['hidden', 'submit', 'button'].includes(c.type))) {
      const bare = group && squash([...node.childNodes].filter(t => t.nodeType === 3).map(t => t.textContent).join(' '));
      if (bare) return once(bare);
      break;
    }
    const cand = [...node.querySelectorAll('legend, label, [class*="label"], [class*="question"] > span, .text')]
      .find(c => !c.contains(el) && !c.querySelector('input, select, textarea') && squash(c.innerText));
    if (cand) return textOf(cand);
    const bare = squash([...node.childNodes].filter(t => t.nodeType === 3).map(t => t.textContent).join(' '));
    if (bare) return once(bare);  // a question written straight into its box (Greenhouse's demographic questions)
  }
  return once(el.getAttribute('aria-label') || el.placeholder || el.name || el.id || '');
}
function errorOf(el) {
  const parts = [];
  if (el.id) { const box = document.getElementById(el.id + '-error'); if (box && squash(box.innerText)) parts.push(squash(box.innerText)); }
  for (const d of byIds(el.getAttribute('aria-describedby')))
    if (/error|invalid|required/i.test(d.className + ' ' + d.id) && squash(d.innerText)) parts.push(squash(d.innerText));
  const holder = el.closest('.field, .application-question, [class*="form-element"], [class*="form-component"], li, div');
  if (holder) for (const e of holder.querySelectorAll('.artdeco-inline-feedback--error, .field-error, .error-message, [class*="helper-text--error"], [class*="error-text"]'))
    if (visible(e) && squash(e.innerText)) parts.push(squash(e.innerText));
  // The browser's own validation, and what a site's script set with setCustomValidity().
  if (!parts.length && visible(el) && el.willValidate && !el.validity.valid && !el.validity.valueMissing && el.validationMessage)
    parts.push(squash(el.validationMessage));
  if (!parts.length && el.getAttribute('aria-invalid') === 'true') parts.push('marked invalid');
  return [...new Set(parts)].join('; ');
}
const out = []; const groups = {};
let n = 0;
for (const el of scope.querySelectorAll('input, select, textarea')) {
  const type = (el.type || '').toLowerCase(); const tag = el.tagName.toLowerCase();
  if (['hidden', 'submit', 'button', 'reset', 'image', 'search'].includes(type)) continue;
  if (/^(g-recaptcha-response|h-captcha-response)/.test(el.name || el.id)) continue;  // a captcha's own field
  // Hidden from people and from the keyboard: a widget's plumbing (react-select's requiredInput).
  if (el.getAttribute('aria-hidden') === 'true' && el.tabIndex < 0 && type !== 'file') continue;
  if (el.disabled) continue;
  const fs = el.closest('fieldset');
  if (fs && !fs.id && !fs.dataset.talvixFs) fs.dataset.talvixFs = 'g' + (n++);
  const group = groupOf(el);
  const optionLabel = () => { const l = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    return once((l && textOf(l)) || textOf(el.closest('label')) || el.value); };
  if (group && groups[group]) {
    const f = groups[group]; el.dataset.talvixField = f.key; el.dataset.talvixOption = optionLabel();
    f.options.push(el.dataset.talvixOption); if (el.checked) f.value = el.dataset.talvixOption;
    if (el.required) f.required = true; continue;
  }
  const key = 'f' + out.length;
  el.dataset.talvixField = key;
  const role = el.getAttribute('role');
  const required = el.required || el.getAttribute('aria-required') === 'true'
    || !!el.closest('fieldset[aria-required="true"], [role=radiogroup][aria-required="true"], [role=group][aria-required="true"]');
  const f = {key, tag, type, id: el.id || '', name: el.name || '', role: role || '',
    question: questionOf(el, group), required, visible: visible(el), options: [], value: el.value || '',
    accept: el.getAttribute('accept') || '', numeric: /-numeric$/.test(el.id) || type === 'number' || el.inputMode === 'numeric',
    autocomplete: role === 'combobox' || ['list', 'both'].includes(el.getAttribute('aria-autocomplete')) || !!(suggests && el.matches(suggests)),
    error: errorOf(el), group: !!group};
  if (/[*✱]\s*$/.test(f.question) || /\s[*✱]\s/.test(f.question)) f.required = true;
  f.question = squash(f.question.replace(/[*✱]/g, ' ').replace(/\(required\)|\brequired\b$/i, ''));
  if (tag === 'select') { f.options = [...el.options].filter(o => !placeholder(o)).map(o => squash(o.text));
    const chosen = el.options[el.selectedIndex]; f.value = chosen && !placeholder(chosen) ? squash(chosen.text) : ''; }
  if (group) { el.dataset.talvixOption = optionLabel(); f.options = [el.dataset.talvixOption];
    f.value = el.checked ? el.dataset.talvixOption : ''; groups[group] = f;
    if (type === 'checkbox' && !el.name && !el.closest('fieldset')) f.group = false; }
  if (type === 'checkbox' && !group) f.value = el.checked ? 'Yes' : '';
  out.push(f);
}
// A lone checkbox is a yes/no question, not a group.
for (const f of out) if (f.type === 'checkbox' && f.options.length === 1) { f.group = false;
  const el = document.querySelector(`[data-talvix-field="${f.key}"]`); f.value = el.checked ? 'Yes' : '';
  if (!el.closest('fieldset') || !squash(el.closest('fieldset').querySelector('legend')?.innerText)) f.question = f.options[0]; }
return out;
"""

# Texts and markers of a captcha a person must solve (reCAPTCHA, hCaptcha, Arkose, LinkedIn's own).
CAPTCHA_SELECTOR = (
    ".g-recaptcha:not(.g-recaptcha-invisible), iframe[src*='recaptcha/api2/bframe'], "
    "iframe[title*='recaptcha challenge' i], .h-captcha, iframe[src*='hcaptcha'], #h-captcha, "
    "iframe[src*='arkoselabs'], #captcha-internal, #captcha"
)


@dataclass
class Field:
    key: str
    tag: str
    type: str
    question: str
    required: bool
    visible: bool
    value: str
    options: list[str] = field(default_factory=list)
    accept: str = ""
    numeric: bool = False
    autocomplete: bool = False
    error: str = ""
    group: bool = False
    id: str = ""
    name: str = ""
    role: str = ""

    @property
    def selector(self) -> str:
        return f'[data-talvix-field="{self.key}"]'

    @property
    def kind(self) -> form_answerer.Kind:
        if self.tag == "select":
            return "select"
        if self.type == "radio" or (self.type == "checkbox" and self.group):
            return "radio"
        if self.type == "checkbox":
            return "checkbox"
        if self.autocomplete:
            return "select"
        if self.type == "tel" or "phonenumber" in self.id.lower():
            return "phone_national" if "nationalnumber" in self.id.lower() else "text"
        if self.numeric:
            return "number"
        return "textarea" if self.tag == "textarea" else "text"

    @property
    def answered(self) -> bool:
        return bool(self.value.strip())


def read_fields(raw: list[dict[str, Any]] | None) -> list[Field]:
    return [Field(**{k: v for k, v in item.items() if k in Field.__dataclass_fields__}) for item in raw or []]


async def fields_in(browser: Browser, scope: str | None, autocompletes: str | None = None) -> list[Field]:
    """The fields inside the first element matching `scope`; `autocompletes` marks inputs whose
    suggestion must be picked when their markup does not say so."""
    return read_fields(await browser.run(browser.driver.execute_script, READ_JS, scope, autocompletes))


# ----------------------------------------------------------------------------- filling, in the driver thread


def _element(driver: Any, selector: str, option: str | None = None) -> Any:
    from selenium.webdriver.common.by import By

    if option is None:
        return driver.find_element(By.CSS_SELECTOR, selector)
    for element in driver.find_elements(By.CSS_SELECTOR, selector):
        if element.get_attribute("data-talvix-option") == option:
            return element
    raise ApplyOutcome("failed_not_found", f"option {option!r} vanished from the form")


def press(driver: Any, element: Any) -> None:
    """A click as a person makes it; falls back to a script click on a control that a styled label
    covers (LinkedIn's and Lever's radios are visually hidden behind their labels)."""
    from selenium.common.exceptions import ElementClickInterceptedException, ElementNotInteractableException

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except (ElementClickInterceptedException, ElementNotInteractableException):
        driver.execute_script("arguments[0].click();", element)


def type_into(driver: Any, element: Any, value: str) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(value)


def _pick_suggestion(driver: Any, element: Any, value: str, typed: bool) -> str:
    """Open a combobox (typing `value` first when `typed`) and click the option that matches it;
    returns the option's text. An autocomplete needs a suggestion picked, not just text typed."""
    from selenium.webdriver.common.by import By

    if typed:
        type_into(driver, element, value)
    else:
        press(driver, element)
    listbox = element.get_attribute("aria-controls") or element.get_attribute("aria-owns")
    option_css = (
        f"#{listbox} [role=option]" if listbox else "[role=option]"
    ) + ", .dropdown-results > div, .dropdown-location, .pac-item, ul.ui-autocomplete li"

    def options(d: Any) -> list[Any] | Literal[False]:
        found = [o for o in d.find_elements(By.CSS_SELECTOR, option_css) if o.is_displayed() and o.text.strip()]
        return found or False

    found = wait_until(driver, 10, options)
    wanted = value.strip().lower()
    exact = [o for o in found if o.text.strip().lower() == wanted]
    starts = [o for o in found if o.text.strip().lower().startswith(wanted)]
    contains = [o for o in found if wanted in o.text.strip().lower()]
    choice = exact or starts or contains or (found if typed else [])
    if not choice:
        raise ApplyOutcome("skipped", f"no option of {value!r} is offered")
    text = str(choice[0].text).strip()
    press(driver, choice[0])
    return text


def put(driver: Any, item: Field, value: str) -> None:
    """Put `value` into the field (a select or radio option's text, 'Yes'/'No' for a checkbox)."""
    from selenium.webdriver.support.ui import Select

    if item.kind == "radio":
        press(driver, _element(driver, item.selector, value))
        return
    element = _element(driver, item.selector)
    if item.type == "file":
        driver.execute_script(
            "arguments[0].style.display = 'block'; arguments[0].style.visibility = 'visible';"
            "arguments[0].removeAttribute('hidden');",
            element,
        )
        element.send_keys(value)
    elif item.tag == "select":
        Select(element).select_by_visible_text(value)
    elif item.type == "checkbox":
        if (value == "Yes") != element.is_selected():
            press(driver, element)
    elif item.autocomplete:
        _pick_suggestion(driver, element, value, typed=not item.options)
    elif not item.visible:
        raise ApplyOutcome("failed_not_found", f"the field {item.question!r} is hidden and cannot be typed into")
    else:
        type_into(driver, element, value)


def combobox_options(driver: Any, item: Field) -> list[str]:
    """The options a combobox offers once opened (react-select renders them only then)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    element = _element(driver, item.selector)
    press(driver, element)

    def options(d: Any) -> list[str] | Literal[False]:
        found = [o.text.strip() for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if o.is_displayed()]
        return [t for t in found if t] or False

    try:
        return wait_until(driver, 5, options)
    finally:
        element.send_keys(Keys.ESCAPE)


LOCATION = re.compile(r"\b(location|city|where are you (based|located))\b", re.I)


async def fill_form(
    browser: Browser,
    fields: list[Field],
    profile: dict[str, Any],
    documents: dict[str, Any],
    pace: Pace,
    *,
    site: str,
    refill: bool = False,
) -> None:
    """Answer and fill every field. Fields that already hold an answer keep it (LinkedIn prefills
    the account's email), unless `refill`. Raises ApplyOutcome('skipped') for a required question
    that neither the profile nor the model can answer."""
    driver = browser.driver
    for item in fields:
        if item.type == "file":
            path = document_files.for_upload(f"{item.question} {item.id} {item.name}", item.accept, documents)
            if path is not None:
                await browser.run(put, driver, item, path)
                await pace.after_field()
            elif item.required and not item.answered:
                raise ApplyOutcome("skipped", f"{site} asks for a file ({item.question!r}) that Talvix does not have")
            continue
        if item.answered and not refill and item.type != "checkbox":
            continue
        if not item.visible and item.type not in ("radio", "checkbox"):
            continue  # hidden until asked for (a pasted resume beside an upload): not a question to answer
        letter = documents.get("cover_letter_text")
        if item.tag == "textarea" and "cover letter" in item.question.lower() and letter:
            await browser.run(put, driver, item, letter)
            await pace.after_field()
            continue
        if item.autocomplete and not item.options and not LOCATION.search(item.question):
            item.options = await browser.run(combobox_options, driver, item)
        question = form_answerer.Question(
            label=item.question[:1000] or "(unlabelled field)", kind=item.kind, options=item.options, required=item.required
        )
        try:
            value = (await form_answerer.answer(question, profile)).value
        except form_answerer.Unanswerable as exc:
            if item.required and not item.answered:
                raise ApplyOutcome("skipped", f"{site} asks {item.question!r}, which needs the user") from exc
            continue
        if item.type == "checkbox" and item.value == ("Yes" if value == "Yes" else ""):
            continue
        await browser.run(put, driver, item, value)
        await pace.after_field()


def rejected(fields: list[Field]) -> list[str]:
    """'question: error' for every field the site marked as rejected."""
    return [f"{f.question or f.key}: {f.error}" for f in fields if f.error]
