"""A mail transport for unit tests: keeps what it is given, and refuses the addresses it is told to refuse."""

from __future__ import annotations

import threading
from email.message import EmailMessage

from agent.outreach.mailer import MailError


class FakeTransport:
    """Speaks the `MailTransport` interface (`send(EmailMessage)`), as the outbox and SMTP transports do.

    `refuse(address, error, times)` makes the next `times` sends to that address raise `error` (every send when
    `times` is None): a `PermanentFailure` stands for a 5xx bounce, a `TemporaryFailure` for a 4xx or a timeout.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        """Messages the "server" accepted."""
        self.attempts: list[str] = []
        """Recipient of every send, accepted or not."""
        self._refusals: dict[str, tuple[MailError, int | None]] = {}
        self._lock = threading.Lock()

    def refuse(self, address: str, error: MailError, times: int | None = 1) -> None:
        with self._lock:
            self._refusals[address.lower()] = (error, times)

    def send(self, msg: EmailMessage) -> None:
        recipient = str(msg["To"]).lower()
        with self._lock:
            self.attempts.append(recipient)
            error, times = self._refusals.get(recipient, (None, 0))
            if error is not None and (times is None or times > 0):
                if times is not None:
                    self._refusals[recipient] = (error, times - 1)
                raise error
            self.messages.append(msg)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if str(m["To"]).lower() == address.lower()]
