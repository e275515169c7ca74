"""The apply stack: everything auto_apply uses to send one application in a real browser.

browser (undetected-chromedriver on Debian's Chromium) · browser_runs (no browser outlives its
worker) · browser_slots (browsers per host) · session_validator (a stored session into the
browser) · form_fields (read and fill a form by its real markup) · outcome (named outcomes,
pacing) · form_answerer (answers to screening questions) · anti_ban_guard (per-user limits, the
fleet's LinkedIn budget) · schedule (each user's nightly apply window) · one adapter per site:
linkedin (Easy Apply), greenhouse, lever, and generic (any other single-page form, the fallback).
"""
