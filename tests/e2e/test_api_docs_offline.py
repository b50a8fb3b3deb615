"""The API's reference (/docs) works with no internet (issue 8, item 19): Swagger UI loads from
files served by fleetbill itself, and renders the operations in Chromium with every request to
another host refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from fleetbill.entrypoints.api import create_api


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_the_reference_names_no_other_host_and_its_assets_load_from_the_app(app):
    with TestClient(create_api(app)) as client:
        assert client.get("/redoc").status_code == 404  # ReDoc's page would fetch a logo from a CDN
        html = client.get("/docs")
        assert html.status_code == 200
        assert "://" not in html.text and "//cdn" not in html.text and "fonts.googleapis" not in html.text
        assets = _asset_urls(html.text)
        assert assets and all(url.startswith("/docs-assets/") for url in assets), assets
        for url in assets:
            loaded = client.get(url)
            assert loaded.status_code == 200 and len(loaded.content) > 1_000, url


def _offline_page(browser, base: str):
    """A page whose requests to any host but the app's are aborted and recorded."""
    context = browser.new_context()
    refused: list[str] = []

    def only_the_app(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    return context, context.new_page(), refused


def test_swagger_ui_renders_the_operations_with_no_internet(live_server, browser):
    base, _ = live_server
    context, page, refused = _offline_page(browser, base)
    try:
        page.goto(f"{base}/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        assert page.locator(".opblock").count() > 20
        assert page.locator(".opblock-summary-path", has_text="/v1/accounts").count() >= 1
        assert "Unable to render" not in page.content()
    finally:
        context.close()
    assert refused == []
