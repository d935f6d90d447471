"""Accounts: sign-up through the API, one's own profile, finding people, one's
private notes on accounts and restricting them (Weft)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.datastructures import UploadFile

from weft.actions import accounts as account_actions
from weft.actions import graph as graph_actions
from weft.actions.oauth import issue_token
from weft.actions.profile_images import Photo, Which, photo_from_file, set_profile_image
from weft.api.auth import Credentials, scoped, scoped_if_token, user_scoped
from weft.api.params import bool_param, form, indexed_list
from weft.api.schemas import answers, inputs
from weft.api.schemas.accounts import Account as AccountEntity
from weft.api.schemas.accounts import CredentialAccount, Relationship, Token
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import credential_account
from weft.api.serializers.oauth import token_entity
from weft.api.serializers.relationships import relationship
from weft.errors import Invalid
from weft.queries import graph as graph_queries
from weft.queries.accounts import get_account, lookup_account, moved_target, parse_id
from weft.queries.graph import follow_requests_count
from weft.runtime import Runtime, runtime
from weft.throttling import client_ip

router = APIRouter(tags=["accounts"])


class SignUpParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    username: str
    email: str
    password: str
    agreement: Any = None
    locale: str = "en"
    reason: str | None = Field(
        None, description="Why they want to join; required when sign-ups need approval."
    )
    invite_code: str | None = Field(
        None, description="An invite link's code: signs up in invite-only mode, past the queue."
    )
    date_of_birth: str | None = None


@router.post(
    "/api/v1/accounts",
    summary="Sign up (with an app's token)",
    **answers(Token),
)
async def create_account(
    request: Request,
    # Credentials before parameters: a caller without a token learns nothing about them.
    credentials: Credentials = Depends(scoped("write:accounts")),
    params: SignUpParams = form(SignUpParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    try:
        agreed = bool_param(params.agreement) is True
    except ValueError:
        agreed = False
    user = await account_actions.register_account(
        rt.db,
        rt.settings,
        account_actions.SignUp(
            username=params.username,
            email=params.email,
            password=params.password,
            locale=params.locale[:16],
            ip=client_ip(request),
            agreement=agreed,
            reason=params.reason or "",
            invite_code=params.invite_code or "",
        ),
    )
    app = credentials.application
    scopes = app.scopes.split() if app else ["read"]
    issued = await issue_token(rt.db, app, user.id, scopes)
    return token_entity(issued)


@router.get(
    "/api/v1/accounts/verify_credentials", summary="One's own account", **answers(CredentialAccount)
)
async def verify_credentials(
    credentials: Credentials = Depends(user_scoped("read:accounts", "profile")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    assert credentials.user is not None
    assert credentials.account is not None
    waiting = await follow_requests_count(rt.db, credentials.account.id)
    return credential_account(credentials.account, credentials.user, rt.settings, waiting)


class FieldParam(BaseModel):
    name: str = ""
    value: str = ""


class ProfileParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    indexable: bool | None = None
    hide_collections: bool | None = None
    # Weft's fediverse switch (not in Mastodon's API; clients that don't know it omit it).
    federated: bool | None = None
    # Weft's "who may message me": everyone | following | nobody (also as source[chat_policy]).
    chat_policy: str | None = None
    # Weft's "whose mentions reach me": everyone | following | followers (also in source).
    mention_policy: str | None = None
    fields_attributes: list[FieldParam] | None = None
    source: dict[str, Any] | None = None
    # Files (multipart): new pictures, checked and cropped before anything is saved.
    avatar: Any = None
    header: Any = None

    @field_validator(
        "locked",
        "bot",
        "discoverable",
        "indexable",
        "hide_collections",
        "federated",
        mode="before",
    )
    @classmethod
    def _rails_bool(cls, value: Any) -> bool | None:
        return bool_param(value)

    @field_validator("fields_attributes", mode="before")
    @classmethod
    def _indexed(cls, value: Any) -> Any:
        return indexed_list(value) if value is not None else None


def _source_change(source: dict[str, Any] | None) -> dict[str, Any]:
    if not source:
        return {}
    change: dict[str, Any] = {}
    if "privacy" in source:
        change["default_privacy"] = str(source["privacy"])
    if "sensitive" in source:
        try:
            change["default_sensitive"] = bool_param(source["sensitive"])
        except ValueError:
            raise Invalid("source[sensitive]", "must be true or false") from None
    if source.get("language"):
        change["default_language"] = str(source["language"])
    for name in ("chat_policy", "mention_policy"):
        if name in source:
            change[name] = str(source[name])
    return change


@router.patch(
    "/api/v1/accounts/update_credentials",
    summary="Change one's profile",
    **answers(CredentialAccount),
)
async def update_credentials(
    credentials: Credentials = Depends(user_scoped("write:accounts")),
    params: ProfileParams = form(ProfileParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    return await _update_credentials(credentials, params, rt)


async def _update_credentials(
    credentials: Credentials, params: ProfileParams, rt: Runtime
) -> dict[str, Any]:
    assert credentials.user is not None
    assert credentials.account is not None
    fields = (
        [(f.name, f.value) for f in params.fields_attributes]
        if params.fields_attributes is not None
        else None
    )
    change = account_actions.ProfileChange(
        display_name=params.display_name,
        note=params.note,
        fields=fields,
        locked=params.locked,
        bot=params.bot,
        discoverable=params.discoverable,
        indexable=params.indexable,
        hide_collections=params.hide_collections,
        federated=params.federated,
        **{
            "chat_policy": params.chat_policy,
            "mention_policy": params.mention_policy,
            **_source_change(params.source),
        },
    )
    uploads: dict[Which, Any] = {"avatar": params.avatar, "header": params.header}
    photos = [
        await _photo(which, upload, rt) for which, upload in uploads.items() if upload is not None
    ]
    account, user = await account_actions.update_profile(rt.db, credentials.account.id, change)
    for photo in photos:
        account = await set_profile_image(rt.db, rt.settings, account.id, photo)
    waiting = await follow_requests_count(rt.db, account.id)
    return credential_account(account, user, rt.settings, waiting)


async def _photo(which: Which, upload: Any, rt: Runtime) -> Photo:
    if not isinstance(upload, UploadFile):
        raise Invalid(which, "must be a file sent as multipart/form-data")
    return await photo_from_file(rt.settings, which, upload.file)


@router.get(
    "/api/v1/accounts/lookup", summary="An account by its address", **answers(AccountEntity)
)
async def lookup(
    acct: str = "",
    _: Credentials | None = Depends(scoped_if_token("read:accounts")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    if not acct.strip():
        raise Invalid("acct", "can't be blank", "ERR_BLANK")
    account = await lookup_account(rt.db, acct, rt.settings.domain)
    return account_entity(account, rt.settings, await moved_target(rt.db, account))


@router.get("/api/v1/accounts/{account_id}", summary="An account", **answers(AccountEntity))
async def show(
    account_id: str,
    _: Credentials | None = Depends(scoped_if_token("read:accounts")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    account = await get_account(rt.db, parse_id(account_id))
    return account_entity(account, rt.settings, await moved_target(rt.db, account))


# --- one's private note on an account, and restricting it -----------------------


class NoteParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    comment: str = Field("", description="The note (empty: none); at most 2,000 characters.")


async def _relate(rt: Runtime, me: int, account_id: int) -> dict[str, Any]:
    return relationship(await graph_queries.relationship(rt.db, me, account_id))


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None
    return credentials.account.id


@router.post(
    "/api/v1/accounts/{account_id}/note",
    summary="Set one's private note on an account",
    **answers(Relationship),
    **inputs(form=NoteParams),
)
async def note(
    account_id: str,
    credentials: Credentials = Depends(user_scoped("write:accounts")),
    params: NoteParams = form(NoteParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    target = parse_id(account_id)
    await graph_actions.set_account_note(rt.db, _me(credentials), target, params.comment)
    return await _relate(rt, _me(credentials), target)


@router.post(
    "/api/weft/v1/accounts/{account_id}/restrict",
    summary="Restrict an account (Weft)",
    description="Their replies to one's posts are seen by themselves alone and notify "
    "nobody; their messages land in requests. They are not told.",
    **answers(Relationship),
)
async def restrict(
    account_id: str,
    credentials: Credentials = Depends(user_scoped("write:blocks")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    target = parse_id(account_id)
    await graph_actions.restrict_account(rt.db, _me(credentials), target)
    return await _relate(rt, _me(credentials), target)


@router.post(
    "/api/weft/v1/accounts/{account_id}/unrestrict",
    summary="Lift a restriction (Weft)",
    **answers(Relationship),
)
async def unrestrict(
    account_id: str,
    credentials: Credentials = Depends(user_scoped("write:blocks")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    target = parse_id(account_id)
    await graph_actions.unrestrict_account(rt.db, _me(credentials), target)
    return await _relate(rt, _me(credentials), target)
