"""Fixture job sites served by aiohttp on 127.0.0.1 for the browser tests.

An ATS application page in the Greenhouse/Lever style: the form is injected by JavaScript after a
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
            body = ("<h1>Verify you are human</h1><div class='g-recaptcha' data-sitekey='x'>"
                    "<iframe title='reCAPTCHA' src='about:blank#recaptcha/api2/anchor' width='304' height='78'></iframe></div>")
        else:
            submit = "" if self.mode == "drop_submit" else '<button id="submit_app" type="submit">Submit Application</button>'
            form = FORM.format(job=job, submit=submit).replace("`", "\\\\`")
            body = ("<h1>Backend Engineer</h1><div id='app'></div>"
                    f"<script>setTimeout(() => {{ document.getElementById('app').innerHTML = `{form}`; }}, 300);</script>")
        return web.Response(text=f"<html><body>{body}</body></html>", content_type="text/html")

    async def apply(self, request: web.Request) -> web.Response:
        data = await request.post()
        fields = {k: v for k, v in data.items() if not hasattr(v, "file")}
        upload = data.get("resume")
        self.submissions.append({"fields": fields, "cookies": dict(request.cookies),
                                 "file_name": getattr(upload, "filename", None),
                                 "file_bytes": upload.file.read() if hasattr(upload, "file") else None})
        if self.mode == "no_confirm":
            return web.Response(text="<html><body><p>Processing…</p></body></html>", content_type="text/html")
        if self.mode == "slow_submit":  # the submission has arrived; the answer takes a while
            await asyncio.sleep(20)
        return web.Response(text="<html><body><h1 id='thanks'>Thank you for applying!</h1></body></html>",
                            content_type="text/html")

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_get("/jobs/{job}", self.page)
        app.router.add_post("/jobs/{job}/apply", self.apply)
        runner, self.port = await serve(app)
        return runner


MODAL_STEPS_JS = r"""
const steps = [
  `<h3>Contact info</h3>
   <label for="phone">Mobile phone number</label><input id="phone" name="phone" class="artdeco-text-input--input" type="text" required>
   <label for="email">Email address</label><select id="email" name="email" required><option value="">Select an option</option><option>asha@x.dev</option></select>
   <button aria-label="Continue to next step">Next</button>`,
  `<h3>Resume</h3><label for="resume">Upload resume</label><input id="resume" name="resume" type="file">
   <button aria-label="Continue to next step">Next</button>`,
  `<h3>Additional questions</h3>
   <label for="years">How many years of work experience do you have with Python?</label>
   <input id="years" name="years" class="artdeco-text-input--input" type="text" required>
   <fieldset><legend>Are you legally authorized to work in India?</legend>
     <label><input type="radio" name="authorized" value="Yes" required> Yes</label>
     <label><input type="radio" name="authorized" value="No"> No</label></fieldset>
   <button aria-label="Review your application">Review</button>`,
  `<h3>Review your application</h3>SUBMIT_BUTTON`,
];
let step = 0;
const modal = () => document.getElementById('modal');
function render() { modal().innerHTML = steps[step]; modal().querySelector('button').onclick = advance; }
function advance(ev) {
  ev.preventDefault();
  const missing = [...modal().querySelectorAll('[required]')].filter(e => e.type === 'radio'
      ? !modal().querySelector(`input[name="${e.name}"]:checked`) : !e.value);
  modal().querySelectorAll('p[data-test-form-element-error-message]').forEach(p => p.remove());
  if (missing.length) {
    modal().insertAdjacentHTML('beforeend', '<p data-test-form-element-error-message="true">Please enter a valid answer</p>');
    return;
  }
  const collected = document.getElementById('collected');
  modal().querySelectorAll('input, select').forEach(e => collected.appendChild(e));
  if (step === steps.length - 1) { submitApplication(); return; }
  step += 1; render();
}
async function submitApplication() {
  await fetch(location.pathname.replace(/\/$/, '') + '/easy-apply', {method: 'POST', body: new FormData(document.getElementById('collected'))});
  if (!NO_CONFIRM) modal().innerHTML = '<h2>Your application was sent to Acme!</h2>';
}
document.querySelector('button.jobs-apply-button').onclick = () => {
  document.body.insertAdjacentHTML('beforeend', '<div id="modal" class="jobs-easy-apply-modal artdeco-modal" role="dialog"></div>');
  render();
};
"""


@dataclass
class LinkedInSite:
    """A stand-in for linkedin.com: sign-in by the li_at cookie, job pages, and the Easy Apply modal."""

    token: str = "AQEDAT-fixture-session"
    mode: str = "ok"  # ok | signed_out | captcha | applied | closed | drop_submit | no_confirm
    submissions: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def job_url(self, job: str = "42") -> str:
        return f"{self.origin}/jobs/view/{job}/"

    def signed_in(self, request: web.Request) -> bool:
        return self.mode != "signed_out" and request.cookies.get("li_at") == self.token

    @staticmethod
    def html(body: str, script: str = "") -> web.Response:
        return web.Response(text=f"<html><body>{body}<script>{script}</script></body></html>", content_type="text/html")

    async def home(self, request: web.Request) -> web.Response:
        return self.html("<h1>LinkedIn</h1>")

    async def feed(self, request: web.Request) -> web.Response:
        if not self.signed_in(request):
            raise web.HTTPFound("/authwall")
        return self.html('<nav id="global-nav"><div class="global-nav__me">Me</div></nav><h1>Feed</h1>')

    async def authwall(self, request: web.Request) -> web.Response:
        return self.html('<h1>Sign in</h1><form class="login__form"><input name="session_key"></form>')

    async def checkpoint(self, request: web.Request) -> web.Response:
        return self.html('<h1>Let\'s do a quick security check</h1><div id="captcha-internal"></div>')

    async def job(self, request: web.Request) -> web.Response:
        if not self.signed_in(request):
            raise web.HTTPFound("/authwall")
        if self.mode == "captcha":
            raise web.HTTPFound("/checkpoint/challenge")
        if self.mode == "applied":
            return self.html('<h1>Backend Engineer</h1><div class="jobs-s-apply">'
                             '<span class="artdeco-inline-feedback--success">Applied 2 days ago</span></div>')
        if self.mode == "closed":
            return self.html("<h1>Backend Engineer</h1><p>No longer accepting applications</p>")
        submit = "" if self.mode == "drop_submit" else '<button aria-label="Submit application">Submit application</button>'
        script = MODAL_STEPS_JS.replace("SUBMIT_BUTTON", submit).replace("NO_CONFIRM", str(self.mode == "no_confirm").lower())
        return self.html('<h1>Backend Engineer</h1><button class="jobs-apply-button">Easy Apply</button>'
                         '<form id="collected" style="display:none"></form>', script)

    async def easy_apply(self, request: web.Request) -> web.Response:
        data = await request.post()
        upload = data.get("resume")
        self.submissions.append({"fields": {k: v for k, v in data.items() if not hasattr(v, "file")},
                                 "cookies": dict(request.cookies), "file_name": getattr(upload, "filename", None),
                                 "file_bytes": upload.file.read() if hasattr(upload, "file") else None})
        return web.json_response({"ok": True})

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_get("/", self.home)
        app.router.add_get("/feed/", self.feed)
        app.router.add_get("/authwall", self.authwall)
        app.router.add_get("/checkpoint/challenge", self.checkpoint)
        app.router.add_get("/jobs/view/{job}/", self.job)
        app.router.add_post("/jobs/view/{job}/easy-apply", self.easy_apply)
        runner, self.port = await serve(app)
        return runner
