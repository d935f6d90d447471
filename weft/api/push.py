"""Mastodon's web push API: ``/api/v1/push/subscription`` (POST, GET, PUT,
DELETE), one subscription per access token, under the ``push`` scope
(weft/actions/push.py says what is pushed; docs/api.md, "Web push")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from weft.actions import push as push_actions
from weft.api.auth import Credentials, user_scoped
from weft.api.params import bool_param, form
from weft.api.schemas import Empty, answers
from weft.api.schemas.notifications import WebPushSubscription
from weft.api.serializers.push import push_subscription_entity
from weft.errors import Invalid
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["push"])
PATH = "/api/v1/push/subscription"
PUSH = user_scoped("push")


class PushParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    subscription: Any = None
    data: Any = None
    policy: Any = None  # masto.js sends the policy beside data, Mastodon's docs inside


def keys_of(params: PushParams) -> push_actions.Keys:
    raw = params.subscription
    if not isinstance(raw, dict):
        raise Invalid("subscription[endpoint]", "can't be blank", "ERR_BLANK")
    keys = raw.get("keys")
    if not isinstance(keys, dict):
        raise Invalid("subscription[keys][p256dh]", "can't be blank", "ERR_BLANK")
    return push_actions.Keys(
        endpoint=_text(raw.get("endpoint"), "subscription[endpoint]"),
        p256dh=_text(keys.get("p256dh"), "subscription[keys][p256dh]"),
        auth=_text(keys.get("auth"), "subscription[keys][auth]"),
        standard=_flag(raw.get("standard"), "subscription[standard]", default=True),
    )


def data_of(params: PushParams) -> push_actions.Data:
    raw = params.data if params.data is not None else {}
    if not isinstance(raw, dict):
        raise Invalid("data", "must be an object with alerts and a policy")
    alerts = raw.get("alerts")
    if alerts is not None and not isinstance(alerts, dict):
        raise Invalid("data[alerts]", "must be an object of notification types")
    policy = raw.get("policy", params.policy)
    if policy is not None and not isinstance(policy, str):
        raise Invalid("data[policy]", "must be one of " + ", ".join(push_actions.POLICIES))
    return push_actions.Data(
        alerts=None
        if alerts is None
        else {str(k): _flag(v, f"data[alerts][{k}]", default=False) for k, v in alerts.items()},
        policy=policy,
    )


def _text(value: Any, field: str) -> str:
    if value is None or value == "":
        raise Invalid(field, "can't be blank", "ERR_BLANK")
    if not isinstance(value, str):
        raise Invalid(field, "must be text")
    return value


def _flag(value: Any, field: str, *, default: bool) -> bool:
    try:
        flag = bool_param(value)
    except ValueError:
        raise Invalid(field, "must be true or false") from None
    return default if flag is None else flag


def _owner(credentials: Credentials) -> tuple[int, int]:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id, credentials.token.id


@router.post(PATH, summary="Subscribe to web push", **answers(WebPushSubscription))
async def create(
    credentials: Credentials = Depends(PUSH),
    params: PushParams = form(PushParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    account_id, token_id = _owner(credentials)
    subscription = await push_actions.subscribe(
        rt.db, rt.settings, account_id, keys_of(params), data_of(params), token_id=token_id
    )
    return push_subscription_entity(subscription, rt.settings)


@router.get(PATH, summary="The token's web push subscription", **answers(WebPushSubscription))
async def show(
    credentials: Credentials = Depends(PUSH), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    _, token_id = _owner(credentials)
    subscription = await push_actions.current(rt.db, token_id=token_id)
    return push_subscription_entity(subscription, rt.settings)


@router.put(PATH, summary="Change what is pushed", **answers(WebPushSubscription))
async def change(
    credentials: Credentials = Depends(PUSH),
    params: PushParams = form(PushParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    _, token_id = _owner(credentials)
    subscription = await push_actions.change(rt.db, data_of(params), token_id=token_id)
    return push_subscription_entity(subscription, rt.settings)


@router.delete(PATH, summary="Unsubscribe", **answers(Empty))
async def remove(
    credentials: Credentials = Depends(PUSH), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    _, token_id = _owner(credentials)
    await push_actions.unsubscribe(rt.db, token_id=token_id)
    return {}
