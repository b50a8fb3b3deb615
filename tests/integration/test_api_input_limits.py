"""Input the API refuses with a short, clear 4xx that changes nothing: bodies too large, errors too
many to list, time zones that are not canonical IANA names (R15), names that show nothing."""

from __future__ import annotations

import json

import pytest

from fleetbill.domain.catalog import check_name, has_visible_character
from fleetbill.domain.errors import InvalidInput
from fleetbill.domain.periods import check_timezone
from fleetbill.entrypoints.api.problems import MAX_BODY
from fleetbill.services.points import points_view
from tests.integration.test_api import catalog, counts, ok, problem
from tests.integration.test_console import audit_rows, books, browser_client, console, post_form  # noqa: F401

ACCOUNT = {"name": "Acme", "country": "JP", "plan_id": "basic", "billing_email": "billing@example.com"}
# Only whitespace, zero-width and format characters, or letters that show nothing (a Hangul
# filler, the braille blank, a combining mark with nothing to sit on).
INVISIBLE = {
    "zero-width spaces": "\u200b\u200b\u200b",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "zero-width joiners": "\u200d\u200c",
    "soft hyphen": "\u00ad",
    "ideographic space and tabs": "\u3000\t \u3000",
    "hangul filler": "\u3164",
    "braille blank": "\u2800",
    "a lone combining accent": "\u0301",
    "mixed": " \u200b\u2060\u00a0\ufeff ",
}


@pytest.fixture
def basic(api):
    catalog(api)
    return api


# --- errors listed, body size ---------------------------------------------------------------------


def _base36(n: int) -> str:
    """Four characters: 100,000 unknown keys fit in under 1 MB, as the reviewer's did."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return "".join(digits[n // 36**p % 36] for p in (3, 2, 1, 0))


def test_a_body_with_100000_unknown_keys_gets_a_short_problem_that_lists_20_and_counts_the_rest(basic, db):
    unknown = {_base36(i): 0 for i in range(100_000)}
    body = json.dumps(ACCOUNT | unknown, separators=(",", ":")).encode()
    assert len(body) < MAX_BODY  # the reviewer's 1 MB body: under the size limit, refused for its keys
    before = counts(db)

    response = basic.post("/v1/accounts", content=body, headers={"content-type": "application/json"})

    refused = problem(response, 422)
    assert len(response.content) < 5_000
    assert [e["field"] for e in refused["errors"]] == [_base36(i) for i in range(20)]
    assert refused["errors_not_listed"] == 99_980
    assert "and 99,980 more errors" in refused["detail"]
    assert counts(db) == before


def test_a_field_name_a_megabyte_long_is_named_in_100_characters(basic):
    response = basic.post("/v1/accounts", json=ACCOUNT | {"x" * 900_000: 1})

    refused = problem(response, 422)
    assert len(response.content) < 2_000
    assert refused["errors"][0]["field"] == "x" * 99 + "…"


def test_a_detail_that_quotes_what_was_sent_is_cut_to_4000_characters(basic):
    response = basic.post("/v1/accounts", json=ACCOUNT | {"timezone": "Asia/" + "x" * 500_000})

    refused = problem(response, 422)
    assert len(response.content) < 5_000 and refused["detail"].endswith("…")
    assert refused["detail"].startswith("'Asia/xxx")


def test_a_body_over_1_mib_is_a_413_that_says_the_limit_and_changes_nothing(basic, db):
    before = counts(db)
    body = json.dumps(ACCOUNT | {"name": "A" * MAX_BODY}).encode()

    declared = basic.post("/v1/accounts", content=body, headers={"content-type": "application/json"})
    chunked = basic.post(
        "/v1/accounts",
        content=(body[i : i + 65_536] for i in range(0, len(body), 65_536)),  # no Content-Length
        headers={"content-type": "application/json"},
    )

    for response in (declared, chunked):
        refused = problem(response, 413)
        assert "1 MiB" in refused["detail"] and refused["title"] == "Content too large"
    assert "content-length" not in {k.lower() for k in chunked.request.headers}
    assert counts(db) == before


def test_a_body_just_under_the_limit_is_read_and_judged_on_its_content(basic):
    body = json.dumps(ACCOUNT | {"name": "A" * (MAX_BODY - 200)}).encode()
    assert len(body) <= MAX_BODY

    refused = problem(basic.post("/v1/accounts", content=body, headers={"content-type": "application/json"}), 422)

    assert "200" in refused["detail"]  # the name's own limit, not the body's


# --- R15: an account's billing month is read in a canonical IANA zone -------------------------------


@pytest.mark.parametrize(
    "zone",
    [
        "localtime",  # the server's own /etc/localtime
        "posixrules",  # the server's default rules for POSIX TZ strings
        "Factory",  # "-00", a placeholder for unconfigured machines
        "right/Asia/Tokyo",  # counts leap seconds: months 27 seconds off
        "posix/Asia/Tokyo",
        "Japan",  # aliases kept for old systems
        "US/Pacific",
        "EST5EDT",
        "GMT",
        "Etc/GMT-9",
        "Asia",
        "Asia/",
        "Asia/Tokyo/",
        "Asia/../Asia/Tokyo",
        "asia/tokyo",
    ],
)
def test_r15_an_account_zone_that_is_not_a_canonical_iana_name_is_refused_with_an_example(basic, db, zone):
    before = counts(db)

    refused = problem(basic.post("/v1/accounts", json=ACCOUNT | {"timezone": zone}), 422)

    assert "canonical IANA time zone" in refused["detail"] and "'Asia/Tokyo'" in refused["detail"]
    assert counts(db) == before


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Argentina/Buenos_Aires", "Pacific/Kiritimati", "UTC"])
def test_r15_an_account_opens_in_a_canonical_zone(basic, zone):
    opened = ok(basic.post("/v1/accounts", json=ACCOUNT | {"timezone": zone}), 201)

    assert opened["timezone"] == zone


def test_r15_the_zone_rule_is_the_core_s_own():
    assert check_timezone("Europe/Berlin") == "Europe/Berlin"
    for zone in ("localtime", "posixrules", "Factory", "Etc/UTC"):
        with pytest.raises(InvalidInput, match="canonical"):
            check_timezone(zone)


# --- names that show nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_an_account_name_with_no_visible_character_is_refused(basic, db, name):
    before = counts(db)

    refused = problem(basic.post("/v1/accounts", json=ACCOUNT | {"name": name}), 422)

    assert "visible character" in refused["detail"]
    assert counts(db) == before


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_r16_a_plan_name_or_a_points_reason_that_shows_nothing_is_refused(basic, db, name):
    """The same rule, one function (`domain.catalog.check_name`), for every name a person reads:
    the console's points and transfer forms call the same services as the API."""
    acme = ok(basic.post("/v1/accounts", json=ACCOUNT), 201)["id"]
    before = counts(db)

    prices = {"esp32": [{"up_to": None, "unit_price": 100}]}
    plan = basic.post("/v1/plans", json={"id": "p2", "name": name, "prices": prices})
    points = basic.post(f"/v1/accounts/{acme}/points", json={"amount": 100, "reason": name})

    assert "visible character" in problem(plan, 422)["detail"]
    assert "reason must say why" in problem(points, 422)["detail"]
    assert counts(db) == before


@pytest.mark.parametrize("reason", ["\u200b\u200b", "\u2060\ufeff", "\u3164"])
def test_r16_the_console_refuses_a_points_reason_that_shows_nothing(console, app, books, reason):
    page = f"/console/accounts/{books['sakura']}"
    before = len(audit_rows(app))

    refused = post_form(console, page, f"{page}/points", amount="100", reason=reason, expires_on="")

    assert refused.status_code == 422 and "reason must say why" in refused.text
    with app.db.read() as conn:
        assert points_view(conn, app.clock.now(), books["sakura"]).balance == 0
    assert len(audit_rows(app)) == before


def test_names_with_something_visible_are_kept_as_typed_without_surrounding_spaces():
    assert check_name("  東京 Fleet\u200b ", "name") == "東京 Fleet\u200b"
    assert check_name("-", "name") == "-"
    assert [has_visible_character(n) for n in ("A", "1", "é", "\u0301e", "😀")] == [True] * 5
