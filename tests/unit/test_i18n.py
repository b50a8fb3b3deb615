"""The pages in English and Japanese (issue 4, item 6): every string a template wraps in `_()`
has its Japanese, and the language follows the reader's choice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.requests import Request

from fleetbill.domain.tax import NO_TAX_NOTES
from fleetbill.entrypoints.web.i18n import catalog, language, translator
from fleetbill.services.switch_devices import WHAT_IT_CHANGES

PAGES = Path(__file__).parents[2] / "src" / "fleetbill" / "entrypoints"
WRAPPED = re.compile(r"""_\(\s*(?P<q>["'])(?P<text>.+?)(?P=q)""")


def wrapped_strings() -> set[str]:
    """`_("...")` in the templates, and `_("...")` / `N_("...")` in the customer pages' Python."""
    found = set()
    for source in [*PAGES.glob("*/templates/*.html"), *PAGES.glob("web/*.py")]:
        found |= {m["text"] for m in WRAPPED.finditer(source.read_text())}
    return found


def test_every_wrapped_string_in_the_templates_has_its_japanese():
    strings = wrapped_strings()
    assert {"Billing", "Card added.", "{name}: peak active devices"} <= strings  # templates and Python
    missing = sorted(s for s in strings if s not in catalog())
    assert missing == []


def test_the_english_the_services_hand_to_the_pages_has_its_japanese():
    # R21: what a switch changes, and the note of an invoice without tax, are shown on the pages
    shown = [*WHAT_IT_CHANGES.values(), *NO_TAX_NOTES.values()]
    assert [s for s in shown if s not in catalog()] == []


def test_translation_fills_placeholders_in_either_language():
    assert translator("en")("Billing") == "Billing"
    assert translator("ja")("Billing") == "請求"
    assert translator("en")("{n} devices", n=3) == "3 devices"


def _request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw, "query_string": b""})


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "en"),
        ({"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"}, "ja"),
        ({"Accept-Language": "fr-FR,en;q=0.5"}, "en"),
        ({"Accept-Language": "ja", "Cookie": "fleetbill_lang=en"}, "en"),
        ({"Cookie": "fleetbill_lang=ja"}, "ja"),
        ({"Cookie": "fleetbill_lang=xx"}, "en"),
    ],
)
def test_the_language_is_the_readers_choice_then_the_browsers_then_english(headers, expected):
    assert language(_request(headers)) == expected
