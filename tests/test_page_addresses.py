"""A nested page address (``/cases/2014``) is redirected to its first part before Streamlit draws a blank page."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard.access import page_addresses, routes

HTML = {"accept": "text/html,application/xhtml+xml"}


def _client() -> TestClient:

    async def shell(request):  # stands for Streamlit: every address answers with the page shell
        return PlainTextResponse(f"shell {request.url.path}")

    app = Starlette(routes=[Route("/{rest:path}", shell, methods=["GET", "POST"])],
                    middleware=[Middleware(page_addresses.NestedPageAddress)])
    return TestClient(app, follow_redirects=False)


@pytest.mark.parametrize(("path", "target"), [
    ("/cases/2014", "/cases"),
    ("/cases/2014/06?province=Kandal&lang=km", "/cases?province=Kandal&lang=km"),
    ("/arests/x", "/arests"),  # an unknown first part too: the app then says no page has it
])
def test_a_page_load_of_a_nested_address_goes_to_its_first_part(path, target):
    response = _client().get(path, headers=HTML)
    assert response.status_code == 302 and response.headers["location"] == target


@pytest.mark.parametrize("path", [
    "/cases", "/", "/cases/", "/static/js/index.js", "/_stcore/health", "/_cpu/download/abc", "/media/abc/def",
    "/component/streamlit_folium.st_folium/index.html", "/app/static/fonts/x", "/cases/2014.csv", "/cases/static/a.js",
])
def test_streamlits_files_routes_and_plain_page_addresses_are_untouched(path):
    response = _client().get(path, headers=HTML)
    assert response.status_code == 200 and response.text == f"shell {path}"


def test_only_a_page_load_is_redirected():
    client = _client()
    assert client.get("/cases/2014", headers={"accept": "*/*"}).status_code == 200  # a script or an API call
    assert client.post("/cases/2014", headers=HTML).status_code == 200


def test_below_a_base_path(monkeypatch):
    monkeypatch.setitem(routes._state, "root", "/cpu")  # what routes.build("cpu") sets in server.py's process
    client = _client()
    response = client.get("/cpu/cases/2014?x=1", headers=HTML)
    assert response.status_code == 302 and response.headers["location"] == "/cpu/cases?x=1"
    assert client.get("/cpu/cases", headers=HTML).status_code == 200
    assert client.get("/other/cases/2014", headers=HTML).status_code == 200  # not this site's address
