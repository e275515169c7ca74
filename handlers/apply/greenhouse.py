"""Greenhouse: the classic hosted board (boards.greenhouse.io) and the current job-boards form
(job-boards.greenhouse.io), through the shared single-page flow with Greenhouse's own markup.

- The classic form is `form#application_form`; its submit control is
  `<input type="button" id="submit_app" value="Submit Application">`. Files go through forms of
  their own beside it (`form#s3_upload_for_resume`, `form#s3_upload_for_cover_letter`), whose file
  inputs have no label; the pasted alternatives ("or enter manually") are not used.
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
    uploads=(
        ("resume", "form#s3_upload_for_resume input[type=file]"),
        ("cover_letter", "form#s3_upload_for_cover_letter input[type=file]"),
    ),
)
