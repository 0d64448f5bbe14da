"""A real SMTP server on 127.0.0.1 (aiosmtpd), keeping every message it accepts, with a login to check."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Inbox:
    """aiosmtpd handler: what arrived, as parsed messages."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """``SmtpServer(user, password)``: starts on a free loopback port; ``.port``, ``.inbox``, ``.close()``."""

    def __init__(self, user: str, password: str):
        self.inbox = Inbox()
        self.logins: list[tuple[str, bool]] = []

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
                user,
                password,
            )
            self.logins.append((mechanism, ok))
            return AuthResult(success=ok)

        with socket.socket() as probe:  # aiosmtpd checks its own port, so it needs one named
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=False,  # loopback only: the test sees the login itself
        )
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()
