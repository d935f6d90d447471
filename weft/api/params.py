"""Request parameters the way Mastodon clients send them.

Mastodon (Rails) accepts the same parameters in the query string, as a form
(urlencoded or multipart) or as JSON, with nested names such as
``fields_attributes[0][name]`` or ``scopes[]``. Clients rely on all of these,
and no maintained Python library parses Rails' nesting, so it is done here
(docs/decisions/0003-request-parameters.md). The merged dict is then checked
against a pydantic model, whose errors become 422s that name the field.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from weft import json_input
from weft.errors import BadRequest, Invalid

M = TypeVar("M", bound=BaseModel)
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
MAX_BODY_FIELDS = 1000


def nest(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Turn Rails-style flat keys into nested dicts and lists.

    >>> nest([("a[]", "1"), ("a[]", "2"), ("f[0][name]", "x"), ("s[privacy]", "public")])
    {'a': ['1', '2'], 'f': {'0': {'name': 'x'}}, 's': {'privacy': 'public'}}
    >>> nest([("m[][id]", "1"), ("m[][text]", "x"), ("m[][id]", "2")])
    {'m': [{'id': '1', 'text': 'x'}, {'id': '2'}]}
    """
    result: dict[str, Any] = {}
    for count, (key, value) in enumerate(pairs):
        if count >= MAX_BODY_FIELDS:
            raise BadRequest(f"Too many parameters (maximum is {MAX_BODY_FIELDS})")
        match = _KEY.match(key)
        if not match:
            result[key] = value
            continue
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        _place(result, path, value, key)
    return result


def _place(target: dict[str, Any], path: list[str], value: Any, key: str) -> None:
    node: Any = target
    for i, part in enumerate(path):
        last = i == len(path) - 1
        next_is_list = not last and path[i + 1] == ""
        if part == "":
            if not isinstance(node, list):
                raise BadRequest(f"Parameter {key!r} mixes list and object forms")
            if last:
                node.append(value)
                return
            # Rails: ``a[][id]=1&a[][text]=x&a[][id]=2`` is two objects; a key
            # the last object already has starts the next one.
            if not (node and isinstance(node[-1], dict) and path[i + 1] not in node[-1]):
                node.append({})
            node = node[-1]
            continue
        if not isinstance(node, dict):
            raise BadRequest(f"Parameter {key!r} mixes list and object forms")
        if last:
            node[part] = value
            return
        default: Any = [] if next_is_list else {}
        node = node.setdefault(part, default)


def indexed_list(value: Any, field: str = "fields_attributes") -> list[Any]:
    """``{"0": a, "1": b}`` (Rails' indexed hash) or a list, as a list in index order."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        try:
            return [value[k] for k in sorted(value, key=int)]
        except ValueError:
            raise Invalid(field, "must be a list") from None
    raise Invalid(field, "must be a list")


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value: Any, field: str) -> None:
    """Refuse text no column can store: NUL (PostgreSQL refuses it) and lone
    surrogates (JSON's ``"\\ud800"`` escape; not encodable as UTF-8)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(field, "must not contain null bytes")
        if _SURROGATE.search(value):
            raise Invalid(field, "is not valid Unicode text")
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key or _SURROGATE.search(key):
                raise BadRequest("A parameter name contains a null byte or invalid Unicode")
            check_text(item, f"{field}[{key}]" if field else key)
    elif isinstance(value, list):
        for item in value:
            check_text(item, f"{field}[]")


async def read_params(request: Request) -> dict[str, Any]:
    """Query string, then the body (JSON or form), merged; the body wins."""
    params = await _read_params(request)
    check_text(params, "")
    return params


async def _read_params(request: Request) -> dict[str, Any]:
    params = nest(request.query_params.multi_items())
    if request.method in ("GET", "HEAD", "DELETE") and not request.headers.get("content-length"):
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        params.update(await _json_body(request))
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.form(max_files=20, max_fields=MAX_BODY_FIELDS)
        except FORM_ERRORS as error:
            raise unreadable_form(error) from None
        params.update(nest((k, _form_value(v)) for k, v in form.multi_items()))
    return params


# What a body that is not a readable form raises: Starlette's own errors, and
# python-multipart's (ValueErrors, as are bad encodings), which Starlette lets
# through. Every route that parses a form (here, and the streamed uploads of
# weft/api/uploads.py) answers them with :func:`unreadable_form`.
FORM_ERRORS = (HTTPException, MultiPartException, ValueError)


def unreadable_form(error: Exception) -> BadRequest:
    """The 400 for a form that could not be parsed, naming what was wrong."""
    detail = error.detail if isinstance(error, HTTPException) else str(error)
    return BadRequest(f"The form data could not be read: {detail}")


def _form_value(value: str | UploadFile) -> Any:
    return value


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await json_input.read_body(request)
    if not raw.strip():
        return {}
    try:
        body = json_input.parse(raw)
    except json_input.JSONRefused as error:
        raise BadRequest(error.args[0]) from None
    except ValueError:  # UnicodeDecodeError too
        raise BadRequest("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    return body


def validate(model: type[M], params: dict[str, Any]) -> M:
    try:
        return model.model_validate(params)
    except ValidationError as error:
        raise invalid_from(error) from None


def invalid_from(error: ValidationError) -> Invalid:
    first = error.errors()[0]
    field = _field_name(first.get("loc", ()))
    message = first.get("msg", "is invalid")
    code = "ERR_BLANK" if first.get("type") == "missing" else "ERR_INVALID"
    if first.get("type") == "missing":
        message = "can't be blank"
    return Invalid(field or "body", message[:1].lower() + message[1:], code)


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query")]
    if not parts:
        return ""
    return parts[0] + "".join(f"[{p}]" for p in parts[1:])


def form(model: type[M]) -> Any:
    """A FastAPI dependency giving ``model`` validated from every parameter source.

    A multipart form's spooled files are closed when the request ends.
    """

    async def dependency(request: Request) -> AsyncIterator[M]:
        try:
            yield validate(model, await read_params(request))
        finally:
            await request.close()

    dependency.__name__ = f"params_{model.__name__}"
    return Depends(dependency)


def bool_param(value: Any) -> bool | None:
    """Rails' boolean casting: '1', 'true', 'on' are true; '0', 'false', 'off', '' false."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "on", "yes"):
        return True
    if text in ("0", "false", "f", "off", "no", ""):
        return False
    raise ValueError("must be true or false")


Caster = Callable[[Any], Any]
