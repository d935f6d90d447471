"""Sending mail. A retried job may send a message twice; mail has no better answer."""

from __future__ import annotations

from typing import Any

from weft import mail
from weft.jobs.kinds import SEND_MAIL
from weft.jobs.registry import JobContext, job


@job(SEND_MAIL)
async def send_mail(ctx: JobContext, payload: dict[str, Any]) -> None:
    message = mail.build_message(ctx.settings, payload["to"], payload["subject"], payload["text"])
    await mail.send(ctx.settings, message)
