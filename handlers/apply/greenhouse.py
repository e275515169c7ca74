"""Greenhouse: the classic hosted board (boards.greenhouse.io) and the current job-boards form
(job-boards.greenhouse.io), through the shared single-page flow with Greenhouse's own markup.

- The classic form is `form#application_form`; its submit control is
  `<input type="button" id="submit_app" value="Submit Application">`, and its cover letter textarea
  stays hidden until "enter manually" (`a[data-source=paste]`) is clicked.
- The current form's controls have ids and no names, required questions are marked
  `aria-required` and with an asterisk, and its dropdowns are react-select comboboxes whose
  options exist only once opened.
- Location is an autocomplete: a suggestion must be picked, typed text alone is refused.
- Confirmation: `#application_confirmation` or "Thank you for applying".
"""

from __future__ import annotations

from handlers.apply.generic import Site

SITE = Site(
    "Greenhouse",
    form="form#application_form, form#application-form, form.application--form, #application form, form",
    submit="#submit_app, button[type=submit], input[type=submit]",
    reveal="a[data-source='paste'], button[data-source='paste'], a[data-source='enter_manually']",
)
