"""Lever (jobs.lever.co): the posting page first, then its "Apply for this job" step, then the form.

- Questions are cards whose inputs are named `cards[<uuid>][field0]`: the question a person reads
  is the card's `.application-label .text`, which handlers/apply/form_fields reads.
- Location (`#location-input`) is an autocomplete whose suggestion must be picked.
- Consent checkboxes are answered from the profile (processing consent yes, marketing no).
- hCaptcha on the page stops the run before anything is filled.
- Submit `#btn-submit`; confirmation "Application submitted!" (`.application-confirmation`).
"""

from __future__ import annotations

from handlers.apply.generic import Site

SITE = Site(
    "Lever",
    form="form#application-form, form.application-form, form[action$='/apply'], form",
    submit="#btn-submit, button.template-btn-submit, button[type=submit]",
    apply_link="a.postings-btn[href*='/apply'], a.template-btn-submit[href*='/apply'], a[href$='/apply']",
    autocompletes="#location-input, input[name=location]",
)
