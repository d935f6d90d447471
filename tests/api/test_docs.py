"""``/docs`` works on a closed network: Swagger UI comes from Weft's own files."""

from __future__ import annotations

import re

import httpx

from weft import __version__


def test_the_docs_page_refers_to_no_other_host(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert re.findall(r"(?:https?:)?//[\w.-]+", response.text) == []
    script = re.search(r'<script src="([^"]+)"', response.text)
    stylesheet = re.search(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', response.text)
    assert script
    assert stylesheet
    answered = client.get(script.group(1))
    assert answered.status_code == 200
    assert answered.headers["content-type"].startswith(
        ("text/javascript", "application/javascript")
    )
    assert "SwaggerUIBundle" in answered.text
    assert client.get(stylesheet.group(1)).headers["content-type"].startswith("text/css")


def test_the_document_it_reads_is_there(client: httpx.Client) -> None:
    page = client.get("/docs").text
    assert "url: '/openapi.json'" in page
    document = client.get("/openapi.json").json()
    assert document["info"]["version"] == __version__
    assert "/api/v1/timelines/home" in document["paths"]
    assert "/docs" not in document["paths"]


def test_the_oauth2_redirect_page_is_still_served(client: httpx.Client) -> None:
    response = client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    assert "oauth2" in response.text
