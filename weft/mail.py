"""Outgoing mail over SMTP (settings WEFT_SMTP_*)."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from weft.config import Settings

SMTP_TIMEOUT_SECONDS = 30


def build_message(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from or f"Weft <notifications@{settings.domain.split(':')[0]}>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    return message


async def send(settings: Settings, message: EmailMessage) -> None:
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=settings.smtp_tls,
        start_tls=settings.smtp_starttls,
        timeout=SMTP_TIMEOUT_SECONDS,
    )
