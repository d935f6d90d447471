"""OAuth endpoints for clients: register an app, get and revoke tokens, metadata.

The browser side (/oauth/authorize, the sign-in and consent page) is in
weft/web/oauth.py.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, field_validator

from weft.actions import oauth
from weft.actions.sessions import authenticate
from weft.actions.two_factor import has_two_factor
from weft.api.auth import Credentials, scoped, user_scoped
from weft.api.params import form, read_params
from weft.api.schemas import Empty, answers
from weft.api.schemas.accounts import (
    Application,
    AuthorizationServer,
    CredentialApplication,
    Token,
    UserInfo,
)
from weft.api.serializers.oauth import (
    application,
    credential_application,
    token_entity,
    userinfo,
)
from weft.errors import Forbidden, Unauthorized
from weft.models import OAuthApplication
from weft.policies import scopes as scope_policy
from weft.ratelimit import SIGN_IN
from weft.runtime import Runtime, runtime
from weft.throttling import check_rate, client_ip

router = APIRouter(tags=["oauth"])

TWO_FACTOR_GRANT = (
    "This account uses two-factor sign-in, which the password grant can't ask for: "
    "sign in through the browser instead (the authorization code flow, /oauth/authorize)"
)


class AppParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_name: str
    redirect_uris: list[str]
    scopes: str | None = None
    website: str | None = None

    @field_validator("redirect_uris", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        # A string of one or more URIs separated by whitespace, or an array.
        return value.split() if isinstance(value, str) else value


@router.post(
    "/api/v1/apps", tags=["apps"], summary="Register an app", **answers(CredentialApplication)
)
async def create_app(
    params: AppParams = form(AppParams), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    app, secret = await oauth.create_application(
        rt.db,
        name=params.client_name,
        redirect_uris=params.redirect_uris,
        scopes=params.scopes,
        website=params.website,
    )
    return credential_application(app, secret)


@router.get(
    "/api/v1/apps/verify_credentials",
    tags=["apps"],
    summary="The token's app",
    **answers(Application),
)
async def verify_app(credentials: Credentials = Depends(scoped())) -> dict[str, Any]:
    if credentials.application is None:
        raise Unauthorized("The access token is invalid")
    return application(credentials.application)


def oauth_error(error: oauth.OAuthError) -> JSONResponse:
    response = JSONResponse(
        {"error": error.code, "error_description": error.description}, status_code=error.status
    )
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="Weft"'
    return response


def _basic_auth(request: Request) -> tuple[str | None, str | None]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        client_id, _, secret = base64.b64decode(value).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return client_id, secret


def _str(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


@router.post(
    "/oauth/token",
    summary="Get a token",
    **answers(Token),
)
async def token(request: Request, response: Response, rt: Runtime = Depends(runtime)) -> Any:
    params = await read_params(request)
    client_id, secret = _basic_auth(request)
    client_id = client_id or _str(params, "client_id")
    secret = secret or _str(params, "client_secret")
    grant = _str(params, "grant_type")
    try:
        app = await oauth.authenticate_client(rt.db, client_id, secret)
        if grant == "authorization_code":
            issued = await oauth.exchange_code(
                rt.db,
                app,
                _str(params, "code"),
                _str(params, "redirect_uri"),
                _str(params, "code_verifier"),
            )
        elif grant == "client_credentials":
            scopes = oauth.grantable_scopes(app, _str(params, "scope"))
            issued = await oauth.issue_token(rt.db, app, None, scopes)
        elif grant == "password":
            await check_rate(request, response, SIGN_IN, client_ip(request))
            issued = await _password_grant(rt, app, params)
        elif grant == "refresh_token":
            issued = await oauth.refresh_token(rt.db, app, _str(params, "refresh_token"))
        elif not grant:
            raise oauth.OAuthError("invalid_request", "Missing required parameter: grant_type")
        else:
            raise oauth.OAuthError(
                "unsupported_grant_type", f"The grant type {grant!r} is not supported"
            )
    except oauth.OAuthError as error:
        failed = oauth_error(error)
        # A returned response skips the dependency's headers: keep the rate limit's.
        for name, value in response.headers.items():
            if name.lower().startswith("x-ratelimit-"):
                failed.headers[name] = value
        return failed
    return token_entity(issued)


async def _password_grant(
    rt: Runtime, app: OAuthApplication, params: dict[str, Any]
) -> oauth.IssuedToken:
    username, password = _str(params, "username"), _str(params, "password")
    if not username or not password:
        raise oauth.OAuthError(
            "invalid_request", "Missing required parameter: username or password"
        )
    scopes = oauth.grantable_scopes(app, _str(params, "scope"))
    try:
        user = await authenticate(rt.db, rt.settings, username, password)
    except (Unauthorized, Forbidden) as error:
        raise oauth.OAuthError("invalid_grant", error.message) from None
    if await has_two_factor(rt.db, user.id):
        # The grant has no place for a second factor (Mastodon refuses it too):
        # the app must send the person through the browser, where it is asked.
        raise oauth.OAuthError("invalid_grant", TWO_FACTOR_GRANT)
    return await oauth.issue_token(rt.db, app, user.id, scopes)


class RevokeParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: str | None = None
    client_secret: str | None = None
    token: str


@router.post("/oauth/revoke", summary="Revoke a token", **answers(Empty))
async def revoke(
    request: Request, params: RevokeParams = form(RevokeParams), rt: Runtime = Depends(runtime)
) -> Any:
    basic_id, basic_secret = _basic_auth(request)
    try:
        app = await oauth.authenticate_client(
            rt.db, basic_id or params.client_id, basic_secret or params.client_secret
        )
    except oauth.OAuthError as error:
        return oauth_error(error)
    await oauth.revoke_token(rt.db, app, params.token)
    return {}


# Two routes, not one route of two methods: FastAPI names an operation after
# its route's first method, and /openapi.json would hold the same id twice.
@router.get("/oauth/userinfo", summary="OpenID Connect userinfo", **answers(UserInfo))
@router.post("/oauth/userinfo", summary="OpenID Connect userinfo", **answers(UserInfo))
async def get_userinfo(
    credentials: Credentials = Depends(user_scoped("profile")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """OpenID Connect's userinfo, as Mastodon 4.4+ answers it (``profile`` scope)."""
    assert credentials.account is not None
    return userinfo(credentials.account, rt.settings)


@router.get(
    "/.well-known/oauth-authorization-server",
    summary="OAuth server metadata (RFC 8414)",
    **answers(AuthorizationServer),
)
async def metadata(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    """RFC 8414 server metadata, as Mastodon 4.3+ publishes it."""
    base = rt.settings.base_url
    return {
        "issuer": base + "/",
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "userinfo_endpoint": f"{base}/oauth/userinfo",
        "app_registration_endpoint": f"{base}/api/v1/apps",
        "scopes_supported": sorted(scope_policy.ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "grant_types_supported": [
            "authorization_code",
            "password",
            "client_credentials",
            "refresh_token",
        ],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }
