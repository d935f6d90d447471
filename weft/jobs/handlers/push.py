"""Sending a web push: one notification to one subscription. A push service
away (5xx, 429, no answer) is retried with the queue's backoff; one that
answers 404 or 410 has forgotten the subscription, which is removed."""

from __future__ import annotations

import logging
from typing import Any

from weft.actions.push import push_message, remove_gone
from weft.jobs.kinds import SEND_PUSH
from weft.jobs.registry import JobContext, job
from weft.push.send import Outcome, Target, send

log = logging.getLogger("weft.push")


@job(SEND_PUSH)
async def send_push(ctx: JobContext, payload: dict[str, Any]) -> None:
    subscription_id = int(payload["subscription_id"])
    message = await push_message(
        ctx.db, ctx.settings, subscription_id, int(payload["notification_id"])
    )
    if message is None:
        return
    sub = message.subscription
    target = Target(sub.endpoint, sub.key_p256dh, sub.key_auth)
    outcome = await send(ctx.settings, target, message.payload)
    if outcome is Outcome.GONE:
        await remove_gone(ctx.db, subscription_id)
    elif outcome is Outcome.REFUSED:
        log.info("push: %s refused a message; not sent again", sub.endpoint)
