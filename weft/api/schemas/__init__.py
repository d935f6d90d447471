"""The API's answers and parameters as the OpenAPI document at ``/docs`` shows them.

The serializers (weft/api/serializers/) build plain dicts, and the hottest
routes JSON bytes, on purpose: validating each answer against a pydantic
model would cost more than rendering it. So the entity models here only
*document*: ``answers(Status)`` puts the model in the document while the
route's answer is passed through untouched (``Documented``: no validation,
serialized as it is). ``tests/api/test_openapi_schemas.py`` keeps the models
true by validating real answers against the published document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, TypeAdapter
from pydantic.annotated_handlers import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = ["PAGING", "Documented", "Empty", "Error", "answers", "inputs", "query", "weft_field"]


class Entity(BaseModel):
    """A documented entity; answers may carry fields a later version adds."""

    model_config = ConfigDict(extra="allow")


class Error(Entity):
    """Every error answer (Mastodon's shape; OAuth's adds ``error_description``)."""

    error: str = Field(description="What went wrong, for people.")
    error_description: str | None = Field(None, description="OAuth errors: the details.")
    details: dict[str, list[dict[str, str]]] | None = Field(
        None,
        description="A 422's fields and what is wrong with each "
        '(`{"status": [{"error": "ERR_BLANK", "description": "..."}]}`).',
    )


class Empty(Entity):
    """An empty object (``{}``): done, nothing to show."""


@dataclass(frozen=True, slots=True)
class _AsDocumented:
    """Validation passes anything through; the JSON schema is ``model``'s."""

    model: Any

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.any_schema()

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = TypeAdapter(self.model).core_schema
        ref = schema.get("ref")
        if ref is not None:  # a model: named in the document's components, not inlined
            schema = core_schema.definitions_schema(
                core_schema.definition_reference_schema(ref), [schema]
            )
        return handler(schema)


def Documented(model: Any) -> Any:
    """A response model shown as ``model`` that neither checks nor converts
    the answer (FastAPI still writes a returned dict with pydantic's encoder)."""
    return Annotated[Any, _AsDocumented(model)]


ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "model": Error,
        "description": "Refused: 401 no or a bad token, 403 not allowed, 404 not found "
        "(or not visible), 422 a bad parameter (`details` names it), 429 rate limited.",
    }
}


def answers(
    model: Any,
    *,
    status: int = 200,
    description: str = "Success",
    also: dict[int, tuple[Any, str]] | None = None,
) -> dict[str, Any]:
    """A route decorator's keywords documenting its answer as ``model``
    (``also``: other success codes, e.g. 202 while media is processed)."""
    responses: dict[int | str, dict[str, Any]] = {status: {"description": description}}
    for code, (other, text) in (also or {}).items():
        responses[code] = {"model": Documented(other), "description": text}
    responses.update(ERRORS)
    return {"response_model": Documented(model), "status_code": status, "responses": responses}


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """An OpenAPI query parameter read from ``request.query_params`` by the route."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    query("max_id", {"type": "string"}, "Answers older than this id."),
    query("since_id", {"type": "string"}, "Answers newer than this id."),
    query("min_id", {"type": "string"}, "Answers just newer than this id (the next page up)."),
    query("limit", {"type": "integer", "minimum": 1, "maximum": 40}, "How many (default 20)."),
]


def inputs(
    *parameters: dict[str, Any], form: type[BaseModel] | None = None, about: str = ""
) -> dict[str, Any]:
    """``openapi_extra`` for what a route reads itself: query ``parameters``
    (``request.query_params``) and a ``form`` body (``weft.api.params.form``).

    A form's fields may come as a query string, a form (Rails nesting such as
    ``poll[options][]``) or JSON; the document shows the JSON and form bodies.
    """
    extra: dict[str, Any] = {}
    if parameters:
        extra["parameters"] = list(parameters)
    if form is not None:
        schema = _inlined(form.model_json_schema())
        content = {
            media: {"schema": schema}
            for media in ("application/json", "application/x-www-form-urlencoded")
        }
        extra["requestBody"] = {"required": False, "content": content}
        if about:
            extra["requestBody"]["description"] = about
    return {"openapi_extra": extra}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its ``$defs`` written in place (a body's schema sits
    inside the document, where ``#/$defs/...`` would not resolve)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


def weft_field(description: str, threads: str | None = None, **kwargs: Any) -> Any:
    """A field Weft adds to Mastodon's entity, saying so (and Threads' name for it)."""
    text = f"Weft's addition: {description}"
    if threads:
        text += f" (Threads API: `{threads}`)"
    return Field(description=text, **kwargs)
