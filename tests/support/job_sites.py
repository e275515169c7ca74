"""A generic job site served by aiohttp on 127.0.0.1: the fallback adapter's fixture (a site with no
adapter of its own). Greenhouse, Lever and LinkedIn have imitations built from their real markup in
greenhouse_site.py, lever_site.py and linkedin_site.py.

A single-page application form: the form is injected by JavaScript after a
short delay (so waits are real), with text, email, select, radio, textarea and file fields. The site
records every submission (fields, the uploaded file, the cookies) and can be told to show a closed
job, a captcha, drop the submit button, or never confirm a submission.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

FORM = """
<form id="application_form" method="post" enctype="multipart/form-data" action="/jobs/{job}/apply">
  <label for="first_name">First Name</label><input id="first_name" name="first_name" type="text" required>
  <label for="last_name">Last Name</label><input id="last_name" name="last_name" type="text" required>
  <label for="email">Email</label><input id="email" name="email" type="email" required>
  <label for="phone">Phone</label><input id="phone" name="phone" type="tel">
  <label for="years">Years of experience</label>
  <select id="years" name="years"><option value="">Select…</option><option>0-2</option><option>3-5</option>
    <option>6-10</option><option>10+</option></select>
  <fieldset><legend>Are you legally authorized to work in India?</legend>
    <label><input type="radio" name="authorized" value="Yes"> Yes</label>
    <label><input type="radio" name="authorized" value="No"> No</label></fieldset>
  <label for="resume">Resume/CV</label><input id="resume" name="resume" type="file">
  <label for="cover_letter">Cover Letter</label><textarea id="cover_letter" name="cover_letter"></textarea>
  {submit}
</form>"""


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    """Serve a fixture site on 127.0.0.1 at a free port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


@dataclass
class JobSite:
    mode: str = "ok"  # ok | closed | captcha | drop_submit | no_confirm | slow_submit
    submissions: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def url(self, job: str = "1") -> str:
        return f"http://127.0.0.1:{self.port}/jobs/{job}"

    async def page(self, request: web.Request) -> web.Response:
        job = request.match_info["job"]
        if self.mode == "closed":
            body = "<h1>Engineer</h1><p class='closed'>This job is no longer accepting applications.</p>"
        elif self.mode == "captcha":
            # What reCAPTCHA v2 renders: its anchor iframe (304×78) inside the .g-recaptcha div.
            body = (
                "<h1>Verify you are human</h1><div class='g-recaptcha' data-sitekey='x'>"
                "<iframe title='reCAPTCHA' src='about:blank#recaptcha/api2/anchor' width='304' height='78'></iframe></div>"
            )
        else:
            submit = "" if self.mode == "drop_submit" else '<button id="submit_app" type="submit">Submit Application</button>'
            form = FORM.format(job=job, submit=submit).replace("`", "\\\\`")
            body = (
                "<h1>Backend Engineer</h1><div id='app'></div>"
                f"<script>setTimeout(() => {{ document.getElementById('app').innerHTML = `{form}`; }}, 300);</script>"
            )
        return web.Response(text=f"<html><body>{body}</body></html>", content_type="text/html")

    async def apply(self, request: web.Request) -> web.Response:
        data = await request.post()
        fields = {k: v for k, v in data.items() if not hasattr(v, "file")}
        upload = data.get("resume")
        self.submissions.append(
            {
                "fields": fields,
                "cookies": dict(request.cookies),
                "file_name": getattr(upload, "filename", None),
                "file_bytes": upload.file.read() if hasattr(upload, "file") else None,
            }
        )
        if self.mode == "no_confirm":
            return web.Response(text="<html><body><p>Processing…</p></body></html>", content_type="text/html")
        if self.mode == "slow_submit":  # the submission has arrived; the answer takes a while
            await asyncio.sleep(20)
        return web.Response(text="<html><body><h1 id='thanks'>Thank you for applying!</h1></body></html>", content_type="text/html")

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_get("/jobs/{job}", self.page)
        app.router.add_post("/jobs/{job}/apply", self.apply)
        runner, self.port = await serve(app)
        return runner
