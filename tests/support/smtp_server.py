"""A real SMTP server on 127.0.0.1 for tests: aiosmtpd's Controller (its own thread and event loop), with
AUTH PLAIN/LOGIN against one username and password (offered without TLS, as on a test relay; each mail
records who signed in), and a
handler that records every accepted message and refuses the recipients a test names.

Replies as a Postfix relay words them: a refused recipient is ``550 5.1.1 <addr>: Recipient address
rejected: User unknown in virtual mailbox table``; a greylisted one (postgrey) is ``450 4.2.0 <addr>:
Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/talvix.test.html``; an
accepted message is ``250 2.0.0 Ok: queued as <id>``.

Sources: the reply codes and enhanced status codes are RFC 5321 §4.2 and RFC 3463; the refusal text
is Postfix's for ``unknown_virtual_mailbox_reject_code`` (550, https://www.postfix.org/postconf.5.html);
the greylisting text is postgrey's default ``--greylist-text`` (https://postgrey.schweikert.ch/);
"queued as" is what Postfix's smtpd answers at the end of DATA; 535 5.7.8 is aiosmtpd's own refusal.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None  # the username the client signed in with
    queue_id: str


class _Handler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mails: list[Mail] = []
        self.refused: set[str] = set()
        self.greylisted: dict[str, int] = {}
        self.rcpt_attempts: list[str] = []
        self.counter = 0

    async def handle_RCPT(  # noqa: N802  (aiosmtpd's hook name)
        self, server: Any, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        with self.lock:
            self.rcpt_attempts.append(address)
            if address.lower() in self.refused:
                return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
            if self.greylisted.get(address.lower(), 0) > 0:
                self.greylisted[address.lower()] -= 1
                return (
                    f"450 4.2.0 <{address}>: Recipient address rejected: Greylisted, see "
                    "http://postgrey.schweikert.ch/help/talvix.test.html"
                )
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:  # noqa: N802
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        with self.lock:
            self.counter += 1
            queue_id = f"4Q{self.counter:08X}"
            self.mails.append(Mail(str(envelope.mail_from), list(envelope.rcpt_tos), message, login, queue_id))
        return f"250 2.0.0 Ok: queued as {queue_id}"


class SMTPServer:
    """Start with ``start()``, stop with ``stop()``. ``mails`` are the accepted messages in order."""

    def __init__(self, username: str, password: str) -> None:
        self.username, self.password = username, password
        self.handler = _Handler()
        with socket.socket() as probe:  # a free port: aiosmtpd's Controller checks readiness on a fixed one
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,  # a local test relay: no certificate to offer
        )

    def _authenticate(self, server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
            self.username,
            self.password,
        )
        # handled=False: aiosmtpd answers a refusal itself, with 535 5.7.8 Authentication credentials invalid.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def mails(self) -> list[Mail]:
        with self.handler.lock:
            return list(self.handler.mails)

    @property
    def rcpt_attempts(self) -> list[str]:
        """Every RCPT TO the server was asked, accepted or not."""
        with self.handler.lock:
            return list(self.handler.rcpt_attempts)

    def refuse(self, address: str) -> None:
        """RCPT TO ``address`` answers 550 5.1.1 (user unknown)."""
        with self.handler.lock:
            self.handler.refused.add(address.lower())

    def greylist(self, address: str, times: int = 1) -> None:
        """The next ``times`` RCPT TO ``address`` answer 450 4.2.0 (greylisted: try again later)."""
        with self.handler.lock:
            self.handler.greylisted[address.lower()] = times
