"""Messages to citizens: the outbox of SMS and e-mail about their orders, and its drainer."""

from agent_desk.citizen.contacts import email_address, mobile_number, same_line
from agent_desk.citizen.drainer import OutboxDrainer
from agent_desk.citizen.outbox import FILED, REPLIED, CitizenOutbox
from agent_desk.citizen.senders import (
    HttpSmsGateway,
    MessageSender,
    OutgoingMessage,
    SendFailed,
    SmtpMessageSender,
    signature,
)

__all__ = [
    "FILED",
    "REPLIED",
    "CitizenOutbox",
    "HttpSmsGateway",
    "MessageSender",
    "OutboxDrainer",
    "OutgoingMessage",
    "SendFailed",
    "SmtpMessageSender",
    "email_address",
    "mobile_number",
    "same_line",
    "signature",
]
