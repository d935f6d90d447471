"""The browser side of OAuth: /oauth/authorize, the consent page (RFC 6749 section 4.1).

Mastodon's parameters: response_type, client_id, redirect_uri, scope, state,
code_challenge, code_challenge_method, force_login, lang. Tokens are issued
by weft/api/oauth.py; the rules are in weft/actions/oauth.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from weft.actions import oauth
from weft.errors import BadRequest
from weft.models import OAuthApplication, User
from weft.runtime import Runtime, runtime
from weft.web.scopes import describe
from weft.web.session import current_user, form_fields, no_nul
from weft.web.templating import render

router = APIRouter(prefix="/oauth")

UNKNOWN_CLIENT = "The app asking for access is not registered on this server (unknown client_id)."
BAD_REDIRECT = (
    "The redirect_uri does not match one the app registered, so this server will not "
    "send you there."
)
DENIED = "The resource owner or authorization server denied the request."
TRUE = frozenset({"1", "true", "on", "yes"})


@dataclass(frozen=True)
class AuthorizeParams:
    response_type: str
    client_id: str
    redirect_uri: str | None
    scope: str | None
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    force_login: bool

    @classmethod
    def parse(cls, source: Mapping[str, str]) -> AuthorizeParams:
        def text(name: str) -> str | None:
            return source.get(name) or None

        return cls(
            response_type=source.get("response_type", ""),
            client_id=source.get("client_id", ""),
            redirect_uri=text("redirect_uri"),
            scope=text("scope"),
            state=text("state"),
            code_challenge=text("code_challenge"),
            code_challenge_method=text("code_challenge_method"),
            force_login=source.get("force_login", "").lower() in TRUE,
        )

    def authorize_url(self) -> str:
        """This request as a GET /oauth/authorize, without force_login (sign-in's ``next``)."""
        pairs = {
            "response_type": self.response_type,
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "code_challenge": self.code_challenge,
            "code_challenge_method": self.code_challenge_method,
        }
        return "/oauth/authorize?" + urlencode({k: v for k, v in pairs.items() if v})


@dataclass(frozen=True)
class Grant:
    """A request whose client and redirect_uri check out."""

    app: OAuthApplication
    redirect_uri: str
    params: AuthorizeParams


def with_params(uri: str, **params: str | None) -> str:
    """``uri`` with ``params`` added to its query, keeping what it had."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


async def _trusted_grant(rt: Runtime, params: AuthorizeParams) -> Grant:
    """Client and redirect_uri first: until both check out, redirect nowhere (4.1.2.1)."""
    try:
        app = await oauth.find_client(rt.db, params.client_id)
    except oauth.OAuthError:
        raise BadRequest(UNKNOWN_CLIENT) from None
    try:
        redirect_uri = oauth.check_redirect(app, params.redirect_uri)
    except oauth.OAuthError:
        raise BadRequest(BAD_REDIRECT) from None
    return Grant(app, redirect_uri, params)


def _refuse(grant: Grant, code: str, description: str, status: int = 302) -> Response:
    """Send the error back to the app; out-of-band apps have nowhere to go, so say it here."""
    if grant.redirect_uri == oauth.OOB:
        raise BadRequest(f"{description} ({code})")
    target = with_params(
        grant.redirect_uri, error=code, error_description=description, state=grant.params.state
    )
    return RedirectResponse(target, status_code=status)


def _scopes(grant: Grant) -> list[str]:
    """The scopes to ask for, once the request is known to be one we can grant."""
    if grant.params.response_type != "code":
        raise oauth.OAuthError("unsupported_response_type", "Only response_type=code is supported")
    # Refuse a bad PKCE challenge before the person is asked, not after they agree.
    oauth.check_code_challenge(grant.params.code_challenge, grant.params.code_challenge_method)
    return oauth.grantable_scopes(grant.app, grant.params.scope)


def _to_sign_in(params: AuthorizeParams) -> Response:
    return RedirectResponse(
        "/auth/sign_in?" + urlencode({"next": params.authorize_url()}), status_code=302
    )


@router.get("/authorize", response_model=None)
async def authorize(
    request: Request, user: User | None = Depends(current_user), rt: Runtime = Depends(runtime)
) -> Response:
    params = AuthorizeParams.parse(no_nul(request.query_params))
    grant = await _trusted_grant(rt, params)
    try:
        scopes = _scopes(grant)
    except oauth.OAuthError as error:
        return _refuse(grant, error.code, error.description)
    if user is None or params.force_login:
        return _to_sign_in(params)
    context = {
        "app": grant.app,
        "user": user,
        "account": user.account,
        "domain": rt.settings.domain,
        "scopes": [(scope, describe(scope)) for scope in scopes],
        "hidden": {
            "response_type": params.response_type,
            "client_id": params.client_id,
            "redirect_uri": grant.redirect_uri,
            "scope": " ".join(scopes),
            "state": params.state or "",
            "code_challenge": params.code_challenge or "",
            "code_challenge_method": params.code_challenge_method or "",
        },
    }
    return await render(request, "oauth/authorize.html", context)


@router.post("/authorize", response_model=None)
async def decide(
    request: Request, user: User | None = Depends(current_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    grant = await _trusted_grant(rt, AuthorizeParams.parse(fields))
    decision = fields.get("decision", "approve")
    if decision not in ("approve", "deny"):
        raise BadRequest("decision must be approve or deny")
    try:
        scopes = _scopes(grant)
    except oauth.OAuthError as error:
        return _refuse(grant, error.code, error.description, 303)
    if user is None:
        return _to_sign_in(grant.params)
    if decision == "deny":
        if grant.redirect_uri == oauth.OOB:
            return await render(request, "oauth/denied.html", {"app": grant.app})
        return _refuse(grant, "access_denied", DENIED, 303)
    try:
        code = await oauth.create_authorization_code(
            rt.db,
            grant.app,
            user,
            redirect_uri=grant.redirect_uri,
            scopes=scopes,
            code_challenge=grant.params.code_challenge,
            code_challenge_method=grant.params.code_challenge_method,
        )
    except oauth.OAuthError as error:
        return _refuse(grant, error.code, error.description, 303)
    if grant.redirect_uri == oauth.OOB:
        return await render(request, "oauth/code.html", {"app": grant.app, "code": code})
    target = with_params(grant.redirect_uri, code=code, state=grant.params.state)
    return RedirectResponse(target, status_code=303)
